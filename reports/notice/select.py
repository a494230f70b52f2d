"""Which findings go into a notice: new confirmed ones, or items still live past a deadline.

A human decides (DESIGN.md): a finding enters a first notice only when an analyst confirmed
it, or when it matched a hash list the operator marked trusted and nobody rejected it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from reports.models import Finding, HashList, Notice, NoticeItem

HASH_METHODS = ("hash_match", "exact_hash")


@dataclass(frozen=True)
class Candidate:
    finding: Finding
    previous: tuple[NoticeItem, ...] = ()  # earlier items for the same finding, oldest first
    previous_notices: tuple[Notice, ...] = ()


def items_by_finding(session: Session, finding_ids: list[int]) -> dict[int, list[NoticeItem]]:
    """Every notice item of these findings, oldest notice first."""
    out: dict[int, list[NoticeItem]] = defaultdict(list)
    if not finding_ids:
        return out
    rows = session.execute(
        select(NoticeItem, Notice.issued_at)
        .join(Notice, Notice.id == NoticeItem.notice_id)
        .where(NoticeItem.finding_id.in_(finding_ids))
        .order_by(Notice.issued_at, NoticeItem.id)
    )
    for item, _issued in rows:
        out[item.finding_id].append(item)
    return out


def new_candidates(session: Session, platform: str) -> list[Candidate]:
    """Confirmed (or trusted-list) findings of ``platform`` that no live notice covers.

    A finding whose every item was found removed, and that the crawler saw again after
    that, is reported again: the content came back.
    """
    trusted = {h.id for h in session.scalars(select(HashList).where(HashList.trusted.is_(True)))}
    rows = session.scalars(
        select(Finding)
        .where(Finding.platform == platform, Finding.status != "rejected")
        .order_by(Finding.id)
    ).all()
    eligible = [
        f
        for f in rows
        if f.status == "confirmed"
        or (f.method in HASH_METHODS and f.hash_list_id is not None and f.hash_list_id in trusted)
    ]
    existing = items_by_finding(session, [f.id for f in eligible])
    out: list[Candidate] = []
    for f in eligible:
        items = existing.get(f.id, [])
        if all(i.removed_at is not None and f.last_seen_at > i.removed_at for i in items):
            out.append(Candidate(f))
    return out


def repeat_candidates(session: Session, platform: str, now: datetime) -> list[Candidate]:
    """Current items of ``platform`` that a re-check found live at or after their deadline."""
    rows = session.execute(
        select(NoticeItem, Notice)
        .join(Notice, Notice.id == NoticeItem.notice_id)
        .where(Notice.platform == platform, NoticeItem.status != "removed")
        .order_by(Notice.issued_at, NoticeItem.id)
    ).all()
    chains = items_by_finding(session, sorted({item.finding_id for item, _ in rows}))
    notices = {n.id: n for _, n in rows}
    out: list[Candidate] = []
    for item, notice in rows:
        chain = chains[item.finding_id]
        if chain[-1].id != item.id:  # already carried into a later notice
            continue
        live = item.last_verified_live_at
        if notice.deadline_at > now or live is None or live < notice.deadline_at:
            continue
        finding = session.get_one(Finding, item.finding_id)
        earlier = {i.notice_id for i in chain}
        prev_notices = tuple(
            notices.get(nid) or session.get_one(Notice, nid) for nid in sorted(earlier)
        )
        out.append(Candidate(finding, tuple(chain), prev_notices))
    return out


def platform_has_findings(session: Session, platform: str) -> bool:
    return (
        session.scalar(select(Finding.id).where(Finding.platform == platform).limit(1)) is not None
    )
