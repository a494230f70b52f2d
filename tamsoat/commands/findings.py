"""``tamsoat findings``: list what was flagged, as a table or JSON lines."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import click
from rich.table import Table

from classifier.taxonomy import LABEL_IDS
from reports.models import DECISIONS, FINDING_KINDS, FINDING_STATUSES, Finding
from reports.records import FindingFilter
from tamsoat.config import Config
from tamsoat.face import console, echo_json, open_store, with_config


def finding_json(f: Finding) -> dict[str, Any]:
    """The public JSON shape of a finding (DESIGN.md, Public interface)."""
    return {
        "id": f.id,
        "url": f.url,
        "kind": f.kind,
        "labels": list(f.labels),
        "decision": f.decision,
        "method": f.method,
        "platform": f.platform,
        "status": f.status,
        "first_seen_at": f.first_seen_at.isoformat(),
    }


def _since(_ctx: click.Context, _param: click.Parameter, value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not an ISO date such as 2026-11-01") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


@click.command("findings")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per finding.")
@click.option("--label", type=click.Choice(LABEL_IDS), help="Only findings with this label.")
@click.option("--decision", type=click.Choice(DECISIONS))
@click.option("--status", type=click.Choice(FINDING_STATUSES))
@click.option("--kind", type=click.Choice(FINDING_KINDS))
@click.option("--platform", help="Only findings on this platform.")
@click.option("--since", callback=_since, help="First seen on or after this ISO date/time.")
@click.option("--limit", type=click.IntRange(min=1), help="At most this many findings.")
@with_config
def findings(
    config: Config,
    as_json: bool,
    label: str | None,
    decision: str | None,
    status: str | None,
    kind: str | None,
    platform: str | None,
    since: datetime | None,
    limit: int | None,
) -> None:
    """List findings, oldest first."""
    flt = FindingFilter(
        label=label,
        decision=decision,
        status=status,
        kind=kind,
        platform=platform,
        since=since,
        limit=limit,
    )
    with open_store(config) as store:
        rows = store.findings(flt)
    if as_json:
        for row in rows:
            echo_json(finding_json(row))
        return
    if not rows:
        click.echo("No findings.", err=True)
        return
    table = Table(show_lines=False)
    for column in ("id", "kind", "labels", "decision", "method", "platform", "status", "url"):
        table.add_column(column, overflow="fold")
    for f in rows:
        table.add_row(
            str(f.id),
            f.kind,
            ", ".join(f.labels),
            f.decision,
            f.method,
            f.platform,
            f.status,
            f.url,
        )
    console().print(table)
    click.echo(f"{len(rows)} finding(s).", err=True)
