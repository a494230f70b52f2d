"""The shipped seed corpus: size, balance, register, variety, schema, stable split."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest
import scipy.sparse as sp

from classifier.corpus import (
    HARD_NEGATIVE_SOURCE,
    Record,
    by_split,
    default_corpus_files,
    read_corpus,
    split_of,
)
from classifier.normalise import nfc
from classifier.taxonomy import LABEL_IDS


@pytest.fixture(scope="module")
def corpus() -> list[Record]:
    # read_corpus validates every line (schema, labels, style, register, unique ids)
    return read_corpus(default_corpus_files())


def test_corpus_is_large_enough(corpus: list[Record]) -> None:
    assert len(corpus) >= 3000


def test_every_harmful_label_has_enough_examples(corpus: list[Record]) -> None:
    counts = Counter(label for r in corpus for label in r.labels)
    for label in LABEL_IDS:
        assert counts[label] >= 200, f"{label}: {counts[label]}"


def test_safe_texts_and_hard_negatives(corpus: list[Record]) -> None:
    safe = [r for r in corpus if not r.labels]
    assert len(safe) >= 1200
    hard = [r for r in corpus if r.source == HARD_NEGATIVE_SOURCE]
    assert len(hard) >= 400
    assert all(not r.labels for r in hard), "a hard negative must be safe"


def test_non_standard_register_is_a_quarter_or_more(corpus: list[Record]) -> None:
    informal = sum(1 for r in corpus if r.register in ("no_diacritics", "teencode"))
    assert informal / len(corpus) >= 0.25


def test_styles_and_multi_label_cases_occur(corpus: list[Record]) -> None:
    styles = Counter(r.style for r in corpus)
    assert set(styles) == {"news", "comment", "ad", "forum", "chat", "title"}
    assert any(len(r.labels) > 1 for r in corpus)


def test_texts_are_nfc_and_not_blank(corpus: list[Record]) -> None:
    for r in corpus:
        assert r.text.strip() and nfc(r.text) == r.text, r.id


def _grams(text: str) -> set[str]:
    t = " ".join(nfc(text).lower().split())
    return {t[i : i + 5] for i in range(max(1, len(t) - 4))}


def test_no_near_duplicates(corpus: list[Record]) -> None:
    """No two texts share more than 80% of their character 5-grams (Jaccard)."""
    vocab: dict[str, int] = {}
    rows, cols = [], []
    for i, r in enumerate(corpus):
        for g in _grams(r.text):
            rows.append(i)
            cols.append(vocab.setdefault(g, len(vocab)))
    m = sp.csr_matrix(
        (np.ones(len(rows), np.float32), (rows, cols)), shape=(len(corpus), len(vocab))
    )
    sizes = np.asarray(m.sum(axis=1)).ravel()
    shared = (m @ m.T).tocoo()
    upper = shared.row < shared.col
    i, j, inter = shared.row[upper], shared.col[upper], shared.data[upper]
    jaccard = inter / (sizes[i] + sizes[j] - inter)
    worst = np.argsort(-jaccard)[:5]
    pairs = [
        (corpus[i[k]].id, corpus[j[k]].id, round(float(jaccard[k]), 2))
        for k in worst
        if jaccard[k] > 0.8
    ]
    assert not pairs, f"near-duplicates: {pairs}"


def test_split_is_stable_and_balanced(corpus: list[Record]) -> None:
    parts = by_split(corpus)
    assert all(r.split == name for name, records in parts.items() for r in records)
    assert [split_of(r.id) for r in corpus] == [r.split for r in corpus]
    shares = {name: len(records) / len(corpus) for name, records in parts.items()}
    assert 0.65 < shares["train"] < 0.75 and 0.11 < shares["dev"] < 0.19
    for name in ("dev", "test"):
        counts = Counter(label for r in parts[name] for label in r.labels)
        assert all(counts[label] >= 15 for label in LABEL_IDS), (name, counts)
