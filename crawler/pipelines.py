"""Item pipelines: classify text units, hash and match images, store the page.

Each is a small Scrapy component configured from settings in ``from_crawler``; the
judgement lives in ``classifier``, ``hashes`` and ``reports``.
"""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Self

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest

import classifier
import hashes
from crawler.extract import sha256_text
from crawler.items import PageItem
from hashes.matcher import Match, Matcher, Thresholds
from reports import hashlists
from reports.recheck import record_recheck
from reports.records import FindingRecord, ImageRecord, PageRecord, TextUnitRecord
from reports.store import Store

log = logging.getLogger(__name__)

FLAGGED = ("review", "block")
EXCERPT_CHARS = 600
IMAGE_TYPES = (b"image/",)


def _stats(crawler: Crawler) -> Any:
    assert crawler.stats is not None
    return crawler.stats


class TextPipeline:
    """Classify the text units of pages in batches across pages.

    A call to the model costs about as much as classifying a few dozen short texts, so
    pages wait up to TAMSOAT_CLASSIFY_WAIT seconds (or until TAMSOAT_CLASSIFY_BATCH
    texts are pending) and are classified together.
    """

    def __init__(self, crawler: Crawler, model: Any, batch: int, wait: float) -> None:
        self.crawler = crawler
        self.model = model
        self.batch = batch
        self.wait = wait
        self.pending: list[tuple[PageItem, asyncio.Future[None]]] = []
        self.pending_texts = 0
        self.timer: asyncio.TimerHandle | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        model_dir = settings.get("TAMSOAT_MODEL_DIR")
        if model_dir:
            model = classifier.load(Path(model_dir))
        else:
            model = classifier.load_default(Path(settings["TAMSOAT_MODEL_CACHE"]))
        return cls(
            crawler,
            model,
            settings.getint("TAMSOAT_CLASSIFY_BATCH", 128),
            settings.getfloat("TAMSOAT_CLASSIFY_WAIT", 0.03),
        )

    async def process_item(self, item: PageItem) -> PageItem:
        if not item.units:
            return item
        done = asyncio.get_running_loop().create_future()
        self.pending.append((item, done))
        self.pending_texts += len(item.units)
        if self.pending_texts >= self.batch:
            self.flush()
        elif self.timer is None:
            self.timer = asyncio.get_running_loop().call_later(self.wait, self.flush)
        await done
        return item

    def flush(self) -> None:
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None
        pending, self.pending, self.pending_texts = self.pending, [], 0
        if not pending:
            return
        texts = [u.text for item, _ in pending for u in item.units]
        try:
            verdicts = iter(self.model.classify(texts))
        except Exception as exc:  # never leave a page waiting forever
            for _, done in pending:
                done.set_exception(exc)
            return
        for item, done in pending:
            item.verdicts = {u.key: next(verdicts) for u in item.units}
            item.model_version = self.model.version
            done.set_result(None)
        _stats(self.crawler).inc_value("tamsoat/units/classified", len(texts))


@dataclass
class ImageResult:
    url: str
    hashes: hashes.ImageHashes | None = None
    matches: list[Match] = field(default_factory=list)
    error: str | None = None


class ImagePipeline:
    """Download each image once per crawl through Scrapy (so politeness and the host
    guard apply), hash it in memory, match it, and drop the bytes."""

    def __init__(
        self,
        crawler: Crawler,
        matcher: Matcher | None,
        max_bytes: int,
        max_pixels: int,
        threshold: Thresholds,
        dihedral: bool,
    ) -> None:
        self.crawler = crawler
        self.matcher = matcher
        self.max_bytes = max_bytes
        self.max_pixels = max_pixels
        self.threshold = threshold
        self.dihedral = dihedral
        self.seen: dict[str, asyncio.Future[ImageResult]] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        names = settings.getlist("TAMSOAT_HASHLISTS") or None
        with Store.open(settings["TAMSOAT_DB_URL"]) as store:
            entries = hashlists.load_entries(store, names)
        min_quality = settings.getint("TAMSOAT_MIN_PDQ_QUALITY", 50)
        matcher = Matcher.build(entries, min_pdq_quality=min_quality) if entries else None
        log.info("matching images against %d hash-list entries", len(entries))
        one = settings.get("TAMSOAT_MATCH_THRESHOLD")
        threshold: Thresholds = (
            int(one) if one is not None else {"pdq": settings.getint("TAMSOAT_PDQ_THRESHOLD", 31)}
        )
        return cls(
            crawler,
            matcher,
            settings.getint("TAMSOAT_MAX_IMAGE_BYTES", 20 * 1024 * 1024),
            settings.getint("TAMSOAT_MAX_IMAGE_PIXELS", 64_000_000),
            threshold,
            settings.getbool("TAMSOAT_MATCH_DIHEDRAL", False),
        )

    async def process_item(self, item: PageItem) -> PageItem:
        if item.image_urls:
            item.images = list(await asyncio.gather(*(self._once(u) for u in item.image_urls)))
        return item

    def _once(self, url: str) -> asyncio.Future[ImageResult]:
        future = self.seen.get(url)
        if future is None:
            future = self.seen[url] = asyncio.ensure_future(self._fetch(url))
        return future

    async def _fetch(self, url: str) -> ImageResult:
        stats = _stats(self.crawler)
        request = Request(url, meta={"download_maxsize": self.max_bytes}, dont_filter=True)
        try:
            assert self.crawler.engine is not None
            response = await self.crawler.engine.download_async(request)
        except IgnoreRequest as exc:
            stats.inc_value("tamsoat/images/ignored")
            return ImageResult(url, error=str(exc))
        except Exception as exc:
            stats.inc_value("tamsoat/images/failed")
            log.warning("image %s failed: %s", url, exc)
            return ImageResult(url, error=f"download failed: {exc}")
        content_type = (response.headers.get(b"Content-Type") or b"").lower()
        if response.status != 200 or not content_type.startswith(IMAGE_TYPES):
            stats.inc_value("tamsoat/images/skipped")
            return ImageResult(url, error=f"HTTP {response.status} {content_type.decode()}")
        try:
            result = await asyncio.to_thread(
                hashes.hash_bytes, response.body, max_pixels=self.max_pixels
            )
        except hashes.HashError as exc:
            stats.inc_value("tamsoat/images/broken")
            log.warning("image %s is broken: %s", url, exc)
            return ImageResult(url, error=str(exc))
        stats.inc_value("tamsoat/images/hashed")
        matches: list[Match] = []
        if self.matcher is not None:
            matches = self.matcher.match(result, threshold=self.threshold, dihedral=self.dihedral)
            if matches:
                stats.inc_value("tamsoat/images/matched")
        return ImageResult(url, hashes=result, matches=matches)


def flagged_units(item: PageItem) -> dict[str, Any]:
    """The verdicts that become findings, by unit key.

    The page's whole text is a unit so that harm outside any recognised comment or post
    is still caught; when a comment, post or body of the page is flagged itself, the
    page-level verdict would only repeat it, and makes no finding of its own.
    """
    flagged = {
        key: v for key, v in item.verdicts.items() if v is not None and v.decision in FLAGGED
    }
    kinds = {u.key: u.kind for u in item.units}
    if any(kinds.get(key) != "page" for key in flagged):
        flagged = {key: v for key, v in flagged.items() if kinds.get(key) != "page"}
    return flagged


class StorePipeline:
    """Write the page, its units, its images and its findings in one transaction.

    Every write is an upsert on a natural key, so a page stored twice (a resumed crawl,
    a second worker) leaves one row of each.
    """

    def __init__(self, crawler: Crawler, store: Store, crawl_id: int | None) -> None:
        self.crawler = crawler
        self.store = store
        self.crawl_id = crawl_id
        # One writer thread: the reactor keeps downloading and parsing while the
        # database works, and writes stay in order, one transaction at a time.
        self.writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="store")

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        store = Store.open(crawler.settings["TAMSOAT_DB_URL"])
        crawl_id = crawler.settings.get("TAMSOAT_CRAWL_ID")
        return cls(crawler, store, int(crawl_id) if crawl_id else None)

    def close_spider(self) -> None:
        self.writer.shutdown(wait=True)
        self.store.close()

    async def process_item(self, item: PageItem) -> PageItem:
        loop = asyncio.get_running_loop()
        found = await loop.run_in_executor(self.writer, self.write, item)
        stats = _stats(self.crawler)
        stats.inc_value("tamsoat/pages/stored")
        if found:
            stats.inc_value("tamsoat/findings", len(found))
        for labels in found:
            for label in labels:
                stats.inc_value(f"tamsoat/findings/label/{label}")
        return item

    def write(self, item: PageItem) -> list[list[str]]:
        """Store one page; returns the labels of each finding written."""
        now = datetime.now(UTC)
        found: list[list[str]] = []
        with self.store.session() as s:
            page_id = self.store.upsert_page(
                PageRecord(
                    url=item.url,
                    platform=item.platform,
                    fetched_at=item.fetched_at,
                    final_url=item.final_url,
                    status_code=item.status,
                    title=item.title,
                    content_sha256=item.content_sha256,
                    crawl_id=self.crawl_id,
                    meta=item.metadata,
                ),
                session=s,
            )
            reported = flagged_units(item)
            unit_ids = self.store.upsert_text_units(
                page_id,
                [
                    TextUnitRecord(
                        unit_key=unit.key,
                        kind=unit.kind,
                        text_sha256=sha256_text(unit.text),
                        chars=len(unit.text),
                        seen_at=item.fetched_at,
                        author=unit.author,
                        permalink=unit.permalink,
                    )
                    for unit in item.units
                ],
                session=s,
            )
            for unit, unit_id in zip(item.units, unit_ids, strict=True):
                verdict = reported.get(unit.key)
                if verdict is None:
                    continue
                found.append(list(verdict.labels))
                self.store.upsert_finding(
                    FindingRecord(
                        kind="text",
                        page_url=item.url,
                        subject=unit.key,
                        detector=f"classifier:{_model_family(item.model_version or '')}",
                        url=unit.permalink or item.url,
                        platform=item.platform,
                        labels=list(verdict.labels),
                        scores=dict(verdict.scores),
                        decision=verdict.decision,
                        method="classifier",
                        seen_at=item.fetched_at,
                        detector_version=item.model_version,
                        text_unit_id=unit_id,
                        excerpt=unit.text[:EXCERPT_CHARS],
                        explanation={
                            k: [list(p) for p in v] for k, v in verdict.explanation.items()
                        },
                    ),
                    session=s,
                )
            for image in item.images:
                found += self._store_image(s, item, page_id, image, now)
        return found

    def _store_image(
        self, s: Any, item: PageItem, page_id: int, image: ImageResult, now: datetime
    ) -> list[list[str]]:
        h = image.hashes
        image_id = self.store.upsert_image(
            ImageRecord(
                url=image.url,
                seen_at=now,
                sha256=h.hashes.get("sha256") if h else None,
                hashes=dict(h.hashes) if h else {},
                pdq_quality=h.pdq_quality if h else None,
                width=h.width if h else None,
                height=h.height if h else None,
                error=image.error,
            ),
            session=s,
        )
        self.store.add_image_occurrence(page_id, image_id, now, session=s)
        for match in image.matches:
            self.store.upsert_finding(
                FindingRecord(
                    kind="image",
                    page_url=item.url,
                    subject=image.url,
                    detector=f"hashlist:{match.list_name}:{match.entry_id}",
                    url=image.url,
                    platform=item.platform,
                    labels=[match.category],
                    decision="block" if match.trusted else "review",
                    method="exact_hash" if match.exact else "hash_match",
                    seen_at=now,
                    detector_version=f"{match.list_name}@v{match.list_version}",
                    image_id=image_id,
                    hash_list_id=match.list_id,
                    hash_list_version=match.list_version,
                    hash_list_entry_id=match.entry_id,
                    algo=match.algo,
                    distance=float(match.distance),
                ),
                session=s,
            )
        return [[match.category] for match in image.matches]


def _model_family(version: str) -> str:
    """The detector of a text finding is the model family, not its exact version, so a
    retrained model refreshes the same finding instead of adding a second one."""
    return version.split("@", 1)[0]


class RecheckPipeline:
    """Record each re-check as soon as it is judged, so a killed run loses none."""

    def __init__(self, crawler: Crawler, store: Store) -> None:
        self.crawler = crawler
        self.store = store

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler, Store.open(crawler.settings["TAMSOAT_DB_URL"]))

    def close_spider(self) -> None:
        self.store.close()

    def process_item(self, outcome: Any) -> Any:
        record_recheck(
            self.store,
            outcome.target.item_id,
            outcome.result,
            outcome.http_status,
            outcome.detail,
            outcome.checked_at,
        )
        _stats(self.crawler).inc_value(f"tamsoat/recheck/{outcome.result}")
        return outcome
