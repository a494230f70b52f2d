"""Corpus format, the fixed split, and loaders for public data sets (on fixtures written here)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from classifier.corpus import data_hash, iter_jsonl, read_corpus, split_of
from classifier.errors import ClassifierError
from classifier.loaders import guess_register, read_spec, read_victsd, read_vihos, read_vihsd


def _jsonl(path: Path, rows: list[object]) -> Path:
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", "utf-8")
    return path


def _rec(rid: str, text: str, labels: list[str], **extra: str) -> dict[str, object]:
    row: dict[str, object] = {
        "id": rid,
        "text": text,
        "labels": labels,
        "style": "comment",
        "source": "tamsoat-authored",
        "register": "standard",
    }
    row.update(extra)
    return row


def test_jsonl_corpus_is_read_sorted_and_nfc(tmp_path: Path) -> None:
    path = _jsonl(
        tmp_path / "c.jsonl",
        [
            _rec("b-2", "Vie\u0302\u0323t Nam", []),
            _rec("a-1", "nạp tiền nhận thưởng", ["scam", "gambling"], style="ad"),
        ],
    )
    records = read_corpus([path])
    assert [r.id for r in records] == ["a-1", "b-2"]
    assert records[0].labels == ("gambling", "scam")  # taxonomy order
    assert records[1].text == "Việt Nam"


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ({"id": "x", "text": "t", "labels": []}, "missing field 'style'"),
        (_rec("x", "t", ["porn"]), "unknown label 'porn'"),
        (_rec("x", "", []), "'text' must be a non-empty string"),
        (_rec("x", "t", [], style="tweet"), "'style' must be one of"),
        (_rec("x", "t", [], register="formal"), "'register' must be one of"),
        (_rec("", "t", []), "'id' must be a non-empty string"),
        ([1, 2], "expected a JSON object"),
    ],
)
def test_invalid_records_name_file_and_line(tmp_path: Path, row: object, message: str) -> None:
    path = _jsonl(tmp_path / "bad.jsonl", [_rec("ok", "t", []), row])
    with pytest.raises(ClassifierError, match=message) as err:
        list(iter_jsonl(path))
    assert f"{path}, line 2" in str(err.value)


def test_invalid_json_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    path.write_text(json.dumps(_rec("a", "t", [])) + "\n\n{broken\n", encoding="utf-8")
    with pytest.raises(ClassifierError, match=r"line 3: invalid JSON"):
        read_corpus([path])


def test_duplicate_ids_across_files(tmp_path: Path) -> None:
    a = _jsonl(tmp_path / "a.jsonl", [_rec("same", "một", [])])
    b = _jsonl(tmp_path / "b.jsonl", [_rec("same", "hai", [])])
    with pytest.raises(ClassifierError, match="'same' is used twice"):
        read_corpus([a, b])


def test_missing_and_non_utf8_files(tmp_path: Path) -> None:
    with pytest.raises(ClassifierError, match="Cannot read"):
        read_corpus([tmp_path / "none.jsonl"])
    bad = tmp_path / "latin.jsonl"
    bad.write_bytes(b'{"id": "x", "text": "\xe9"}\n')
    with pytest.raises(ClassifierError, match="not UTF-8"):
        read_corpus([bad])


def test_split_is_fixed_by_id_hash() -> None:
    # Pinned: changing the split silently would move test data into training.
    assert {i: split_of(i) for i in PINNED} == PINNED
    counts = {"train": 0, "dev": 0, "test": 0}
    for i in range(20_000):
        counts[split_of(f"id-{i}")] += 1
    assert abs(counts["train"] / 20_000 - 0.70) < 0.02
    assert abs(counts["dev"] / 20_000 - 0.15) < 0.02
    assert abs(counts["test"] / 20_000 - 0.15) < 0.02


PINNED = {
    "scm-0001": "dev",
    "scm-0002": "train",
    "scm-0005": "test",
    "scm-0009": "test",
    "scm-0012": "train",
    "hn-0001": "dev",
    "grm-0001": "train",
}


def test_data_hash_ignores_order_but_not_content(tmp_path: Path) -> None:
    path = _jsonl(tmp_path / "c.jsonl", [_rec("a", "một", []), _rec("b", "hai", ["scam"])])
    records = read_corpus([path])
    assert data_hash(records) == data_hash(list(reversed(records)))
    changed = _jsonl(tmp_path / "d.jsonl", [_rec("a", "một", []), _rec("b", "hai", [])])
    assert data_hash(read_corpus([changed])) != data_hash(records)


VIHOS = """,content,index_spans
0,Anh hát hay quá,[]
1,Thằng này ngu vãi,"[9, 10, 11, 12]"
2,"Bình luận có dấu phẩy, vẫn sạch",[]
3,,[]
"""


def test_vihos_comment_with_spans_is_hate(tmp_path: Path) -> None:
    path = tmp_path / "test.csv"
    path.write_text(VIHOS, encoding="utf-8")
    records = read_vihos(path)
    assert [(r.text, r.labels) for r in records] == [
        ("Anh hát hay quá", ()),
        ("Thằng này ngu vãi", ("hate_harassment",)),
        ("Bình luận có dấu phẩy, vẫn sạch", ()),
    ]
    assert records[0].id == "vihos:test:2" and records[0].source == "vihos"
    assert read_spec(f"vihos:{path}") == records


def test_vihos_bad_spans_name_the_line(tmp_path: Path) -> None:
    path = tmp_path / "v.csv"
    path.write_text(',content,index_spans\n0,abc,"[1, 2]"\n1,def,oops\n', encoding="utf-8")
    with pytest.raises(ClassifierError, match=r"v.csv, line 3: index_spans"):
        read_vihos(path)


def test_vihsd_offensive_and_hate_are_hate(tmp_path: Path) -> None:
    path = tmp_path / "vihsd.csv"
    path.write_text(
        "free_text,label_id\nchào cả nhà,0\nđồ mất dạy,1\nbọn chúng nó cút hết,2\n",
        encoding="utf-8",
    )
    assert [r.labels for r in read_vihsd(path)] == [(), ("hate_harassment",), ("hate_harassment",)]
    path.write_text("free_text,label_id\nchào,7\n", encoding="utf-8")
    with pytest.raises(ClassifierError, match="line 2: label_id must be one of"):
        read_vihsd(path)


def test_victsd_toxicity_one_is_hate(tmp_path: Path) -> None:
    path = tmp_path / "victsd.csv"
    path.write_text(
        "Unnamed: 0,Comment,Constructiveness,Toxicity,Title,Topic\n"
        "0,Bài viết rất hữu ích,1,0,Tiêu đề,Sức khỏe\n"
        '1,"Ngu thì im đi, nói nhiều",0,1,Tiêu đề,Thời sự\n',
        encoding="utf-8",
    )
    assert [r.labels for r in read_victsd(path)] == [(), ("hate_harassment",)]


def test_missing_column_is_named(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("text,label\na,0\n", encoding="utf-8")
    with pytest.raises(ClassifierError, match="no column 'content'"):
        read_vihos(path)


def test_read_spec_errors(tmp_path: Path) -> None:
    with pytest.raises(ClassifierError, match="expected FORMAT:PATH"):
        read_spec("csv:whatever")
    with pytest.raises(ClassifierError, match="does not exist"):
        read_spec(f"vihos:{tmp_path / 'none.csv'}")
    jsonl = _jsonl(tmp_path / "own.jsonl", [_rec("a", "một", [])])
    assert read_spec(str(jsonl))[0].id == "a"
    assert read_spec(f"jsonl:{jsonl}")[0].id == "a"
    assert [r.id for r in read_spec(str(tmp_path))] == ["a"]  # a folder: its .jsonl files
    (tmp_path / "empty").mkdir()
    with pytest.raises(ClassifierError, match=r"holds no \.jsonl"):
        read_spec(str(tmp_path / "empty"))


def test_register_guess() -> None:
    assert guess_register("Hôm nay trời đẹp quá") == "standard"
    assert guess_register("hom nay troi dep qua") == "no_diacritics"
    assert guess_register("ko bik j lun a") == "teencode"


@pytest.mark.shared
def test_real_vihos_files_load(shared_dir: Path) -> None:
    """The loader reads the real ViHOS release (in ../shared, never copied into the repo)."""
    folder = shared_dir / "datasets" / "vihos"
    sizes = {}
    for split in ("train", "dev", "test"):
        records = read_vihos(folder / f"{split}.csv")
        toxic = sum(1 for r in records if r.labels)
        assert 0.3 < toxic / len(records) < 0.7
        assert len({r.id for r in records}) == len(records)
        sizes[split] = len(records)
    assert sizes["train"] > 8000 and sizes["test"] > 1000
