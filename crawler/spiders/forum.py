"""``forum``: forum indexes, thread lists and threads with their pages (XenForo-style
markup that Vietnamese forums use); every post is its own text unit."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from scrapy.http import Response

from crawler.spiders.base import TamsoatSpider

NODES = ".node-title a::attr(href), a[href*='/forums/']::attr(href)"
THREADS = ".structItem-title a::attr(href), a[href*='/threads/']::attr(href)"
NEXT_PAGE = "a.pageNav-jump--next::attr(href), a[rel=next]::attr(href), link[rel=next]::attr(href)"


class ForumSpider(TamsoatSpider):
    name = "forum"

    def parse(self, response: Response, **kwargs: Any) -> Iterable[Any]:
        """A forum index or a thread list: follow nodes, threads and pages."""
        if not self.is_html(response):
            return
        yield from self.follow(response, response.css(NODES).getall(), self.parse)
        threads = [u for u in response.css(THREADS).getall() if "/post-" not in u]
        yield from self.follow(response, threads, self.parse_thread)
        yield from self.follow(response, response.css(NEXT_PAGE).getall(), self.parse)

    def parse_thread(self, response: Response) -> Iterable[Any]:
        if not self.budget_left:
            return
        item = self.page_item(response)
        if item is None:
            return
        yield item
        yield from self.follow(response, response.css(NEXT_PAGE).getall(), self.parse_thread)
