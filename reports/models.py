"""The findings store's schema (SQLAlchemy 2). Every change here needs a migration.

Natural unique keys make every crawler write an idempotent upsert: a page by the sha256
of its URL, a text unit by (page, unit key), an image by the sha256 of its URL, a
finding by a key over what it is about. Reviews are append-only: the store has no
code path that updates or deletes one.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Index,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite keeps no offset)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store; use an aware UTC datetime")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime,
        dict[str, Any]: JSON,
        list[Any]: JSON,
    }


FINDING_KINDS = ("text", "image")
DECISIONS = ("allow", "review", "block")
METHODS = ("classifier", "hash_match", "exact_hash", "manual")
FINDING_STATUSES = ("new", "confirmed", "rejected")
REVIEW_DECISIONS = ("confirm", "reject")
RECHECK_RESULTS = ("live", "removed", "error")
ACK_STATUSES = ("removed", "rejected", "pending")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Crawl(Base):
    __tablename__ = "crawls"

    id: Mapped[int] = mapped_column(primary_key=True)
    spider: Mapped[str] = mapped_column(String(32))
    seeds: Mapped[list[Any]] = mapped_column(default=list)
    job_dir: Mapped[str | None] = mapped_column(Text)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(String(16), default="running")
    stats: Mapped[dict[str, Any]] = mapped_column(default=dict)


class Page(Base):
    __tablename__ = "pages"

    id: Mapped[int] = mapped_column(primary_key=True)
    url_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    url: Mapped[str] = mapped_column(Text)
    final_url: Mapped[str | None] = mapped_column(Text)
    platform: Mapped[str] = mapped_column(String(128), index=True)
    status_code: Mapped[int | None]
    title: Mapped[str | None] = mapped_column(Text)
    content_sha256: Mapped[str | None] = mapped_column(String(64))
    # published time, author, section... from JSON-LD and OpenGraph, for page context
    meta: Mapped[dict[str, Any]] = mapped_column(default=dict)
    first_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_fetched_at: Mapped[datetime] = mapped_column(default=utcnow)
    crawl_id: Mapped[int | None] = mapped_column(ForeignKey("crawls.id", ondelete="SET NULL"))


class TextUnit(Base):
    """One piece of a page judged on its own: the article body, a comment, a post."""

    __tablename__ = "text_units"
    __table_args__ = (UniqueConstraint("page_id", "unit_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    page_id: Mapped[int] = mapped_column(ForeignKey("pages.id", ondelete="CASCADE"))
    unit_key: Mapped[str] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(32))
    author: Mapped[str | None] = mapped_column(String(255))
    permalink: Mapped[str | None] = mapped_column(Text)
    text_sha256: Mapped[str] = mapped_column(String(64))
    chars: Mapped[int] = mapped_column(default=0)
    first_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)


class Image(Base):
    """An image URL and its hashes; the bytes are never stored (least exposure)."""

    __tablename__ = "images"

    id: Mapped[int] = mapped_column(primary_key=True)
    url_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    url: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    hashes: Mapped[dict[str, Any]] = mapped_column(default=dict)
    pdq_quality: Mapped[int | None]
    width: Mapped[int | None]
    height: Mapped[int | None]
    error: Mapped[str | None] = mapped_column(Text)
    first_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)


class ImageOccurrence(Base):
    __tablename__ = "image_occurrences"
    __table_args__ = (UniqueConstraint("page_id", "image_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    page_id: Mapped[int] = mapped_column(ForeignKey("pages.id", ondelete="CASCADE"))
    image_id: Mapped[int] = mapped_column(ForeignKey("images.id", ondelete="CASCADE"), index=True)
    first_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)


class HashList(Base):
    __tablename__ = "hash_lists"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(128), unique=True)
    version: Mapped[int] = mapped_column(default=1)
    trusted: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    description: Mapped[str | None] = mapped_column(Text)
    source_file_sha256: Mapped[str | None] = mapped_column(String(64))
    entry_count: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class HashListEntry(Base):
    __tablename__ = "hash_list_entries"
    __table_args__ = (UniqueConstraint("list_id", "algo", "hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    list_id: Mapped[int] = mapped_column(ForeignKey("hash_lists.id", ondelete="CASCADE"))
    algo: Mapped[str] = mapped_column(String(16))
    hash: Mapped[str] = mapped_column(String(128))
    category: Mapped[str] = mapped_column(String(32))
    source: Mapped[str | None] = mapped_column(Text)
    external_id: Mapped[str | None] = mapped_column(Text)
    added_in_version: Mapped[int] = mapped_column(default=1)


class Finding(Base):
    """Something flagged: a text unit by the classifier, or an image by a hash match.

    ``dedupe_key`` is the sha256 of what the finding is about (kind, page, text unit or
    image, and the detector), so the same finding written twice, or by two workers at
    once, stays one row.
    """

    __tablename__ = "findings"
    __table_args__ = (
        CheckConstraint(_in("kind", FINDING_KINDS), name="kind"),
        CheckConstraint(_in("decision", DECISIONS), name="decision"),
        CheckConstraint(_in("method", METHODS), name="method"),
        CheckConstraint(_in("status", FINDING_STATUSES), name="status"),
        Index("ix_findings_status_platform", "status", "platform"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    dedupe_key: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(8))
    page_id: Mapped[int] = mapped_column(ForeignKey("pages.id", ondelete="CASCADE"), index=True)
    text_unit_id: Mapped[int | None] = mapped_column(
        ForeignKey("text_units.id", ondelete="CASCADE")
    )
    image_id: Mapped[int | None] = mapped_column(ForeignKey("images.id", ondelete="CASCADE"))
    url: Mapped[str] = mapped_column(Text)
    platform: Mapped[str] = mapped_column(String(128))
    labels: Mapped[list[Any]] = mapped_column(default=list)
    scores: Mapped[dict[str, Any]] = mapped_column(default=dict)
    decision: Mapped[str] = mapped_column(String(8))
    method: Mapped[str] = mapped_column(String(16))
    detector_version: Mapped[str | None] = mapped_column(String(128))
    hash_list_id: Mapped[int | None] = mapped_column(
        ForeignKey("hash_lists.id", ondelete="SET NULL")
    )
    hash_list_version: Mapped[int | None]
    hash_list_entry_id: Mapped[int | None] = mapped_column(
        ForeignKey("hash_list_entries.id", ondelete="SET NULL")
    )
    algo: Mapped[str | None] = mapped_column(String(16))
    distance: Mapped[float | None] = mapped_column(Float)
    excerpt: Mapped[str | None] = mapped_column(Text)
    explanation: Mapped[dict[str, Any]] = mapped_column(default=dict)
    status: Mapped[str] = mapped_column(String(16), default="new")
    first_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)


class Review(Base):
    """An analyst's decision on a finding: append-only audit trail."""

    __tablename__ = "reviews"
    __table_args__ = (CheckConstraint(_in("decision", REVIEW_DECISIONS), name="decision"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    finding_id: Mapped[int] = mapped_column(
        ForeignKey("findings.id", ondelete="RESTRICT"), index=True
    )
    decision: Mapped[str] = mapped_column(String(8))
    reviewer: Mapped[str] = mapped_column(String(128))
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Notice(Base):
    __tablename__ = "notices"
    __table_args__ = (UniqueConstraint("platform", "sequence", "issued_at"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    platform: Mapped[str] = mapped_column(String(128), index=True)
    sequence: Mapped[int] = mapped_column(default=1)
    previous_notice_ids: Mapped[list[Any]] = mapped_column(default=list)
    issued_at: Mapped[datetime]
    deadline_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(16), default="open")
    package_dir: Mapped[str | None] = mapped_column(Text)
    manifest_sha256: Mapped[str | None] = mapped_column(String(64))


class NoticeItem(Base):
    __tablename__ = "notice_items"
    __table_args__ = (UniqueConstraint("notice_id", "finding_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[str] = mapped_column(String(36), unique=True)
    notice_id: Mapped[str] = mapped_column(ForeignKey("notices.id", ondelete="CASCADE"))
    finding_id: Mapped[int] = mapped_column(
        ForeignKey("findings.id", ondelete="RESTRICT"), index=True
    )
    url: Mapped[str] = mapped_column(Text)
    category: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16), default="pending")
    removed_at: Mapped[datetime | None]
    last_verified_live_at: Mapped[datetime | None]


class Recheck(Base):
    __tablename__ = "rechecks"
    __table_args__ = (CheckConstraint(_in("result", RECHECK_RESULTS), name="result"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_item_id: Mapped[int] = mapped_column(
        ForeignKey("notice_items.id", ondelete="CASCADE"), index=True
    )
    checked_at: Mapped[datetime] = mapped_column(default=utcnow)
    result: Mapped[str] = mapped_column(String(8))
    http_status: Mapped[int | None]
    detail: Mapped[str | None] = mapped_column(Text)


class Acknowledgement(Base):
    __tablename__ = "acknowledgements"
    __table_args__ = (
        CheckConstraint(_in("status", ACK_STATUSES), name="status"),
        UniqueConstraint("notice_item_id", "status", "acknowledged_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_item_id: Mapped[int] = mapped_column(
        ForeignKey("notice_items.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(String(16))
    platform_reference: Mapped[str | None] = mapped_column(Text)
    acknowledged_at: Mapped[datetime]
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)
