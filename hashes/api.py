"""``hash_bytes``: every requested hash of one image, from bytes held in memory."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from hashes import algorithms
from hashes.decode import DEFAULT_MAX_PIXELS, decode

DEFAULT_ALGOS: tuple[str, ...] = ("pdq", "phash", "md5", "sha256")


@dataclass(frozen=True)
class ImageHashes:
    """The hashes of one image. ``hashes`` maps algorithm name to lower-case hex.

    ``width``/``height`` are the original size (None when only exact hashes were asked
    for, which needs no decoding); ``pdq_dihedral`` holds the eight PDQ variants
    (original first) when PDQ was computed.
    """

    hashes: dict[str, str]
    pdq_quality: int | None = None
    width: int | None = None
    height: int | None = None
    first_frame_only: bool = False
    pdq_dihedral: tuple[str, ...] = field(default=())


def hash_bytes(
    data: bytes,
    algos: Sequence[str] = DEFAULT_ALGOS,
    *,
    max_pixels: int = DEFAULT_MAX_PIXELS,
) -> ImageHashes:
    """Hash ``data`` with each algorithm in ``algos``.

    Raises ``hashes.errors.DecodeError`` (a HashError) for bytes that are not a
    readable image or exceed ``max_pixels``, and UnknownAlgorithm for a bad name.
    """
    chosen = [algorithms.get(name) for name in dict.fromkeys(algos)]
    image = decode(data, max_pixels=max_pixels) if any(a.perceptual for a in chosen) else None
    values = {algo.name: algo.compute(data, image) for algo in chosen}
    pdq = values.get("pdq")
    return ImageHashes(
        hashes={name: value.hex for name, value in values.items()},
        pdq_quality=pdq.quality if pdq else None,
        width=image.width if image else None,
        height=image.height if image else None,
        first_frame_only=image.first_frame_only if image else False,
        pdq_dihedral=pdq.variants if pdq else (),
    )
