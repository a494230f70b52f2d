"""Refuse requests that would turn the crawler against the network it runs in.

Only http and https; a host that is, or resolves to, a private, loopback, link-local,
multicast, reserved or unspecified address is refused unless its exact HOST:PORT is
allow-listed (the tests and the demo allow their own loopback server and nothing else).
The check runs before any connection, on every request and every redirect.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

Resolver = Callable[[str, int], list[str]]


class HostRefused(Exception):
    """The guard refused a URL; the message says why."""


def system_resolver(host: str, port: int) -> list[str]:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return sorted({str(info[4][0]) for info in infos})


def _blocked(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or not ip.is_global
    )


def parse_allow(value: str) -> tuple[str, int]:
    """``HOST:PORT`` (``[::1]:8080`` for IPv6) → (host, port); ValueError when malformed."""
    parsed = urlsplit(f"//{value}")
    try:
        port = parsed.port
    except ValueError:
        port = None
    if not parsed.hostname or port is None:
        raise ValueError(f"{value!r} is not HOST:PORT")
    return parsed.hostname.lower(), port


@dataclass
class HostGuard:
    allow: frozenset[tuple[str, int]] = frozenset()
    resolver: Resolver = system_resolver
    _verdicts: dict[tuple[str, int], str | None] = field(default_factory=dict, repr=False)

    @classmethod
    def from_strings(cls, allow: Iterable[str], resolver: Resolver = system_resolver) -> HostGuard:
        return cls(frozenset(parse_allow(a) for a in allow), resolver)

    def check(self, url: str) -> None:
        """Return when ``url`` may be fetched; raise HostRefused with the reason otherwise."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            raise HostRefused(f"scheme {parts.scheme or '(none)'!r} is not http or https")
        host = (parts.hostname or "").lower()
        if not host:
            raise HostRefused("no host in the URL")
        try:
            port = parts.port or (443 if parts.scheme == "https" else 80)
        except ValueError:
            raise HostRefused("invalid port") from None
        key = (host, port)
        if key in self.allow:
            return
        if key not in self._verdicts:
            self._verdicts[key] = self._judge(host, port)
        reason = self._verdicts[key]
        if reason is not None:
            raise HostRefused(reason)

    def _judge(self, host: str, port: int) -> str | None:
        try:
            addresses = [str(ipaddress.ip_address(host))]
        except ValueError:
            try:
                addresses = self.resolver(host, port)
            except OSError as exc:
                return f"{host} does not resolve ({exc})"
        for address in addresses:
            if _blocked(address):
                return (
                    f"{host}:{port} is a non-public address ({address}); "
                    f"allow it with --allow-host {host}:{port}"
                )
        return None


def is_blocked_address(address: str) -> bool:
    """True for any address the crawler must not connect to unless allow-listed."""
    return _blocked(address)
