"""Analyst review: confirm or reject findings, keep every decision in an append-only trail,
and show a finding with everything needed to decide (never an image).

The reviewer is whoever the face says (the configured name or the OS user). A decision
changes ``findings.status`` and appends one ``reviews`` row; nothing ever edits a review.
"""

from __future__ import annotations

import csv
import io
import json
import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from reports.errors import StoreError
from reports.models import (
    Finding,
    HashList,
    HashListEntry,
    Image,
    Notice,
    NoticeItem,
    Page,
    Review,
    TextUnit,
)
from reports.store import Store

log = logging.getLogger(__name__)

STATUS_FOR = {"confirm": "confirmed", "reject": "rejected"}
DECISION_WORDS = {
    "confirm": "confirm",
    "confirmed": "confirm",
    "reject": "reject",
    "rejected": "reject",
}
MAX_REASON = 2000


class ReviewError(StoreError):
    """A review cannot be recorded: unknown finding, missing reason, bad batch file."""


@dataclass(frozen=True)
class Decision:
    finding_id: int
    decision: str  # "confirm" | "reject"
    reason: str
    where: str = ""  # "FILE line N" for batch input, for error messages


@dataclass(frozen=True)
class Outcome:
    finding_id: int
    decision: str
    previous_status: str
    status: str
    review_id: int


def review(
    store: Store, decisions: list[Decision], reviewer: str, at: datetime | None = None
) -> list[Outcome]:
    """Record all ``decisions`` in one transaction, or none of them.

    Rejecting a finding that already went out in a notice is refused: the notice cannot
    be taken back, and the trail would then disagree with what the platform received.
    """
    if not reviewer.strip():
        raise ReviewError("The reviewer name is empty; set [review] reviewer in tamsoat.toml.")
    at = at or datetime.now(UTC)
    for d in decisions:
        _check(d)
    outcomes: list[Outcome] = []
    with store.session() as s:
        for d in decisions:
            f = s.get(Finding, d.finding_id)
            if f is None:
                raise ReviewError(f"{_at(d)}no finding with id {d.finding_id}; nothing recorded.")
            if d.decision == "reject" and f.status == "confirmed":
                noticed = s.scalar(
                    select(NoticeItem.item_id).where(NoticeItem.finding_id == f.id).limit(1)
                )
                if noticed:
                    raise ReviewError(
                        f"{_at(d)}finding {f.id} is already in a sent notice (item {noticed}); "
                        "it cannot be rejected. Nothing recorded."
                    )
            row = Review(
                finding_id=f.id,
                decision=d.decision,
                reviewer=reviewer.strip()[:128],
                reason=d.reason.strip(),
                created_at=at,
            )
            s.add(row)
            previous = f.status
            f.status = STATUS_FOR[d.decision]
            s.flush()
            outcomes.append(Outcome(f.id, d.decision, previous, f.status, row.id))
    for o in outcomes:
        log.info("finding %d %s by %s", o.finding_id, o.status, reviewer)
    return outcomes


def _check(d: Decision) -> None:
    if d.decision not in STATUS_FOR:
        raise ReviewError(f"{_at(d)}decision must be confirm or reject, not {d.decision!r}.")
    if not d.reason.strip():
        raise ReviewError(f"{_at(d)}a reason is required for finding {d.finding_id}.")
    if len(d.reason) > MAX_REASON:
        raise ReviewError(f"{_at(d)}the reason is longer than {MAX_REASON} characters.")


def _at(d: Decision) -> str:
    return f"{d.where}: " if d.where else ""


def read_batch(path: Path, default_reason: str | None = None) -> list[Decision]:
    """Read decisions from CSV (header ``id,decision,reason``) or JSON Lines objects with
    the same keys; every line is checked and the first bad one is named."""
    try:
        raw = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise ReviewError(f"Cannot read {path}: {exc.strerror}.") from None
    except UnicodeDecodeError:
        raise ReviewError(f"{path} is not UTF-8 text.") from None
    first = next((line for line in raw.splitlines() if line.strip()), "")
    rows = _jsonl_rows(path, raw) if first.lstrip().startswith("{") else _csv_rows(path, raw)
    out: list[Decision] = []
    for where, row in rows:
        raw_id = row.get("id", row.get("finding_id"))
        try:
            fid = int(str(raw_id).strip())
        except ValueError:
            raise ReviewError(f"{where}: id {raw_id!r} is not a finding id.") from None
        word = str(row.get("decision", "")).strip().lower()
        if word not in DECISION_WORDS:
            raise ReviewError(f"{where}: decision must be confirm or reject, not {word!r}.")
        reason = str(row.get("reason") or default_reason or "")
        d = Decision(fid, DECISION_WORDS[word], reason, where)
        _check(d)
        out.append(d)
    if not out:
        raise ReviewError(f"{path} holds no decisions.")
    return out


def _csv_rows(path: Path, raw: str) -> list[tuple[str, dict[str, Any]]]:
    reader = csv.DictReader(io.StringIO(raw))
    fields = {f.strip() for f in reader.fieldnames or []}
    if not ({"id", "decision"} <= fields or {"finding_id", "decision"} <= fields):
        raise ReviewError(f"{path} line 1: the CSV header must be id,decision,reason.")
    rows = []
    for row in reader:
        if not any((v or "").strip() for v in row.values() if isinstance(v, str)):
            continue
        clean = {(k or "").strip(): v for k, v in row.items()}
        rows.append((f"{path} line {reader.line_num}", clean))
    return rows


def _jsonl_rows(path: Path, raw: str) -> list[tuple[str, dict[str, Any]]]:
    rows = []
    for n, line in enumerate(raw.splitlines(), 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except ValueError:
            raise ReviewError(f"{path} line {n}: not a JSON object.") from None
        if not isinstance(obj, dict):
            raise ReviewError(f"{path} line {n}: not a JSON object.")
        rows.append((f"{path} line {n}", obj))
    return rows


@dataclass(frozen=True)
class ReviewEntry:
    decision: str
    reviewer: str
    reason: str
    created_at: datetime


@dataclass(frozen=True)
class FindingDetail:
    """What ``findings show`` prints: the finding, why it was flagged, where, and history."""

    finding: dict[str, Any]
    highlighted_excerpt: str | None
    terms: list[str]
    page: dict[str, Any]
    text_unit: dict[str, Any] | None
    image: dict[str, Any] | None
    hash_match: dict[str, Any] | None
    reviews: list[ReviewEntry] = field(default_factory=list)
    notice_items: list[dict[str, Any]] = field(default_factory=list)


def finding_detail(store: Store, finding_id: int) -> FindingDetail:
    with store.session() as s:
        f = s.get(Finding, finding_id)
        if f is None:
            raise ReviewError(f"No finding with id {finding_id}.")
        page = s.get_one(Page, f.page_id)
        unit = s.get(TextUnit, f.text_unit_id) if f.text_unit_id else None
        image = s.get(Image, f.image_id) if f.image_id else None
        hl = s.get(HashList, f.hash_list_id) if f.hash_list_id else None
        entry = s.get(HashListEntry, f.hash_list_entry_id) if f.hash_list_entry_id else None
        reviews = [
            ReviewEntry(r.decision, r.reviewer, r.reason, r.created_at)
            for r in s.scalars(select(Review).where(Review.finding_id == f.id).order_by(Review.id))
        ]
        items = [
            {
                "item_id": i.item_id,
                "notice_id": n.id,
                "sequence": n.sequence,
                "issued_at": n.issued_at.isoformat(),
                "status": i.status,
                "removed_at": i.removed_at.isoformat() if i.removed_at else None,
            }
            for i, n in s.execute(
                select(NoticeItem, Notice)
                .join(Notice, Notice.id == NoticeItem.notice_id)
                .where(NoticeItem.finding_id == f.id)
                .order_by(Notice.issued_at)
            )
        ]
        terms = explanation_terms(f.explanation)
        return FindingDetail(
            finding={
                "id": f.id,
                "kind": f.kind,
                "url": f.url,
                "platform": f.platform,
                "labels": list(f.labels),
                "scores": dict(f.scores),
                "decision": f.decision,
                "method": f.method,
                "detector_version": f.detector_version,
                "status": f.status,
                "excerpt": f.excerpt,
                "explanation": dict(f.explanation),
                "first_seen_at": f.first_seen_at.isoformat(),
                "last_seen_at": f.last_seen_at.isoformat(),
            },
            highlighted_excerpt=highlight(f.excerpt, terms) if f.excerpt else None,
            terms=terms,
            page={
                "url": page.url,
                "final_url": page.final_url,
                "title": page.title,
                "platform": page.platform,
                "status_code": page.status_code,
                "meta": dict(page.meta),
                "last_fetched_at": page.last_fetched_at.isoformat(),
            },
            text_unit=None
            if unit is None
            else {
                "unit_key": unit.unit_key,
                "kind": unit.kind,
                "author": unit.author,
                "permalink": unit.permalink,
                "chars": unit.chars,
                "text_sha256": unit.text_sha256,
            },
            image=None
            if image is None
            else {
                "url": image.url,
                "sha256": image.sha256,
                "hashes": dict(image.hashes),
                "pdq_quality": image.pdq_quality,
                "width": image.width,
                "height": image.height,
            },
            hash_match=None
            if f.method not in ("hash_match", "exact_hash")
            else {
                "list": hl.name if hl else None,
                "list_version": f.hash_list_version,
                "trusted": bool(hl.trusted) if hl else None,
                "entry": entry.external_id if entry else None,
                "entry_category": entry.category if entry else None,
                "entry_source": entry.source if entry else None,
                "algo": f.algo,
                "distance": f.distance,
            },
            reviews=reviews,
            notice_items=items,
        )


def explanation_terms(explanation: Any) -> list[str]:
    """The terms a classifier explanation names, whatever its nesting: ``[term, weight]``
    pairs (the classifier's ``{label: [[term, weight], ...]}``), or strings under keys
    that mention a term, token or feature."""
    found: list[str] = []

    def walk(node: Any, termish: bool) -> None:
        if isinstance(node, dict):
            for k, v in node.items():
                walk(v, termish or any(w in str(k).lower() for w in ("term", "token", "feature")))
        elif isinstance(node, list | tuple):
            if (
                len(node) == 2
                and isinstance(node[0], str)
                and isinstance(node[1], int | float)
                and not isinstance(node[1], bool)
            ):
                found.append(node[0])
                return
            for v in node:
                walk(v, termish)
        elif isinstance(node, str) and termish:
            found.append(node)

    walk(explanation, False)
    return list(dict.fromkeys(t for t in found if t.strip()))


def highlight(text: str, terms: list[str]) -> str:
    """Mark each term found in ``text`` as [[term]] (case-insensitive, longest first)."""
    lowered = text.lower()
    if len(lowered) != len(text):  # a rare letter whose lower case is longer
        lowered = text
    marks = [False] * len(text)
    for term in sorted(terms, key=len, reverse=True):
        t = term.lower().replace("_", " ")
        start = lowered.find(t)
        while t and start != -1:
            if not any(marks[start : start + len(t)]):
                for k in range(start, start + len(t)):
                    marks[k] = True
            start = lowered.find(t, start + 1)
    out, inside = [], False
    for ch, marked in zip(text, marks, strict=True):
        if marked and not inside:
            out.append("[[")
        if not marked and inside:
            out.append("]]")
        inside = marked
        out.append(ch)
    if inside:
        out.append("]]")
    return "".join(out)
