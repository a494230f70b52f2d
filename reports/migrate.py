"""Bring a database to the schema head with Alembic, safely from several processes."""

from __future__ import annotations

import logging
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, text

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
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK_KEY})
        if target == "head" and MigrationContext.configure(conn).get_current_revision() == head:
            return
        log.info("migrating the store to %s", target)
        command.upgrade(alembic_config(conn), target)
