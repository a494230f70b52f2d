"""``tamsoat findings``: list what was flagged, as a table or JSON lines."""

from __future__ import annotations

import dataclasses
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click
from rich.table import Table

from classifier.taxonomy import LABEL_IDS
from reports.export import export_corpus
from reports.models import DECISIONS, FINDING_KINDS, FINDING_STATUSES, Finding
from reports.records import FindingFilter
from reports.review import finding_detail
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


@click.group("findings", invoke_without_command=True)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per finding.")
@click.option("--label", type=click.Choice(LABEL_IDS), help="Only findings with this label.")
@click.option("--decision", type=click.Choice(DECISIONS))
@click.option("--status", type=click.Choice(FINDING_STATUSES))
@click.option("--kind", type=click.Choice(FINDING_KINDS))
@click.option("--platform", help="Only findings on this platform.")
@click.option("--since", callback=_since, help="First seen on or after this ISO date/time.")
@click.option("--limit", type=click.IntRange(min=1), help="At most this many findings.")
@with_config
@click.pass_context
def findings(
    ctx: click.Context,
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
    """List findings, oldest first; `findings show ID` prints one in full."""
    if ctx.invoked_subcommand is not None:
        return
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


@findings.command("show")
@click.argument("finding_id", type=click.IntRange(min=1))
@click.option("--json", "as_json", is_flag=True, help="The whole record as one JSON object.")
@with_config
def show(config: Config, finding_id: int, as_json: bool) -> None:
    """One finding in full: excerpt with the terms that drove it, scores, hash match,
    page context, reviews and notices (never an image)."""
    with open_store(config) as store:
        detail = finding_detail(store, finding_id)
    if as_json:
        echo_json(dataclasses.asdict(detail))
        return
    f = detail.finding
    click.echo(f"Finding {f['id']}  {f['kind']}  {f['status']}  ({f['decision']} by {f['method']})")
    click.echo(f"  url       {f['url']}")
    click.echo(f"  platform  {f['platform']}")
    click.echo(f"  page      {detail.page['title'] or ''} <{detail.page['url']}>")
    meta = detail.page.get("meta") or {}
    context = ", ".join(f"{k} {meta[k]}" for k in ("published", "author", "section") if k in meta)
    if context:
        click.echo(f"            {context}")
    click.echo(f"  labels    {', '.join(f['labels']) or '-'}")
    if f["scores"]:
        scores = ", ".join(
            f"{k} {v:.3f}" for k, v in sorted(f["scores"].items(), key=lambda kv: -kv[1])
        )
        click.echo(f"  scores    {scores}  (model {f['detector_version'] or '?'})")
    if detail.text_unit:
        u = detail.text_unit
        click.echo(f"  unit      {u['unit_key']} ({u['kind']}, {u['chars']} chars)")
    if detail.highlighted_excerpt:
        click.echo(f"  excerpt   {detail.highlighted_excerpt}")
        if detail.terms:
            click.echo(f"  terms     {', '.join(detail.terms)}")
    if detail.hash_match:
        h = detail.hash_match
        click.echo(
            f"  match     list {h['list']} v{h['list_version']} (trusted: {h['trusted']}), "
            f"entry {h['entry']}, {h['algo']} distance {h['distance']}"
        )
    if detail.image:
        click.echo(f"  image     {detail.image['url']} sha256 {detail.image['sha256'] or '?'}")
    click.echo(f"  seen      {f['first_seen_at']} .. {f['last_seen_at']}")
    for r in detail.reviews:
        click.echo(
            f"  review    {r.created_at.isoformat()} {r.decision} by {r.reviewer}: {r.reason}"
        )
    for i in detail.notice_items:
        click.echo(
            f"  notice    {i['notice_id']} #{i['sequence']} item {i['item_id']} {i['status']}"
        )


@findings.command("export")
@click.option(
    "--out", type=click.Path(path_type=Path, dir_okay=False), help="Write here (default stdout)."
)
@click.option(
    "--status",
    "statuses",
    type=click.Choice(["confirmed", "rejected"]),
    multiple=True,
    help="Only these review outcomes (default both).",
)
@with_config
def export(config: Config, out: Path | None, statuses: tuple[str, ...]) -> None:
    """Reviewed text findings as classifier corpus records (JSON Lines)."""
    chosen = statuses or ("confirmed", "rejected")
    with open_store(config) as store:
        if out is None:
            n = export_corpus(store, sys.stdout, chosen)
        else:
            with out.open("w", encoding="utf-8") as fh:
                n = export_corpus(store, fh, chosen)
    click.echo(f"{n} corpus record(s) exported.", err=True)
