"""Benchmark: range search over a million PDQ hashes, ours (MIH) against FAISS.

The data is uniformly random 256-bit hashes (the worst case for an index: no
clusters) with planted near-duplicates: queries are copies of listed hashes with 0 to
40 bits flipped, and as many unrelated random hashes. Both sides answer every query
at radius 31 on one core: ours with ``hashes.index.MIHIndex``, the anchor with FAISS
``IndexBinaryFlat.range_search`` (its radius is exclusive, so it is given 32). Both
answers are checked against a brute-force scan for a sample of queries: recall must
be 100% and no result may be extra. Also reported: build time, index memory against
the raw hashes plus ids, and the time to open the saved index in a new process.

Run: ``python -m benchmarks.matching`` (1 million); ``--size 10000000`` for 10 million
(about 3 GB of memory with FAISS's copy).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from hashes.index import MIHIndex

T = TypeVar("T")
TARGET_RATIO = 10.0
RADIUS = 31


def make_data(size: int, queries: int, seed: int = 7) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    data = rng.integers(0, 256, (size, 32), dtype=np.uint8)
    planted = data[rng.choice(size, queries // 2, replace=False)].copy()
    for row in planted:
        for bit in rng.choice(256, int(rng.integers(0, 41)), replace=False):
            row[bit // 8] ^= np.uint8(1 << (bit % 8))
    unrelated = rng.integers(0, 256, (queries - len(planted), 32), dtype=np.uint8)
    return data, np.concatenate([planted, unrelated])


def best_of(runs: int, fn: Callable[[], T]) -> tuple[float, T]:
    """The fastest of ``runs`` calls, and the last result."""
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def brute_force(data: np.ndarray, queries: np.ndarray) -> set[tuple[int, int]]:
    words = data.view(np.uint64)
    found: set[tuple[int, int]] = set()
    for qi, q in enumerate(queries.view(np.uint64)):
        dist = np.bitwise_count(words ^ q).sum(axis=1)
        found.update((qi, int(i)) for i in np.flatnonzero(dist <= RADIUS))
    return found


def faiss_search(data: np.ndarray, queries: np.ndarray) -> tuple[float, set[tuple[int, int]]]:
    import faiss

    faiss.omp_set_num_threads(1)
    index = faiss.IndexBinaryFlat(256)
    index.add(data)
    answer: Any
    seconds, answer = best_of(2, lambda: index.range_search(queries, RADIUS + 1))
    lims, _dist, ids = answer
    pairs = {(qi, int(i)) for qi in range(len(queries)) for i in ids[lims[qi] : lims[qi + 1]]}
    return seconds, pairs


def startup_seconds(folder: Path, query: np.ndarray) -> float:
    """Wall time for a new Python process to open the saved index and answer a query."""
    code = (
        "import sys,time,numpy as np;t=time.perf_counter();"
        "from hashes.index import MIHIndex;"
        f"i=MIHIndex.load({str(folder)!r});"
        f"i.query(np.frombuffer(bytes.fromhex({query.tobytes().hex()!r}),np.uint8),{RADIUS});"
        "print(time.perf_counter()-t)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    return float(out.strip())


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.matching")
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=2_000)
    parser.add_argument("--faiss-queries", type=int, default=0, help="default: scaled to size")
    args = parser.parse_args(argv if argv is not None else [])
    os.environ.setdefault("OMP_NUM_THREADS", "1")

    data, queries = make_data(args.size, args.queries)
    build_s, index = best_of(1, lambda: MIHIndex.build(data))
    raw = data.nbytes
    ids = index.ids.nbytes
    ours_s, result = best_of(3, lambda: index.query(queries, RADIUS))
    ours_qps = len(queries) / ours_s

    faiss_n = args.faiss_queries or max(100, min(len(queries), 1_000_000_000 // args.size))
    faiss_s, faiss_pairs = faiss_search(data, queries[:faiss_n])
    faiss_qps = faiss_n / faiss_s

    check = queries[:200]
    truth = brute_force(data, check)
    ours_pairs = {
        (q, int(i))
        for q, i in zip(result.query.tolist(), result.ids.tolist(), strict=True)
        if q < len(check)
    }
    shared = min(len(check), faiss_n)
    faiss_check = {(q, i) for q, i in faiss_pairs if q < shared}
    faiss_agrees = faiss_check == {(q, i) for q, i in truth if q < shared}
    recall = len(ours_pairs & truth) / max(1, len(truth))

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "index"
        save_s, _ = best_of(1, lambda: index.save(folder))
        start_s = startup_seconds(folder, queries[0])

    print(
        f"PDQ range search, radius {RADIUS}, {args.size:,} random hashes, "
        f"{len(queries):,} queries (half planted near-duplicates), one core"
    )
    print(f"  build            {build_s:.2f} s")
    print(
        f"  memory           {index.nbytes / 1e6:.1f} MB = {index.nbytes / raw:.2f} x raw hashes "
        f"({raw / 1e6:.1f} MB); {(index.nbytes - ids) / raw:.2f} x raw + ids "
        f"({ids / 1e6:.1f} MB)"
    )
    print(f"  save / new-process open + first query   {save_s:.2f} s / {start_s:.2f} s")
    print(
        f"  matches found    {len(result.ids):,} "
        f"(brute-force check on {len(check)} queries: recall {recall:.1%}, "
        f"extra {len(ours_pairs - truth)}; FAISS agrees: {faiss_agrees})"
    )
    print(f"  ours (MIH)       {ours_qps:,.0f} queries/s")
    print(
        f"  anchor (FAISS IndexBinaryFlat range_search) {faiss_qps:,.0f} queries/s "
        f"({faiss_n} queries)"
    )
    ratio = ours_qps / faiss_qps
    verdict = "meets" if ratio >= TARGET_RATIO else "MISSES"
    print(f"  ratio            {ratio:.1f}x ({verdict} the {TARGET_RATIO:.0f}x goal)")


if __name__ == "__main__":
    main(sys.argv[1:])
