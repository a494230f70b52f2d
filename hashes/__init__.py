"""Image hashing and hash-list matching: decoding, algorithms, list formats, the index.

A library: imports nothing else of ours. The crawler calls ``hash_bytes`` on the bytes
it downloaded and ``hashes.matcher.Matcher`` against the loaded hash lists.
"""

from hashes.algorithms import ALGO_NAMES, ALGORITHMS, HashAlgorithm
from hashes.api import DEFAULT_ALGOS, ImageHashes, hash_bytes
from hashes.errors import HashError

__all__ = [
    "ALGORITHMS",
    "ALGO_NAMES",
    "DEFAULT_ALGOS",
    "HashAlgorithm",
    "HashError",
    "ImageHashes",
    "hash_bytes",
]
