"""Serve a folder of static pages on loopback, logging every request.

Used by ``tamsoat demo`` and by the crawler tests. ``{BASE}`` and other placeholders in
text files are replaced at serve time with the real addresses, so absolute URLs in
robots.txt, sitemaps and feeds point at the port the server got.
"""

from __future__ import annotations

import logging
import mimetypes
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

log = logging.getLogger(__name__)

TEXT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".xml": "application/xml; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".rss": "application/rss+xml; charset=utf-8",
}


@dataclass(frozen=True)
class LoggedRequest:
    method: str
    path: str
    at: float  # time.monotonic()
    user_agent: str


@dataclass
class SiteServer:
    """A running server: its base URL and the log of requests it answered."""

    root: Path
    host: str
    port: int
    requests: list[LoggedRequest] = field(default_factory=list)
    substitutions: dict[str, str] = field(default_factory=dict)
    # A hook for tests: (handler, path) -> True when it answered the request itself.
    override: Callable[[BaseHTTPRequestHandler, str], bool] | None = None

    @property
    def base(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def hostport(self) -> str:
        return f"{self.host}:{self.port}"

    def paths(self) -> list[str]:
        return [r.path for r in self.requests]


def _handler_for(site: SiteServer) -> type[BaseHTTPRequestHandler]:
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        server_version = "tamsoat-demo"
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            log.debug("%s " + format, site.hostport, *args)

        def do_GET(self) -> None:
            path = urlsplit(self.path).path
            with lock:
                site.requests.append(
                    LoggedRequest(
                        "GET", self.path, time.monotonic(), self.headers.get("User-Agent", "")
                    )
                )
            if site.override is not None and site.override(self, path):
                return
            file = resolve(site.root, path)
            if file is None:
                self.send_plain(HTTPStatus.NOT_FOUND, b"not found")
                return
            body = file.read_bytes()
            kind = TEXT_TYPES.get(file.suffix)
            if kind is not None:
                text = body.decode("utf-8")
                for key, value in site.substitutions.items():
                    text = text.replace("{" + key + "}", value)
                body = text.encode("utf-8")
            else:
                kind = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
            self.send_body(HTTPStatus.OK, kind, body)

        def send_body(
            self, status: int, content_type: str, body: bytes, headers: dict[str, str] | None = None
        ) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

        def send_plain(
            self, status: int, body: bytes, headers: dict[str, str] | None = None
        ) -> None:
            self.send_body(status, "text/plain; charset=utf-8", body, headers)

    return Handler


def resolve(root: Path, url_path: str) -> Path | None:
    """Map a URL path to a file below root (``/x/`` → ``x/index.html``); None if absent."""
    relative = unquote(url_path).lstrip("/")
    candidate = (root / relative).resolve()
    if not candidate.is_relative_to(root.resolve()):
        return None
    if candidate.is_dir():
        candidate = candidate / "index.html"
    return candidate if candidate.is_file() else None


@contextmanager
def serve(
    root: Path,
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    substitutions: dict[str, str] | None = None,
) -> Iterator[SiteServer]:
    """Serve ``root`` on loopback in a background thread for the duration of the block."""
    site = SiteServer(root=root, host=host, port=0)
    httpd = ThreadingHTTPServer((host, port), _handler_for(site))
    httpd.daemon_threads = True
    site.port = int(httpd.server_address[1])
    site.substitutions = {"BASE": site.base, **(substitutions or {})}
    thread = threading.Thread(target=httpd.serve_forever, name=f"site-{site.port}", daemon=True)
    thread.start()
    try:
        yield site
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)
