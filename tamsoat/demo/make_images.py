"""Draw the demo site's images and write the sample hash list that matches three of them.

The demo needs images on the sample site and a hash list that "knows" some of them, without
shipping any real picture. Every image here is a procedural drawing (gradients, shapes and
the caption "Ảnh minh họa"), made deterministic with fixed seeds. Three of them merely STAND
IN for "known harmful" images: they are harmless drawings, listed in sample_hashlist.csv
under a stand-in category so that `tamsoat demo` can show a perceptual-hash match.

The list holds the PDQ hash of a *transformed* copy of each stand-in (90 % size, slightly
brighter, re-encoded as JPEG quality 70), as a real hash list would hold the hash of a copy
seen elsewhere; the crawler must still match the originals on the site within the PDQ
distance threshold. Two md5 rows of images that are not on the site give the list some
exact-hash entries too.

Run from the repository root:  python -m tamsoat.demo.make_images  (or the file directly).
It rewrites site/news/anh/*.jpg, site/forum/anh/*.jpg and sample_hashlist.csv.
"""

from __future__ import annotations

import csv
import hashlib
import io
import math
import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pdqhash
from PIL import Image, ImageDraw, ImageEnhance, ImageFont

HERE = Path(__file__).resolve().parent
SITE = HERE / "site"
HASHLIST = HERE / "sample_hashlist.csv"
SIZE = (640, 480)
QUALITY = 85
CAPTION = "Ảnh minh họa"
FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans-Bold.ttf",
    "/Library/Fonts/Arial Unicode.ttf",
)

Painter = Callable[[ImageDraw.ImageDraw, random.Random], None]


@dataclass(frozen=True)
class Picture:
    """One image of the site: where it goes, how it is drawn, and whether the list knows it."""

    relpath: str  # under site/
    seed: int
    paint: Painter
    entry: str | None = None  # hash-list id when it stands in for a known image
    category: str | None = None


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    for path in FONT_CANDIDATES:
        if Path(path).exists():
            return ImageFont.truetype(path, size)
    return ImageFont.load_default(size=size)


def _caption_text(font: ImageFont.FreeTypeFont | ImageFont.ImageFont) -> str:
    """Pillow's bundled font has no Vietnamese marks; fall back to the plain spelling."""
    if isinstance(font, ImageFont.FreeTypeFont) and "DejaVu" in (font.getname()[0] or ""):
        return CAPTION
    return "Anh minh hoa"


def _vertical_gradient(
    draw: ImageDraw.ImageDraw,
    top: tuple[int, int, int],
    bottom: tuple[int, int, int],
    y0: int = 0,
    y1: int = SIZE[1],
) -> None:
    for y in range(y0, y1):
        t = (y - y0) / max(1, y1 - y0 - 1)
        colour = tuple(round(a + (b - a) * t) for a, b in zip(top, bottom, strict=True))
        draw.line([(0, y), (SIZE[0], y)], fill=colour)


def paint_sunset(draw: ImageDraw.ImageDraw, rng: random.Random) -> None:
    _vertical_gradient(draw, (255, 170, 60), (120, 40, 110), 0, 300)
    draw.ellipse([250, 170, 390, 310], fill=(255, 230, 120))
    _vertical_gradient(draw, (40, 80, 140), (10, 25, 60), 300, 480)
    for _ in range(40):
        x, y = rng.randint(0, 600), rng.randint(310, 470)
        draw.line([(x, y), (x + rng.randint(15, 60), y)], fill=(255, 200, 120), width=2)


def paint_skyline(draw: ImageDraw.ImageDraw, rng: random.Random) -> None:
    _vertical_gradient(draw, (30, 60, 130), (150, 200, 240))
    x = 0
    while x < SIZE[0]:
        w, h = rng.randint(40, 90), rng.randint(120, 360)
        grey = rng.randint(30, 80)
        draw.rectangle([x, SIZE[1] - h, x + w, SIZE[1]], fill=(grey, grey, grey + 20))
        for wy in range(SIZE[1] - h + 12, SIZE[1] - 10, 22):
            for wx in range(x + 8, x + w - 10, 16):
                if rng.random() < 0.55:
                    draw.rectangle([wx, wy, wx + 7, wy + 10], fill=(250, 220, 130))
        x += w + rng.randint(2, 10)


def paint_hills(draw: ImageDraw.ImageDraw, rng: random.Random) -> None:
    _vertical_gradient(draw, (170, 220, 255), (235, 245, 255), 0, 260)
    for layer, colour in enumerate([(90, 150, 80), (60, 120, 60), (40, 95, 45)]):
        base = 230 + layer * 70
        pts = [(0, SIZE[1])]
        for x in range(0, SIZE[0] + 40, 40):
            pts.append((x, base - round(60 * math.sin(x / 90 + layer * 2)) - rng.randint(0, 20)))
        pts.append((SIZE[0], SIZE[1]))
        draw.polygon(pts, fill=colour)


def paint_pitch(draw: ImageDraw.ImageDraw, rng: random.Random) -> None:
    for i in range(8):
        shade = (40, 140, 60) if i % 2 else (50, 160, 70)
        draw.rectangle([i * 80, 0, i * 80 + 80, SIZE[1]], fill=shade)
    white = (245, 245, 245)
    draw.rectangle([30, 30, 610, 450], outline=white, width=4)
    draw.line([(320, 30), (320, 450)], fill=white, width=4)
    draw.ellipse([260, 180, 380, 300], outline=white, width=4)
    draw.rectangle([30, 150, 120, 330], outline=white, width=4)
    draw.rectangle([520, 150, 610, 330], outline=white, width=4)
    bx, by = rng.randint(380, 480), rng.randint(120, 360)
    draw.ellipse([bx, by, bx + 22, by + 22], fill=white, outline=(20, 20, 20), width=2)


def paint_rings(draw: ImageDraw.ImageDraw, rng: random.Random) -> None:
    draw.rectangle([0, 0, *SIZE], fill=(20, 20, 30))
    cx, cy = 200 + rng.randint(-20, 20), 240
    for r in range(300, 0, -25):
        colour = (200, 40, 50) if (r // 25) % 2 else (240, 200, 60)
        draw.ellipse([cx - r, cy - r, cx + r, cy + r], fill=colour)


def paint_stripes(draw: ImageDraw.ImageDraw, rng: random.Random) -> None:
    draw.rectangle([0, 0, *SIZE], fill=(250, 240, 250))
    for k in range(-12, 24):
        x = k * 40 + rng.randint(-4, 4)
        colour = (170, 40, 140) if k % 2 else (60, 40, 160)
        draw.polygon(
            [(x, 0), (x + 20, 0), (x + 20 + 300, SIZE[1]), (x + 300, SIZE[1])], fill=colour
        )


def paint_chart(draw: ImageDraw.ImageDraw, rng: random.Random) -> None:
    draw.rectangle([0, 0, *SIZE], fill=(255, 250, 235))
    for y in range(60, 440, 40):
        draw.line([(50, y), (600, y)], fill=(220, 215, 200), width=1)
    palette = [(120, 180, 220), (240, 160, 120), (150, 200, 140), (220, 180, 230)]
    for i in range(9):
        h = rng.randint(60, 360)
        draw.rectangle([70 + i * 58, 440 - h, 70 + i * 58 + 40, 440], fill=palette[i % 4])
    draw.line([(50, 440), (600, 440)], fill=(60, 60, 60), width=3)


def paint_mosaic(draw: ImageDraw.ImageDraw, rng: random.Random) -> None:
    step = 80
    for gy in range(0, SIZE[1], step):
        for gx in range(0, SIZE[0], step):
            a = (rng.randint(0, 255), rng.randint(0, 120), rng.randint(60, 255))
            b = (rng.randint(0, 120), rng.randint(100, 255), rng.randint(0, 160))
            draw.polygon([(gx, gy), (gx + step, gy), (gx, gy + step)], fill=a)
            draw.polygon([(gx + step, gy), (gx + step, gy + step), (gx, gy + step)], fill=b)


PICTURES: tuple[Picture, ...] = (
    Picture("news/anh/minh-hoa-01.jpg", 101, paint_sunset),
    Picture("news/anh/minh-hoa-02.jpg", 102, paint_skyline),
    Picture("news/anh/minh-hoa-03.jpg", 103, paint_hills),
    Picture("news/anh/minh-hoa-04.jpg", 104, paint_pitch),
    # Stand-ins for "known harmful" images: harmless drawings, listed in the sample hash list.
    Picture("news/anh/minh-hoa-05.jpg", 105, paint_rings, "demo-1", "violence"),
    Picture("news/anh/minh-hoa-06.jpg", 106, paint_stripes, "demo-2", "sexual"),
    Picture("forum/anh/dinh-kem-01.jpg", 107, paint_chart),
    Picture("forum/anh/dinh-kem-02.jpg", 108, paint_mosaic, "demo-3", "sexual"),
)

# Exact-hash entries for images that are NOT on the site (drawn in memory, never written).
OFFSITE: tuple[tuple[str, int, Painter, str], ...] = (
    ("demo-4", 201, paint_mosaic, "violence"),
    ("demo-5", 202, paint_skyline, "sexual"),
)


def draw(picture_seed: int, paint: Painter) -> Image.Image:
    """One 640 x 480 scene with its caption, the same pixels on every run."""
    rng = random.Random(picture_seed)
    img = Image.new("RGB", SIZE, (255, 255, 255))
    canvas = ImageDraw.Draw(img)
    paint(canvas, rng)
    font = _font(26)
    text = _caption_text(font)
    left, top, right, bottom = canvas.textbbox((0, 0), text, font=font)
    x, y = SIZE[0] - (right - left) - 28, SIZE[1] - (bottom - top) - 30
    canvas.rectangle(
        [x - 10, y - 8, x + (right - left) + 10, y + (bottom - top) + 14], fill=(0, 0, 0)
    )
    canvas.text((x - left, y - top), text, font=font, fill=(255, 255, 255))
    return img


def jpeg_bytes(img: Image.Image, quality: int) -> bytes:
    out = io.BytesIO()
    img.save(out, format="JPEG", quality=quality, optimize=False, progressive=False)
    return out.getvalue()


def transformed(img: Image.Image) -> Image.Image:
    """The copy a hash list would know: 90 % size, a little brighter, JPEG quality 70."""
    small = img.resize((round(img.width * 0.9), round(img.height * 0.9)), Image.Resampling.LANCZOS)
    brighter = ImageEnhance.Brightness(small).enhance(1.08)
    return Image.open(io.BytesIO(jpeg_bytes(brighter, 70))).convert("RGB")


def pdq_hex(img: Image.Image) -> str:
    """PDQ as lower-case hex in ThreatExchange order: bit 0 is the top bit of the first digit."""
    bits, _quality = pdqhash.compute(np.asarray(img.convert("RGB")))
    return "".join(
        f"{int(''.join(str(int(b)) for b in bits[i : i + 4]), 2):x}" for i in range(0, 256, 4)
    )


def main() -> None:
    rows: list[tuple[str, str, str, str, str]] = []
    for pic in PICTURES:
        img = draw(pic.seed, pic.paint)
        data = jpeg_bytes(img, QUALITY)
        target = SITE / pic.relpath
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        if pic.entry and pic.category:
            decoded = Image.open(io.BytesIO(data))
            rows.append(
                ("pdq", pdq_hex(transformed(decoded)), pic.category, "tamsoat-demo", pic.entry)
            )
    for entry, seed, paint, category in OFFSITE:
        digest = hashlib.md5(jpeg_bytes(draw(seed, paint), QUALITY)).hexdigest()
        rows.append(("md5", digest, category, "tamsoat-demo", entry))
    with HASHLIST.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(("algo", "hash", "category", "source", "id"))
        writer.writerows(rows)
    print(f"wrote {len(PICTURES)} images under {SITE} and {len(rows)} rows to {HASHLIST}")


if __name__ == "__main__":
    main()
