"""Decoding and bad input: every refusal is a HashError with a clear reason."""

from __future__ import annotations

import struct
import zlib

import numpy as np
import pytest
from PIL import Image

from hashes import hash_bytes
from hashes.decode import decode
from hashes.errors import DecodeError, HashError, ImageTooLarge
from hashes.samples import encode, scene


def png_header_only(width: int, height: int) -> bytes:
    """A PNG whose header declares width x height, with one tiny data chunk."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def test_zero_bytes() -> None:
    with pytest.raises(DecodeError, match="empty input"):
        hash_bytes(b"")


def test_not_an_image() -> None:
    with pytest.raises(DecodeError, match="not an image"):
        hash_bytes(b"<html><body>hello</body></html>")


def test_truncated_jpeg_is_refused_not_padded() -> None:
    data = encode(scene(1, (800, 600)))
    with pytest.raises(DecodeError, match="truncated or corrupt JPEG"):
        hash_bytes(data[: len(data) // 2], ["pdq"])


def test_a_50000_by_50000_png_is_refused_before_decoding() -> None:
    with pytest.raises(ImageTooLarge, match="decompression bomb"):
        hash_bytes(png_header_only(50_000, 50_000))


def test_the_pixel_cap_is_configurable() -> None:
    data = encode(scene(1, (400, 300)))
    with pytest.raises(ImageTooLarge, match="400 x 300 = 120,000 pixels"):
        hash_bytes(data, ["pdq"], max_pixels=100_000)
    assert hash_bytes(data, ["pdq"], max_pixels=120_000).width == 400


def test_errors_are_hash_errors_ending_with_a_full_stop() -> None:
    with pytest.raises(HashError) as caught:
        hash_bytes(b"\x00" * 10)
    assert str(caught.value).endswith(".")


def test_cmyk_jpeg() -> None:
    picture = scene(2)
    cmyk = hash_bytes(encode(picture.convert("CMYK")), ["pdq"])
    rgb = hash_bytes(encode(picture), ["pdq"])
    distance = (int(cmyk.hashes["pdq"], 16) ^ int(rgb.hashes["pdq"], 16)).bit_count()
    assert distance <= 31


def test_sixteen_bit_png_is_scaled_not_clipped() -> None:
    grey = np.asarray(scene(3).convert("L"), dtype=np.uint16) * 257
    sixteen = Image.fromarray(grey)
    assert sixteen.mode.startswith("I;16")
    decoded = decode(encode(sixteen, "PNG"))
    assert decoded.image.mode == "L"
    assert 60 < float(np.asarray(decoded.image).mean()) < 200  # clipping gives ~255
    eight = hash_bytes(encode(scene(3).convert("L"), "PNG"), ["pdq"]).hashes["pdq"]
    deep = hash_bytes(encode(sixteen, "PNG"), ["pdq"]).hashes["pdq"]
    assert (int(eight, 16) ^ int(deep, 16)).bit_count() <= 4


def test_alpha_is_composited_on_white() -> None:
    rgba = Image.new("RGBA", (64, 64), (0, 0, 0, 0))
    decoded = decode(encode(rgba, "PNG"))
    assert decoded.image.mode == "RGB"
    assert np.asarray(decoded.image).min() == 255


@pytest.mark.parametrize("mode", ["LA", "P", "1", "L", "RGBA"])
def test_other_modes_are_converted(mode: str) -> None:
    result = hash_bytes(encode(scene(4).convert(mode), "PNG"), ["pdq", "phash"])
    assert len(result.hashes["pdq"]) == 64 and len(result.hashes["phash"]) == 16


def test_animated_gif_hashes_its_first_frame_and_says_so() -> None:
    frames = [scene(5, (200, 150)), scene(6, (200, 150))]
    import io

    buffer = io.BytesIO()
    frames[0].save(buffer, "GIF", save_all=True, append_images=frames[1:], duration=100)
    animated = hash_bytes(buffer.getvalue(), ["pdq"])
    still = hash_bytes(encode(frames[0], "GIF"), ["pdq"])
    assert animated.first_frame_only is True
    assert still.first_frame_only is False
    assert animated.hashes["pdq"] == still.hashes["pdq"]


def test_animated_webp_first_frame() -> None:
    import io

    buffer = io.BytesIO()
    frames = [scene(7, (120, 90)), scene(8, (120, 90))]
    frames[0].save(buffer, "WEBP", save_all=True, append_images=frames[1:], duration=100)
    assert hash_bytes(buffer.getvalue(), ["pdq"]).first_frame_only is True


def test_exif_orientation_is_applied() -> None:
    picture = scene(9, (400, 300))
    exif = Image.Exif()
    exif[0x0112] = 6  # the camera was turned: show rotated 90 degrees clockwise
    tagged = encode(picture, exif=exif.tobytes())
    upright = encode(picture.transpose(Image.Transpose.ROTATE_270))
    a = hash_bytes(tagged, ["pdq"])
    b = hash_bytes(upright, ["pdq"])
    assert (a.width, a.height) == (300, 400)
    assert (int(a.hashes["pdq"], 16) ^ int(b.hashes["pdq"], 16)).bit_count() <= 10


def test_solid_colour_is_flagged_low_quality() -> None:
    result = hash_bytes(encode(Image.new("RGB", (640, 480), (200, 30, 30))), ["pdq"])
    assert result.pdq_quality is not None and result.pdq_quality < 50


def test_jpeg_is_draft_decoded_to_what_hashing_needs() -> None:
    decoded = decode(encode(scene(1, (2048, 1536))))
    assert decoded.image.size == (512, 384)
    assert decoded.image.mode == "L"
    assert (decoded.width, decoded.height) == (2048, 1536)
