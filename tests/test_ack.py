"""Acknowledgement files: CSV or JSON, validated line by line, imported all or nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select
from test_notice_seed import request, seed

from reports.acks import AckError, import_acks, read_acks
from reports.models import Acknowledgement
from reports.notice.build import build_notice
from reports.review import Decision, review
from reports.store import Store

HEADER = "item_id,status,reference,acknowledged_at\n"


def _items(store: Store, tmp_path: Path) -> list[str]:
    ids = seed(store)
    review(
        store,
        [Decision(ids.gambling, "confirm", "x"), Decision(ids.grooming, "confirm", "y")],
        reviewer="lan",
    )
    return build_notice(store, request(tmp_path)).item_ids


def _count(store: Store) -> int:
    with store.session() as s:
        return len(s.scalars(select(Acknowledgement)).all())


def test_csv_json_and_jsonl_are_imported_once(store: Store, tmp_path: Path) -> None:
    a, b, c = _items(store, tmp_path)
    f = tmp_path / "ack.csv"
    f.write_text(
        HEADER + f"{a},removed,R-1,2026-11-02T05:00:00Z\n{b},pending,,2026-11-02T09:00:00+07:00\n",
        encoding="utf-8",
    )
    assert import_acks(store, read_acks(f)).imported == 2
    again = import_acks(store, read_acks(f))
    assert (again.imported, again.already_known) == (0, 2)
    j = tmp_path / "ack.json"
    j.write_text(
        json.dumps(
            {
                "items": [
                    {
                        "item_id": c,
                        "status": "rejected",
                        "reference": "not illegal here",
                        "acknowledged_at": "2026-11-02T07:00:00Z",
                    }
                ]
            }
        )
    )
    assert import_acks(store, read_acks(j)).imported == 1
    lines = tmp_path / "ack.jsonl"
    lines.write_text(
        json.dumps({"item_id": c, "status": "removed", "acknowledged_at": "2026-11-02T08:00:00Z"})
        + "\n"
    )
    assert import_acks(store, read_acks(lines)).imported == 1
    assert _count(store) == 4


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (
            "{a},deleted,R,2026-11-02T05:00:00Z",
            "line 3: status must be removed, rejected or pending",
        ),
        ("{a},removed,R,yesterday", "line 3: acknowledged_at 'yesterday' is not an ISO 8601 time"),
        ("{a},removed,R,2026-11-02T05:00:00", "line 3: acknowledged_at .* has no timezone"),
        (",removed,R,2026-11-02T05:00:00Z", "line 3: item_id is missing"),
        ("{a},removed,R,2026-11-02T05:00:00Z,extra", "line 3: more fields than the header"),
        (
            "0000,removed,R,2026-11-02T05:00:00Z",
            "line 3: no notice item with id '0000'; nothing imported",
        ),
        ("{a},removed,R,2020-01-01T00:00:00Z", "line 3: acknowledged_at is before the notice"),
    ],
)
def test_a_bad_line_is_named_and_nothing_is_imported(
    store: Store, tmp_path: Path, line: str, message: str
) -> None:
    a, b, _ = _items(store, tmp_path)
    f = tmp_path / "ack.csv"
    f.write_text(
        HEADER + f"{b},removed,R,2026-11-02T05:00:00Z\n" + line.format(a=a) + "\n", encoding="utf-8"
    )
    with pytest.raises(AckError, match=message):
        import_acks(store, read_acks(f))
    assert _count(store) == 0


def test_unreadable_files(tmp_path: Path) -> None:
    with pytest.raises(AckError, match="Cannot read"):
        read_acks(tmp_path / "missing.csv")
    bad = tmp_path / "bad.json"
    bad.write_text('[{"item_id": "x",\n "status": }]')
    with pytest.raises(AckError, match=r"bad\.json line 2: not valid JSON"):
        read_acks(bad)
    head = tmp_path / "head.csv"
    head.write_text("id,state\n1,removed\n")
    with pytest.raises(AckError, match="line 1: the CSV header lacks item_id"):
        read_acks(head)
    latin = tmp_path / "latin.csv"
    latin.write_bytes(b"item_id\xff")
    with pytest.raises(AckError, match="not UTF-8"):
        read_acks(latin)
