"""Match an image's hashes against loaded hash-list entries.

``Matcher.build(entries)`` indexes every entry: perceptual algorithms in a
multi-index-hashing range index (exact, 100% recall), exact algorithms (md5,
sha256) in a dictionary. ``match`` answers one image; PDQ hashes whose quality is
under the floor are not matched (flat and tiny images collide with each other), and
with ``dihedral=True`` the eight rotations and flips of the image are tried too.
A picture whose PDQ quality is under the floor has no perceptual match at all.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from hashes import algorithms
from hashes.algorithms.pdq import MIN_QUALITY
from hashes.api import ImageHashes
from hashes.errors import HashError
from hashes.index import MIHIndex, hex_to_array
from hashes.pdq import DIHEDRAL_NAMES

log = logging.getLogger(__name__)


class EntryLike(Protocol):
    """What the matcher needs of a list entry (``reports.hashlists.StoredEntry`` fits)."""

    @property
    def entry_id(self) -> int: ...
    @property
    def list_id(self) -> int: ...
    @property
    def list_name(self) -> str: ...
    @property
    def list_version(self) -> int: ...
    @property
    def algo(self) -> str: ...
    @property
    def hash(self) -> str: ...
    @property
    def category(self) -> str: ...
    @property
    def trusted(self) -> bool: ...


@dataclass(frozen=True)
class ListEntry:
    """A plain entry record, for callers that do not read lists from the store."""

    entry_id: int
    list_id: int
    list_name: str
    list_version: int
    algo: str
    hash: str
    category: str
    trusted: bool = False
    external_id: str | None = None


@dataclass(frozen=True)
class Match:
    """One list entry that an image matched, and how closely."""

    entry_id: int
    list_id: int
    list_name: str
    list_version: int
    category: str
    trusted: bool
    external_id: str | None
    algo: str
    hash: str  # the list's hash
    query_hash: str  # the image's hash (the dihedral variant that matched, if any)
    distance: int
    variant: str | None = None  # dihedral variant name when one matched better

    @property
    def exact(self) -> bool:
        return not algorithms.get(self.algo).perceptual


Thresholds = int | Mapping[str, int] | None


@dataclass
class _AlgoIndex:
    index: MIHIndex | None  # perceptual algorithms
    exact: dict[str, list[int]] | None  # exact algorithms: hash -> entry positions
    hashes: list[str]  # unique hash per index id
    entries: list[list[int]]  # entry positions per index id


class Matcher:
    """Every loaded entry, indexed per algorithm; built once per crawl or command."""

    def __init__(
        self,
        entries: list[EntryLike],
        indexes: dict[str, _AlgoIndex],
        min_pdq_quality: int,
    ) -> None:
        self.entries = entries
        self._indexes = indexes
        self.min_pdq_quality = min_pdq_quality

    @classmethod
    def build(cls, entries: Iterable[EntryLike], *, min_pdq_quality: int = MIN_QUALITY) -> Matcher:
        """Index ``entries`` (any objects with the EntryLike fields)."""
        kept = list(entries)
        by_name: dict[str, list[int]] = defaultdict(list)
        for position, entry in enumerate(kept):
            by_name[entry.algo].append(position)
        by_algo: dict[str, list[int]] = defaultdict(list)
        for raw_name, positions in by_name.items():
            by_algo[algorithms.get(raw_name).name].extend(positions)
        grouped: dict[str, dict[str, list[int]]] = defaultdict(dict)
        for name, positions in by_algo.items():
            values = algorithms.get(name).validate_many([kept[p].hash for p in positions])
            table = grouped[name]
            for position, value in zip(positions, values, strict=True):
                table.setdefault(value, []).append(position)
        indexes: dict[str, _AlgoIndex] = {}
        for name, by_hash in grouped.items():
            algo = algorithms.get(name)
            unique = list(by_hash)
            if algo.perceptual:
                index = MIHIndex.build(hex_to_array(unique, algo.bits))
                indexes[name] = _AlgoIndex(index, None, unique, [by_hash[h] for h in unique])
            else:
                indexes[name] = _AlgoIndex(None, by_hash, unique, [])
        log.info(
            "matcher built: %d entries, %s",
            len(kept),
            ", ".join(f"{n} {len(i.hashes)}" for n, i in sorted(indexes.items())),
        )
        return cls(kept, indexes, min_pdq_quality)

    def __len__(self) -> int:
        return len(self.entries)

    @property
    def algos(self) -> tuple[str, ...]:
        """The algorithms that at least one loaded entry uses."""
        return tuple(sorted(self._indexes))

    def threshold_for(self, algo: str, threshold: Thresholds = None) -> int:
        """The distance up to which ``algo`` matches: the argument, else the default."""
        if isinstance(threshold, int):
            value = threshold
        elif threshold is not None and algo in threshold:
            value = int(threshold[algo])
        else:
            value = algorithms.get(algo).default_threshold
        if value < 0:
            raise HashError(f"threshold for {algo} must be at least 0, not {value}")
        return value

    def match(
        self,
        image: ImageHashes,
        *,
        threshold: Thresholds = None,
        dihedral: bool = False,
        min_quality: int | None = None,
    ) -> list[Match]:
        """Every entry the image matches, closest first.

        ``threshold`` is one number for every perceptual algorithm or a mapping per
        algorithm (default: each algorithm's own); exact algorithms match on equality.
        When the image's PDQ quality is known and under ``min_quality`` (default: the
        matcher's floor, 50), no perceptual hash is matched, only exact ones; callers
        should hash with "pdq" whenever they match perceptual hashes, so it is known.
        """
        floor = self.min_pdq_quality if min_quality is None else min_quality
        found: list[Match] = []
        for name, value in image.hashes.items():
            slot = self._indexes.get(name)
            if slot is None:
                continue
            if slot.exact is not None:
                for position in slot.exact.get(value, []):
                    found.append(self._match(position, name, value, value, 0, None))
                continue
            if image.pdq_quality is not None and image.pdq_quality < floor:
                # A flat or tiny picture: its perceptual hashes (PDQ's and the 64-bit
                # ones alike) collide with every other such picture.
                log.debug("pdq quality %s under %s: %s not matched", image.pdq_quality, floor, name)
                continue
            queries = [value]
            if dihedral and name == "pdq" and image.pdq_dihedral:
                queries = list(image.pdq_dihedral)
            found.extend(self._search(slot, name, queries, self.threshold_for(name, threshold)))
        found.sort(key=lambda m: (m.distance, m.list_name, m.entry_id))
        return found

    def _search(self, slot: _AlgoIndex, name: str, queries: list[str], radius: int) -> list[Match]:
        assert slot.index is not None
        bits = algorithms.get(name).bits
        result = slot.index.query(hex_to_array(queries, bits), radius)
        best: dict[int, tuple[int, int]] = {}  # index id -> (distance, query number)
        for q, ident, dist in zip(
            result.query.tolist(), result.ids.tolist(), result.distance.tolist(), strict=True
        ):
            if ident not in best or dist < best[ident][0]:
                best[ident] = (dist, q)
        matches = []
        for ident, (dist, q) in best.items():
            variant = DIHEDRAL_NAMES[q] if len(queries) > 1 and q > 0 else None
            for position in slot.entries[ident]:
                matches.append(
                    self._match(position, name, slot.hashes[ident], queries[q], dist, variant)
                )
        return matches

    def _match(
        self,
        position: int,
        algo: str,
        list_hash: str,
        query_hash: str,
        distance: int,
        variant: str | None,
    ) -> Match:
        entry = self.entries[position]
        return Match(
            entry_id=entry.entry_id,
            list_id=entry.list_id,
            list_name=entry.list_name,
            list_version=entry.list_version,
            category=entry.category,
            trusted=entry.trusted,
            external_id=getattr(entry, "external_id", None),
            algo=algo,
            hash=list_hash,
            query_hash=query_hash,
            distance=int(distance),
            variant=variant,
        )


def random_hashes(count: int, bits: int, seed: int = 0) -> list[str]:
    """Uniformly random hex hashes, for tests and benchmarks."""
    rng = np.random.default_rng(seed)
    raw = rng.integers(0, 256, size=(count, bits // 8), dtype=np.uint8)
    return [row.tobytes().hex() for row in raw]
