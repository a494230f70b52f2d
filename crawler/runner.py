"""Run one crawl in this process: record it in the store, report progress, and make a
job directory resumable even after the process was killed.

Scrapy's own JOBDIR state is only consistent after a clean stop. A job directory
therefore carries ``job.json``: "running" while a crawl runs, "stopped" after a clean
stop, "finished" at the end. A job found "running" was killed: its Scrapy state is thrown
away and the crawl starts again from the seeds; the store's upserts make the second pass
add what the first did not reach and duplicate nothing.
"""

from __future__ import annotations

import json
import logging
import shutil
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from scrapy import signals
from scrapy.crawler import CrawlerProcess
from scrapy.utils.misc import load_object
from twisted.internet import task

from crawler.errors import CrawlError
from crawler.settings import SPIDERS, CrawlOptions, scrapy_settings
from reports.recheck import RecheckTarget
from reports.store import Store

log = logging.getLogger(__name__)

Progress = Callable[[dict[str, Any]], None]
PROGRESS_INTERVAL = 0.5


@dataclass(frozen=True)
class CrawlResult:
    crawl_id: int
    reason: str
    stats: dict[str, Any]
    resumed: str  # "new" | "resumed" | "restarted after a kill"


def _read_job(job_dir: Path) -> dict[str, Any]:
    try:
        return dict(json.loads((job_dir / "job.json").read_text(encoding="utf-8")))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        raise CrawlError(f"Cannot read the job file {job_dir / 'job.json'}: {exc}.") from None


def _write_job(job_dir: Path, state: dict[str, Any]) -> None:
    tmp = job_dir / "job.json.tmp"
    tmp.write_text(json.dumps(state, indent=2), encoding="utf-8")
    tmp.replace(job_dir / "job.json")


def prepare_job(opts: CrawlOptions) -> tuple[CrawlOptions, str]:
    """Decide how a job directory resumes; returns the options to run with."""
    if opts.job_dir is None:
        return opts, "new"
    try:
        opts.job_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CrawlError(
            f"Cannot create the job directory {opts.job_dir}: {exc.strerror}."
        ) from None
    state = _read_job(opts.job_dir)
    if state.get("seeds") and opts.seeds and state["seeds"] != opts.seeds:
        raise CrawlError(
            f"The job {opts.job_dir} belongs to other seeds; use a new --job directory."
        )
    seeds = opts.seeds or list(state.get("seeds", []))
    status = state.get("status")
    how = "new"
    if status == "running":
        shutil.rmtree(opts.job_dir / "scrapy", ignore_errors=True)
        how = "restarted after a kill"
    elif status == "stopped":
        how = "resumed"
    elif status == "finished":
        shutil.rmtree(opts.job_dir / "scrapy", ignore_errors=True)
        how = "new"
    return replace(opts, seeds=seeds), how


def run_crawl(opts: CrawlOptions, progress: Progress | None = None) -> CrawlResult:
    """Crawl until the spider closes; blocks. One crawl per process (Twisted's reactor)."""
    if opts.spider not in SPIDERS:
        raise CrawlError(f"Unknown spider {opts.spider!r}; choose one of {', '.join(SPIDERS)}.")
    opts, how = prepare_job(opts)
    if not opts.seeds:
        raise CrawlError("Nothing to crawl: give at least one URL or --seeds FILE.")
    with Store.open(opts.db_url) as store:
        crawl_id = store.start_crawl(
            opts.spider, opts.seeds, str(opts.job_dir) if opts.job_dir else None
        )
    if opts.job_dir is not None:
        _write_job(
            opts.job_dir,
            {"status": "running", "seeds": opts.seeds, "spider": opts.spider, "crawl_id": crawl_id},
        )
    settings = scrapy_settings(opts)
    settings["TAMSOAT_CRAWL_ID"] = crawl_id
    reason, stats = _run(
        settings, SPIDERS[opts.spider], progress, seeds=opts.seeds, max_pages=opts.max_pages
    )
    with Store.open(opts.db_url) as store:
        store.finish_crawl(crawl_id, reason, stats)
    if opts.job_dir is not None:
        status = "stopped" if reason == "shutdown" else "finished"
        _write_job(
            opts.job_dir,
            {"status": status, "seeds": opts.seeds, "spider": opts.spider, "crawl_id": crawl_id},
        )
    return CrawlResult(crawl_id, reason, stats, how)


def run_recheck(
    opts: CrawlOptions, targets: list[RecheckTarget], progress: Progress | None = None
) -> dict[str, Any]:
    """Fetch reported URLs again through the ``recheck`` spider; each result is recorded
    in the store as it comes. Returns the crawl stats."""
    settings = scrapy_settings(opts)
    settings["ITEM_PIPELINES"] = {"crawler.pipelines.RecheckPipeline": 100}
    settings["DEPTH_LIMIT"] = 0
    _, stats = _run(settings, "crawler.spiders.recheck.RecheckSpider", progress, targets=targets)
    return stats


def _run(
    settings: dict[str, Any], spider_path: str, progress: Progress | None, **spider_kwargs: Any
) -> tuple[str, dict[str, Any]]:
    process = CrawlerProcess(settings, install_root_handler=False)
    crawler = process.create_crawler(load_object(spider_path))
    outcome: dict[str, Any] = {"reason": "unknown"}

    def closed(spider: Any, reason: str) -> None:
        outcome["reason"] = reason

    crawler.signals.connect(closed, signal=signals.spider_closed, weak=False)
    _progress_loop(crawler, progress)
    process.crawl(crawler, **spider_kwargs)
    process.start()
    if outcome["reason"] == "unknown":
        raise CrawlError("The crawl did not start; the log in the workspace says why.")
    stats = _plain(crawler.stats.get_stats() if crawler.stats else {})
    if progress is not None:
        progress(stats)
    return str(outcome["reason"]), stats


def _progress_loop(crawler: Any, progress: Progress | None) -> None:
    """Report stats every PROGRESS_INTERVAL seconds while the spider runs."""
    if progress is None:
        return
    loops: list[task.LoopingCall] = []

    def tick() -> None:
        if crawler.stats is not None:
            snapshot = _plain(crawler.stats.get_stats())
            if crawler.engine is not None and crawler.engine.slot is not None:
                snapshot["queue"] = len(crawler.engine.slot.scheduler)
            progress(snapshot)

    def opened(spider: Any) -> None:
        # Created here, once the crawler installed its reactor: LoopingCall binds the
        # reactor that is installed when it is made.
        loop = task.LoopingCall(tick)
        loops.append(loop)
        loop.start(PROGRESS_INTERVAL, now=False)

    def closing(spider: Any) -> None:
        for loop in loops:
            if loop.running:
                loop.stop()

    crawler.signals.connect(opened, signal=signals.spider_opened, weak=False)
    crawler.signals.connect(closing, signal=signals.spider_closed, weak=False)


def _plain(stats: dict[str, Any]) -> dict[str, Any]:
    """Stats as JSON-ready values (datetimes to ISO text)."""
    out: dict[str, Any] = {}
    for key, value in stats.items():
        if isinstance(value, datetime):
            out[key] = value.astimezone(UTC).isoformat()
        elif isinstance(value, int | float | str | bool) or value is None:
            out[key] = value
        else:
            out[key] = str(value)
    return out
