"""What every command shares: the config options, logging, and opening the store."""

from __future__ import annotations

import functools
import logging
import logging.handlers
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
from rich.console import Console

from reports.store import Store
from tamsoat.config import Config, load

F = Callable[..., Any]


def with_config(fn: F) -> F:
    """Add ``--home`` and ``--db`` to a command and pass it the resolved ``config``."""

    @click.option(
        "--home",
        type=click.Path(path_type=Path, file_okay=False),
        default=None,
        help="Workspace folder [env TAMSOAT_HOME; default ~/.tamsoat].",
    )
    @click.option(
        "--db",
        "db_url",
        default=None,
        metavar="URL",
        help="Database URL, sqlite:///PATH or postgresql://HOST/DB [env TAMSOAT_DB].",
    )
    @functools.wraps(fn)
    def wrapper(*args: Any, home: Path | None, db_url: str | None, **kwargs: Any) -> Any:
        config = load(home=home, db=db_url)
        setup_logging(config)
        return fn(*args, config=config, **kwargs)

    return wrapper


def open_store(config: Config) -> Store:
    return Store.open(config.db_url)


_configured = False


def setup_logging(config: Config) -> None:
    """Warnings to stderr; everything from INFO up to the workspace log when it exists."""
    global _configured
    if _configured:
        return
    _configured = True
    root = logging.getLogger()
    root.setLevel(logging.INFO)
    console = logging.StreamHandler(sys.stderr)
    console.setLevel(logging.DEBUG if _verbose() else logging.WARNING)
    console.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    root.addHandler(console)
    if config.logs_dir.is_dir():
        try:
            handler = logging.handlers.RotatingFileHandler(
                config.logs_dir / "tamsoat.log",
                maxBytes=10 * 1024 * 1024,
                backupCount=5,
                encoding="utf-8",
            )
        except OSError:
            return
        handler.setFormatter(
            logging.Formatter("%(asctime)s %(process)d %(levelname)s %(name)s: %(message)s")
        )
        root.addHandler(handler)


def _verbose() -> bool:
    ctx = click.get_current_context(silent=True)
    root = ctx.find_root() if ctx else None
    return bool(root and root.params.get("verbose"))


def console() -> Console:
    """A rich console for tables: the terminal's width, or wide when piped to a file."""
    return Console(width=None if sys.stdout.isatty() else 200, soft_wrap=False)


def echo_json(obj: Any) -> None:
    import json

    click.echo(json.dumps(obj, ensure_ascii=False, default=str))
