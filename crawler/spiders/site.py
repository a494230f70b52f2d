"""``site``: every page reachable by links within the seeds' sites, within the budgets."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from scrapy.http import Response, TextResponse
from scrapy.linkextractors import LinkExtractor

from crawler.spiders.base import TamsoatSpider


class SiteSpider(TamsoatSpider):
    name = "site"
    links = LinkExtractor(deny_extensions=None, unique=True)

    def parse(self, response: Response, **kwargs: Any) -> Iterable[Any]:
        item = self.page_item(response)
        if item is None:
            return
        assert isinstance(response, TextResponse)  # page_item checked it is HTML text
        yield item
        urls = [link.url for link in self.links.extract_links(response)]
        yield from self.follow(response, urls, self.parse)
