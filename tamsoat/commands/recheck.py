"""``tamsoat recheck``: fetch reported URLs again and record whether they are gone."""

from __future__ import annotations

from datetime import UTC, datetime

import click

from reports.recheck import due_items
from tamsoat.commands.crawl import (
    allow_host_option,
    crawl_options,
    delay_option,
    validate_allow_hosts,
)
from tamsoat.config import Config
from tamsoat.face import open_store, with_config


@click.command("recheck")
@click.option(
    "--due/--all",
    "only_due",
    default=True,
    show_default=True,
    help="Only items due for a check, or every reported item not yet removed.",
)
@allow_host_option
@delay_option
@with_config
def recheck(
    config: Config, only_due: bool, allow_hosts: tuple[str, ...], delay: float | None
) -> None:
    """Re-fetch reported items: live, removed (404/410/gone from the page) or error."""
    validate_allow_hosts(allow_hosts)
    with open_store(config) as store:
        targets = due_items(
            store,
            datetime.now(UTC),
            only_due=only_due,
            interval_hours=config.report.recheck_interval_hours,
        )
    if not targets:
        click.echo("Nothing to re-check.", err=True)
        return
    extra = {"download_delay": delay} if delay is not None else {}
    opts = crawl_options(config, [], allow_hosts=list(allow_hosts), **extra)
    from crawler.runner import run_recheck

    stats = run_recheck(opts, targets)
    counts = {r: int(stats.get(f"tamsoat/recheck/{r}", 0)) for r in ("live", "removed", "error")}
    click.echo(
        f"Re-checked {len(targets)} item(s): {counts['removed']} removed, "
        f"{counts['live']} still live, {counts['error']} error(s)."
    )
