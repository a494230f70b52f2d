"""Benchmark: how well each perceptual hash survives everyday edits.

Originals: scikit-image's bundled sample photographs (public domain / CC0, shipped in
the package) and procedurally drawn scenes (``hashes.samples``); nothing copied from
elsewhere. Each original is edited (JPEG quality 90/70/50, resize 0.5x and 2x, crop
5% and 10%, pad 10%, rotate 2 and 5 degrees, horizontal flip and 90-degree rotation
with and without PDQ's dihedral matching, gamma, blur, noise, a text overlay,
greyscale) and hashed with every perceptual algorithm.

For each algorithm: the distance threshold that keeps precision at 99.9% when every
other original is a distractor (pooled over the edits, dihedral rows aside), recall
per edit at that threshold and at the algorithm's default threshold, and a PNG of the
distance histograms (same picture against other pictures). The anchor is Meta's
pdqhash on a full decode, with the same threshold: our PDQ's recall at its default
threshold is printed beside the anchor's, and the ratio.

Run: ``python -m benchmarks.robustness [--out docs/hashing-robustness.png]``.
"""

from __future__ import annotations

import argparse
import io
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pdqhash
from PIL import Image, ImageDraw, ImageFilter, ImageFont, ImageOps

from hashes import hash_bytes
from hashes.algorithms import get
from hashes.samples import encode, scene

ALGOS = ("pdq", "phash", "dhash", "ahash", "whash")
PRECISION = 0.999
SKIMAGE_SAMPLES = (
    "astronaut", "camera", "coffee", "chelsea", "rocket", "coins", "moon", "page", "text",
    "horse", "hubble_deep_field", "immunohistochemistry", "logo", "retina", "grass",
    "gravel", "brick", "cell", "colorwheel", "clock", "binary_blobs", "checkerboard",
)  # fmt: skip
DEFAULT_OUT = Path(__file__).resolve().parents[1] / "docs" / "hashing-robustness.png"

Edit = Callable[[Image.Image], Image.Image]


def originals(scenes: int = 40) -> list[Image.Image]:
    pictures = [scene(1000 + seed, (640, 480)) for seed in range(scenes)]
    try:
        from skimage import data
    except ImportError:  # a dev extra; the scenes alone still make a benchmark
        return pictures
    for name in SKIMAGE_SAMPLES:
        try:
            pixels = getattr(data, name)()
        except Exception:  # a sample this version of scikit-image does not ship
            continue
        if pixels.dtype == bool:
            pixels = pixels.astype(np.uint8) * 255
        pictures.append(Image.fromarray(pixels).convert("RGB"))
    return pictures


def _jpeg(quality: int) -> Edit:
    return lambda im: Image.open(io.BytesIO(encode(im, quality=quality)))


def _resize(factor: float) -> Edit:
    return lambda im: im.resize((int(im.width * factor), int(im.height * factor)))


def _crop(share: float) -> Edit:
    def edit(im: Image.Image) -> Image.Image:
        dx, dy = int(im.width * share / 2), int(im.height * share / 2)
        return im.crop((dx, dy, im.width - dx, im.height - dy))

    return edit


def _pad(share: float) -> Edit:
    def edit(im: Image.Image) -> Image.Image:
        border = (int(im.width * share / 2), int(im.height * share / 2))
        return ImageOps.expand(im, border=border, fill=(255, 255, 255))

    return edit


def _rotate(degrees: float) -> Edit:
    return lambda im: im.rotate(degrees, resample=Image.Resampling.BILINEAR, fillcolor="black")


def _gamma(im: Image.Image) -> Image.Image:
    table = [round(255 * (i / 255) ** 0.6) for i in range(256)] * 3
    return im.point(table)


def _noise(im: Image.Image) -> Image.Image:
    rng = np.random.default_rng(im.width * 31 + im.height)
    pixels = np.asarray(im, dtype=np.float32) + rng.normal(0, 12, (im.height, im.width, 3))
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))


def _text(im: Image.Image) -> Image.Image:
    out = im.copy()
    draw = ImageDraw.Draw(out)
    font = ImageFont.load_default(size=max(12, im.height // 12))
    draw.text((im.width // 20, im.height * 3 // 4), "tamsoat 2026 • sample", fill="yellow",
              font=font, stroke_width=2, stroke_fill="black")  # fmt: skip
    return out


EDITS: dict[str, Edit] = {
    "jpeg q90": _jpeg(90),
    "jpeg q70": _jpeg(70),
    "jpeg q50": _jpeg(50),
    "resize 0.5x": _resize(0.5),
    "resize 2x": _resize(2.0),
    "crop 5%": _crop(0.05),
    "crop 10%": _crop(0.10),
    "pad 10%": _pad(0.10),
    "rotate 2°": _rotate(2),
    "rotate 5°": _rotate(5),
    "gamma 0.6": _gamma,
    "blur r=2": lambda im: im.filter(ImageFilter.GaussianBlur(2)),
    "noise σ=12": _noise,
    "text overlay": _text,
    "greyscale": lambda im: ImageOps.grayscale(im).convert("RGB"),
    "horizontal flip": lambda im: im.transpose(Image.Transpose.FLIP_LEFT_RIGHT),
    "rotate 90°": lambda im: im.transpose(Image.Transpose.ROTATE_90),
}
DIHEDRAL_EDITS = ("horizontal flip", "rotate 90°")


@dataclass
class Hashes:
    values: dict[str, np.ndarray]  # algo -> (n, bytes) uint8
    dihedral: np.ndarray  # (n, 8, 32) PDQ variants


def hash_all(images: list[bytes]) -> Hashes:
    values: dict[str, list[bytes]] = {a: [] for a in ALGOS}
    variants = []
    for data in images:
        result = hash_bytes(data, ALGOS)
        for algo in ALGOS:
            values[algo].append(bytes.fromhex(result.hashes[algo]))
        variants.append([bytes.fromhex(v) for v in result.pdq_dihedral])
    arrays = {a: np.frombuffer(b"".join(v), np.uint8).reshape(len(v), -1) for a, v in
              values.items()}  # fmt: skip
    dihedral = np.frombuffer(b"".join(b"".join(v) for v in variants), np.uint8)
    return Hashes(arrays, dihedral.reshape(len(images), 8, 32))


def anchor_pdq(images: list[bytes]) -> np.ndarray:
    rows = []
    for data in images:
        pixels = np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))
        bits, _ = pdqhash.compute(pixels)
        rows.append(np.packbits(bits.astype(np.uint8)))
    return np.stack(rows)


def distances(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """All pairwise Hamming distances between rows of a and rows of b."""
    return np.unpackbits(a[:, None, :] ^ b[None, :, :], axis=2).sum(axis=2)


def operating_threshold(same: np.ndarray, other: np.ndarray, bits: int) -> int:
    """The largest threshold whose precision is still at least PRECISION."""
    best = -1
    for t in range(bits + 1):
        tp = int((same <= t).sum())
        fp = int((other <= t).sum())
        if tp and tp / (tp + fp) >= PRECISION:
            best = t
        elif fp:
            break
    return best


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.robustness")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="histogram PNG")
    parser.add_argument("--scenes", type=int, default=40)
    args = parser.parse_args(argv if argv is not None else [])

    pictures = originals(args.scenes)
    base_bytes = [encode(p, quality=95) for p in pictures]
    edited_bytes = {
        name: [encode(edit(p).convert("RGB"), quality=95) for p in pictures]
        for name, edit in EDITS.items()
    }
    base = hash_all(base_bytes)
    edited = {name: hash_all(files) for name, files in edited_bytes.items()}
    n = len(pictures)
    off_diagonal = ~np.eye(n, dtype=bool)

    same: dict[str, dict[str, np.ndarray]] = {a: {} for a in ALGOS}
    other: dict[str, dict[str, np.ndarray]] = {a: {} for a in ALGOS}
    for algo in ALGOS:
        for name, hashed in edited.items():
            d = distances(hashed.values[algo], base.values[algo])
            same[algo][name], other[algo][name] = np.diag(d), d[off_diagonal]
    for name in DIHEDRAL_EDITS:  # PDQ with dihedral: the closest of the 8 variants
        d = np.min(
            [distances(edited[name].dihedral[:, k], base.values["pdq"]) for k in range(8)],
            axis=0,
        )
        same["pdq"][name + " (dihedral)"] = np.diag(d)
        other["pdq"][name + " (dihedral)"] = d[off_diagonal]

    thresholds = {}
    for algo in ALGOS:
        pooled_same = np.concatenate([same[algo][e] for e in EDITS if e not in DIHEDRAL_EDITS])
        pooled_other = np.concatenate([other[algo][e] for e in EDITS])
        thresholds[algo] = operating_threshold(pooled_same, pooled_other, get(algo).bits)

    rows = [*EDITS, *(e + " (dihedral)" for e in DIHEDRAL_EDITS)]
    print(f"Robustness: {n} originals ({n - args.scenes} scikit-image samples, "
          f"{args.scenes} drawn scenes), {len(EDITS)} edits, {n * (n - 1)} distractor "
          "pairs per edit")  # fmt: skip
    print("Recall at the threshold that keeps precision at 99.9% / at the default threshold")
    header = "| edit | " + " | ".join(ALGOS) + " |"
    print(header)
    print("|" + "---|" * (len(ALGOS) + 1))
    print("| threshold (99.9% / default) | " + " | ".join(
        f"{thresholds[a]} / {get(a).default_threshold}" for a in ALGOS) + " |")  # fmt: skip
    for row in rows:
        cells = []
        for algo in ALGOS:
            if row not in same[algo]:
                cells.append("n/a")
                continue
            s = same[algo][row]
            at_p = (s <= thresholds[algo]).mean()
            at_default = (s <= get(algo).default_threshold).mean()
            cells.append(f"{at_p:.0%} / {at_default:.0%}")
        print(f"| {row} | " + " | ".join(cells) + " |")

    # The anchor: Meta's pdqhash on full decodes of the same files, same default threshold.
    anchor_base = anchor_pdq(base_bytes)
    plain = [e for e in EDITS if e not in DIHEDRAL_EDITS]
    default = get("pdq").default_threshold
    anchor_recall = np.mean([
        (np.diag(distances(anchor_pdq(edited_bytes[e]), anchor_base)) <= default).mean()
        for e in plain
    ])  # fmt: skip
    ours_recall = np.mean([(same["pdq"][e] <= default).mean() for e in plain])
    print(f"PDQ mean recall at {default} over the {len(plain)} non-dihedral edits: "
          f"ours {ours_recall:.1%}, anchor (pdqhash, full decode) {anchor_recall:.1%}, "
          f"ratio {ours_recall / anchor_recall:.3f}")  # fmt: skip

    plot(same, other, thresholds, args.out)
    print(f"Histograms: {args.out}")


def plot(
    same: dict[str, dict[str, np.ndarray]],
    other: dict[str, dict[str, np.ndarray]],
    thresholds: dict[str, int],
    out: Path,
) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, len(ALGOS), figsize=(4 * len(ALGOS), 3.4))
    for ax, algo in zip(axes, ALGOS, strict=True):
        bits = get(algo).bits
        plain = [e for e in EDITS if e not in DIHEDRAL_EDITS]
        s = np.concatenate([same[algo][e] for e in plain])
        o = np.concatenate([other[algo][e] for e in EDITS])
        bins = np.arange(0, bits * 3 // 4 + 1, max(1, bits // 64))
        ax.hist(o, bins=bins, density=True, alpha=0.6, label="other pictures", color="tab:red")
        ax.hist(s, bins=bins, density=True, alpha=0.6, label="same picture, edited",
                color="tab:blue")  # fmt: skip
        ax.axvline(get(algo).default_threshold, color="black", ls="--", label="default")
        ax.axvline(thresholds[algo], color="tab:green", ls=":", label="99.9% precision")
        ax.set_title(f"{algo} ({bits} bits)")
        ax.set_xlabel("Hamming distance")
    axes[0].set_ylabel("share of pairs")
    axes[0].legend(fontsize=7)
    fig.tight_layout()
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=110)
    plt.close(fig)


if __name__ == "__main__":
    main(sys.argv[1:])
