"""The one registry of hash algorithms: add a class here and every command knows it."""

from __future__ import annotations

from hashes.algorithms.base import HashAlgorithm, HashValue
from hashes.algorithms.exact import Md5, Sha256
from hashes.algorithms.imagehash_family import AHash, DHash, PHash, WHash
from hashes.algorithms.pdq import MIN_QUALITY, Pdq
from hashes.errors import UnknownAlgorithm

ALGORITHMS: dict[str, HashAlgorithm] = {
    algo.name: algo for algo in (Pdq(), PHash(), DHash(), AHash(), WHash(), Md5(), Sha256())
}
ALGO_NAMES: tuple[str, ...] = tuple(ALGORITHMS)


def get(name: str) -> HashAlgorithm:
    """The algorithm called ``name`` (case-insensitive), or UnknownAlgorithm."""
    algo = ALGORITHMS.get(name.strip().lower())
    if algo is None:
        raise UnknownAlgorithm(f"unknown hash algorithm {name!r}; known: {', '.join(ALGO_NAMES)}")
    return algo


__all__ = ["ALGORITHMS", "ALGO_NAMES", "MIN_QUALITY", "HashAlgorithm", "HashValue", "get"]
