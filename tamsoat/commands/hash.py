"""``tamsoat hash``: hash image files, one JSON object per file and algorithm."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

import click

from hashes import ALGO_NAMES, ImageHashes, hash_bytes
from hashes.errors import HashError
from tamsoat.config import Config
from tamsoat.face import echo_json, with_config


def read_file(path: Path) -> bytes | None:
    """The file's bytes, or None after saying on stderr why it cannot be read."""
    try:
        return path.read_bytes()
    except IsADirectoryError:
        reason = "is a folder, not a file"
    except FileNotFoundError:
        reason = "no such file"
    except OSError as exc:
        reason = f"cannot read it ({exc.strerror})"
    click.echo(f"tamsoat: {path}: {reason}.", err=True)
    return None


def hash_files(
    paths: Iterable[Path], algos: Sequence[str], max_pixels: int
) -> Iterator[tuple[Path, ImageHashes | None]]:
    """Each file's hashes, or None after saying on stderr why it has none; one bad file
    never stops the others."""
    for path in paths:
        data = read_file(path)
        result = None
        if data is not None:
            try:
                result = hash_bytes(data, algos, max_pixels=max_pixels)
            except HashError as exc:
                click.echo(f"tamsoat: {path}: {exc}", err=True)
        yield path, result


@click.command("hash")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--algo",
    "algos",
    multiple=True,
    type=click.Choice(ALGO_NAMES),
    help="Hash algorithm (repeatable; default pdq).",
)
@with_config
def hash_command(config: Config, files: tuple[Path, ...], algos: tuple[str, ...]) -> int:
    """Hash image FILES: {"path", "algo", "hash", "quality"} per file and algorithm.

    A file that cannot be read or decoded is reported on stderr and the others are
    still hashed; the exit code is then 2.
    """
    chosen = algos or ("pdq",)
    failed = 0
    for path, result in hash_files(files, chosen, config.hashes.max_image_pixels):
        if result is None:
            failed += 1
            continue
        for algo in chosen:
            echo_json(
                {
                    "path": str(path),
                    "algo": algo,
                    "hash": result.hashes[algo],
                    "quality": result.pdq_quality if algo == "pdq" else None,
                }
            )
    return 2 if failed else 0
