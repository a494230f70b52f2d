"""Creating a workspace: the folder that holds configuration, store, keys and logs."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from reports.signing import ensure_keypair
from reports.store import Store
from tamsoat.config import Config, ConfigError, default_file_text

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class InitResult:
    home: Path
    config_file: Path
    db_url: str
    private_key: Path
    public_key: Path
    created_config: bool


def init_workspace(config: Config) -> InitResult:
    """Create what is missing and keep what exists: running init twice changes nothing."""
    try:
        config.home.mkdir(parents=True, exist_ok=True)
        config.logs_dir.mkdir(exist_ok=True)
        created = not config.config_file.exists()
        if created:
            config.config_file.write_text(default_file_text(), encoding="utf-8")
        private_key, public_key = ensure_keypair(config.keys_dir)
    except PermissionError as exc:
        raise ConfigError(
            f"Cannot write the workspace {config.home}: permission denied ({exc.filename})."
        ) from None
    except OSError as exc:
        raise ConfigError(f"Cannot create the workspace {config.home}: {exc.strerror}.") from None
    Store.open(config.db_url).close()
    return InitResult(
        home=config.home,
        config_file=config.config_file,
        db_url=config.db_url,
        private_key=private_key,
        public_key=public_key,
        created_config=created,
    )
