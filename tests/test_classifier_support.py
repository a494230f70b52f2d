"""Builders shared by the classifier tests (this module holds no tests).

Models are built once per test process (``lru_cache``) into a temporary folder: a small
model from part of the shipped corpus, in a few seconds.
"""

from __future__ import annotations

import atexit
import hashlib
import shutil
import tempfile
from functools import lru_cache
from pathlib import Path

from classifier.corpus import Record, default_corpus_files, read_corpus, write_jsonl
from classifier.taxonomy import LABEL_IDS

PER_LABEL = 70
SAFE = 300


def _temp_dir(prefix: str) -> Path:
    path = Path(tempfile.mkdtemp(prefix=prefix))
    atexit.register(shutil.rmtree, path, ignore_errors=True)
    return path


@lru_cache(maxsize=1)
def small_records() -> tuple[Record, ...]:
    """A deterministic slice of the shipped corpus with every label and safe texts.

    Taken in id-hash order, so the slice spreads over every file and writing round.
    """
    chosen: dict[str, Record] = {}
    records = sorted(
        read_corpus(default_corpus_files()),
        key=lambda r: hashlib.sha256(r.id.encode()).digest(),
    )
    for label in LABEL_IDS:
        for r in [r for r in records if label in r.labels][:PER_LABEL]:
            chosen[r.id] = r
    for r in [r for r in records if not r.labels][:SAFE]:
        chosen[r.id] = r
    return tuple(sorted(chosen.values(), key=lambda r: r.id))


@lru_cache(maxsize=1)
def small_corpus_file() -> Path:
    path = _temp_dir("tamsoat-corpus-") / "small.jsonl"
    write_jsonl(small_records(), path)
    return path


@lru_cache(maxsize=1)
def small_model_dir() -> Path:
    from classifier.persist import save
    from classifier.training import train

    model = train(list(small_records()), name="tamsoat-test")
    return save(model, _temp_dir("tamsoat-model-") / "small")
