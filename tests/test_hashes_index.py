"""The multi-index-hashing range index: exact answers, whatever the path taken."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from hashes.errors import HashError, IndexFormatError
from hashes.index import MIHIndex, PackedInts, hex_to_array


def near(rng: np.random.Generator, rows: np.ndarray, flips: int) -> np.ndarray:
    """Copies of ``rows`` with exactly ``flips`` random bits flipped in each."""
    out = rows.copy()
    bits = rows.shape[1] * 8
    for row in out:
        for bit in rng.choice(bits, flips, replace=False):
            row[bit // 8] ^= np.uint8(1 << (bit % 8))
    return out


def brute(data: np.ndarray, queries: np.ndarray, radius: int) -> set[tuple[int, int, int]]:
    found = set()
    for qi, q in enumerate(queries):
        dist = np.unpackbits(data ^ q, axis=1).sum(axis=1)
        for i in np.flatnonzero(dist <= radius):
            found.add((qi, int(i), int(dist[i])))
    return found


def as_set(result) -> set[tuple[int, int, int]]:
    return set(
        zip(result.query.tolist(), result.ids.tolist(), result.distance.tolist(), strict=True)
    )


@pytest.mark.parametrize(
    ("bits", "radius", "n"),
    [
        (256, 31, 3000),
        (256, 30, 3000),
        (256, 0, 500),
        (256, 47, 2000),
        (64, 10, 4000),
        (64, 3, 4000),
        (128, 20, 2000),
    ],
)
def test_mih_answers_exactly_what_brute_force_does(bits: int, radius: int, n: int) -> None:
    rng = np.random.default_rng(bits + radius)
    data = rng.integers(0, 256, (n, bits // 8), dtype=np.uint8)
    planted = [near(rng, data[:40], f) for f in (0, radius // 2, radius, radius + 1)]
    queries = np.concatenate([*planted, rng.integers(0, 256, (10, bits // 8), dtype=np.uint8)])
    index = MIHIndex.build(data)
    expected = brute(data, queries, radius)
    assert as_set(index.query(queries, radius, strategy="mih")) == expected
    assert as_set(index.query(queries, radius, strategy="scan")) == expected
    assert as_set(index.query(queries, radius)) == expected
    # every planted copy within the radius (0, r/2 and r bits away) is found
    assert {(q, i) for q, i, _ in expected} >= {(q, q % 40) for q in range(120)}


def test_ids_are_returned_and_duplicates_kept_apart() -> None:
    rng = np.random.default_rng(1)
    data = rng.integers(0, 256, (100, 32), dtype=np.uint8)
    data[50] = data[10]
    index = MIHIndex.build(data, ids=np.arange(100) * 7 + 1000)
    result = index.query(data[10:11], 0, strategy="mih")
    assert sorted(result.ids.tolist()) == [1070, 1350]


def test_results_are_ordered_by_query_then_distance() -> None:
    rng = np.random.default_rng(2)
    data = rng.integers(0, 256, (500, 8), dtype=np.uint8)
    queries = np.concatenate([near(rng, data[:3], 4), data[:3]])
    result = MIHIndex.build(data).query(queries, 12, strategy="mih")
    keys = list(zip(result.query.tolist(), result.distance.tolist(), strict=True))
    assert keys == sorted(keys)


def test_added_entries_are_found_before_and_after_compacting() -> None:
    rng = np.random.default_rng(3)
    data = rng.integers(0, 256, (1000, 32), dtype=np.uint8)
    extra = rng.integers(0, 256, (20, 32), dtype=np.uint8)
    index = MIHIndex.build(data)
    index.add(extra, np.arange(1000, 1020))
    assert len(index) == 1020
    queries = near(rng, extra[:5], 9)
    before = as_set(index.query(queries, 31))
    after = as_set(index.compact().query(queries, 31, strategy="mih"))
    assert before == after
    assert {i for _, i, _ in before} >= set(range(1000, 1005))


def test_saved_index_loads_memory_mapped_and_answers_the_same(tmp_path: Path) -> None:
    rng = np.random.default_rng(4)
    data = rng.integers(0, 256, (3000, 32), dtype=np.uint8)
    index = MIHIndex.build(data, ids=np.arange(3000) + 5)
    index.save(tmp_path / "idx")
    loaded = MIHIndex.load(tmp_path / "idx")
    assert isinstance(loaded.head, np.memmap)
    queries = near(rng, data[:30], 20)
    assert as_set(loaded.query(queries, 31, strategy="mih")) == as_set(
        index.query(queries, 31, strategy="mih")
    )


def test_a_broken_saved_index_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "idx").mkdir()
    with pytest.raises(IndexFormatError, match="not a readable saved index"):
        MIHIndex.load(tmp_path / "idx")


def test_memory_is_about_twice_the_raw_hashes_plus_ids() -> None:
    rng = np.random.default_rng(5)
    n = 200_000
    index = MIHIndex.build(rng.integers(0, 256, (n, 32), dtype=np.uint8))
    raw, ids = n * 32, n * 8
    offsets = 16 * 65537 * 4  # fixed cost, small beside a real list
    assert index.nbytes - offsets <= 2.25 * raw + ids


@pytest.mark.parametrize("width", [1, 7, 20, 31, 33])
def test_packed_ints_round_trip(width: int) -> None:
    rng = np.random.default_rng(width)
    values = rng.integers(0, 1 << width, 999, dtype=np.int64)
    packed = PackedInts.pack(values, width)
    order = rng.permutation(999)
    assert np.array_equal(packed.get(order), values[order])


def test_bad_input_is_refused() -> None:
    with pytest.raises(HashError):
        MIHIndex.build(np.zeros((3, 5), dtype=np.uint8))
    with pytest.raises(HashError):
        MIHIndex.build(np.zeros((3, 8), dtype=np.uint8)).query(np.zeros((1, 8), np.uint8), -1)


def test_empty_index_finds_nothing() -> None:
    index = MIHIndex.build(np.zeros((0, 32), dtype=np.uint8))
    assert len(index.query(hex_to_array(["0" * 64], 256), 31).ids) == 0
