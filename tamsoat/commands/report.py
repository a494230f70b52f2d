"""``tamsoat report build|verify``: signed notice packages for one platform."""

from __future__ import annotations

from pathlib import Path

import click

from reports.notice.build import BuildRequest, build_notice
from reports.notice.document import Sender
from reports.notice.legal import load_legal_texts
from reports.notice.select import platform_has_findings
from reports.notice.verify import verify_package
from reports.platforms import PlatformError, load_platforms
from reports.signing import PRIVATE_KEY_FILE
from tamsoat.config import Config
from tamsoat.face import echo_json, open_store, with_config


@click.group("report")
def report() -> None:
    """Build and verify takedown notice packages."""


@report.command("build")
@click.option(
    "--platform",
    "platform_id",
    required=True,
    help="Platform id (see the platforms file) or domain.",
)
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(path_type=Path, file_okay=False),
    help="New folder for the package.",
)
@click.option(
    "--repeat",
    is_flag=True,
    help="Re-send the items still live after their deadline (sequence + 1).",
)
@click.option(
    "--deadline-hours",
    type=click.IntRange(min=1),
    default=None,
    help="Hours the platform has [default: [report] deadline_hours, 24].",
)
@click.option("--json", "as_json", is_flag=True, help="Print the result as one JSON object.")
@with_config
def build(
    config: Config,
    platform_id: str,
    out_dir: Path,
    repeat: bool,
    deadline_hours: int | None,
    as_json: bool,
) -> None:
    """Write notice.json, items.csv, the letter (HTML, PDF), the manifest and its signature."""
    rc = config.report
    platforms = load_platforms(config.platforms_file)
    platform = platforms.get(platform_id)
    legal = load_legal_texts(
        Path(rc.legal_basis_file).expanduser() if rc.legal_basis_file else None
    )
    sender = Sender(
        organisation=rc.sender_organisation,
        role=rc.signatory_role,
        department=rc.sender_department,
        email=rc.sender_email,
        phone=rc.sender_phone,
        address=rc.sender_address,
        url=rc.sender_url,
    )
    with open_store(config) as store:
        with store.session() as s:
            known = platform.listed or platform_has_findings(s, platform_id)
        if not known:
            raise PlatformError(
                f"Unknown platform {platform_id!r}: not in the platforms file and no finding on it."
            )
        built = build_notice(
            store,
            BuildRequest(
                platform=platform,
                out_dir=out_dir,
                private_key=config.keys_dir / PRIVATE_KEY_FILE,
                sender=sender,
                legal=legal,
                deadline_hours=deadline_hours or rc.deadline_hours,
                repeat=repeat,
            ),
        )
    if as_json:
        echo_json(
            {
                "notice_id": built.notice_id,
                "reference": built.reference,
                "platform": built.platform,
                "sequence": built.sequence,
                "previous_notice_ids": built.previous_notice_ids,
                "issued_at": built.issued_at.isoformat(),
                "deadline_at": built.deadline_at.isoformat(),
                "items": built.item_ids,
                "out": str(built.out_dir),
                "manifest_sha256": built.manifest_sha256,
            }
        )
        return
    kind = "repeat notice" if built.sequence > 1 else "notice"
    click.echo(
        f"{kind} {built.reference} for {platform.name}: {len(built.item_ids)} item(s), "
        f"deadline {built.deadline_at.isoformat()}, written to {built.out_dir}"
    )


@report.command("verify")
@click.argument("folder", type=click.Path(path_type=Path, file_okay=False))
@click.option(
    "--public-key",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Verify with this PEM key instead of the one in the package.",
)
@click.pass_context
def verify(ctx: click.Context, folder: Path, public_key: Path | None) -> None:
    """Check the signature, every file's sha256 and the schema; name what fails."""
    result = verify_package(folder, public_key)
    for line in result.checked:
        click.echo(f"ok    {line}")
    for line in result.problems:
        click.echo(f"FAIL  {line}", err=True)
    if result.ok:
        click.echo(f"Package {folder} verified (key {result.public_key_fingerprint}).")
    else:
        click.echo(
            f"Package {folder} does NOT verify: {len(result.problems)} problem(s).", err=True
        )
        ctx.exit(1)
