"""Benchmark: decode + PDQ on 1024 x 768 JPEGs, ours against Pillow + pdqhash.

Ours is ``hashes.hash_bytes(data, ["pdq"])``: JPEG draft decoding straight to luma at
the scale PDQ needs, and PDQ's reference downsample as two small matrix products. The
anchor is what a straightforward implementation does: Pillow's full decode to RGB and
``pdqhash.compute`` (Meta's C++ PDQ). Same files, same run, one core each. Conformance
is printed beside the speed: the distance of our hashes to the anchor's on the
benchmark images, and to Meta's reference hashes in ../shared when it is there.

Run: ``python -m benchmarks.hashing``.
"""

from __future__ import annotations

import csv
import io
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pdqhash
from PIL import Image

from hashes import hash_bytes
from hashes.samples import encode, scene

TARGET_RATIO = 5.0
SIZE = (1024, 768)
SHARED = Path(os.environ.get("TAMSOAT_SHARED", Path(__file__).resolve().parents[2] / "shared"))


def images(count: int = 40) -> list[bytes]:
    """Procedural scenes plus scikit-image's bundled photographs, as JPEG q 85."""
    pictures = [scene(seed, SIZE) for seed in range(count)]
    try:
        from skimage import data

        for name in ("astronaut", "coffee", "chelsea", "rocket", "camera"):
            pixels = getattr(data, name)()
            pictures.append(Image.fromarray(pixels).convert("RGB").resize(SIZE))
    except Exception:  # scikit-image is a dev extra; the scenes are enough without it
        pass
    return [encode(p, quality=85) for p in pictures]


def anchor(data: bytes) -> str:
    pixels = np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))
    bits, _quality = pdqhash.compute(pixels)
    return np.packbits(bits.astype(np.uint8)).tobytes().hex()


def ours(data: bytes) -> str:
    return hash_bytes(data, ["pdq"]).hashes["pdq"]


def rate(fn: Callable[[bytes], str], files: list[bytes], rounds: int = 3) -> float:
    """Images per second, best of ``rounds`` passes over ``files``."""
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        for data in files:
            fn(data)
        best = min(best, time.perf_counter() - start)
    return len(files) / best


def hamming(a: str, b: str) -> int:
    return (int(a, 16) ^ int(b, 16)).bit_count()


def reference_conformance() -> str:
    folder = SHARED / "conformance" / "pdq"
    if not (folder / "expected.csv").exists():
        return "reference images not found (../shared absent)"
    with (folder / "expected.csv").open(encoding="utf-8") as stream:
        rows = list(csv.DictReader(stream))
    distances = [
        hamming(ours((folder / "images" / r["file"]).read_bytes()), r["pdq_hex"]) for r in rows
    ]
    return (
        f"{len(rows)} reference images: mean {np.mean(distances):.2f}, "
        f"max {max(distances)} bits (must be <= 16)"
    )


def main(argv: list[str] | None = None) -> None:
    files = images()
    ours(files[0]), anchor(files[0])  # warm caches and imports
    ours_rate = rate(ours, files)
    anchor_rate = rate(anchor, files)
    distances = [hamming(ours(f), anchor(f)) for f in files]
    ratio = ours_rate / anchor_rate
    print(f"decode + PDQ, {len(files)} JPEGs of {SIZE[0]} x {SIZE[1]}, one core")
    print(f"  ours (draft decode to luma, matrix PDQ)  {ours_rate:,.0f} images/s")
    print(f"  anchor (Pillow full decode + pdqhash)    {anchor_rate:,.0f} images/s")
    verdict = "meets" if ratio >= TARGET_RATIO else "MISSES"
    print(f"  ratio   {ratio:.1f}x ({verdict} the {TARGET_RATIO:.0f}x goal)")
    print(
        f"  ours vs anchor on these files: mean {np.mean(distances):.2f}, max {max(distances)} bits"
    )
    print(f"  conformance: {reference_conformance()}")


if __name__ == "__main__":
    main(sys.argv[1:])
