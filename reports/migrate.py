"""Bring a database to the schema head with Alembic, safely from several processes."""

from __future__ import annotations

import logging
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, text

from reports.errors import StoreError

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).with_name("migrations")
# Any constant 64-bit key: serialises concurrent upgrades on one PostgreSQL database.
_PG_LOCK_KEY = 0x74616D736F6174


def alembic_config(connection: Connection | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine, target: str = "head") -> None:
    """Upgrade to ``target``; a no-op when the database is already there."""
    head = head_revision()
    if target == "head" and current_revision(engine) == head:
        return
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as conn:
        if sqlite:
            # Alembic rebuilds SQLite tables (batch mode) by copy, drop and rename, which
            # foreign keys forbid while other tables point at them; SQLite only switches
            # them outside a transaction, so before BEGIN, and checks them after.
            _sqlite_pragma(conn, "PRAGMA foreign_keys=OFF")
        try:
            with conn.begin():
                if conn.dialect.name == "postgresql":
                    conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK_KEY})
                current = MigrationContext.configure(conn).get_current_revision()
                if target == "head" and current == head:
                    return
                log.info("migrating the store from %s to %s", current, target)
                command.upgrade(alembic_config(conn), target)
                if sqlite:
                    broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        raise StoreError(
                            f"The migration to {target} would break {len(broken)} references "
                            f"(first in table {broken[0][0]}); nothing was changed."
                        )
        finally:
            if sqlite:
                _sqlite_pragma(conn, "PRAGMA foreign_keys=ON")


def _sqlite_pragma(conn: Connection, pragma: str) -> None:
    driver = conn.connection.driver_connection
    assert driver is not None
    driver.execute(pragma)
