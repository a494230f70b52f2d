"""``tamsoat review``: confirm or reject findings, one by one or from a batch file."""

from __future__ import annotations

from pathlib import Path

import click

from reports.review import Decision, read_batch, review
from tamsoat.config import Config
from tamsoat.face import echo_json, open_store, with_config


@click.command("review")
@click.argument("ids", nargs=-1, type=click.IntRange(min=1))
@click.option("--confirm", "decision", flag_value="confirm", help="The findings are harmful.")
@click.option("--reject", "decision", flag_value="reject", help="The findings are false alarms.")
@click.option("--reason", help="Why (kept in the audit trail; required).")
@click.option(
    "--from",
    "batch",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Decisions from a file: CSV id,decision,reason or JSON Lines with those keys.",
)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per decision.")
@with_config
def review_command(
    config: Config,
    ids: tuple[int, ...],
    decision: str | None,
    reason: str | None,
    batch: Path | None,
    as_json: bool,
) -> None:
    """Confirm or reject findings; every decision is kept with reviewer, time and reason.

    All decisions are recorded together, or none when one is wrong.
    """
    if batch is not None:
        if ids or decision:
            raise click.UsageError(
                "Give either finding ids with --confirm/--reject, or --from FILE."
            )
        decisions = read_batch(batch, default_reason=reason)
    else:
        if not ids:
            raise click.UsageError("Give finding ids (or --from FILE).")
        if decision is None:
            raise click.UsageError("Say --confirm or --reject.")
        if not reason or not reason.strip():
            raise click.UsageError("--reason is required: it goes into the audit trail.")
        decisions = [Decision(i, decision, reason) for i in dict.fromkeys(ids)]
    with open_store(config) as store:
        outcomes = review(store, decisions, reviewer=config.reviewer)
    for o in outcomes:
        if as_json:
            echo_json(
                {
                    "id": o.finding_id,
                    "decision": o.decision,
                    "previous_status": o.previous_status,
                    "status": o.status,
                    "review_id": o.review_id,
                    "reviewer": config.reviewer,
                }
            )
        else:
            click.echo(f"finding {o.finding_id}: {o.previous_status} -> {o.status}")
    if not as_json:
        click.echo(f"{len(outcomes)} decision(s) recorded by {config.reviewer}.", err=True)
