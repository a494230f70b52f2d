"""The model: verdicts, thresholds, explanations, windows, persistence, determinism."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import numpy as np
import pytest
import skops.io as sio
from test_classifier_support import small_model_dir, small_records

import classifier
from classifier.corpus import Record
from classifier.errors import ClassifierError
from classifier.features import CharNgrams, KeyTable
from classifier.model import TextClassifier, Verdict, windows
from classifier.persist import CARD_FILE, MODEL_FILE, load, save
from classifier.taxonomy import LABEL_IDS
from classifier.thresholds import NEVER, Thresholds, choose
from classifier.training import train


@pytest.fixture(scope="module")
def model() -> TextClassifier:
    return classifier.load(small_model_dir())


GROOMING = "e oi lam quen dc ko, e hoc lop may roi, a tang the game nhe, dung ke voi bo me"
GAMBLING = "Nạp 500k nhận ngay 1tr tại nhà cái uy tín, zalo 0912345678"
SAFE = "Chiều nay cả nhà mình đi công viên, trời mát quá"


def test_classify_returns_a_verdict_per_text(model: TextClassifier) -> None:
    verdicts = model.classify([GROOMING, GAMBLING, SAFE, ""])
    assert len(verdicts) == 4
    for v in verdicts:
        assert isinstance(v, Verdict)
        assert set(v.scores) == set(LABEL_IDS)
        assert all(0.0 <= p <= 1.0 for p in v.scores.values())
        assert v.decision in ("allow", "review", "block")
    assert "csam_grooming" in verdicts[0].labels
    assert "gambling" in verdicts[1].labels
    assert verdicts[2].decision != "block"
    assert max(verdicts[2].scores.values()) < verdicts[1].scores["gambling"]
    assert verdicts[3].decision == "allow" and verdicts[3].labels == []  # blank: nothing to judge


def test_decision_is_the_strongest_level_over_labels(model: TextClassifier) -> None:
    for v in model.classify([GROOMING, GAMBLING, SAFE, "mày ngu như bò, cút đi"]):
        levels = {lb: model.thresholds[lb].level(s) for lb, s in v.scores.items()}
        assert set(v.labels) == {lb for lb, level in levels.items() if level != "allow"}
        expected = (
            "block"
            if "block" in levels.values()
            else ("review" if "review" in levels.values() else "allow")
        )
        assert v.decision == expected


def test_flagged_labels_are_explained_by_ngrams_of_the_text(model: TextClassifier) -> None:
    (v,) = model.classify([GAMBLING])
    assert set(v.explanation) == set(v.labels)
    for reasons in v.explanation.values():
        assert 0 < len(reasons) <= 5
        weights = [w for _g, w in reasons]
        assert weights == sorted(weights, reverse=True) and weights[-1] > 0
        assert all(isinstance(g, str) and g for g, _w in reasons)
    names = {g for reasons in v.explanation.values() for g, _w in reasons}
    assert names & {"_money_", "nạp", "nap", "nap _money_", "nạp _money_", "nha cai", "nhà cái"}
    assert model.classify([GAMBLING], explain=False)[0].explanation == {}


def test_fast_scores_equal_the_pipeline(model: TextClassifier) -> None:
    texts = [r.text for r in small_records()[:50]] + ["", "ωψ", GAMBLING]  # empty rows too
    expected = model.pipeline.predict_proba(texts)
    np.testing.assert_allclose(model.scores(texts), expected, rtol=1e-9, atol=1e-12)
    direct = model.features(texts).toarray()
    np.testing.assert_allclose(direct, model.pipeline[:-1].transform(texts).toarray(), atol=1e-15)


def test_no_texts_no_verdicts(model: TextClassifier) -> None:
    assert model.classify([]) == []
    assert model.scores([]).shape == (0, len(LABEL_IDS))


def test_batch_and_single_agree(model: TextClassifier) -> None:
    texts = [GROOMING, GAMBLING, SAFE]
    together = model.scores(texts)
    apart = np.vstack([model.scores([t]) for t in texts])
    np.testing.assert_allclose(together, apart)


def test_odd_inputs_do_not_fail(model: TextClassifier) -> None:
    odd = [
        "",
        "   ",
        "The weather is nice today, see you tomorrow",
        "😀😀😀 🎉",
        "\x00\x01\x02\ufffd\ufffd",
        "中文文本测试",
        "a" * 10_000,
    ]
    verdicts = model.classify(odd)
    assert len(verdicts) == len(odd)


def _starts(text: str, pieces: list[str]) -> list[int]:
    """Where each piece begins in ``text``, checking it is a slice in order."""
    starts, at = [], 0
    for piece in pieces:
        at = text.index(piece, at)
        starts.append(at)
        at += 1
    return starts


def test_windows_cover_long_text_without_loss() -> None:
    text = " ".join(f"từ{i}" for i in range(5000))
    pieces = list(windows(text, 3000, overlap=200))
    starts = _starts(text, pieces)
    ends = [s + len(p) for s, p in zip(starts, pieces, strict=True)]
    assert starts[0] == 0 and ends[-1] == len(text)
    for k in range(1, len(pieces)):  # contiguous or overlapping by at most 200, at a word
        assert ends[k - 1] - 200 <= starts[k] <= ends[k - 1] and text[starts[k] - 1] == " "
    assert all(len(p) <= 3000 for p in pieces)
    assert list(windows("ngắn", 3000)) == ["ngắn"]
    unbroken = "x" * 7000
    assert [len(p) for p in windows(unbroken, 3000)] == [3000, 3000, 1000]
    sentences = "Câu một dài dài. " * 300
    pieces = list(windows(sentences, 1000))
    assert "".join(pieces) == sentences  # cut at sentence ends: nothing read twice
    assert all(p.endswith(". ") for p in pieces[:-1])


def test_long_texts_are_read_paragraph_by_paragraph() -> None:
    paragraphs = [f"Đoạn {i}: " + "chữ " * (30 + 40 * (i % 3)) for i in range(40)]
    long = "Câu này khá dài. " * 150  # one paragraph of 2,550 characters
    text = "\n\n".join(paragraphs) + "\n" + long  # blank lines between paragraphs
    pieces = list(windows(text, 1000))
    assert pieces[:40] == paragraphs
    assert "".join(pieces[40:]) == long and all(len(p) <= 1000 for p in pieces)
    assert list(windows("một\nhai", 1000)) == ["một\nhai"]  # a short text stays whole


def test_a_sentence_on_a_cut_is_read_whole_once() -> None:
    filler = "mot hai ba bon nam sau bay tam chin muoi " * 60
    for at in range(700, 1100, 7):  # move the sentence across the first cut
        text = f"{filler[:at]} Nạp 500k nhận ngay 1tr tại nhà cái uy tín {filler}"
        whole = "Nạp 500k nhận ngay 1tr tại nhà cái uy tín"
        assert any(whole in piece for piece in windows(text)), at


def test_harm_anywhere_in_a_long_page_is_found(model: TextClassifier) -> None:
    filler = "\n".join([SAFE] * 400)  # ~20,000 characters of harmless paragraphs
    page = f"{filler}\n{GAMBLING}\n{filler}"
    (verdict,) = model.classify([page])
    assert "gambling" in verdict.labels
    assert verdict.scores["gambling"] > model.classify([filler])[0].scores["gambling"]
    assert verdict.explanation["gambling"]


def test_key_table_finds_exactly_the_vocabulary() -> None:
    rng = np.random.default_rng(0)
    vocab = np.unique(rng.integers(0, 2**43, 5000))
    table = KeyTable(vocab)
    queries = np.concatenate([vocab[::3], rng.integers(0, 2**43, 5000), vocab[:10]])
    index, found = table.find(queries)
    expected = np.isin(queries, vocab)
    np.testing.assert_array_equal(found, expected)
    np.testing.assert_array_equal(vocab[index[found]], queries[found])
    assert KeyTable(np.zeros(0, np.int64)).find(queries)[1].sum() == 0


def test_char_ngrams_spell_back() -> None:
    from classifier.normalise import channel_batch

    featurizer = CharNgrams("stripped", 2, 3, min_df=1).fit(channel_batch(["nap tien", "ok"]))
    names = {featurizer.feature_name(i) for i in range(len(featurizer.vocabulary_))}
    assert {"na", "nap", "p t", "ok"} <= names
    assert not any("\n" in name for name in names)  # n-grams never cross texts


def test_thresholds_block_at_precision_review_at_recall() -> None:
    truth = np.array([1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])
    scores = np.array(
        [
            0.99,
            0.98,
            0.97,
            0.96,
            0.95,
            0.9,
            0.8,
            0.5,
            0.3,
            0.1,
            0.93,
            0.6,
            0.4,
            0.35,
            0.2,
            0.05,
            0.04,
            0.03,
            0.02,
            0.01,
        ]
    )
    th = choose(truth, scores)
    predicted = scores >= th.block
    assert (truth & predicted).sum() / predicted.sum() >= 0.95
    assert th.block == pytest.approx(0.95)  # the lowest cut that keeps precision >= 0.95
    assert (truth & (scores >= th.review)).sum() / truth.sum() >= 0.90
    assert th.review == pytest.approx(0.3)  # the highest cut that keeps recall >= 0.90
    assert th.level(0.96) == "block" and th.level(0.5) == "review" and th.level(0.1) == "allow"


def test_thresholds_edge_cases() -> None:
    assert not choose(np.zeros(5), np.linspace(0, 1, 5)).tuned
    never = choose(np.array([0, 1]), np.array([0.9, 0.2]))  # precision never reaches 0.95
    assert never.block == NEVER and never.review <= never.block


def test_save_and_load_round_trip(model: TextClassifier, tmp_path: Path) -> None:
    out = save(model, tmp_path / "m")
    card = json.loads((out / CARD_FILE).read_text(encoding="utf-8"))
    for key in ("version", "sha256", "thresholds", "metrics", "data", "format_version"):
        assert key in card
    assert len(card["data"]["sha256"]) == 64
    assert (out / "MODEL_CARD.md").read_text(encoding="utf-8").startswith("# Model card")
    again = load(out)
    assert again.version == model.version
    assert again.thresholds == model.thresholds
    texts = [GROOMING, GAMBLING, SAFE]
    np.testing.assert_allclose(again.scores(texts), model.scores(texts))


def test_save_never_replaces_other_files(model: TextClassifier, tmp_path: Path) -> None:
    precious = tmp_path / "documents"
    precious.mkdir()
    (precious / "thesis.txt").write_text("years of work", encoding="utf-8")
    with pytest.raises(ClassifierError, match="not a model directory"):
        save(model, precious)
    assert (precious / "thesis.txt").exists()
    save(model, tmp_path / "m")
    save(model, tmp_path / "m")  # an earlier model is replaced
    (tmp_path / "empty").mkdir()
    save(model, tmp_path / "empty")


def test_missing_model_directory(tmp_path: Path) -> None:
    with pytest.raises(ClassifierError, match="does not exist"):
        load(tmp_path / "nope")
    (tmp_path / "empty").mkdir()
    with pytest.raises(ClassifierError, match="not a model directory"):
        load(tmp_path / "empty")


def _copy(tmp_path: Path) -> Path:
    return Path(shutil.copytree(small_model_dir(), tmp_path / "copy"))


def test_corrupt_model_file_is_refused(tmp_path: Path) -> None:
    m = _copy(tmp_path)
    (m / MODEL_FILE).write_bytes(b"not a zip at all")
    with pytest.raises(ClassifierError, match="sha256"):
        load(m)


def test_corrupt_card_is_refused(tmp_path: Path) -> None:
    m = _copy(tmp_path)
    (m / CARD_FILE).write_text("{not json", encoding="utf-8")
    with pytest.raises(ClassifierError, match="corrupt"):
        load(m)


def test_model_of_another_format_version_is_refused(tmp_path: Path) -> None:
    m = _copy(tmp_path)
    card = json.loads((m / CARD_FILE).read_text(encoding="utf-8"))
    card["format_version"] = 999
    (m / CARD_FILE).write_text(json.dumps(card), encoding="utf-8")
    with pytest.raises(ClassifierError, match="format 999"):
        load(m)


def test_untrusted_types_are_refused(tmp_path: Path) -> None:
    from sklearn.preprocessing import FunctionTransformer

    m = _copy(tmp_path)
    sio.dump(FunctionTransformer(print), m / MODEL_FILE)
    card = json.loads((m / CARD_FILE).read_text(encoding="utf-8"))
    from classifier.persist import sha256_file

    card["sha256"] = sha256_file(m / MODEL_FILE)  # a consistent but malicious directory
    (m / CARD_FILE).write_text(json.dumps(card), encoding="utf-8")
    with pytest.raises(ClassifierError, match="not trusted"):
        load(m)
    assert zipfile.is_zipfile(m / MODEL_FILE)


def test_training_is_deterministic() -> None:
    records = list(small_records())
    a = train(records, name="t")
    b = train(list(reversed(records)), name="t")
    assert a.version == b.version
    texts = [GROOMING, GAMBLING, SAFE]
    np.testing.assert_array_equal(a.scores(texts), b.scores(texts))
    assert a.thresholds == b.thresholds


def test_training_needs_examples_of_every_label() -> None:
    records = [r for r in small_records() if "drugs" not in r.labels]
    with pytest.raises(ClassifierError, match="'drugs'"):
        train(records)


def test_card_has_test_metrics_and_slices(model: TextClassifier) -> None:
    test = model.card["metrics"]["test"]
    assert set(test["slices"]) == {"accent_stripped", "teencode", "in_page"}
    assert 0 <= test["macro_f1"] <= 1 and 0 <= test["calibration"]["ece"] <= 1
    for label in LABEL_IDS:
        entry = test["labels"][label]
        assert {"precision", "recall", "f1", "pr_auc", "tp", "fp", "fn", "tn"} <= set(entry)
    assert isinstance(model.thresholds["scam"], Thresholds)


def test_verdict_labels_ordered_by_score(model: TextClassifier) -> None:
    for v in model.classify([GAMBLING, GROOMING]):
        scores = [v.scores[lb] for lb in v.labels]
        assert scores == sorted(scores, reverse=True)


def test_records_are_plain_data() -> None:
    r = Record("x", "t", ("scam",))
    assert r.to_json()["labels"] == ["scam"]


def test_robustness_slices_rewrite_the_text() -> None:
    from classifier.perturb import accent_stripped, perturbed, teencode

    assert accent_stripped("Em không biết gì") == "Em khong biet gi"
    assert teencode("Em không biết gì, anh em mình đi thôi") == "e ko bik j, ae mk đj thui"
    (copy,) = perturbed([Record("x", "Không được!", ("scam",))], "teencode")
    assert copy.text == "ko dc!" and copy.labels == ("scam",) and copy.id == "x"


def test_in_page_slice_sets_each_text_among_safe_paragraphs() -> None:
    from classifier.perturb import PAGE_CHARS, perturbed

    records = [
        Record("n1", "Công an triệt phá đường dây cá độ bóng đá.", (), "news"),
        Record("n2", "Diễn đàn: kinh nghiệm đi Đà Lạt mùa mưa.", (), "forum"),
        Record("c1", "ib mk nhé", (), "comment"),
        Record("h1", GAMBLING, ("gambling",), "ad"),
    ]
    pages = perturbed(records, "in_page")
    assert pages == perturbed(records, "in_page")  # the same pages every time
    for record, page in zip(records, pages, strict=True):
        paragraphs = page.text.split("\n")
        assert record.text in paragraphs and page.labels == record.labels
        assert len(page.text) >= PAGE_CHARS
        others = [p for p in paragraphs if p != record.text]
        assert set(others) <= {"Công an triệt phá đường dây cá độ bóng đá.", records[1].text}
