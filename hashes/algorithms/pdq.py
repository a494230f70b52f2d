"""PDQ: 256 bits plus a 0..100 quality; also gives the eight dihedral variants."""

from __future__ import annotations

from typing import ClassVar

from hashes.algorithms.base import HashAlgorithm, HashValue
from hashes.decode import DecodedImage
from hashes.errors import DecodeError
from hashes.pdq import dihedral_hashes, pdq_from_luma

# Below this quality a PDQ hash says little about the picture (flat or tiny images):
# recorded, not matched by default, as ThreatExchange and the NCMEC tooling do.
MIN_QUALITY = 50


class Pdq(HashAlgorithm):
    name: ClassVar[str] = "pdq"
    bits: ClassVar[int] = 256
    default_threshold: ClassVar[int] = 31

    def compute(self, data: bytes, image: DecodedImage | None) -> HashValue:
        if image is None:
            raise DecodeError("pdq needs a decoded image")
        result = pdq_from_luma(image.luma())
        return HashValue(result.hex, result.quality, tuple(dihedral_hashes(result)))
