"""Small local sites for whole-crawl tests: files written into a folder and served on
127.0.0.1 by tamsoat.demo.server, with hooks for misbehaving answers."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image, ImageDraw


def page(title: str, body: str, links: list[str] | None = None, head: str = "") -> str:
    anchors = "".join(f'<a href="{href}">{href}</a> ' for href in links or [])
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title>{head}</head>"
        f"<body><h1>{title}</h1>{body}<nav>{anchors}</nav></body></html>"
    )


def comments(*items: tuple[str, str]) -> str:
    """A comment section in the markup the crawler recognises: (id, text) pairs."""
    rows = "".join(
        f'<div class="comment" id="{cid}" data-author="user-{cid}">'
        f'<p class="comment-text">{text}</p></div>'
        for cid, text in items
    )
    return f'<section class="comments">{rows}</section>'


def jpeg(seed: int, size: tuple[int, int] = (320, 240)) -> bytes:
    """A small procedurally drawn JPEG (never a real photo)."""
    img = Image.new("RGB", size, (seed * 37 % 255, seed * 91 % 255, seed * 53 % 255))
    draw = ImageDraw.Draw(img)
    for i in range(12):
        x = (seed * 13 + i * 29) % size[0]
        y = (seed * 7 + i * 41) % size[1]
        draw.ellipse(
            (x, y, x + 40 + i * 3, y + 30 + i * 2),
            fill=((i * 60) % 255, (seed * 20 + i * 15) % 255, (255 - i * 20) % 255),
        )
    out = io.BytesIO()
    img.save(out, "JPEG", quality=90)
    return out.getvalue()


def write(root: Path, files: dict[str, str | bytes]) -> Path:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


SPAM = (
    "Nhà cái uy tín số 1, nạp 100k tặng ngay 500k, cá độ bóng đá tỷ lệ kèo cao nhất, "
    "rút tiền siêu tốc trong 3 phút, vào link ngay anh em ơi!"
)


def article_site(root: Path, count: int) -> None:
    """``count`` articles, each with one ordinary and one planted gambling comment."""
    links = [f"/bai-{i}.html" for i in range(count)]
    files: dict[str, str | bytes] = {"index.html": page("Tin tức", "<p>Mục lục</p>", links)}
    for i, link in enumerate(links):
        files[link.lstrip("/")] = page(
            f"Bài {i}",
            f'<div class="article-body"><p>Bản tin số {i}: giá xăng giảm nhẹ từ chiều nay, '
            "người dân đổ xăng đông hơn mọi ngày.</p></div>"
            + comments((f"c-{i}-1", f"Cảm ơn báo đã đưa tin số {i}"), (f"c-{i}-2", SPAM)),
        )
    write(root, files)
