"""What every crawling spider shares: seeds, budgets, turning a response into a PageItem,
and counting what it had to skip."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import AsyncIterator, Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy import Request
from scrapy.exceptions import DownloadCancelledError, IgnoreRequest
from scrapy.http import Response, TextResponse
from twisted.python.failure import Failure

from crawler import extract
from crawler.items import PageItem
from reports.platforms import Platforms, load_platforms, registrable_domain

log = logging.getLogger(__name__)

HTML_TYPES = (b"text/html", b"application/xhtml+xml")
REPLACEMENT_SHARE = 0.01  # above 1% of U+FFFD, the page was decoded with a wrong charset


class TamsoatSpider(scrapy.Spider):
    """Base of the crawling spiders. Subclasses decide which links to follow."""

    name = "base"

    def __init__(self, seeds: Iterable[str] = (), max_pages: int = 0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.seeds = list(seeds)
        self.max_pages = int(max_pages)
        self.pages_emitted = 0
        self.seed_netlocs = {urlsplit(u).netloc.lower() for u in self.seeds}
        self.seed_domains = {registrable_domain(urlsplit(u).hostname or "") for u in self.seeds}
        self.platforms: Platforms | None = None

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> TamsoatSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        override = crawler.settings.get("TAMSOAT_PLATFORMS_FILE")
        spider.platforms = load_platforms(Path(override) if override else None)
        return spider

    async def start(self) -> AsyncIterator[Any]:
        for url in self.seeds:
            yield Request(url, callback=self.parse, errback=self.on_error)

    # -- budgets and scope ---------------------------------------------------------------

    @property
    def budget_left(self) -> bool:
        return not self.max_pages or self.pages_emitted < self.max_pages

    def in_scope(self, url: str) -> bool:
        """A link stays on the seeds' sites: same host:port, or same registrable domain
        for named hosts (m.example.vn beside www.example.vn)."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            return False
        if parts.netloc.lower() in self.seed_netlocs:
            return True
        host = parts.hostname or ""
        return (
            "." in host
            and not host.replace(".", "").isdigit()
            and (registrable_domain(host) in self.seed_domains)
        )

    def follow(self, response: Response, urls: Iterable[str], callback: Any) -> Iterable[Request]:
        if not self.budget_left:
            return
        for url in urls:
            absolute = response.urljoin(url).split("#", 1)[0]
            if self.in_scope(absolute):
                yield Request(absolute, callback=callback, errback=self.on_error)

    # -- pages ---------------------------------------------------------------------------

    def count(self, key: str, n: int = 1) -> None:
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(f"tamsoat/{key}", n)

    def is_html(self, response: Response) -> bool:
        content_type = (response.headers.get(b"Content-Type") or b"").split(b";")[0].strip().lower()
        if isinstance(response, TextResponse) and content_type in HTML_TYPES:
            return True
        self.count("pages/skipped_content_type")
        return False

    def page_item(self, response: Response) -> PageItem | None:
        """The page as an item, or None (counted) when it cannot be read as HTML text."""
        if not self.is_html(response):
            return None
        if not self.budget_left:
            self.count("pages/over_budget")
            return None
        assert isinstance(response, TextResponse)
        try:
            text = response.text
            if text.count("\ufffd") > REPLACEMENT_SHARE * max(len(text), 1):
                self.count("pages/bad_encoding")
                log.warning("skipping %s: text does not decode in its charset", response.url)
                return None
            main = extract.main_text(response)
            units = extract.units_of(response, main)
            item = PageItem(
                url=response.request.url if response.request else response.url,
                final_url=response.url,
                platform=self.platform_of(response.url),
                fetched_at=datetime.now(UTC),
                status=response.status,
                title=extract.title_of(response),
                main_text=main,
                content_sha256=hashlib.sha256(response.body).hexdigest(),
                image_urls=extract.image_urls(response),
                units=units,
                metadata=extract.metadata(response),
            )
        except Exception as exc:  # broken markup must not stop the crawl
            self.count("pages/broken")
            log.warning("skipping broken page %s: %s", response.url, exc)
            return None
        if not units:
            self.count("pages/empty")
        self.pages_emitted += 1
        self.count("pages/parsed")
        return item

    def platform_of(self, url: str) -> str:
        if self.platforms is not None:
            return self.platforms.platform_for_url(url)
        return registrable_domain(urlsplit(url).hostname or "")

    def on_error(self, failure: Failure) -> None:
        if failure.check(IgnoreRequest):
            self.count("requests/ignored")
            return
        if failure.check(DownloadCancelledError) and "max size" in str(failure.value):
            self.count("pages/oversize")
            log.warning("cut off an oversize page: %s", failure.value)
            return
        self.count("requests/failed")
        self.count(f"requests/failed/{failure.type.__name__ if failure.type else 'error'}")
        request = getattr(failure, "request", None)
        log.warning("request failed: %s: %s", getattr(request, "url", "?"), failure.value)
