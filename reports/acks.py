"""Platform acknowledgements: a CSV or JSON answer, item by item, imported all or nothing.

Accepted shapes: CSV with the header ``item_id,status,reference,acknowledged_at``; a JSON
array of objects with those keys (or ``{"items": [...]}``); JSON Lines. Every record is
checked (known item id, status, ISO 8601 time with a timezone, not before the notice) and
the first bad one is named with its line; then all are written in one transaction.
An acknowledgement records what the platform says; only a re-check marks an item removed.
"""

from __future__ import annotations

import csv
import io
import json
import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from reports.errors import StoreError
from reports.models import ACK_STATUSES, Acknowledgement, Notice, NoticeItem
from reports.store import Store

log = logging.getLogger(__name__)
REQUIRED = ("item_id", "status", "acknowledged_at")


class AckError(StoreError):
    """An acknowledgement file is unreadable or has a bad record."""


@dataclass(frozen=True)
class AckRecord:
    item_id: str
    status: str
    reference: str | None
    acknowledged_at: datetime
    where: str


@dataclass(frozen=True)
class AckImport:
    imported: int
    already_known: int


def read_acks(path: Path) -> list[AckRecord]:
    try:
        raw = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise AckError(f"Cannot read {path}: {exc.strerror}.") from None
    except UnicodeDecodeError:
        raise AckError(f"{path} is not UTF-8 text.") from None
    stripped = raw.lstrip()
    if not stripped:
        raise AckError(f"{path} is empty.")
    if stripped.startswith("["):
        rows = _json_rows(path, raw)
    elif stripped.startswith("{"):
        rows = _json_object_or_lines(path, raw)
    else:
        rows = _csv_rows(path, raw)
    if not rows:
        raise AckError(f"{path} holds no acknowledgement.")
    return [_record(where, row) for where, row in rows]


def _json_rows(path: Path, raw: str) -> list[tuple[str, Any]]:
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise AckError(f"{path} line {exc.lineno}: not valid JSON ({exc.msg}).") from None
    lines = _item_lines(raw)
    return [
        (f"{path} {lines[n] if n < len(lines) else f'item {n + 1}'}", row)
        for n, row in enumerate(data)
    ]


def _json_object_or_lines(path: Path, raw: str) -> list[tuple[str, Any]]:
    try:
        data = json.loads(raw)
    except json.JSONDecodeError:
        data = None
    if isinstance(data, dict) and isinstance(data.get("items"), list):
        lines = _item_lines(raw)
        return [
            (f"{path} {lines[n] if n < len(lines) else f'item {n + 1}'}", row)
            for n, row in enumerate(data["items"])
        ]
    rows = []
    for n, line in enumerate(raw.splitlines(), 1):
        if not line.strip():
            continue
        try:
            rows.append((f"{path} line {n}", json.loads(line)))
        except json.JSONDecodeError as exc:
            raise AckError(f"{path} line {n}: not valid JSON ({exc.msg}).") from None
    return rows


def _item_lines(raw: str) -> list[str]:
    """Best-effort 'line N' for each object of a JSON array: the line of each item_id key."""
    return [f"line {n}" for n, line in enumerate(raw.splitlines(), 1) if '"item_id"' in line]


def _csv_rows(path: Path, raw: str) -> list[tuple[str, Any]]:
    reader = csv.DictReader(io.StringIO(raw))
    header = [h.strip() for h in reader.fieldnames or []]
    missing = [f for f in REQUIRED if f not in header]
    if missing:
        raise AckError(
            f"{path} line 1: the CSV header lacks {missing[0]}; expected "
            "item_id,status,reference,acknowledged_at."
        )
    rows = []
    for row in reader:
        if None in row:
            raise AckError(f"{path} line {reader.line_num}: more fields than the header.")
        if not any((v or "").strip() for v in row.values()):
            continue
        rows.append((f"{path} line {reader.line_num}", {k.strip(): v for k, v in row.items()}))
    return rows


def _record(where: str, row: Any) -> AckRecord:
    if not isinstance(row, dict):
        raise AckError(f"{where}: not an object with item_id, status, acknowledged_at.")
    for key in REQUIRED:
        if not str(row.get(key) or "").strip():
            raise AckError(f"{where}: {key} is missing.")
    status = str(row["status"]).strip().lower()
    if status not in ACK_STATUSES:
        raise AckError(f"{where}: status must be removed, rejected or pending, not {status!r}.")
    stamp = str(row["acknowledged_at"]).strip()
    try:
        at = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        raise AckError(f"{where}: acknowledged_at {stamp!r} is not an ISO 8601 time.") from None
    if at.tzinfo is None:
        raise AckError(f"{where}: acknowledged_at {stamp!r} has no timezone (add Z or +07:00).")
    reference = row.get("reference")
    return AckRecord(
        item_id=str(row["item_id"]).strip(),
        status=status,
        reference=str(reference).strip() if reference not in (None, "") else None,
        acknowledged_at=at,
        where=where,
    )


def import_acks(store: Store, records: list[AckRecord]) -> AckImport:
    """Check every record against the store, then write them all, or none."""
    imported = known = 0
    with store.session() as s:
        wanted = {r.item_id for r in records}
        items = {
            item.item_id: (item, issued)
            for item, issued in s.execute(
                select(NoticeItem, Notice.issued_at)
                .join(Notice, Notice.id == NoticeItem.notice_id)
                .where(NoticeItem.item_id.in_(wanted))
            )
        }
        seen: set[tuple[int, str, datetime]] = set()
        for r in records:
            if r.item_id not in items:
                raise AckError(
                    f"{r.where}: no notice item with id {r.item_id!r}; nothing imported."
                )
            item, issued = items[r.item_id]
            if r.acknowledged_at < issued:
                raise AckError(
                    f"{r.where}: acknowledged_at is before the notice was issued; nothing imported."
                )
            key = (item.id, r.status, r.acknowledged_at)
            exists = key in seen or s.scalar(
                select(Acknowledgement.id).where(
                    Acknowledgement.notice_item_id == item.id,
                    Acknowledgement.status == r.status,
                    Acknowledgement.acknowledged_at == r.acknowledged_at,
                )
            )
            if exists:
                known += 1
                continue
            seen.add(key)
            s.add(
                Acknowledgement(
                    notice_item_id=item.id,
                    status=r.status,
                    platform_reference=r.reference,
                    acknowledged_at=r.acknowledged_at,
                )
            )
            imported += 1
    log.info("imported %d acknowledgements (%d already known)", imported, known)
    return AckImport(imported, known)
