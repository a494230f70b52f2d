"""``tamsoat init``: create a workspace."""

from __future__ import annotations

import click

from reports.db import describe, normalise_url
from tamsoat.config import Config
from tamsoat.face import with_config
from tamsoat.workspace import init_workspace


@click.command("init")
@with_config
def init(config: Config) -> None:
    """Create a workspace: tamsoat.toml, the database, a signing key pair, logs."""
    result = init_workspace(config)
    click.echo(f"Workspace  {result.home}")
    state = "created" if result.created_config else "kept"
    click.echo(f"Config     {result.config_file} ({state})")
    click.echo(f"Database   {describe(normalise_url(result.db_url))} (schema at head)")
    click.echo(f"Signing    {result.private_key} (private, mode 0600)")
    click.echo(f"           {result.public_key} (public: give it to platforms)")
