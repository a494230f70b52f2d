"""Procedurally drawn test scenes: reproducible pictures that belong to nobody.

Tests and the benchmarks need many distinct, natural-looking images without copying
any from elsewhere: each scene is a seeded mix of a smooth gradient sky, a horizon,
random shapes and some texture, at any size.
"""

from __future__ import annotations

import io

import numpy as np
from PIL import Image, ImageDraw


def scene(seed: int, size: tuple[int, int] = (640, 480)) -> Image.Image:
    """An RGB picture that differs clearly from every other seed's."""
    rng = np.random.default_rng(seed)
    width, height = size
    y = np.linspace(0.0, 1.0, height)[:, None, None]
    x = np.linspace(0.0, 1.0, width)[None, :, None]
    top, bottom = rng.integers(0, 256, 3), rng.integers(0, 256, 3)
    angle = rng.uniform(0, np.pi)
    t = np.clip(np.cos(angle) * y + np.sin(angle) * x, 0, 1)
    pixels = top * (1 - t) + bottom * t
    waves = rng.uniform(2, 9, 2)
    pixels += 25 * np.sin(2 * np.pi * (waves[0] * x + waves[1] * y + rng.uniform()))
    image = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), "RGB")
    draw = ImageDraw.Draw(image)
    for _ in range(int(rng.integers(6, 14))):
        x0, x1 = sorted(rng.integers(0, width, 2))
        y0, y1 = sorted(rng.integers(0, height, 2))
        colour = tuple(int(c) for c in rng.integers(0, 256, 3))
        shape = rng.integers(0, 3)
        if shape == 0:
            draw.ellipse((x0, y0, x1 + 8, y1 + 8), fill=colour)
        elif shape == 1:
            draw.rectangle((x0, y0, x1 + 8, y1 + 8), fill=colour)
        else:
            points = [
                (int(a), int(b))
                for a, b in zip(rng.integers(0, width, 3), rng.integers(0, height, 3), strict=True)
            ]
            draw.polygon(points, fill=colour)
    return image


def encode(image: Image.Image, fmt: str = "JPEG", **options: object) -> bytes:
    """The image's bytes in ``fmt`` (JPEG quality 90 unless told)."""
    if fmt == "JPEG":
        options.setdefault("quality", 90)
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()
