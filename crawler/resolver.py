"""A DNS resolver that re-checks every address Scrapy is about to connect to.

The host guard middleware checks a URL before the request is queued; Scrapy then
resolves the name again when it connects. A name that answered a public address the
first time and a private one the second (DNS rebinding) is refused here.
"""

from __future__ import annotations

from typing import Any, Self

from scrapy.crawler import Crawler
from scrapy.resolver import CachingThreadedResolver
from twisted.internet.defer import Deferred
from twisted.internet.error import DNSLookupError

from crawler.hostguard import is_blocked_address, parse_allow


class GuardedResolver(CachingThreadedResolver):
    allowed_names: frozenset[str] = frozenset()

    @classmethod
    def from_crawler(cls, crawler: Crawler, reactor: Any) -> Self:
        resolver = super().from_crawler(crawler, reactor)
        resolver.allowed_names = frozenset(
            parse_allow(a)[0] for a in crawler.settings.getlist("TAMSOAT_ALLOW_HOSTS")
        )
        return resolver

    def getHostByName(self, name: str, timeout: Any = ()) -> Deferred[str]:
        d = super().getHostByName(name, timeout)
        d.addCallback(self._check, name)
        return d

    def _check(self, address: str, name: str) -> str:
        if name.lower() not in self.allowed_names and is_blocked_address(address):
            raise DNSLookupError(f"{name} resolved to the non-public address {address}")
        return address
