"""``tamsoat stats``: notices, removals and time to removal per platform."""

from __future__ import annotations

from pathlib import Path

import click
from rich.table import Table

from reports.stats import compute_stats, plot_stats
from tamsoat.config import Config
from tamsoat.face import console, echo_json, open_store, with_config


def _pct(v: float | None) -> str:
    return "—" if v is None else f"{100 * v:.0f}%"


def _h(v: float | None) -> str:
    return "—" if v is None else f"{v:.1f} h"


@click.command("stats")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per platform.")
@click.option(
    "--plot",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Also draw the figures into this PNG file.",
)
@with_config
def stats(config: Config, as_json: bool, plot: Path | None) -> None:
    """Per platform: notices, items, share removed, time to removal, acknowledgements."""
    with open_store(config) as store:
        rows = compute_stats(store)
    if plot is not None:
        if not rows:
            raise click.UsageError("No notice was sent yet: nothing to plot.")
        plot_stats(rows, plot)
    if as_json:
        for r in rows:
            echo_json(r.to_json())
        return
    if not rows:
        click.echo("No notice was sent yet.", err=True)
        return
    table = Table()
    for col in (
        "platform",
        "notices",
        "items",
        "removed",
        "median",
        "p90",
        "≤24 h",
        "≤48 h",
        "live past deadline",
        "acked",
        "ack median",
    ):
        table.add_column(col)
    for r in rows:
        table.add_row(
            r.platform,
            f"{r.notices} ({r.repeat_notices} repeat)",
            str(r.items),
            f"{r.removed} ({_pct(r.share_removed)})",
            _h(r.median_hours_to_removal),
            _h(r.p90_hours_to_removal),
            _pct(r.share_removed_within_24h),
            _pct(r.share_removed_within_48h),
            str(r.live_past_deadline),
            str(r.acknowledged),
            _h(r.median_ack_hours),
        )
    console().print(table)
    if plot is not None:
        click.echo(f"Plot written to {plot}", err=True)
