"""Re-checking reported content: which items to fetch, how to judge what came back, and
recording the result. The fetching itself is the crawler's ``recheck`` spider; this module
holds no network code so that the decision rules are tested on their own.

A text item is live while its text unit is still on the page (same sha256, or the
excerpt still found in a unit); an image item is live while an image on the page (or at
the image URL) has the same sha256 or a perceptual hash within the match distance.
404, 410 and 451 mean removed; other failures are errors and change nothing.
"""

from __future__ import annotations

import hashlib
import logging
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from reports.errors import StoreError
from reports.models import (
    RECHECK_RESULTS,
    Finding,
    Image,
    Notice,
    NoticeItem,
    Page,
    Recheck,
    TextUnit,
)
from reports.store import Store

log = logging.getLogger(__name__)

Verdict = Literal["live", "removed", "error"]
REMOVED_STATUSES = frozenset({404, 410, 451})
# Hamming distance at or under which a perceptual hash still counts as the same image.
MAX_DISTANCE: dict[str, int] = {"pdq": 31, "phash": 10, "dhash": 10, "ahash": 8, "whash": 10}
EXCERPT_PROBE_CHARS = 120


@dataclass(frozen=True)
class RecheckTarget:
    """What the spider fetches and what :func:`judge` needs to decide."""

    item_id: str  # the notice item id platforms acknowledge (a UUID)
    notice_id: str
    platform: str
    kind: str  # "text" | "image"
    url: str  # the reported URL
    page_url: str  # the page the finding was on (fetch this for text units and images)
    deadline_at: datetime
    status: str  # "pending" | "live"
    last_checked_at: datetime | None = None
    unit_key: str | None = None
    text_sha256: str | None = None
    excerpt: str | None = None
    image_url: str | None = None
    image_sha256: str | None = None
    image_hashes: dict[str, str] = field(default_factory=dict)  # algo -> hex, perceptual


def normalise_text(text: str) -> str:
    """NFC, case-folded, whitespace collapsed: what the excerpt probe compares."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip().casefold()


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def judge(
    target: RecheckTarget,
    http_status: int | None,
    page_text_units: Mapping[str, str] | Iterable[str] | None,
    image_hashes: Iterable[Mapping[str, str]] | Mapping[str, str] | None,
    *,
    max_distance: Mapping[str, int] | None = None,
) -> Verdict:
    """Decide live / removed / error from one fetch.

    ``http_status`` is the final status after redirects (None: no answer at all).
    ``page_text_units`` maps unit key to text (or is just the texts) of the fetched page;
    ``image_hashes`` is one ``{algo: hex}`` per image found (``sha256`` included when known).
    Pass None for what was not extracted: a 2xx answer without it is an error.
    """
    if http_status is None:
        return "error"
    if http_status in REMOVED_STATUSES:
        return "removed"
    if not 200 <= http_status < 300:
        return "error"
    if target.kind == "text":
        if page_text_units is None:
            return "error"
        texts = (
            list(page_text_units.values())
            if isinstance(page_text_units, Mapping)
            else list(page_text_units)
        )
        return "live" if _text_present(target, texts) else "removed"
    if image_hashes is None:
        return "error"
    images = [image_hashes] if isinstance(image_hashes, Mapping) else list(image_hashes)
    limits = {**MAX_DISTANCE, **(max_distance or {})}
    return "live" if any(_image_matches(target, h, limits) for h in images) else "removed"


def _text_present(target: RecheckTarget, texts: list[str]) -> bool:
    if target.text_sha256:
        for t in texts:
            if target.text_sha256 in (
                text_sha256(t),
                text_sha256(t.strip()),
                text_sha256(unicodedata.normalize("NFC", t).strip()),
            ):
                return True
    if target.excerpt:
        probe = normalise_text(target.excerpt)[:EXCERPT_PROBE_CHARS]
        if probe and any(probe in normalise_text(t) for t in texts):
            return True
    return False


def _image_matches(
    target: RecheckTarget, seen: Mapping[str, str], limits: Mapping[str, int]
) -> bool:
    if target.image_sha256 and seen.get("sha256", "").lower() == target.image_sha256:
        return True
    for algo, ours in target.image_hashes.items():
        theirs = seen.get(algo)
        if not theirs or algo not in limits or len(theirs) != len(ours):
            continue
        try:
            distance = (int(ours, 16) ^ int(theirs, 16)).bit_count()
        except ValueError:
            continue
        if distance <= limits[algo]:
            return True
    return False


def _chains(s: Session) -> dict[int, list[tuple[NoticeItem, Notice]]]:
    chains: dict[int, list[tuple[NoticeItem, Notice]]] = {}
    rows = s.execute(
        select(NoticeItem, Notice)
        .join(Notice, Notice.id == NoticeItem.notice_id)
        .order_by(Notice.issued_at, NoticeItem.id)
    )
    for item, notice in rows:
        chains.setdefault(item.finding_id, []).append((item, notice))
    return chains


def due_items(
    store: Store, now: datetime, *, only_due: bool = True, interval_hours: float = 12
) -> list[RecheckTarget]:
    """Reported items not yet found removed, newest notice of each finding only.

    With ``only_due``, an item is due when it was never checked, when its last check is
    older than ``interval_hours``, or when its deadline passed after its last check (so
    that a repeat notice rests on a check made after the deadline).
    """
    with store.session() as s:
        last = dict(
            s.execute(
                select(Recheck.notice_item_id, func.max(Recheck.checked_at)).group_by(
                    Recheck.notice_item_id
                )
            ).all()
        )
        out: list[RecheckTarget] = []
        for chain in _chains(s).values():
            item, notice = chain[-1]
            if item.status == "removed":
                continue
            checked = last.get(item.id)
            if only_due and checked is not None:
                stale = checked <= now - timedelta(hours=interval_hours)
                deadline_passed = checked < notice.deadline_at <= now
                if not (stale or deadline_passed):
                    continue
            out.append(_target(s, item, notice, checked))
    return sorted(out, key=lambda t: (t.deadline_at, t.item_id))


def _target(
    s: Session, item: NoticeItem, notice: Notice, checked: datetime | None
) -> RecheckTarget:
    finding = s.get_one(Finding, item.finding_id)
    page = s.get(Page, finding.page_id)
    unit = s.get(TextUnit, finding.text_unit_id) if finding.text_unit_id else None
    image = s.get(Image, finding.image_id) if finding.image_id else None
    return RecheckTarget(
        item_id=item.item_id,
        notice_id=notice.id,
        platform=notice.platform,
        kind=finding.kind,
        url=item.url,
        page_url=page.url if page else item.url,
        deadline_at=notice.deadline_at,
        status=item.status,
        last_checked_at=checked,
        unit_key=unit.unit_key if unit else None,
        text_sha256=unit.text_sha256 if unit else None,
        excerpt=finding.excerpt if finding.kind == "text" else None,
        image_url=image.url if image else None,
        image_sha256=image.sha256 if image else None,
        image_hashes={
            k: str(v).lower() for k, v in (image.hashes if image else {}).items() if k != "sha256"
        },
    )


@dataclass(frozen=True)
class RecheckRecord:
    item_id: str
    result: str
    status: str  # the item's status after this check
    removed_at: datetime | None
    last_verified_live_at: datetime | None


def record_recheck(
    store: Store,
    item_id: str,
    result: str,
    http_status: int | None,
    detail: str | None,
    at: datetime,
) -> RecheckRecord:
    """Append a re-check and move the item (and its earlier notices' items) accordingly.

    removed: the first removal sets ``removed_at``; live: refreshes
    ``last_verified_live_at`` and, if the content came back, undoes the removal;
    error: only the log row.
    """
    if result not in RECHECK_RESULTS:
        raise StoreError(f"Unknown re-check result {result!r}; expected live, removed or error.")
    if at.tzinfo is None:
        raise StoreError("A re-check time must carry a timezone.")
    with store.session() as s:
        item = s.scalars(select(NoticeItem).where(NoticeItem.item_id == item_id)).one_or_none()
        if item is None:
            raise StoreError(f"No notice item with id {item_id!r}.")
        s.add(
            Recheck(
                notice_item_id=item.id,
                checked_at=at,
                result=result,
                http_status=http_status,
                detail=detail,
            )
        )
        chain = [i for i, _ in _chains(s).get(item.finding_id, [])]
        if result == "removed":
            for i in chain:
                if i.status != "removed":
                    i.status, i.removed_at = "removed", at
        elif result == "live":
            if item.last_verified_live_at is None or at > item.last_verified_live_at:
                item.last_verified_live_at = at
            if item.status == "removed":
                log.warning("item %s is live again after removal", item_id)
                for i in chain:
                    i.removed_at = None
            for i in chain:
                i.status = "live"
        for notice_id in {i.notice_id for i in chain}:
            _refresh_notice(s, notice_id)
        return RecheckRecord(
            item.item_id, result, item.status, item.removed_at, item.last_verified_live_at
        )


def _refresh_notice(s: Session, notice_id: str) -> None:
    """A notice is closed once every item in it was found removed."""
    s.flush()
    statuses = set(s.scalars(select(NoticeItem.status).where(NoticeItem.notice_id == notice_id)))
    notice = s.get_one(Notice, notice_id)
    notice.status = "closed" if statuses == {"removed"} else "open"
