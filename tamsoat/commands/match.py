"""``tamsoat match``: match image files against the stored hash lists."""

from __future__ import annotations

from pathlib import Path

import click

from hashes.algorithms import get
from hashes.matcher import Matcher, Thresholds
from reports.errors import StoreError
from reports.hashlists import load_entries
from tamsoat.commands.hash import hash_files
from tamsoat.config import Config
from tamsoat.face import echo_json, open_store, with_config


@click.command("match")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--hashlist",
    "names",
    multiple=True,
    metavar="NAME",
    help="Match against this list (repeatable; default: every active list).",
)
@click.option(
    "--threshold",
    type=click.IntRange(min=0),
    help="Largest Hamming distance that matches, for every perceptual algorithm "
    "[default: pdq 31 (config [hashes] pdq_threshold), phash 10, dhash 9, ahash 4, whash 3].",
)
@click.option("--dihedral", is_flag=True, help="Also match rotated and flipped copies (PDQ).")
@click.option(
    "--min-quality",
    type=click.IntRange(0, 100),
    help="Skip PDQ hashes of lower quality [default: config [hashes] min_pdq_quality, 50].",
)
@with_config
def match(
    config: Config,
    files: tuple[Path, ...],
    names: tuple[str, ...],
    threshold: int | None,
    dihedral: bool,
    min_quality: int | None,
) -> int:
    """Match image FILES against hash lists: one JSON object per match,
    {"path", "algo", "hash", "list", "entry", "distance", ...}.

    An unreadable file is reported on stderr and the others are still matched; the
    exit code is then 2. No match is no output.
    """
    with open_store(config) as store:
        entries = load_entries(store, names or None)
    if not entries:
        raise StoreError(
            "no active hash list to match against; import one with "
            "`tamsoat hashlist import FILE --name NAME`"
        )
    floor = config.hashes.min_pdq_quality if min_quality is None else min_quality
    matcher = Matcher.build(entries, min_pdq_quality=floor)
    thresholds: Thresholds = (
        threshold if threshold is not None else {"pdq": config.hashes.pdq_threshold}
    )
    # PDQ's quality tells a flat picture, whose perceptual hashes must not match.
    perceptual = any(get(a).perceptual for a in matcher.algos)
    algos = (*matcher.algos, "pdq") if perceptual else matcher.algos
    failed = 0
    for path, image in hash_files(files, algos, config.hashes.max_image_pixels):
        if image is None:
            failed += 1
            continue
        if image.pdq_quality is not None and image.pdq_quality < floor:
            click.echo(
                f"tamsoat: {path}: PDQ quality {image.pdq_quality} is under {floor} "
                "(flat or tiny picture): its perceptual hashes are not matched.",
                err=True,
            )
        for m in matcher.match(image, threshold=thresholds, dihedral=dihedral):
            echo_json(
                {
                    "path": str(path),
                    "algo": m.algo,
                    "hash": m.query_hash,
                    "list": m.list_name,
                    "entry": m.external_id if m.external_id else m.entry_id,
                    "distance": m.distance,
                    "entry_id": m.entry_id,
                    "list_version": m.list_version,
                    "list_hash": m.hash,
                    "category": m.category,
                    "trusted": m.trusted,
                    "variant": m.variant,
                }
            )
    return 2 if failed else 0
