"""Benchmark: pages/s of a full-pipeline ``tamsoat crawl`` against a bare Scrapy spider.

Same local site (served on 127.0.0.1 by this process), same run, politeness delays and
AutoThrottle off for both, the same per-host concurrency. The bare spider only follows
links; tamsoat also splits pages into units, classifies them, downloads and hashes each
image once, matches it against a hash list and writes everything to the store. Both
rates come from Scrapy's own ``elapsed_time_seconds`` (spider open to close), so process
start-up and model loading are left out. Goal: tamsoat at least 60% of bare Scrapy.

Run: ``python -m benchmarks.crawl [PAGES]``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

from tamsoat.demo.server import serve

PAGES = 400
CONCURRENCY = 8
TARGET = 0.60
COMMENTS = (
    "Cảm ơn báo đã đưa tin, mong chính quyền sớm có giải pháp.",
    "Nhà mình ở gần đó, sáng nay đường ngập nặng lắm mọi người ơi",
    "Bài viết hay, chia sẻ cho cả nhà cùng đọc.",
    "Nha cai uy tin nap 100k tang 500k, ca do bong da ty le keo cao, vao link ngay",
)

BARE_SPIDER = textwrap.dedent(
    """
    import json, sys
    import scrapy
    from scrapy.crawler import CrawlerProcess

    class Bare(scrapy.Spider):
        name = "bare"
        start_urls = [sys.argv[1]]

        def parse(self, response):
            yield {"url": response.url}
            yield from response.follow_all(css="a", callback=self.parse)

    process = CrawlerProcess({
        "LOG_LEVEL": "ERROR", "ROBOTSTXT_OBEY": True, "DOWNLOAD_DELAY": 0,
        "AUTOTHROTTLE_ENABLED": False, "CONCURRENT_REQUESTS_PER_DOMAIN": int(sys.argv[2]),
        "TELNETCONSOLE_ENABLED": False,
    })
    crawler = process.create_crawler(Bare)
    process.crawl(crawler)
    process.start()
    stats = crawler.stats.get_stats()
    print(json.dumps({"pages": stats.get("item_scraped_count", 0),
                      "seconds": stats["elapsed_time_seconds"]}))
    """
)


def make_site(root: Path, pages: int) -> None:
    """An index and ``pages`` articles, each with comments, an image and related links."""
    from PIL import Image

    (root / "anh").mkdir(parents=True)
    for i in range(20):
        Image.new("RGB", (480, 320), (i * 12, 255 - i * 9, (i * 37) % 255)).save(
            root / "anh" / f"{i}.jpg", quality=85
        )
    links = "".join(f'<a href="/bai/{i}.html">Bài {i}</a> ' for i in range(pages))
    (root / "index.html").write_text(
        f"<html><head><meta charset='utf-8'><title>Tin</title></head><body>{links}</body></html>",
        encoding="utf-8",
    )
    (root / "robots.txt").write_text("User-agent: *\nAllow: /\n", encoding="utf-8")
    (root / "bai").mkdir()
    for i in range(pages):
        comments = "".join(
            f'<div class="comment" id="c-{i}-{k}"><p class="comment-text">{text}</p></div>'
            for k, text in enumerate(COMMENTS[: 2 + i % 3])
        )
        body = " ".join(
            f"Đoạn {p} của bài {i}: mưa lớn kéo dài khiến nhiều tuyến phố ngập sâu, "
            "giao thông ùn tắc, lực lượng chức năng đã có mặt hỗ trợ người dân."
            for p in range(8)
        )
        related = "".join(f'<a href="/bai/{(i + d) % pages}.html">liên quan</a> ' for d in (1, 7))
        (root / "bai" / f"{i}.html").write_text(
            f"<html><head><meta charset='utf-8'><title>Bài {i}</title></head><body>"
            f'<article><div class="article-body"><p>{body}</p>'
            f'<img src="/anh/{i % 20}.jpg"></div></article>'
            f'<section class="comments">{comments}</section>{related}</body></html>',
            encoding="utf-8",
        )


def run_bare(base: str, folder: Path) -> tuple[int, float]:
    script = folder / "bare_spider.py"  # a file: Scrapy reads callbacks' source
    script.write_text(BARE_SPIDER, encoding="utf-8")
    out = subprocess.run(
        [sys.executable, str(script), f"{base}/", str(CONCURRENCY)],
        capture_output=True,
        text=True,
        check=True,
    )
    data = json.loads(out.stdout.strip().splitlines()[-1])
    return int(data["pages"]), float(data["seconds"])


def run_tamsoat(base: str, hostport: str, home: Path) -> tuple[int, float]:
    from reports.models import Crawl
    from reports.store import Store

    env = {k: v for k, v in os.environ.items() if not k.startswith("TAMSOAT_")}
    env["TAMSOAT_HOME"] = str(home)
    tamsoat = [sys.executable, "-m", "tamsoat"]
    subprocess.run([*tamsoat, "init"], env=env, check=True, capture_output=True)
    (home / "tamsoat.toml").write_text(
        f"[crawl]\nconcurrent_requests_per_host = {CONCURRENCY}\nautothrottle = false\n",
        encoding="utf-8",
    )
    hashlist = home / "list.csv"
    hashlist.write_text(
        "algo,hash,category,source,id\n"
        f"pdq,{'f' * 64},sexual,bench,1\nmd5,{'0' * 32},sexual,bench,2\n",
        encoding="utf-8",
    )
    subprocess.run(
        [*tamsoat, "hashlist", "import", str(hashlist), "--name", "bench"],
        env=env,
        check=True,
        capture_output=True,
    )
    subprocess.run(
        [
            *tamsoat,
            "crawl",
            f"{base}/",
            "--allow-host",
            hostport,
            "--delay",
            "0",
            "--quiet",
            "--max-depth",
            "10",
        ],
        env=env,
        check=True,
        capture_output=True,
    )
    with Store.open(f"sqlite:///{home / 'tamsoat.db'}") as store, store.session() as s:
        crawl = s.query(Crawl).order_by(Crawl.id.desc()).first()
        assert crawl is not None
        stats = crawl.stats
    return int(stats.get("tamsoat/pages/parsed", 0)), float(stats["elapsed_time_seconds"])


def main(pages: int = PAGES) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "site"
        make_site(root, pages)
        with serve(root) as site:
            bare_pages, bare_s = run_bare(site.base, Path(tmp))
            ours_pages, ours_s = run_tamsoat(site.base, site.hostport, Path(tmp) / "home")
    bare_rate, ours_rate = bare_pages / bare_s, ours_pages / ours_s
    print(f"site: {pages + 1} pages, 20 images, concurrency {CONCURRENCY} per host, no delays")
    print(f"bare Scrapy spider   {bare_pages:5d} pages in {bare_s:6.2f}s  {bare_rate:8.1f} pages/s")
    print(f"tamsoat full crawl   {ours_pages:5d} pages in {ours_s:6.2f}s  {ours_rate:8.1f} pages/s")
    ratio = ours_rate / bare_rate
    verdict = "meets" if ratio >= TARGET else "misses"
    print(f"ratio tamsoat / bare: {ratio:.2f} ({verdict} the {TARGET:.0%} goal)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else PAGES)
