"""Typed records that callers hand to the store; the store turns them into rows."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


def sha256_hex(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class PageRecord:
    url: str
    platform: str
    fetched_at: datetime
    final_url: str | None = None
    status_code: int | None = None
    title: str | None = None
    content_sha256: str | None = None
    crawl_id: int | None = None
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class TextUnitRecord:
    unit_key: str
    kind: str
    text_sha256: str
    chars: int
    seen_at: datetime
    author: str | None = None
    permalink: str | None = None


@dataclass(frozen=True)
class ImageRecord:
    url: str
    seen_at: datetime
    sha256: str | None = None
    hashes: dict[str, str] = field(default_factory=dict)
    pdq_quality: int | None = None
    width: int | None = None
    height: int | None = None
    error: str | None = None


@dataclass(frozen=True)
class FindingRecord:
    """A flagged text unit or image. ``subject`` names what on the page it is about
    (the text unit key or the image URL); ``detector`` names what flagged it (the model
    or the hash list), so one subject flagged by two lists gives two findings."""

    kind: str
    page_url: str
    subject: str
    detector: str
    url: str
    platform: str
    labels: list[str]
    decision: str
    method: str
    seen_at: datetime
    scores: dict[str, float] = field(default_factory=dict)
    detector_version: str | None = None
    text_unit_id: int | None = None
    image_id: int | None = None
    hash_list_id: int | None = None
    hash_list_version: int | None = None
    hash_list_entry_id: int | None = None
    algo: str | None = None
    distance: float | None = None
    excerpt: str | None = None
    explanation: dict[str, Any] = field(default_factory=dict)

    @property
    def dedupe_key(self) -> str:
        return sha256_hex("\x1f".join((self.kind, self.page_url, self.subject, self.detector)))


@dataclass(frozen=True)
class FindingFilter:
    label: str | None = None
    decision: str | None = None
    platform: str | None = None
    status: str | None = None
    kind: str | None = None
    since: datetime | None = None
    limit: int | None = None
