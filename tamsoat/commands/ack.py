"""``tamsoat ack import FILE``: a platform's answer to a notice, all or nothing."""

from __future__ import annotations

from pathlib import Path

import click

from reports.acks import import_acks, read_acks
from tamsoat.config import Config
from tamsoat.face import open_store, with_config


@click.group("ack")
def ack() -> None:
    """Record platforms' acknowledgements of notice items."""


@ack.command("import")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@with_config
def import_command(config: Config, file: Path) -> None:
    """Import FILE (CSV item_id,status,reference,acknowledged_at, or JSON); a bad line
    stops the import and nothing is written."""
    records = read_acks(file)
    with open_store(config) as store:
        result = import_acks(store, records)
    click.echo(
        f"Imported {result.imported} acknowledgement(s)"
        + (f"; {result.already_known} already known" if result.already_known else "")
        + "."
    )
