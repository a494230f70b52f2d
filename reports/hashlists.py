"""Hash lists in the findings store: import (all or nothing, versioned), list, export,
remove, and load the active entries for matching.

Callers hand validated ``EntryRecord``s (the hashes package parses and checks files;
this module does not import it). A list keeps one row per (algo, hash); re-importing a
name replaces its content in one transaction and bumps its version when anything
changed, so a finding records which version of a list matched. Entries keep the version
that added them. Removing a list deactivates it (findings still point at it); purging
deletes it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from reports.errors import StoreError
from reports.models import HashList, HashListEntry, utcnow
from reports.store import Store

log = logging.getLogger(__name__)

INSERT_CHUNK = 5_000
MAX_NAME = 128


@dataclass(frozen=True)
class EntryRecord:
    """One validated entry to store."""

    algo: str
    hash: str
    category: str
    source: str | None = None
    external_id: str | None = None


@dataclass(frozen=True)
class StoredEntry:
    """An entry as loaded for matching or export (fits hashes.matcher.EntryLike)."""

    entry_id: int
    list_id: int
    list_name: str
    list_version: int
    algo: str
    hash: str
    category: str
    trusted: bool
    source: str | None
    external_id: str | None
    added_in_version: int


@dataclass(frozen=True)
class ListInfo:
    id: int
    name: str
    version: int
    trusted: bool
    active: bool
    description: str | None
    entry_count: int
    algos: dict[str, int]
    source_file_sha256: str | None
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class ImportResult:
    name: str
    list_id: int
    version: int
    created: bool
    changed: bool
    added: int
    removed: int
    updated: int
    total: int
    trusted: bool


def check_name(name: str) -> str:
    clean = name.strip()
    if not clean or len(clean) > MAX_NAME or any(ord(c) < 32 for c in clean):
        raise StoreError(f"hash list name {name!r} must be 1 to {MAX_NAME} printable characters")
    return clean


def import_list(
    store: Store,
    name: str,
    entries: Sequence[EntryRecord],
    *,
    trusted: bool | None = None,
    description: str | None = None,
    source_sha256: str | None = None,
) -> ImportResult:
    """Create list ``name`` or replace its entries, in one transaction.

    ``trusted`` None keeps the list's flag (False for a new list). The version goes
    up by one when the entries change (or a removed list comes back).
    """
    name = check_name(name)
    wanted: dict[tuple[str, str], EntryRecord] = {}
    for entry in entries:
        wanted.setdefault((entry.algo, entry.hash), entry)
    if not wanted:
        raise StoreError(f"hash list {name!r}: nothing to import (no entries)")
    now = utcnow()
    with store.session() as s:
        row = s.scalar(select(HashList).where(HashList.name == name))
        created = row is None
        if row is None:
            row = HashList(
                name=name,
                version=1,
                trusted=bool(trusted),
                active=True,
                created_at=now,
                updated_at=now,
                entry_count=0,
            )
            s.add(row)
            s.flush()
            existing: dict[tuple[str, str], tuple[int, str, str | None, str | None]] = {}
            version = 1
        else:
            existing = {
                (algo, value): (ident, category, source, ext)
                for ident, algo, value, category, source, ext in s.execute(
                    select(
                        HashListEntry.id,
                        HashListEntry.algo,
                        HashListEntry.hash,
                        HashListEntry.category,
                        HashListEntry.source,
                        HashListEntry.external_id,
                    ).where(HashListEntry.list_id == row.id)
                )
            }
            version = row.version
        added = [e for key, e in wanted.items() if key not in existing]
        gone = [existing[key][0] for key in existing if key not in wanted]
        changed_rows = [
            (existing[key][0], e)
            for key, e in wanted.items()
            if key in existing and existing[key][1:] != (e.category, e.source, e.external_id)
        ]
        changed = bool(added or gone or changed_rows) or not row.active
        if not created and changed:
            version += 1
        list_id = row.id
        _delete(s, gone)
        _insert(s, list_id, version, added)
        for ident, e in changed_rows:
            s.execute(
                update(HashListEntry)
                .where(HashListEntry.id == ident)
                .values(category=e.category, source=e.source, external_id=e.external_id)
            )
        row.version = version
        row.active = True
        row.entry_count = len(wanted)
        row.updated_at = now
        if trusted is not None:
            row.trusted = trusted
        if description is not None:
            row.description = description
        if source_sha256 is not None:
            row.source_file_sha256 = source_sha256
        result = ImportResult(
            name,
            list_id,
            version,
            created,
            changed or created,
            len(added),
            len(gone),
            len(changed_rows),
            len(wanted),
            row.trusted,
        )
    log.info(
        "hash list %s v%d: +%d -%d ~%d", name, version, len(added), len(gone), len(changed_rows)
    )
    return result


def _delete(s: Session, ids: list[int]) -> None:
    for start in range(0, len(ids), INSERT_CHUNK):
        s.execute(
            delete(HashListEntry).where(HashListEntry.id.in_(ids[start : start + INSERT_CHUNK]))
        )


def _insert(s: Session, list_id: int, version: int, entries: list[EntryRecord]) -> None:
    for start in range(0, len(entries), INSERT_CHUNK):
        s.execute(
            insert(HashListEntry),
            [
                {
                    "list_id": list_id,
                    "algo": e.algo,
                    "hash": e.hash,
                    "category": e.category,
                    "source": e.source,
                    "external_id": e.external_id,
                    "added_in_version": version,
                }
                for e in entries[start : start + INSERT_CHUNK]
            ],
        )


def list_lists(store: Store, *, include_inactive: bool = True) -> list[ListInfo]:
    """Every hash list with its per-algorithm entry counts, by name."""
    with store.session() as s:
        counts: dict[int, dict[str, int]] = {}
        for list_id, algo, count in s.execute(
            select(HashListEntry.list_id, HashListEntry.algo, func.count()).group_by(
                HashListEntry.list_id, HashListEntry.algo
            )
        ):
            counts.setdefault(list_id, {})[algo] = int(count)
        stmt = select(HashList).order_by(HashList.name)
        if not include_inactive:
            stmt = stmt.where(HashList.active.is_(True))
        return [_info(row, counts.get(row.id, {})) for row in s.scalars(stmt)]


def get_list(store: Store, name: str) -> ListInfo:
    for info in list_lists(store):
        if info.name == name:
            return info
    raise StoreError(f"no hash list named {name!r}; see `tamsoat hashlist list`")


def _info(row: HashList, algos: dict[str, int]) -> ListInfo:
    return ListInfo(
        row.id,
        row.name,
        row.version,
        row.trusted,
        row.active,
        row.description,
        row.entry_count,
        dict(sorted(algos.items())),
        row.source_file_sha256,
        row.created_at,
        row.updated_at,
    )


def set_trusted(store: Store, name: str, trusted: bool) -> None:
    with store.session() as s:
        row = _row(s, name)
        row.trusted = trusted
        row.updated_at = utcnow()


def remove_list(store: Store, name: str, *, purge: bool = False) -> int:
    """Deactivate list ``name`` (or delete it with ``purge``); return its entry count."""
    with store.session() as s:
        row = _row(s, name)
        count = row.entry_count
        if purge:
            s.execute(delete(HashListEntry).where(HashListEntry.list_id == row.id))
            s.delete(row)
        else:
            row.active = False
            row.updated_at = utcnow()
    return count


def _row(s: Session, name: str) -> HashList:
    row = s.scalar(select(HashList).where(HashList.name == name))
    if row is None:
        raise StoreError(f"no hash list named {name!r}; see `tamsoat hashlist list`")
    return row


def load_entries(store: Store, names: Iterable[str] | None = None) -> list[StoredEntry]:
    """The entries of every active list, or of the lists named (which must exist and
    be active), ready for ``hashes.matcher.Matcher.build``."""
    wanted = list(dict.fromkeys(names)) if names is not None else None
    with store.session() as s:
        stmt = select(HashList)
        if wanted is not None:
            stmt = stmt.where(HashList.name.in_(wanted))
        lists = {row.id: row for row in s.scalars(stmt)}
        if wanted is not None:
            by_name = {row.name: row for row in lists.values()}
            for name in wanted:
                if name not in by_name:
                    raise StoreError(f"no hash list named {name!r}; see `tamsoat hashlist list`")
                if not by_name[name].active:
                    raise StoreError(f"hash list {name!r} was removed; import it again to use it")
        active = {i: r for i, r in lists.items() if r.active}
        if not active:
            return []
        rows = s.execute(
            select(
                HashListEntry.id,
                HashListEntry.list_id,
                HashListEntry.algo,
                HashListEntry.hash,
                HashListEntry.category,
                HashListEntry.source,
                HashListEntry.external_id,
                HashListEntry.added_in_version,
            )
            .where(HashListEntry.list_id.in_(list(active)))
            .order_by(HashListEntry.id)
        )
        return [
            StoredEntry(
                ident,
                list_id,
                active[list_id].name,
                active[list_id].version,
                algo,
                value,
                category,
                active[list_id].trusted,
                source,
                ext,
                added,
            )
            for ident, list_id, algo, value, category, source, ext, added in rows
        ]


def list_entries(store: Store, name: str) -> list[StoredEntry]:
    """All entries of list ``name`` (active or not), for export."""
    with store.session() as s:
        row = _row(s, name)
        rows = s.execute(
            select(
                HashListEntry.id,
                HashListEntry.algo,
                HashListEntry.hash,
                HashListEntry.category,
                HashListEntry.source,
                HashListEntry.external_id,
                HashListEntry.added_in_version,
            )
            .where(HashListEntry.list_id == row.id)
            .order_by(HashListEntry.id)
        )
        return [
            StoredEntry(
                ident,
                row.id,
                row.name,
                row.version,
                algo,
                value,
                category,
                row.trusted,
                source,
                ext,
                added,
            )
            for ident, algo, value, category, source, ext, added in rows
        ]
