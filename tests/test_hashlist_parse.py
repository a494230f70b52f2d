"""Hash-list files: both formats, and every fault named with its line."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from classifier.taxonomy import LABEL_IDS
from hashes.errors import HashListError
from hashes.hashlist import ListItem, parse_hashlist, read_hashlist, write_csv

PDQ = "d8f8f0cce0f4a84f0e370a22028f67f0b36e2ed596623e1d33e6b39c4e9c9b22"
MD5 = "d35c785545392755e7e4164457657269"


def parse(text: str, **kw: str) -> list[ListItem]:
    return parse_hashlist(text.encode("utf-8"), name="list.csv", categories=LABEL_IDS, **kw)


def test_csv_with_every_column() -> None:
    items = parse(
        "algo,hash,category,source,id\n"
        f"pdq,{PDQ.upper()},csam_grooming,NCMEC,n-1\n"
        f"md5,{MD5},sexual,,\n"
    )
    assert items == [
        ListItem("pdq", PDQ, "csam_grooming", "NCMEC", "n-1", 2),
        ListItem("md5", MD5, "sexual", None, None, 3),
    ]


def test_csv_columns_in_any_order_and_optional_source_id() -> None:
    items = parse(f"hash,algo,category\n{MD5},MD5,drugs\n")
    assert items == [ListItem("md5", MD5, "drugs", None, None, 2)]


def test_plain_list_with_algo_and_category() -> None:
    text = f"# exported 2026-11-01\n{PDQ}\n\n{PDQ[::-1]}\n"
    items = parse(text, algo="pdq", category="csam_grooming")
    assert [(i.hash, i.line) for i in items] == [(PDQ, 2), (PDQ[::-1], 4)]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (f"algo,hash,category\npdq,{PDQ[:-1]},sexual\n", "line 2: pdq hash must be 64 hex"),
        (f"algo,hash,category\npdq,{PDQ[:-1]}q,sexual\n", "line 2: .*not hex: 'q'"),
        (f"algo,hash,category\nsift,{PDQ},sexual\n", "line 2: unknown hash algorithm 'sift'"),
        (f"algo,hash,category\npdq,{PDQ},nsfw\n", "line 2: unknown category 'nsfw'"),
        (f"algo,hash,category\n\npdq,{PDQ},sexual,extra\n", "line 3: 4 fields"),
        ("algo,hash,colour\n", "line 1: the header must name .*unknown column 'colour'"),
        ("algo,category\n", "line 1: .*missing column 'hash'"),
        ("algo,hash,category\n", None),
        (f"algo,hash,category\n,{PDQ},sexual\n", "line 2: the algo field is empty"),
    ],
)
def test_csv_faults_name_the_line(text: str, message: str | None) -> None:
    if message is None:
        assert parse(text) == []
        return
    with pytest.raises(
        HashListError, match=f"list.csv {message}" if "line" in message else message
    ):
        parse(text)


def test_every_bad_line_is_counted() -> None:
    text = "algo,hash,category\n" + "".join(f"pdq,{i},sexual\n" for i in range(5))
    with pytest.raises(HashListError, match=r"line 2: .* \(and 4 more bad lines\)"):
        parse(text)


def test_plain_faults() -> None:
    with pytest.raises(HashListError, match="needs --algo"):
        parse(f"{PDQ}\n")
    with pytest.raises(HashListError, match="needs --category"):
        parse(f"{PDQ}\n", algo="pdq")
    with pytest.raises(HashListError, match="line 3: md5 hash must be 32"):
        parse(f"{MD5}\n{MD5[::-1]}\n{PDQ}\n", algo="md5", category="sexual")
    with pytest.raises(HashListError, match="holds no hashes"):
        parse("# nothing\n\n", algo="md5", category="sexual")
    with pytest.raises(HashListError, match="--algo and --category are for plain files"):
        parse(f"algo,hash,category\nmd5,{MD5},sexual\n", algo="md5")


def test_not_utf8_names_the_line() -> None:
    raw = f"algo,hash,category\nmd5,{MD5},sexual\nmd5,\xff\n".encode("latin-1")
    with pytest.raises(HashListError, match=r"list\.csv line 3: not UTF-8"):
        parse_hashlist(raw, name="list.csv", categories=LABEL_IDS)


def test_repeats_are_dropped_but_conflicts_refused() -> None:
    same = f"algo,hash,category\nmd5,{MD5},sexual\nmd5,{MD5.upper()},sexual\n"
    assert len(parse(same)) == 1
    other = f"algo,hash,category\nmd5,{MD5},sexual\nmd5,{MD5},drugs\n"
    with pytest.raises(HashListError, match="line 3: the md5 hash of line 2 again"):
        parse(other)


def test_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbf" + f"algo,hash,category\nmd5,{MD5},scam\n".encode())
    assert read_hashlist(path, categories=LABEL_IDS)[0].category == "scam"


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(HashListError, match="cannot read hash list"):
        read_hashlist(tmp_path / "nope.csv", categories=LABEL_IDS)


def test_written_csv_reads_back_the_same() -> None:
    items = [
        ListItem("pdq", PDQ, "csam_grooming", "src, with comma", 'id"1'),
        ListItem("md5", MD5, "sexual"),
    ]
    out = io.StringIO()
    assert write_csv(items, out) == 2
    again = parse(out.getvalue())
    assert [(i.algo, i.hash, i.category, i.source, i.external_id) for i in again] == [
        (i.algo, i.hash, i.category, i.source, i.external_id) for i in items
    ]
