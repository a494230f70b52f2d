"""Database URLs and engines: SQLite (embedded default, WAL) or PostgreSQL (psycopg 3)."""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from reports.errors import StoreError

log = logging.getLogger(__name__)

SQLITE_BUSY_TIMEOUT_MS = 30_000


def normalise_url(url: str) -> URL:
    """Parse a database URL and pin the driver we ship (psycopg 3 for PostgreSQL).

    Accepts ``sqlite:///PATH``, ``postgresql://...``, ``postgres://...`` and
    ``postgresql+psycopg://...``; anything else is refused with a clear message.
    """
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise StoreError(
            f"Cannot parse database URL {url!r}: use sqlite:///PATH or postgresql://HOST/DB."
        ) from None
    backend, _, driver = parsed.drivername.partition("+")
    if backend == "postgres":
        backend = "postgresql"
    if backend == "sqlite" and driver in ("", "pysqlite"):
        return parsed.set(drivername="sqlite")
    if backend == "postgresql" and driver in ("", "psycopg"):
        return parsed.set(drivername="postgresql+psycopg")
    raise StoreError(
        f"Unsupported database URL scheme {parsed.drivername!r}: "
        "use sqlite:///PATH or postgresql://HOST/DB."
    )


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def describe(url: URL) -> str:
    """A URL safe to print: no password."""
    return url.render_as_string(hide_password=True)


def _on_sqlite_connect(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
    # WAL lets readers run beside one writer; busy_timeout makes concurrent writers wait
    # instead of failing; foreign keys are off by default in SQLite.
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def _on_sqlite_begin(conn: Any) -> None:
    # Take the write lock at BEGIN, so two writers queue on busy_timeout instead of
    # deadlocking on a read-to-write upgrade.
    conn.exec_driver_sql("BEGIN IMMEDIATE")


def make_engine(url: str) -> Engine:
    """Create an engine for a validated URL; the SQLite file's folder must exist."""
    parsed = normalise_url(url)
    if parsed.drivername == "sqlite":
        database = parsed.database or ""
        if database and database != ":memory:":
            folder = Path(database).expanduser().resolve().parent
            if not folder.is_dir():
                raise StoreError(f"Cannot open the database: folder {folder} does not exist.")
        engine = create_engine(parsed, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
        # pysqlite's own transaction handling is turned off so that BEGIN is ours.
        event.listen(engine, "connect", _on_sqlite_connect)
        event.listen(
            engine,
            "connect",
            lambda dbapi_conn, _rec: setattr(dbapi_conn, "isolation_level", None),
        )
        event.listen(engine, "begin", _on_sqlite_begin)
        return engine
    return create_engine(
        parsed,
        pool_pre_ping=True,
        connect_args={"connect_timeout": 5},
    )
