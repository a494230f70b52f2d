"""Downloader middlewares: the host guard and per-host politeness.

Both sit in front of every download (pages, robots.txt, sitemaps, images, redirects),
because Scrapy sends a redirected request back through the whole chain.
"""

from __future__ import annotations

import asyncio
import email.utils
import logging
import time
from dataclasses import dataclass
from typing import Any, Self
from urllib.parse import urlsplit

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response

from crawler.hostguard import HostGuard, HostRefused

log = logging.getLogger(__name__)


class HostGuardMiddleware:
    """Refuse any request to a non-public address that is not allow-listed."""

    def __init__(self, crawler: Crawler, guard: HostGuard) -> None:
        self.crawler = crawler
        self.guard = guard

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        allow = crawler.settings.getlist("TAMSOAT_ALLOW_HOSTS")
        return cls(crawler, HostGuard.from_strings(allow))

    def process_request(self, request: Request) -> None:
        try:
            self.guard.check(request.url)
        except HostRefused as exc:
            assert self.crawler.stats is not None
            self.crawler.stats.inc_value("tamsoat/hostguard/refused")
            log.warning("refused %s: %s", request.url, exc)
            raise IgnoreRequest(f"host guard: {exc}") from None


@dataclass
class _HostGate:
    lock: asyncio.Lock
    not_before: float = 0.0  # time.monotonic()
    crawl_delay: float = 0.0


class PolitenessMiddleware:
    """Per-host spacing that Scrapy does not do itself.

    - robots.txt ``Crawl-delay`` (Scrapy parses it but ignores it): requests to that host
      start at least that many seconds apart, and AutoThrottle may not shorten it.
    - ``429`` / ``503`` with ``Retry-After``: the whole host waits that long (capped by
      TAMSOAT_MAX_RETRY_AFTER), then the request is tried again (TAMSOAT_RETRY_AFTER_TIMES).
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        settings = crawler.settings
        self.max_retry_after = settings.getfloat("TAMSOAT_MAX_RETRY_AFTER", 300.0)
        self.retry_times = settings.getint("TAMSOAT_RETRY_AFTER_TIMES", 3)
        self.max_crawl_delay = settings.getfloat("TAMSOAT_MAX_CRAWL_DELAY", 60.0)
        self.gates: dict[str, _HostGate] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        mw = cls(crawler)
        crawler.signals.connect(mw.robots_parsed, signal=signals.robots_parsed)
        return mw

    def _gate(self, netloc: str) -> _HostGate:
        gate = self.gates.get(netloc)
        if gate is None:
            gate = self.gates[netloc] = _HostGate(asyncio.Lock())
        return gate

    def robots_parsed(self, robotparser: Any, request: Request) -> None:
        agent = self.crawler.settings.get("USER_AGENT", "*")
        delay = robotparser.crawl_delay(agent)
        if delay:
            gate = self._gate(urlsplit(request.url).netloc)
            gate.crawl_delay = min(float(delay), self.max_crawl_delay)
            log.info("%s asks for Crawl-delay %.1fs", urlsplit(request.url).netloc, delay)

    async def process_request(self, request: Request) -> None:
        gate = self._gate(urlsplit(request.url).netloc)
        if gate.crawl_delay:
            request.meta["autothrottle_dont_adjust_delay"] = True
        async with gate.lock:
            wait = gate.not_before - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            gate.not_before = max(gate.not_before, time.monotonic() + gate.crawl_delay)

    def process_response(self, request: Request, response: Response) -> Request | Response:
        if response.status not in (429, 503):
            return response
        seconds = retry_after_seconds(response.headers.get(b"Retry-After"))
        if seconds is None:
            return response
        assert self.crawler.stats is not None
        tries = int(request.meta.get("tamsoat_retry_after", 0))
        if seconds > self.max_retry_after or tries >= self.retry_times:
            self.crawler.stats.inc_value("tamsoat/retry_after/gave_up")
            return response
        gate = self._gate(urlsplit(request.url).netloc)
        gate.not_before = max(gate.not_before, time.monotonic() + seconds)
        self.crawler.stats.inc_value("tamsoat/retry_after/waited")
        log.info(
            "%s answered %d: waiting %.1fs before retrying", request.url, response.status, seconds
        )
        retry = request.replace(dont_filter=True)
        retry.meta["tamsoat_retry_after"] = tries + 1
        return retry


def retry_after_seconds(value: bytes | None) -> float | None:
    """Parse Retry-After: delta seconds or an HTTP date; None when absent or invalid."""
    if not value:
        return None
    text = value.decode("latin-1").strip()
    if text.isdigit():
        return float(text)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())
