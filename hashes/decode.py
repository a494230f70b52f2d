"""Decode image bytes in memory into a normalised picture ready for hashing.

Never reads a file the crawler wrote: the caller hands bytes. A declared size above
the pixel cap is refused before any pixel is decoded (decompression bombs); truncated
and corrupt files are refused, never padded. JPEGs are decoded at a reduced scale
("draft" mode, done inside libjpeg) down to the size hashing needs, straight to luma.
EXIF orientation is applied; transparency is composited onto white; palette, CMYK,
16-bit and grey-with-alpha modes are converted; animations give their first frame.
"""

from __future__ import annotations

import io
import logging
import warnings
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from PIL import Image, ImageOps, UnidentifiedImageError

from hashes.errors import DecodeError, ImageTooLarge

log = logging.getLogger(__name__)

DEFAULT_MAX_PIXELS = 64_000_000
# Draft decoding keeps both sides at least this long: PDQ stays within a few bits of a
# full decode (see docs/hashing.md), the 64-bit hashes need far less.
DRAFT_MIN_SIDE = 256
BACKGROUND = (255, 255, 255)
LUMA = np.array([0.299, 0.587, 0.114], dtype=np.float32)


@dataclass(frozen=True)
class DecodedImage:
    """A decoded picture: ``image`` is mode L or RGB, possibly reduced in scale."""

    image: Image.Image
    width: int  # of the original, after EXIF orientation
    height: int
    format: str
    first_frame_only: bool

    def luma(self) -> NDArray[np.float32]:
        """Luma 0..255 as float32 (ITU-R BT.601 weights, as PDQ's reference)."""
        pixels = np.asarray(self.image, dtype=np.float32)
        if pixels.ndim == 2:
            return pixels
        return np.ascontiguousarray(pixels @ LUMA)

    def grey(self) -> Image.Image:
        return self.image if self.image.mode == "L" else self.image.convert("L")


def decode(
    data: bytes, *, max_pixels: int = DEFAULT_MAX_PIXELS, draft: bool = True
) -> DecodedImage:
    """Decode ``data``; raise DecodeError (or ImageTooLarge) with a clear reason."""
    if not data:
        raise DecodeError("empty input (0 bytes) is not an image")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            opened = Image.open(io.BytesIO(data))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageTooLarge(
            f"image declares too many pixels (over {max_pixels:,}): refused as a "
            "possible decompression bomb"
        ) from None
    except UnidentifiedImageError:
        raise DecodeError("not an image in a format we can read") from None
    except (OSError, ValueError, SyntaxError) as exc:
        raise DecodeError(f"corrupt image header ({exc})") from None
    width, height = opened.size
    if width * height > max_pixels:
        raise ImageTooLarge(
            f"image is {width} x {height} = {width * height:,} pixels, over the cap of "
            f"{max_pixels:,}: refused as a possible decompression bomb"
        )
    if width == 0 or height == 0:
        raise DecodeError("image has no pixels")
    fmt = opened.format or "unknown"
    frames = int(getattr(opened, "n_frames", 1) or 1)
    quarter_turn = _exif_orientation(opened) in (5, 6, 7, 8)
    try:
        if draft and fmt == "JPEG":
            _draft(opened)
        opened.load()
        image = _orient(opened)
        image = _normalise_mode(image)
    except Image.DecompressionBombError:
        raise ImageTooLarge("image expands beyond the pixel cap while decoding") from None
    except (OSError, ValueError, SyntaxError, EOFError) as exc:
        raise DecodeError(f"truncated or corrupt {fmt} image ({_reason(exc)})") from None
    if quarter_turn:
        width, height = height, width
    return DecodedImage(image, width, height, fmt, frames > 1)


def _draft(image: Image.Image) -> None:
    width, height = image.size
    scale = min(width, height) // DRAFT_MIN_SIDE
    if scale < 2:
        return
    target = (max(1, width // scale), max(1, height // scale))
    mode = "L" if image.mode in ("L", "RGB") else image.mode
    image.draft(mode, target)


def _orient(image: Image.Image) -> Image.Image:
    try:
        oriented = ImageOps.exif_transpose(image)
    except (ValueError, KeyError, TypeError, SyntaxError) as exc:  # broken EXIF: keep pixels
        log.debug("ignoring unreadable EXIF orientation: %s", exc)
        return image
    return oriented if oriented is not None else image


def _exif_orientation(image: Image.Image) -> int:
    try:
        return int(image.getexif().get(0x0112, 1))
    except (ValueError, KeyError, TypeError, SyntaxError, OSError):
        return 1


def _normalise_mode(image: Image.Image) -> Image.Image:
    mode = image.mode
    if mode in ("L", "RGB"):
        return image
    if mode in ("I;16", "I;16L", "I;16B", "I;16N", "I"):
        pixels = np.asarray(image).astype(np.float32)
        peak = 65535.0 if mode.startswith("I;16") or pixels.max(initial=0) > 255 else 255.0
        return Image.fromarray(np.clip(pixels * (255.0 / peak) + 0.5, 0, 255).astype(np.uint8))
    if mode == "F":
        return Image.fromarray(np.clip(np.asarray(image), 0, 255).astype(np.uint8))
    if mode == "1":
        return image.convert("L")
    if mode == "P":
        palette = image.palette
        has_alpha = "transparency" in image.info or (palette is not None and palette.mode == "RGBA")
        image = image.convert("RGBA" if has_alpha else "RGB")
        mode = image.mode
    if mode in ("RGBA", "LA", "PA", "RGBa", "La"):
        rgba = image.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (*BACKGROUND, 255))
        return Image.alpha_composite(background, rgba).convert("RGB")
    return image.convert("RGB")  # CMYK, YCbCr, LAB, HSV, ...


def _reason(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.rstrip(".") if text else type(exc).__name__
