"""The crawler's parts on their own: host guard, Retry-After, text units, job state."""

from __future__ import annotations

import email.utils
import time
from pathlib import Path

import pytest
from scrapy.http import HtmlResponse, Request

from crawler import extract
from crawler.errors import CrawlError
from crawler.hostguard import HostGuard, HostRefused, parse_allow
from crawler.middlewares import retry_after_seconds
from crawler.runner import _write_job, prepare_job
from crawler.settings import CrawlOptions, scrapy_settings, user_agent


def fake_resolver(table: dict[str, list[str]]):
    def resolve(host: str, port: int) -> list[str]:
        if host not in table:
            raise OSError("no such host")
        return table[host]

    return resolve


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/",
        "http://localhost/",
        "http://10.1.2.3/",
        "http://192.168.1.1/admin",
        "http://172.16.0.5/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]:8080/",
        "http://[::ffff:127.0.0.1]/",
        "http://0.0.0.0/",
        "http://224.0.0.1/",
        "http://intranet.example/",
        "ftp://files.example.vn/",
        "file:///etc/passwd",
    ],
)
def test_the_guard_refuses_non_public_targets(url: str) -> None:
    guard = HostGuard(
        resolver=fake_resolver({"localhost": ["127.0.0.1"], "intranet.example": ["10.0.0.7"]})
    )
    with pytest.raises(HostRefused):
        guard.check(url)


def test_the_guard_lets_public_hosts_and_exact_allow_listed_ones_through() -> None:
    guard = HostGuard.from_strings(
        ["127.0.0.1:8001"], resolver=fake_resolver({"vnexpress.net": ["111.65.248.132"]})
    )
    guard.check("https://vnexpress.net/thoi-su")
    guard.check("http://127.0.0.1:8001/page")
    with pytest.raises(HostRefused, match=r"--allow-host 127\.0\.0\.1:8002"):
        guard.check("http://127.0.0.1:8002/page")  # same host, other port: refused
    with pytest.raises(HostRefused, match="does not resolve"):
        guard.check("http://no-such-host.vn/")


@pytest.mark.parametrize("bad", ["127.0.0.1", "host:", ":80", "host:port"])
def test_allow_host_needs_host_and_port(bad: str) -> None:
    with pytest.raises(ValueError):
        parse_allow(bad)


def test_retry_after_seconds_and_dates() -> None:
    assert retry_after_seconds(b"7") == 7.0
    later = email.utils.formatdate(time.time() + 30, usegmt=True).encode()
    assert 25 <= (retry_after_seconds(later) or 0) <= 31
    assert retry_after_seconds(b"soon") is None
    assert retry_after_seconds(None) is None


def test_user_agent_names_tamsoat_version_and_contact() -> None:
    ua = user_agent("1.2.3", "https://cert.example.vn/tamsoat")
    assert ua.startswith("tamsoat/1.2.3") and "https://cert.example.vn/tamsoat" in ua
    settings = scrapy_settings(CrawlOptions(seeds=[], db_url="sqlite://", model_cache=Path()))
    assert settings["ROBOTSTXT_OBEY"] is True
    assert settings["DOWNLOAD_DELAY"] >= 1.0
    assert settings["CONCURRENT_REQUESTS_PER_DOMAIN"] <= 2
    assert settings["AUTOTHROTTLE_ENABLED"] is True


PAGE = """<html><head><title>Bài viết</title></head><body>
<article><div class="article-body" itemprop="articleBody"><p>Nội dung bài báo về thời tiết.</p></div></article>
<section class="comments">
 <div class="comment" id="c-1" data-author="lan"><span class="comment-author">lan</span>
  <p class="comment-text">Bài hay quá</p><a class="comment-permalink" href="/a.html#c-1">#</a></div>
 <div class="comment" id="c-2" data-author="spam88"><p class="comment-text">nạp 100k nhận 500k</p></div>
</section>
<article class="message message--post" data-author="teen01" data-content="post-9" id="js-post-9">
 <div class="message-content"><div class="bbWrapper">Bài đăng trên diễn đàn</div></div>
 <a class="message-permalink" href="/threads/x.1/post-9">#1</a></article>
<img src="/anh/1.jpg"><img data-src="/anh/2.jpg"><img src="data:image/png;base64,AAAA">
</body></html>"""


def test_every_comment_and_post_is_a_unit_with_author_and_permalink() -> None:
    response = HtmlResponse(
        "http://site.vn/a.html",
        body=PAGE.encode(),
        encoding="utf-8",
        request=Request("http://site.vn/a.html"),
    )
    units = {u.key: u for u in extract.units_of(response, "toàn văn")}
    assert set(units) == {"comment:c-1", "comment:c-2", "post:post-9", "body", "page"}
    assert units["comment:c-2"].text == "nạp 100k nhận 500k"
    assert units["comment:c-2"].author == "spam88"
    assert units["comment:c-2"].permalink == "http://site.vn/a.html#c-2"
    assert units["comment:c-1"].permalink == "http://site.vn/a.html#c-1"
    assert units["post:post-9"].author == "teen01"
    assert units["post:post-9"].permalink == "http://site.vn/threads/x.1/post-9"
    assert units["body"].text == "Nội dung bài báo về thời tiết."
    assert extract.image_urls(response) == ["http://site.vn/anh/1.jpg", "http://site.vn/anh/2.jpg"]


def test_a_killed_job_restarts_from_its_seeds_and_a_stopped_one_resumes(tmp_path: Path) -> None:
    job = tmp_path / "job"
    opts = CrawlOptions(
        seeds=["http://a.vn/"], db_url="sqlite://", model_cache=tmp_path, job_dir=job
    )
    assert prepare_job(opts)[1] == "new"
    (job / "scrapy").mkdir()
    _write_job(job, {"status": "running", "seeds": ["http://a.vn/"]})
    resumed, how = prepare_job(
        CrawlOptions(seeds=[], db_url="sqlite://", model_cache=tmp_path, job_dir=job)
    )
    assert how == "restarted after a kill"
    assert resumed.seeds == ["http://a.vn/"]
    assert not (job / "scrapy").exists()  # Scrapy's half-written state is not trusted
    _write_job(job, {"status": "stopped", "seeds": ["http://a.vn/"]})
    assert prepare_job(opts)[1] == "resumed"
    with pytest.raises(CrawlError, match="other seeds"):
        prepare_job(
            CrawlOptions(
                seeds=["http://b.vn/"], db_url="sqlite://", model_cache=tmp_path, job_dir=job
            )
        )


def test_the_resolver_refuses_a_name_that_rebinds_to_a_private_address() -> None:
    from twisted.internet.error import DNSLookupError

    from crawler.resolver import GuardedResolver

    resolver = GuardedResolver.__new__(GuardedResolver)
    resolver.allowed_names = frozenset({"localhost"})
    assert resolver._check("111.65.248.132", "vnexpress.net") == "111.65.248.132"
    assert resolver._check("127.0.0.1", "localhost") == "127.0.0.1"
    with pytest.raises(DNSLookupError, match="non-public"):
        resolver._check("10.0.0.8", "rebind.example")
