"""``tamsoat crawl``: crawl sites and store what is harmful, with live progress."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import click
from rich.live import Live
from rich.table import Table

from crawler.hostguard import parse_allow
from crawler.settings import SPIDERS, CrawlOptions
from tamsoat import __version__
from tamsoat.config import Config
from tamsoat.face import console, with_config

if TYPE_CHECKING:
    from crawler.runner import CrawlResult


def read_seeds(path: Path) -> list[str]:
    """One URL per line; blank lines and # comments skipped; a bad line is named."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise click.BadParameter(f"cannot read {path}: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise click.BadParameter(f"{path} is not UTF-8 text") from None
    seeds = []
    for number, line in enumerate(lines, 1):
        url = line.split("#", 1)[0].strip()
        if not url:
            continue
        check_url(url, f"{path}:{number}")
        seeds.append(url)
    return seeds


def check_url(url: str, where: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise click.BadParameter(f"{where}: {url!r} is not an http(s) URL")


allow_host_option = click.option(
    "--allow-host",
    "allow_hosts",
    multiple=True,
    metavar="HOST:PORT",
    help="Lift the private-address guard for this one host (repeatable).",
)
delay_option = click.option(
    "--delay",
    type=click.FloatRange(min=0),
    default=None,
    help="Seconds between requests to one host (default from tamsoat.toml).",
)


def validate_allow_hosts(values: tuple[str, ...]) -> None:
    for value in values:
        try:
            parse_allow(value)
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="--allow-host") from None


def crawl_options(config: Config, seeds: list[str], **overrides: Any) -> CrawlOptions:
    """The face's settings and the command's options, as the crawler's one options object."""
    values: dict[str, Any] = {
        "seeds": seeds,
        "db_url": config.db_url,
        "model_cache": config.models_dir,
        "contact_url": config.crawl.contact_url,
        "version": __version__,
        "download_delay": config.crawl.download_delay,
        "concurrent_requests_per_host": config.crawl.concurrent_requests_per_host,
        "autothrottle": config.crawl.autothrottle,
        "max_page_bytes": config.crawl.max_page_bytes,
        "max_image_bytes": config.crawl.max_image_bytes,
        "platforms_file": config.platforms_file,
        "pdq_threshold": config.hashes.pdq_threshold,
        "min_pdq_quality": config.hashes.min_pdq_quality,
        "max_image_pixels": config.hashes.max_image_pixels,
    }
    values.update(overrides)
    return CrawlOptions(**values)


class ProgressView:
    """A live table: pages/s, queue, findings by label, errors."""

    def __init__(self) -> None:
        self.started = time.monotonic()
        self.live = Live(self.render({}), console=console(), refresh_per_second=4, transient=False)

    def __call__(self, stats: dict[str, Any]) -> None:
        self.live.update(self.render(stats))

    def render(self, stats: dict[str, Any]) -> Table:
        elapsed = max(time.monotonic() - self.started, 1e-6)
        pages = int(stats.get("tamsoat/pages/parsed", 0))
        table = Table(title="tamsoat crawl", show_header=False, min_width=50)
        table.add_column(style="bold")
        table.add_column(justify="right")
        table.add_row("pages", f"{pages} ({pages / elapsed:.1f}/s)")
        table.add_row("queue", str(stats.get("queue", "-")))
        table.add_row("images hashed", str(stats.get("tamsoat/images/hashed", 0)))
        for key, value in sorted(stats.items()):
            if key.startswith("tamsoat/findings/label/"):
                table.add_row(f"findings: {key.rsplit('/', 1)[1]}", str(value))
        errors = sum(int(v) for k, v in stats.items() if _is_error(k))
        table.add_row("errors and skips", str(errors))
        return table


def _is_error(key: str) -> bool:
    return key in (
        "tamsoat/requests/failed",
        "tamsoat/pages/broken",
        "tamsoat/pages/bad_encoding",
        "tamsoat/images/broken",
        "tamsoat/images/failed",
        "tamsoat/hostguard/refused",
        "tamsoat/pages/skipped_content_type",
    )


SUMMARY_ROWS = (
    ("pages parsed", "tamsoat/pages/parsed"),
    ("pages stored", "tamsoat/pages/stored"),
    ("text units classified", "tamsoat/units/classified"),
    ("images hashed", "tamsoat/images/hashed"),
    ("images matched", "tamsoat/images/matched"),
    ("findings written", "tamsoat/findings"),
    ("refused by the host guard", "tamsoat/hostguard/refused"),
    ("forbidden by robots.txt", "robotstxt/forbidden"),
    ("requests failed", "tamsoat/requests/failed"),
    ("pages skipped: not HTML", "tamsoat/pages/skipped_content_type"),
    ("pages skipped: bad encoding", "tamsoat/pages/bad_encoding"),
    ("pages skipped: broken", "tamsoat/pages/broken"),
    ("images skipped: broken", "tamsoat/images/broken"),
    ("waits for Retry-After", "tamsoat/retry_after/waited"),
)


def summary_table(result: CrawlResult) -> Table:
    table = Table(title=f"crawl {result.crawl_id} ({result.resumed}): {result.reason}")
    table.add_column("")
    table.add_column("count", justify="right")
    for title, key in SUMMARY_ROWS:
        value = result.stats.get(key)
        if value:
            table.add_row(title, str(value))
    for key, value in sorted(result.stats.items()):
        if key.startswith("tamsoat/findings/label/"):
            table.add_row(f"  {key.rsplit('/', 1)[1]}", str(value))
    return table


@click.command("crawl")
@click.argument("urls", nargs=-1)
@click.option("--spider", type=click.Choice(sorted(SPIDERS)), default="site", show_default=True)
@click.option(
    "--seeds",
    "seeds_file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="A file of seed URLs, one a line.",
)
@click.option(
    "--max-pages",
    type=click.IntRange(min=0),
    default=0,
    help="Stop after this many pages (0: no limit).",
)
@click.option("--max-depth", type=click.IntRange(min=0), default=5, show_default=True)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0),
    default=0,
    help="Stop after this many seconds (0: no limit).",
)
@click.option(
    "--job",
    "job_dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="A job directory: makes the crawl resumable, even after a kill.",
)
@click.option(
    "--hashlist",
    "hashlists",
    multiple=True,
    help="Match images against this list (repeatable; default: all active lists).",
)
@allow_host_option
@delay_option
@click.option(
    "--model",
    "model_dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="A model directory (default: the shipped model).",
)
@click.option(
    "--threshold",
    type=click.IntRange(min=0),
    default=None,
    help="Hash match distance (default: each algorithm's own).",
)
@click.option("--dihedral", is_flag=True, help="Also match rotated and flipped images.")
@click.option("--quiet", is_flag=True, help="No live progress.")
@with_config
def crawl(
    config: Config,
    urls: tuple[str, ...],
    spider: str,
    seeds_file: Path | None,
    max_pages: int,
    max_depth: int,
    timeout: float,
    job_dir: Path | None,
    hashlists: tuple[str, ...],
    allow_hosts: tuple[str, ...],
    delay: float | None,
    model_dir: Path | None,
    threshold: int | None,
    dihedral: bool,
    quiet: bool,
) -> None:
    """Crawl sites and store what is harmful to children (URLs or --seeds FILE)."""
    seeds = list(urls)
    for url in seeds:
        check_url(url, "URL")
    if seeds_file is not None:
        seeds += read_seeds(seeds_file)
    validate_allow_hosts(allow_hosts)
    extra: dict[str, Any] = {}
    if delay is not None:
        extra["download_delay"] = delay
    opts = crawl_options(
        config,
        seeds,
        spider=spider,
        max_pages=max_pages,
        max_depth=max_depth,
        timeout=timeout,
        job_dir=job_dir,
        hashlists=list(hashlists),
        allow_hosts=list(allow_hosts),
        model_dir=model_dir,
        match_threshold=threshold,
        match_dihedral=dihedral,
        **extra,
    )
    from crawler.runner import run_crawl  # Scrapy loads only for commands that crawl

    if quiet:
        result = run_crawl(opts)
    else:
        view = ProgressView()
        with view.live:
            result = run_crawl(opts, progress=view)
    console().print(summary_table(result))
