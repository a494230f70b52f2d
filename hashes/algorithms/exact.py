"""Exact hashes over the original bytes: any change to the file changes them."""

from __future__ import annotations

import hashlib
from typing import ClassVar

from hashes.algorithms.base import HashAlgorithm, HashValue
from hashes.decode import DecodedImage


class Md5(HashAlgorithm):
    name: ClassVar[str] = "md5"
    bits: ClassVar[int] = 128
    perceptual: ClassVar[bool] = False

    def compute(self, data: bytes, image: DecodedImage | None) -> HashValue:
        return HashValue(hashlib.md5(data, usedforsecurity=False).hexdigest())


class Sha256(HashAlgorithm):
    name: ClassVar[str] = "sha256"
    bits: ClassVar[int] = 256
    perceptual: ClassVar[bool] = False

    def compute(self, data: bytes, image: DecodedImage | None) -> HashValue:
        return HashValue(hashlib.sha256(data).hexdigest())
