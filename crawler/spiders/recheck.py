"""``recheck``: fetch reported URLs again and judge whether the content is still there.

Same politeness and host guard as every crawl. A text item is judged on the text units
of its page; an image item on the image at its URL. The decision rules live in
``reports.recheck``.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import scrapy
from scrapy import Request
from scrapy.http import Response, TextResponse
from twisted.python.failure import Failure

import hashes
from crawler import extract
from reports.recheck import RecheckTarget, judge

log = logging.getLogger(__name__)

# Answers the spider must see rather than have Scrapy drop; redirects are still followed.
JUDGED_STATUSES = [400, 401, 403, 404, 410, 429, 451, 500, 502, 503, 504]


@dataclass(frozen=True)
class RecheckOutcome:
    target: RecheckTarget
    result: str  # live | removed | error
    http_status: int | None
    detail: str
    checked_at: datetime


class RecheckSpider(scrapy.Spider):
    name = "recheck"

    def __init__(self, targets: Iterable[RecheckTarget] = (), **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.targets = list(targets)

    async def start(self) -> AsyncIterator[Any]:
        for target in self.targets:
            url = (
                target.image_url
                if target.kind == "image" and target.image_url
                else (target.page_url)
            )
            yield Request(
                url.split("#", 1)[0],
                callback=self.parse,
                errback=self.on_error,
                dont_filter=True,
                meta={"handle_httpstatus_list": JUDGED_STATUSES, "target": target},
            )

    def parse(self, response: Response, **kwargs: Any) -> Iterable[RecheckOutcome]:
        target: RecheckTarget = response.meta["target"]
        units: dict[str, str] | None = None
        images: list[dict[str, str]] | None = None
        detail = f"HTTP {response.status}"
        if 200 <= response.status < 300:
            if target.kind == "text" and isinstance(response, TextResponse):
                main = extract.main_text(response)
                units = {u.key: u.text for u in extract.units_of(response, main)}
            elif target.kind == "image":
                try:
                    images = [dict(hashes.hash_bytes(response.body).hashes)]
                except hashes.HashError as exc:
                    detail = f"HTTP {response.status}, not an image any more: {exc}"
                    images = []
        result = judge(target, response.status, units, images)
        yield RecheckOutcome(target, result, response.status, detail, datetime.now(UTC))

    def on_error(self, failure: Failure) -> Iterable[RecheckOutcome]:
        request = failure.request  # type: ignore[attr-defined]
        target: RecheckTarget = request.meta["target"]
        yield RecheckOutcome(target, "error", None, str(failure.value)[:300], datetime.now(UTC))
