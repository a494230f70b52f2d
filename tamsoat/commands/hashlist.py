"""``tamsoat hashlist``: import, list, export, trust and remove hash lists."""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from classifier.taxonomy import LABEL_IDS
from hashes import ALGO_NAMES
from hashes.errors import HashListError
from hashes.hashlist import ListItem, parse_hashlist, write_csv
from reports.hashlists import (
    EntryRecord,
    get_list,
    import_list,
    list_entries,
    list_lists,
    remove_list,
    set_trusted,
)
from tamsoat.config import Config
from tamsoat.face import echo_json, open_store, with_config


@click.group("hashlist")
def hashlist() -> None:
    """Hash lists of known harmful images (PDQ, pHash family, MD5, SHA-256)."""


@hashlist.command("import")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--name", required=True, help="The list's name (re-importing replaces it).")
@click.option("--algo", type=click.Choice(ALGO_NAMES), help="Algorithm of a plain list.")
@click.option("--category", type=click.Choice(LABEL_IDS), help="Category of a plain list.")
@click.option(
    "--trusted/--untrusted",
    default=None,
    help="Trusted lists' matches may skip review [default: keep; new lists untrusted].",
)
@click.option("--description", help="A note on where the list comes from.")
@with_config
def import_command(
    config: Config,
    file: Path,
    name: str,
    algo: str | None,
    category: str | None,
    trusted: bool | None,
    description: str | None,
) -> None:
    """Import FILE as list NAME: a CSV (algo,hash,category,source,id) or one hex hash
    a line with --algo and --category. Every line is checked; all or nothing."""
    try:
        raw = file.read_bytes()
    except OSError as exc:
        raise HashListError(f"cannot read hash list {file}: {exc.strerror}") from None
    items = parse_hashlist(raw, name=str(file), categories=LABEL_IDS, algo=algo, category=category)
    records = [EntryRecord(i.algo, i.hash, i.category, i.source, i.external_id) for i in items]
    with open_store(config) as store:
        result = import_list(
            store,
            name,
            records,
            trusted=trusted,
            description=description,
            source_sha256=hashlib.sha256(raw).hexdigest(),
        )
    if result.created:
        what = "created"
    elif result.changed:
        what = f"updated (+{result.added} -{result.removed} ~{result.updated})"
    else:
        what = "unchanged"
    click.echo(
        f"Hash list {result.name} version {result.version}: {result.total} entries, "
        f"{what}; {'trusted' if result.trusted else 'not trusted'}."
    )


@hashlist.command("list")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per list.")
@with_config
def list_command(config: Config, as_json: bool) -> None:
    """Show the hash lists: version, entries per algorithm, trusted, active."""
    with open_store(config) as store:
        lists = list_lists(store)
    if as_json:
        for info in lists:
            echo_json(
                {
                    "name": info.name,
                    "version": info.version,
                    "entries": info.entry_count,
                    "algos": info.algos,
                    "trusted": info.trusted,
                    "active": info.active,
                    "description": info.description,
                    "updated_at": info.updated_at.isoformat(),
                }
            )
        return
    if not lists:
        click.echo("No hash lists; import one with `tamsoat hashlist import`.", err=True)
        return
    table = Table()
    for column in ("name", "version", "entries", "algos", "trusted", "active", "updated"):
        table.add_column(column)
    for info in lists:
        table.add_row(
            info.name,
            str(info.version),
            str(info.entry_count),
            ", ".join(f"{a} {n}" for a, n in info.algos.items()),
            "yes" if info.trusted else "no",
            "yes" if info.active else "removed",
            info.updated_at.strftime("%Y-%m-%d %H:%M"),
        )
    Console(soft_wrap=False).print(table)


@hashlist.command("export")
@click.argument("name")
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False), help="File to write.")
@with_config
def export_command(config: Config, name: str, out: Path | None) -> None:
    """Write list NAME as a CSV hash list (to stdout, or --out FILE)."""
    with open_store(config) as store:
        entries = list_entries(store, name)
    items = (ListItem(e.algo, e.hash, e.category, e.source, e.external_id) for e in entries)
    if out is None:
        write_csv(items, sys.stdout)
        return
    tmp = out.with_name(out.name + ".part")
    with tmp.open("w", encoding="utf-8", newline="") as stream:
        count = write_csv(items, stream)
    tmp.replace(out)
    click.echo(f"Wrote {count} entries of {name} to {out}.", err=True)


@hashlist.command("trust")
@click.argument("name")
@click.option("--off", is_flag=True, help="Stop trusting the list.")
@with_config
def trust_command(config: Config, name: str, off: bool) -> None:
    """Mark list NAME trusted: its matches may skip analyst review (DESIGN.md)."""
    with open_store(config) as store:
        set_trusted(store, name, not off)
        info = get_list(store, name)
    click.echo(f"Hash list {info.name}: {'trusted' if info.trusted else 'not trusted'}.")


@hashlist.command("remove")
@click.argument("name")
@click.option("--purge", is_flag=True, help="Delete the list and its entries for good.")
@with_config
def remove_command(config: Config, name: str, purge: bool) -> None:
    """Stop matching against list NAME (kept for the findings that cite it), or
    delete it with --purge."""
    with open_store(config) as store:
        count = remove_list(store, name, purge=purge)
    done = "deleted" if purge else "removed from matching (kept for past findings)"
    click.echo(f"Hash list {name} ({count} entries) {done}.")
