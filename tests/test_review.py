"""Analyst review: decisions, the append-only trail, batch files, detail and corpus export."""

from __future__ import annotations

import io
import json
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from test_notice_seed import GAMBLING, T0, request, seed

from reports.export import export_corpus, register_of
from reports.models import Review
from reports.notice.build import build_notice
from reports.records import FindingFilter
from reports.review import (
    Decision,
    ReviewError,
    explanation_terms,
    finding_detail,
    highlight,
    read_batch,
    review,
)
from reports.store import Store


def test_decisions_change_status_and_are_kept(store: Store) -> None:
    ids = seed(store)
    out = review(
        store, [Decision(ids.gambling, "confirm", "  quảng cáo cá độ  ")], reviewer="lan", at=T0
    )
    assert [(o.previous_status, o.status) for o in out] == [("new", "confirmed")]
    review(
        store,
        [Decision(ids.gambling, "reject", "nhầm: tin cảnh báo")],
        reviewer="minh",
        at=T0 + timedelta(minutes=5),
    )
    with store.session() as s:
        trail = s.scalars(select(Review).order_by(Review.id)).all()
    assert [(r.decision, r.reviewer, r.reason, r.created_at) for r in trail] == [
        ("confirm", "lan", "quảng cáo cá độ", T0),
        ("reject", "minh", "nhầm: tin cảnh báo", T0 + timedelta(minutes=5)),
    ]
    new = {f.id for f in store.findings(FindingFilter(status="new"))}
    assert ids.gambling not in new and ids.grooming in new  # decided: no longer new


def test_all_or_nothing_and_reasons_required(store: Store) -> None:
    ids = seed(store)
    with pytest.raises(ReviewError, match="no finding with id 999; nothing recorded"):
        review(
            store,
            [Decision(ids.gambling, "confirm", "ok"), Decision(999, "confirm", "ok")],
            reviewer="lan",
        )
    with pytest.raises(ReviewError, match="a reason is required"):
        review(store, [Decision(ids.gambling, "confirm", "  ")], reviewer="lan")
    with store.session() as s:
        assert s.scalars(select(Review)).all() == []
    assert {f.status for f in store.findings()} == {"new"}


def test_a_sent_finding_cannot_be_rejected(store: Store, tmp_path: Path) -> None:
    ids = seed(store)
    review(store, [Decision(ids.gambling, "confirm", "cá độ")], reviewer="lan")
    build_notice(store, request(tmp_path))
    with pytest.raises(ReviewError, match="already in a sent notice"):
        review(store, [Decision(ids.gambling, "reject", "oops")], reviewer="lan")


def test_batch_files_csv_and_jsonl(tmp_path: Path) -> None:
    f = tmp_path / "d.csv"
    f.write_text("id,decision,reason\n1,confirm,cá độ\n\n2,Rejected,tin tức\n", encoding="utf-8")
    assert [(d.finding_id, d.decision, d.reason) for d in read_batch(f)] == [
        (1, "confirm", "cá độ"),
        (2, "reject", "tin tức"),
    ]
    f.write_text("id,decision,reason\n1,confirm,x\n2,maybe,y\n", encoding="utf-8")
    with pytest.raises(ReviewError, match=r"d\.csv line 3: decision must be confirm or reject"):
        read_batch(f)
    j = tmp_path / "d.jsonl"
    j.write_text(
        '{"id": 3, "decision": "confirm", "reason": "r"}\n{"id": "x", "decision": "reject"}\n'
    )
    with pytest.raises(ReviewError, match=r"d\.jsonl line 2: id 'x' is not a finding id"):
        read_batch(j)
    j.write_text('{"id": 3, "decision": "confirm"}\n')
    with pytest.raises(ReviewError, match="line 1: a reason is required"):
        read_batch(j)
    assert read_batch(j, default_reason="lô 12")[0].reason == "lô 12"


def test_detail_shows_terms_scores_and_hash_match(store: Store) -> None:
    ids = seed(store)
    review(store, [Decision(ids.gambling, "confirm", "cá độ")], reviewer="lan")
    d = finding_detail(store, ids.gambling)
    assert d.terms == ["nạp 100k", "thẻ game"]
    assert d.highlighted_excerpt is not None and d.highlighted_excerpt.startswith("[[Nạp 100k]]")
    assert d.text_unit is not None and d.text_unit["unit_key"] == "comment:1"
    assert [r.reviewer for r in d.reviews] == ["lan"]
    img = finding_detail(store, ids.trusted_image)
    assert img.hash_match is not None
    assert (img.hash_match["list"], img.hash_match["entry"], img.hash_match["distance"]) == (
        "trusted-list",
        "trusted-list-0001",
        4.0,
    )
    assert img.highlighted_excerpt is None
    with pytest.raises(ReviewError, match="No finding with id 12345"):
        finding_detail(store, 12345)


def test_explanation_terms_and_highlight() -> None:
    assert explanation_terms({"gambling": [["nhà cái", 1.2], ["nạp", 0.4]]}) == ["nhà cái", "nạp"]
    assert explanation_terms({"top_terms": ["a", "b"], "note": "x"}) == ["a", "b"]
    assert highlight("Vào NHÀ CÁI ngay", ["nhà cái"]) == "Vào [[NHÀ CÁI]] ngay"


def test_export_corpus_records(store: Store) -> None:
    ids = seed(store)
    review(
        store,
        [
            Decision(ids.gambling, "confirm", "cá độ"),
            Decision(ids.drugs, "reject", "tin cảnh báo"),
            Decision(ids.trusted_image, "confirm", "ảnh"),
        ],
        reviewer="lan",
    )
    buf = io.StringIO()
    assert export_corpus(store, buf) == 2  # images are not text
    records = [json.loads(line) for line in buf.getvalue().splitlines()]
    assert set(records[0]) == {"id", "text", "labels", "style", "source", "register"}
    by_text = {r["text"]: r for r in records}
    assert by_text[GAMBLING]["labels"] == ["gambling", "scam"]
    assert by_text[GAMBLING]["source"] == "tamsoat-review-confirmed"
    assert by_text[GAMBLING]["style"] == "comment"
    rejected = next(r for r in records if r["source"] == "tamsoat-review-rejected")
    assert rejected["labels"] == []


def test_register_guess() -> None:
    assert register_of("Nạp tiền nhận thưởng ngay") == "standard"
    assert register_of("nap tien nhan thuong ngay hom nay") == "no_diacritics"
    assert register_of("ib e nha, k lay coc dau") == "teencode"
