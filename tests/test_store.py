"""The findings store on SQLite and PostgreSQL: idempotent upserts and queries."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from reports.errors import StoreError
from reports.models import Finding, Image, ImageOccurrence, Page, TextUnit
from reports.records import FindingFilter, FindingRecord, ImageRecord, PageRecord, TextUnitRecord
from reports.store import Store

T0 = datetime(2026, 11, 1, 8, 0, tzinfo=UTC)


def text_finding(n: int = 1, **kw: object) -> FindingRecord:
    values: dict[str, object] = {
        "kind": "text",
        "page_url": f"https://news.example.vn/bai-{n}",
        "subject": f"comment:{n}",
        "detector": "model:1",
        "url": f"https://news.example.vn/bai-{n}#c{n}",
        "platform": "news.example.vn",
        "labels": ["gambling", "scam"],
        "scores": {"gambling": 0.97, "scam": 0.81},
        "decision": "block",
        "method": "classifier",
        "seen_at": T0,
        "excerpt": "nạp 100k nhận 500k",
    }
    values.update(kw)
    return FindingRecord(**values)  # type: ignore[arg-type]


def test_page_upsert_is_idempotent(store: Store) -> None:
    page = PageRecord(
        url="https://vnexpress.net/a",
        platform="vnexpress.net",
        fetched_at=T0,
        status_code=200,
        title="A",
    )
    first = store.upsert_page(page)
    later = PageRecord(
        url=page.url,
        platform=page.platform,
        fetched_at=T0 + timedelta(hours=1),
        status_code=200,
        title="A (updated)",
    )
    second = store.upsert_page(later)
    assert first == second
    assert store.count(Page) == 1
    with store.session() as s:
        row = s.scalars(select(Page)).one()
    assert row.title == "A (updated)"
    assert row.first_seen_at == T0
    assert row.last_fetched_at == T0 + timedelta(hours=1)


def test_text_units_images_and_occurrences_are_idempotent(store: Store) -> None:
    page_id = store.upsert_page(PageRecord(url="https://f.vn/t/1", platform="f.vn", fetched_at=T0))
    unit = TextUnitRecord(
        unit_key="post:9", kind="post", text_sha256="ab" * 32, chars=120, seen_at=T0, author="user9"
    )
    assert store.upsert_text_unit(page_id, unit) == store.upsert_text_unit(page_id, unit)
    image = ImageRecord(
        url="https://f.vn/i.jpg",
        seen_at=T0,
        sha256="cd" * 32,
        hashes={"pdq": "00" * 32},
        pdq_quality=90,
    )
    image_id = store.upsert_image(image)
    assert store.upsert_image(image) == image_id
    store.add_image_occurrence(page_id, image_id, T0)
    store.add_image_occurrence(page_id, image_id, T0 + timedelta(days=1))
    assert (store.count(TextUnit), store.count(Image), store.count(ImageOccurrence)) == (1, 1, 1)


def test_finding_upsert_keeps_one_row_and_the_analysts_decision(store: Store) -> None:
    first = store.upsert_finding(text_finding())
    with store.session() as s:
        s.get_one(Finding, first).status = "confirmed"
    again = store.upsert_finding(
        text_finding(scores={"gambling": 0.99}, labels=["gambling"], seen_at=T0 + timedelta(days=2))
    )
    assert again == first
    [row] = store.findings()
    assert row.status == "confirmed"  # a re-crawl never resets a review
    assert row.labels == ["gambling"]
    assert row.first_seen_at == T0
    assert row.last_seen_at == T0 + timedelta(days=2)


def test_the_same_subject_flagged_by_two_detectors_is_two_findings(store: Store) -> None:
    store.upsert_finding(text_finding(detector="hashlist:a"))
    store.upsert_finding(text_finding(detector="hashlist:b"))
    assert store.count(Finding) == 2


def test_findings_filters(store: Store) -> None:
    store.upsert_finding(text_finding(1))
    store.upsert_finding(
        text_finding(
            2,
            labels=["violence"],
            decision="review",
            platform="facebook",
            seen_at=T0 + timedelta(days=3),
        )
    )
    assert [f.url for f in store.findings(FindingFilter(label="violence"))] == [
        "https://news.example.vn/bai-2#c2"
    ]
    assert len(store.findings(FindingFilter(decision="block"))) == 1
    assert len(store.findings(FindingFilter(platform="facebook"))) == 1
    assert len(store.findings(FindingFilter(since=T0 + timedelta(days=1)))) == 1
    assert len(store.findings(FindingFilter(status="new"))) == 2
    assert len(store.findings(FindingFilter(limit=1))) == 1


def test_naive_datetimes_are_refused(store: Store) -> None:
    with pytest.raises(Exception, match="naive datetime"):
        store.upsert_page(
            PageRecord(url="https://x.vn", platform="x.vn", fetched_at=datetime(2026, 1, 1))
        )


def test_unknown_scheme_is_a_clear_error() -> None:
    with pytest.raises(StoreError, match="Unsupported database URL scheme 'mysql'"):
        Store.open("mysql://localhost/db")


def test_unreachable_postgresql_is_a_clear_error() -> None:
    with pytest.raises(StoreError, match=r"Cannot connect to PostgreSQL at .*127\.0\.0\.1:1/"):
        Store.open("postgresql://127.0.0.1:1/nothing")


def test_sqlite_uses_wal(sqlite_url: str) -> None:
    with Store.open(sqlite_url) as s, s.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"


def test_all_units_of_a_page_in_one_upsert_keep_their_order(store: Store) -> None:
    page_id = store.upsert_page(PageRecord(url="https://f.vn/t/2", platform="f.vn", fetched_at=T0))
    units = [
        TextUnitRecord(
            unit_key=f"post:{n}", kind="post", text_sha256=f"{n:064x}", chars=n, seen_at=T0
        )
        for n in (5, 3, 9)
    ]
    first = store.upsert_text_units(page_id, units)
    again = store.upsert_text_units(page_id, list(reversed(units)))
    assert again == list(reversed(first))
    with store.session() as s:
        chars = {u.id: u.chars for u in s.scalars(select(TextUnit))}
    assert [chars[i] for i in first] == [5, 3, 9]
    with pytest.raises(StoreError, match="distinct unit keys"):
        store.upsert_text_units(page_id, [units[0], units[0]])
