"""The 64-bit pHash family, computed by the imagehash library on the decoded luma."""

from __future__ import annotations

from typing import ClassVar

import imagehash

from hashes.algorithms.base import HashAlgorithm, HashValue
from hashes.decode import DecodedImage
from hashes.errors import DecodeError

# whash picks its working size from the image size by default, which makes the same
# picture hash differently at two resolutions; a fixed size keeps it scale-stable.
WHASH_SCALE = 64


# Default thresholds: the usual value, lowered where benchmarks/robustness.py measured
# a precision under 99.9% against unrelated pictures (docs/hashing.md has the table).


class _ImageHash64(HashAlgorithm):
    bits: ClassVar[int] = 64

    def compute(self, data: bytes, image: DecodedImage | None) -> HashValue:
        if image is None:
            raise DecodeError(f"{self.name} needs a decoded image")
        return HashValue(str(self._hash(image)))

    def _hash(self, image: DecodedImage) -> imagehash.ImageHash:
        raise NotImplementedError


class PHash(_ImageHash64):
    """DCT of a 32 x 32 thumbnail, low frequencies against their median."""

    name: ClassVar[str] = "phash"
    default_threshold: ClassVar[int] = 10

    def _hash(self, image: DecodedImage) -> imagehash.ImageHash:
        return imagehash.phash(image.grey())


class DHash(_ImageHash64):
    """Signs of horizontal gradients on a 9 x 8 thumbnail."""

    name: ClassVar[str] = "dhash"
    default_threshold: ClassVar[int] = 9

    def _hash(self, image: DecodedImage) -> imagehash.ImageHash:
        return imagehash.dhash(image.grey())


class AHash(_ImageHash64):
    """An 8 x 8 thumbnail against its mean: fast, the least robust of the family."""

    name: ClassVar[str] = "ahash"
    default_threshold: ClassVar[int] = 4

    def _hash(self, image: DecodedImage) -> imagehash.ImageHash:
        return imagehash.average_hash(image.grey())


class WHash(_ImageHash64):
    """Haar wavelet low band of a fixed 64 x 64 thumbnail against its median."""

    name: ClassVar[str] = "whash"
    default_threshold: ClassVar[int] = 3

    def _hash(self, image: DecodedImage) -> imagehash.ImageHash:
        return imagehash.whash(image.grey(), image_scale=WHASH_SCALE)
