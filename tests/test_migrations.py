"""Migrations build the schema from nothing, and every model change has one."""

from __future__ import annotations

from datetime import UTC, datetime

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, select, text

from reports import db, migrate
from reports.migrate import alembic_config
from reports.models import Base, Finding, Page
from reports.store import Store


def test_upgrade_from_empty_to_head_then_down_and_up_again(db_url: str) -> None:
    engine = db.make_engine(db_url)
    assert migrate.current_revision(engine) is None
    migrate.upgrade(engine)
    assert migrate.current_revision(engine) == migrate.head_revision()
    assert set(Base.metadata.tables) <= set(inspect(engine).get_table_names())
    with engine.begin() as conn:
        command.downgrade(alembic_config(conn), "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    migrate.upgrade(engine)
    migrate.upgrade(engine)  # at head: a no-op
    assert migrate.current_revision(engine) == migrate.head_revision()
    engine.dispose()


def test_models_and_migrations_agree(db_url: str) -> None:
    """Fails when reports/models.py changed without `python -m reports.new_migration`."""
    engine = db.make_engine(db_url)
    migrate.upgrade(engine)
    with engine.connect() as conn:
        diff = compare_metadata(
            MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata
        )
    engine.dispose()
    assert diff == [], f"models differ from the migrations: {diff}"


def test_upgrading_a_store_with_data_keeps_its_rows(db_url: str) -> None:
    engine = db.make_engine(db_url)
    migrate.upgrade(engine, "0001")
    with engine.begin() as conn:
        t = {"t": datetime(2026, 1, 1, tzinfo=UTC)}
        conn.execute(
            text(
                "INSERT INTO pages (id, url_sha256, url, platform, first_seen_at, last_fetched_at)"
                " VALUES (1, 'ab', 'https://x.vn/', 'x.vn', :t, :t)"
            ),
            t,
        )
        conn.execute(  # a finding that points at the page, as every real store has
            text(
                "INSERT INTO findings (dedupe_key, kind, page_id, url, platform, labels, scores,"
                " decision, method, explanation, status, first_seen_at, last_seen_at) VALUES"
                " ('k', 'text', 1, 'https://x.vn/#c1', 'x.vn', '[]', '{}', 'review',"
                " 'classifier', '{}', 'new', :t, :t)"
            ),
            t,
        )
    migrate.upgrade(engine)
    with Store(engine).session() as s:
        page = s.scalars(select(Page)).one()
    assert (page.url, page.meta) == ("https://x.vn/", {})
    with Store(engine).session() as s:
        assert s.scalars(select(Finding.page_id)).one() == page.id
    engine.dispose()
