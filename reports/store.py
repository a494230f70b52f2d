"""The findings store: one object over one database, used by the crawler, review and
notices. Every write of a crawl is an idempotent upsert on a natural unique key, so a
crawl that is killed and restarted, or two workers writing at once, leave one row."""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, Select, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from reports import db, migrate
from reports.errors import StoreError
from reports.models import (
    Base,
    Crawl,
    Finding,
    Image,
    ImageOccurrence,
    Page,
    TextUnit,
    utcnow,
)
from reports.records import (
    FindingFilter,
    FindingRecord,
    ImageRecord,
    PageRecord,
    TextUnitRecord,
    sha256_hex,
)

log = logging.getLogger(__name__)


class Store:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        self._upserts: dict[tuple[Any, ...], Any] = {}

    @classmethod
    def open(cls, url: str, *, migrate_to_head: bool = True) -> Store:
        """Open the database at ``url``, upgrading its schema to head first."""
        engine = db.make_engine(url)
        try:
            if migrate_to_head:
                migrate.upgrade(engine)
            else:
                with engine.connect():
                    pass
        except (OperationalError, DBAPIError) as exc:
            engine.dispose()
            raise StoreError(_connect_error(engine, exc)) from None
        return cls(engine)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A unit of work: committed when the block ends, rolled back on error."""
        with self._sessions.begin() as session:
            yield session

    # -- upserts ---------------------------------------------------------------------

    def _upsert(
        self,
        session: Session,
        model: type[Base],
        values: dict[str, Any],
        keys: Sequence[str],
        update: Sequence[str],
    ) -> int:
        """INSERT ... ON CONFLICT (keys) DO UPDATE SET update; returns the row id."""
        return self._upsert_many(session, model, [values], keys, update)[0]

    def _upsert_many(
        self,
        session: Session,
        model: type[Base],
        rows: Sequence[dict[str, Any]],
        keys: Sequence[str],
        update: Sequence[str],
    ) -> list[int]:
        """Upsert rows of one shape in one round trip; returns their ids in order.

        Both dialects do INSERT ... ON CONFLICT atomically in the database, which is what
        makes two concurrent writers end with one row. The statement is built once per
        shape and executed with parameters: building it costs more than running it.
        """
        if not rows:
            return []
        shape = (model, tuple(rows[0]), tuple(keys), tuple(update))
        upsert = self._upserts.get(shape)
        if upsert is None:
            insert = postgresql.insert if self.dialect == "postgresql" else sqlite.insert
            stmt = insert(model)
            set_ = {name: stmt.excluded[name] for name in update}
            if not set_:  # ON CONFLICT DO UPDATE needs one assignment to return the id
                set_ = {keys[0]: stmt.excluded[keys[0]]}
            # The keys come back with each id: a multi-row upsert does not promise to
            # return rows in the order they were given (PostgreSQL does not).
            upsert = stmt.on_conflict_do_update(index_elements=list(keys), set_=set_).returning(
                stmt.table.c.id, *(stmt.table.c[k] for k in keys)
            )
            self._upserts[shape] = upsert
        if len(rows) == 1:
            return [int(session.execute(upsert, rows[0]).first()[0])]  # type: ignore[index]
        ids = {tuple(r[1:]): int(r[0]) for r in session.execute(upsert, list(rows))}
        return [ids[tuple(row[k] for k in keys)] for row in rows]

    def start_crawl(self, spider: str, seeds: list[str], job_dir: str | None = None) -> int:
        with self.session() as s:
            crawl = Crawl(spider=spider, seeds=seeds, job_dir=job_dir)
            s.add(crawl)
            s.flush()
            return crawl.id

    def finish_crawl(self, crawl_id: int, status: str, stats: dict[str, Any]) -> None:
        with self.session() as s:
            crawl = s.get(Crawl, crawl_id)
            if crawl is None:
                raise StoreError(f"No crawl with id {crawl_id}.")
            crawl.status = status
            crawl.stats = stats
            crawl.finished_at = utcnow()

    def upsert_page(self, page: PageRecord, session: Session | None = None) -> int:
        values = {
            "url_sha256": sha256_hex(page.url),
            "url": page.url,
            "final_url": page.final_url,
            "platform": page.platform,
            "status_code": page.status_code,
            "title": page.title,
            "content_sha256": page.content_sha256,
            "meta": page.meta,
            "first_seen_at": page.fetched_at,
            "last_fetched_at": page.fetched_at,
            "crawl_id": page.crawl_id,
        }
        update = [k for k in values if k not in ("url_sha256", "url", "first_seen_at")]
        with self._maybe_session(session) as s:
            return self._upsert(s, Page, values, ["url_sha256"], update)

    def upsert_text_unit(
        self, page_id: int, unit: TextUnitRecord, session: Session | None = None
    ) -> int:
        return self.upsert_text_units(page_id, [unit], session)[0]

    def upsert_text_units(
        self, page_id: int, units: Sequence[TextUnitRecord], session: Session | None = None
    ) -> list[int]:
        """All text units of a page in one statement; ids in the order given.

        Unit keys must be unique within the page (one statement cannot touch a row twice).
        """
        if len({u.unit_key for u in units}) != len(units):
            raise StoreError("text units of one page need distinct unit keys")
        rows = [
            {
                "page_id": page_id,
                "unit_key": unit.unit_key,
                "kind": unit.kind,
                "author": unit.author,
                "permalink": unit.permalink,
                "text_sha256": unit.text_sha256,
                "chars": unit.chars,
                "first_seen_at": unit.seen_at,
                "last_seen_at": unit.seen_at,
            }
            for unit in units
        ]
        update = ["kind", "author", "permalink", "text_sha256", "chars", "last_seen_at"]
        with self._maybe_session(session) as s:
            return self._upsert_many(s, TextUnit, rows, ["page_id", "unit_key"], update)

    def upsert_image(self, image: ImageRecord, session: Session | None = None) -> int:
        values = {
            "url_sha256": sha256_hex(image.url),
            "url": image.url,
            "sha256": image.sha256,
            "hashes": image.hashes,
            "pdq_quality": image.pdq_quality,
            "width": image.width,
            "height": image.height,
            "error": image.error,
            "first_seen_at": image.seen_at,
            "last_seen_at": image.seen_at,
        }
        update = [k for k in values if k not in ("url_sha256", "url", "first_seen_at")]
        with self._maybe_session(session) as s:
            return self._upsert(s, Image, values, ["url_sha256"], update)

    def add_image_occurrence(
        self, page_id: int, image_id: int, seen_at: Any, session: Session | None = None
    ) -> int:
        values = {
            "page_id": page_id,
            "image_id": image_id,
            "first_seen_at": seen_at,
            "last_seen_at": seen_at,
        }
        with self._maybe_session(session) as s:
            return self._upsert(
                s, ImageOccurrence, values, ["page_id", "image_id"], ["last_seen_at"]
            )

    def upsert_finding(self, finding: FindingRecord, session: Session | None = None) -> int:
        """Insert a finding, or refresh its detection fields when seen again.

        A re-crawl never resets what an analyst decided: status and first_seen_at stay.
        """
        with self._maybe_session(session) as s:
            page_id = self._upsert(
                s,
                Page,
                {
                    "url_sha256": sha256_hex(finding.page_url),
                    "url": finding.page_url,
                    "platform": finding.platform,
                    "meta": {},
                    "first_seen_at": finding.seen_at,
                    "last_fetched_at": finding.seen_at,
                },
                ["url_sha256"],
                [],
            )
            values = {
                "dedupe_key": finding.dedupe_key,
                "kind": finding.kind,
                "page_id": page_id,
                "text_unit_id": finding.text_unit_id,
                "image_id": finding.image_id,
                "url": finding.url,
                "platform": finding.platform,
                "labels": sorted(finding.labels),
                "scores": finding.scores,
                "decision": finding.decision,
                "method": finding.method,
                "detector_version": finding.detector_version,
                "hash_list_id": finding.hash_list_id,
                "hash_list_version": finding.hash_list_version,
                "hash_list_entry_id": finding.hash_list_entry_id,
                "algo": finding.algo,
                "distance": finding.distance,
                "excerpt": finding.excerpt,
                "explanation": finding.explanation,
                "first_seen_at": finding.seen_at,
                "last_seen_at": finding.seen_at,
            }
            frozen = {"dedupe_key", "kind", "page_id", "first_seen_at"}
            update = [k for k in values if k not in frozen]
            return self._upsert(s, Finding, values, ["dedupe_key"], update)

    # -- queries ---------------------------------------------------------------------

    def findings(self, flt: FindingFilter | None = None) -> list[Finding]:
        flt = flt or FindingFilter()
        stmt: Select[Finding] = select(Finding).order_by(Finding.id)
        if flt.decision:
            stmt = stmt.where(Finding.decision == flt.decision)
        if flt.platform:
            stmt = stmt.where(Finding.platform == flt.platform)
        if flt.status:
            stmt = stmt.where(Finding.status == flt.status)
        if flt.kind:
            stmt = stmt.where(Finding.kind == flt.kind)
        if flt.since:
            stmt = stmt.where(Finding.first_seen_at >= flt.since)
        with self.session() as s:
            rows = list(s.scalars(stmt))
        if flt.label:  # labels is a JSON list: filtered here, portable across backends
            rows = [f for f in rows if flt.label in f.labels]
        return rows[: flt.limit] if flt.limit else rows

    def count(self, model: type[Base]) -> int:
        with self.session() as s:
            return int(s.scalar(select(func.count()).select_from(model)) or 0)

    @contextmanager
    def _maybe_session(self, session: Session | None) -> Iterator[Session]:
        if session is not None:
            yield session
        else:
            with self.session() as s:
                yield s


def _connect_error(engine: Engine, exc: Exception) -> str:
    where = db.describe(engine.url)
    reason = str(getattr(exc, "orig", exc)).strip().splitlines()[0] if str(exc) else ""
    if engine.dialect.name == "postgresql":
        return f"Cannot connect to PostgreSQL at {where}: {reason}."
    return f"Cannot open the SQLite database {where}: {reason}."
