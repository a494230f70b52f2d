"""Developer tool: write the next migration by comparing the models with the head schema.

python -m reports.new_migration "add a column"
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from alembic import command
from sqlalchemy import create_engine

from reports.migrate import alembic_config, head_revision


def main(message: str) -> None:
    head = head_revision()
    next_id = f"{int(head or '0') + 1:04d}"
    with tempfile.TemporaryDirectory() as tmp:
        engine = create_engine(f"sqlite:///{Path(tmp) / 'head.db'}")
        with engine.begin() as conn:
            command.upgrade(alembic_config(conn), "head")
        with engine.begin() as conn:
            command.revision(
                alembic_config(conn), message=message, autogenerate=True, rev_id=next_id
            )


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python -m reports.new_migration MESSAGE")
    main(sys.argv[1])
