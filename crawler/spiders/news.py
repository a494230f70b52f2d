"""``news``: articles found through robots.txt sitemaps (indexes, news sitemaps) and
RSS/Atom feeds, with the main text by trafilatura and metadata from JSON-LD/OpenGraph."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterable
from typing import Any
from urllib.parse import urlsplit

from lxml import etree
from scrapy import Request
from scrapy.http import Response
from scrapy.utils.gz import gunzip
from scrapy.utils.sitemap import Sitemap, sitemap_urls_from_robots

from crawler.spiders.base import TamsoatSpider

log = logging.getLogger(__name__)

FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/feed+json")
MAX_SITEMAP_BYTES = 50 * 1024 * 1024


class NewsSpider(TamsoatSpider):
    name = "news"

    async def start(self) -> AsyncIterator[Any]:
        for url in self.seeds:
            parts = urlsplit(url)
            robots = f"{parts.scheme}://{parts.netloc}/robots.txt"
            yield Request(
                robots,
                callback=self.parse_robots,
                errback=self.on_error,
                meta={"dont_obey_robotstxt": False},
            )
            yield Request(url, callback=self.parse_home, errback=self.on_error)

    def parse_robots(self, response: Response) -> Iterable[Request]:
        for url in sitemap_urls_from_robots(response.text, base_url=response.url):
            if self.in_scope(url):
                yield Request(url, callback=self.parse_sitemap, errback=self.on_error)

    def parse_home(self, response: Response) -> Iterable[Any]:
        """The seed page: its feeds, and its own links to articles as a fallback."""
        if not self.is_html(response):
            return
        feeds = response.css("link[rel=alternate]")
        for link in feeds:
            if link.attrib.get("type", "").lower() in FEED_TYPES and link.attrib.get("href"):
                url = response.urljoin(link.attrib["href"])
                if self.in_scope(url):
                    yield Request(url, callback=self.parse_feed, errback=self.on_error)

    def parse_sitemap(self, response: Response) -> Iterable[Request]:
        body = response.body
        if response.url.endswith(".gz") or body[:2] == b"\x1f\x8b":
            try:
                body = gunzip(body, max_size=MAX_SITEMAP_BYTES)
            except OSError:
                self.count("sitemaps/broken")
                return
        try:
            sitemap = Sitemap(body)
        except Exception:
            self.count("sitemaps/broken")
            return
        self.count("sitemaps/parsed")
        callback = self.parse_sitemap if sitemap.type == "sitemapindex" else self.parse_article
        for entry in sitemap:
            url = entry.get("loc", "")
            if url and self.in_scope(url):
                yield Request(url, callback=callback, errback=self.on_error)

    def parse_feed(self, response: Response) -> Iterable[Request]:
        try:
            root = etree.fromstring(
                response.body,
                parser=etree.XMLParser(
                    resolve_entities=False, no_network=True, huge_tree=False, recover=True
                ),
            )
        except etree.XMLSyntaxError:
            root = None
        if root is None:
            self.count("feeds/broken")
            return
        self.count("feeds/parsed")
        links = root.xpath("//*[local-name()='item']/*[local-name()='link']/text()")
        links += root.xpath("//*[local-name()='entry']/*[local-name()='link']/@href")
        for url in links:
            url = response.urljoin(str(url).strip())
            if self.in_scope(url):
                yield Request(url, callback=self.parse_article, errback=self.on_error)

    def parse_article(self, response: Response, **kwargs: Any) -> Iterable[Any]:
        if not self.budget_left:
            return
        item = self.page_item(response)
        if item is not None:
            yield item

    parse = parse_article
