"""Building one notice package for one platform: choose items, record the notice, write
and sign the files. The store rows and the folder appear together or not at all."""

from __future__ import annotations

import logging
import shutil
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from hashlib import sha256
from pathlib import Path

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from reports.errors import StoreError
from reports.models import Notice, NoticeItem
from reports.notice.document import (
    Sender,
    item_document,
    items_csv_bytes,
    notice_document,
    notice_json_bytes,
)
from reports.notice.legal import LegalTexts, main_category
from reports.notice.letter import render_html, render_pdf
from reports.notice.package import write_signed
from reports.notice.select import Candidate, new_candidates, repeat_candidates
from reports.platforms import Platform
from reports.signing import fingerprint, load_private_key
from reports.store import Store

log = logging.getLogger(__name__)


class NoticeError(StoreError):
    """A notice cannot be built: nothing to report, or the output folder is in the way."""


@dataclass(frozen=True)
class BuildRequest:
    platform: Platform
    out_dir: Path
    private_key: Path
    sender: Sender
    legal: LegalTexts
    deadline_hours: int = 24
    repeat: bool = False
    now: datetime | None = None


@dataclass(frozen=True)
class BuiltNotice:
    notice_id: str
    reference: str
    platform: str
    sequence: int
    previous_notice_ids: list[str]
    issued_at: datetime
    deadline_at: datetime
    item_ids: list[str]
    out_dir: Path
    manifest_sha256: str


def build_notice(store: Store, req: BuildRequest) -> BuiltNotice:
    """Build the package of ``req.platform`` into ``req.out_dir`` and record it."""
    if req.deadline_hours < 1:
        raise NoticeError("The deadline must be at least one hour.")
    _check_out_dir(req.out_dir)
    key = load_private_key(req.private_key)
    # The files show whole seconds; the row keeps the exact time (unique per platform).
    now = (req.now or datetime.now(UTC)).astimezone(UTC)
    pid = req.platform.id
    tmp = req.out_dir.parent / f".{req.out_dir.name}.tmp-{uuid.uuid4().hex[:8]}"
    moved = False
    try:
        with store.session() as s:
            if s.get_bind().dialect.name == "postgresql":
                # Two builds for one platform at once would both take the same findings.
                s.execute(text("SELECT pg_advisory_xact_lock(hashtext(:p))"), {"p": pid})
            if req.repeat:
                cands = repeat_candidates(s, pid, now)
                if not cands:
                    raise NoticeError(
                        f"No item of platform {pid!r} was found live after its deadline; "
                        "no repeat notice written (run the re-check first)."
                    )
            else:
                cands = new_candidates(s, pid)
                if not cands:
                    raise NoticeError(
                        f"No confirmed finding of platform {pid!r} waits for a notice; "
                        "nothing written (confirm findings with `tamsoat review` first)."
                    )
            built = _record_and_write(s, req, key, cands, now, tmp)
            if req.out_dir.exists():
                req.out_dir.rmdir()  # checked empty above
            tmp.rename(req.out_dir)
            moved = True
            log.info("notice %s for %s: %d items", built.notice_id, pid, len(built.item_ids))
        return built
    except BaseException:
        # The commit failed or was never reached: leave no package that the store lacks.
        shutil.rmtree(tmp, ignore_errors=True)
        if moved:
            shutil.rmtree(req.out_dir, ignore_errors=True)
        raise


def _record_and_write(
    s: Session,
    req: BuildRequest,
    key: object,
    cands: list[Candidate],
    now: datetime,
    tmp: Path,
) -> BuiltNotice:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    assert isinstance(key, Ed25519PrivateKey)
    pid = req.platform.id
    previous: dict[str, Notice] = {}
    for c in cands:
        for n in c.previous_notices:
            previous[n.id] = n
    sequence = max((n.sequence for n in previous.values()), default=0) + 1
    previous_ids = [n.id for n in sorted(previous.values(), key=lambda n: (n.issued_at, n.id))]
    notice_id = str(uuid.uuid4())
    deadline = now + timedelta(hours=req.deadline_hours)
    reference = f"TS-{now:%Y%m%d}-{_slug(pid)}-{sequence}-{notice_id[:8]}"
    notice = Notice(
        id=notice_id,
        platform=pid,
        sequence=sequence,
        previous_notice_ids=previous_ids,
        issued_at=now,
        deadline_at=deadline,
        status="open",
    )
    s.add(notice)
    s.flush()
    items = []
    for c in cands:
        item_id = str(uuid.uuid4())
        last_live = c.previous[-1].last_verified_live_at if c.previous else c.finding.last_seen_at
        s.add(
            NoticeItem(
                item_id=item_id,
                notice_id=notice_id,
                finding_id=c.finding.id,
                url=c.finding.url,
                category=main_category(list(c.finding.labels)),
                status="pending",
                last_verified_live_at=last_live,
            )
        )
        items.append(
            item_document(s, c.finding, item_id, [p.item_id for p in c.previous], last_live)
        )
    s.flush()
    doc = notice_document(
        notice_id=notice_id,
        reference=reference,
        sequence=sequence,
        previous_notice_ids=previous_ids,
        issued_at=now,
        deadline_at=deadline,
        deadline_hours=req.deadline_hours,
        sender=req.sender,
        fingerprint=fingerprint(key.public_key()),
        platform=req.platform,
        legal=req.legal,
        items=items,
    )
    tmp.mkdir(parents=True)
    manifest = write_signed(
        tmp,
        {
            "notice.json": notice_json_bytes(doc),
            "items.csv": items_csv_bytes(items),
            "letter.html": render_html(doc),
            "letter.pdf": render_pdf(doc),
        },
        key,
        notice_id,
    )
    notice.package_dir = str(req.out_dir.resolve())
    notice.manifest_sha256 = sha256(manifest).hexdigest()
    return BuiltNotice(
        notice_id=notice_id,
        reference=reference,
        platform=pid,
        sequence=sequence,
        previous_notice_ids=previous_ids,
        issued_at=now,
        deadline_at=deadline,
        item_ids=[i["item_id"] for i in items],
        out_dir=req.out_dir,
        manifest_sha256=notice.manifest_sha256,
    )


def _slug(platform: str) -> str:
    return "".join(ch if ch.isalnum() else "-" for ch in platform.upper())[:24]


def _check_out_dir(out: Path) -> None:
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise NoticeError(f"{out} exists and is not an empty folder; choose a new --out.")
    if not out.parent.is_dir():
        raise NoticeError(f"Cannot write {out}: the folder {out.parent} does not exist.")


def notices(store: Store, platform: str | None = None) -> list[Notice]:
    with store.session() as s:
        stmt = select(Notice).order_by(Notice.issued_at)
        if platform:
            stmt = stmt.where(Notice.platform == platform)
        return list(s.scalars(stmt))
