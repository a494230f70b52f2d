"""The shipped seed corpus: size, balance, register, variety, schema, stable split."""

from __future__ import annotations

import json
from collections import Counter

import numpy as np
import pytest
import scipy.sparse as sp

from classifier.corpus import (
    CORPUS_DIR,
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


def near_duplicates(texts: list[str], threshold: float) -> list[tuple[int, int, float]]:
    """Pairs (i, j, Jaccard) of texts whose character 5-gram sets overlap above ``threshold``.

    Prefix filtering: with the grams of every text ordered rarest first, two sets whose
    Jaccard reaches t share a gram among the first n - ceil(t * n) + 1 of either (n its
    size). Only those prefixes are multiplied to find candidates, so the common grams that
    every text shares cost nothing; candidates are then measured exactly.
    """
    sets = [_grams(t) for t in texts]
    vocab: dict[str, int] = {}
    for grams in sets:
        for g in grams:
            vocab.setdefault(g, len(vocab))
    df = np.zeros(len(vocab), np.int64)
    rows, cols, prows, pcols = [], [], [], []
    ids = [np.fromiter((vocab[g] for g in grams), np.int64, len(grams)) for grams in sets]
    for col in ids:
        df[col] += 1
    for i, col in enumerate(ids):
        n = len(col)
        keep = n - int(np.ceil(threshold * n - 1e-9)) + 1
        rarest = col[np.lexsort((col, df[col]))][:keep]
        rows.extend([i] * n)
        cols.extend(col.tolist())
        prows.extend([i] * len(rarest))
        pcols.extend(rarest.tolist())

    def matrix(r: list[int], c: list[int]) -> sp.csr_matrix:
        return sp.csr_matrix((np.ones(len(r), np.float32), (r, c)), shape=(len(texts), len(vocab)))

    full, prefix = matrix(rows, cols), matrix(prows, pcols)
    candidates = (prefix @ prefix.T).tocoo()
    upper = candidates.row < candidates.col
    i, j = candidates.row[upper], candidates.col[upper]
    inter = np.asarray(full[i].multiply(full[j]).sum(axis=1)).ravel()
    sizes = np.asarray(full.sum(axis=1)).ravel()
    jaccard = inter / (sizes[i] + sizes[j] - inter)
    hits = jaccard > threshold
    return list(zip(i[hits].tolist(), j[hits].tolist(), jaccard[hits].tolist(), strict=True))


def test_near_duplicate_search_finds_what_brute_force_finds() -> None:
    texts = [
        "Nạp 500k nhận ngay 1tr tại nhà cái uy tín, zalo 0912345678",
        "Nạp 500k nhận ngay 1tr tại nhà cái uy tín, zalo 0912345679",
        "Nạp 500k nhận ngay 1tr tại nhà cái uy tín nhất, zalo 0912345678",  # 0.79: not one
        "Chiều nay cả nhà mình đi công viên, trời mát quá",
        "chiều nay cả nhà mình đi công viên, trời mát quá!!",
        "Em năm nay học lớp mấy rồi?",
        "Hà Nội lắp thêm 120 ghế đá quanh các hồ nội thành",
    ]
    brute = {
        (a, b)
        for a in range(len(texts))
        for b in range(a + 1, len(texts))
        if len(_grams(texts[a]) & _grams(texts[b])) / len(_grams(texts[a]) | _grams(texts[b])) > 0.8
    }
    assert brute == {(0, 1), (3, 4)}
    assert {(a, b) for a, b, _ in near_duplicates(texts, 0.8)} == brute


def test_no_near_duplicates(corpus: list[Record]) -> None:
    """No two texts share more than 80% of their character 5-grams (Jaccard)."""
    pairs = near_duplicates([r.text for r in corpus], 0.8)
    worst = sorted(pairs, key=lambda p: -p[2])[:5]
    assert not worst, (
        f"near-duplicates: {[(corpus[a].id, corpus[b].id, round(j, 2)) for a, b, j in worst]}"
    )


def test_split_is_stable_and_balanced(corpus: list[Record]) -> None:
    parts = by_split(corpus)
    assert all(r.split == name for name, records in parts.items() for r in records)
    assert [split_of(r.id) for r in corpus] == [r.split for r in corpus]
    shares = {name: len(records) / len(corpus) for name, records in parts.items()}
    assert 0.65 < shares["train"] < 0.75 and 0.11 < shares["dev"] < 0.19
    for name in ("dev", "test"):
        counts = Counter(label for r in parts[name] for label in r.labels)
        assert all(counts[label] >= 15 for label in LABEL_IDS), (name, counts)


def test_adjudication_log_matches_the_corpus(corpus: list[Record]) -> None:
    """Every relabel is logged, and the log's last word on a text is its label today."""
    by_id = {r.id: r for r in corpus}
    last: dict[str, list[str]] = {}
    log = CORPUS_DIR.parent / "adjudication.jsonl"
    for number, line in enumerate(log.read_text(encoding="utf-8").splitlines(), 1):
        entry = json.loads(line)
        assert entry["id"] in by_id, f"line {number}: unknown id {entry['id']}"
        assert set(entry["to"]) <= set(LABEL_IDS) and entry["from"] != entry["to"], number
        assert entry["reason"].strip(), f"line {number}: no reason"
        if entry["id"] in last:
            assert set(entry["from"]) == set(last[entry["id"]]), f"line {number}: broken chain"
        last[entry["id"]] = entry["to"]
    assert len(last) > 500
    for record_id, labels in last.items():
        assert set(by_id[record_id].labels) == set(labels), record_id


def test_second_reading_covers_every_text_once(corpus: list[Record]) -> None:
    seen: list[str] = []
    path = CORPUS_DIR.parent / "second_reading.jsonl"
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        entry = json.loads(line)
        assert set(entry["labels"]) <= set(LABEL_IDS), f"line {number}"
        seen.append(entry["id"])
    assert sorted(seen) == sorted(r.id for r in corpus)
