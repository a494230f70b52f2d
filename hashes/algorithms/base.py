"""What every hash algorithm is: a name, a width in bits, hashing, distance, validation."""

from __future__ import annotations

import re
import string
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import ClassVar

from hashes.decode import DecodedImage
from hashes.errors import InvalidHash

HEX_DIGITS = frozenset(string.hexdigits.lower())
_HEX = re.compile(r"[0-9a-f]*")


@dataclass(frozen=True)
class HashValue:
    """One computed hash: lower-case hex, and for PDQ its quality and dihedral variants."""

    hex: str
    quality: int | None = None
    variants: tuple[str, ...] = ()


class HashAlgorithm(ABC):
    """One algorithm. Perceptual ones hash decoded pixels; exact ones the original bytes."""

    name: ClassVar[str]
    bits: ClassVar[int]
    perceptual: ClassVar[bool] = True
    default_threshold: ClassVar[int] = 0

    @property
    def hex_length(self) -> int:
        return self.bits // 4

    @abstractmethod
    def compute(self, data: bytes, image: DecodedImage | None) -> HashValue:
        """Hash one image; ``image`` is None only for exact algorithms."""

    def distance(self, a: str, b: str) -> int:
        """Hamming distance between two valid hex hashes of this algorithm."""
        return (int(self.validate(a), 16) ^ int(self.validate(b), 16)).bit_count()

    def validate_many(self, texts: list[str]) -> list[str]:
        """``validate`` for many hashes at once (fast when all are good)."""
        values = [t.strip().lower() for t in texts]
        joined = "".join(values)
        if all(len(v) == self.hex_length for v in values) and joined.isalnum():
            try:
                bytes.fromhex(joined)
                return values
            except ValueError:
                pass
        return [self.validate(v) for v in values]

    def validate(self, text: str) -> str:
        """Return ``text`` as canonical lower-case hex, or raise InvalidHash saying why."""
        value = text.strip().lower()
        if len(value) == self.hex_length and _HEX.fullmatch(value):
            return value  # the common case, checked in C: lists hold millions of hashes
        if len(value) != self.hex_length:
            raise InvalidHash(
                f"{self.name} hash must be {self.hex_length} hex digits ({self.bits} bits), "
                f"got {len(value)}"
            )
        bad = next((c for c in value if c not in HEX_DIGITS), None)
        if bad is not None:
            raise InvalidHash(f"{self.name} hash has a character that is not hex: {bad!r}")
        return value
