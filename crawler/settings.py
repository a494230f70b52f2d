"""One options object for a crawl, turned into Scrapy settings in one place."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SPIDERS = {
    "site": "crawler.spiders.site.SiteSpider",
    "news": "crawler.spiders.news.NewsSpider",
    "forum": "crawler.spiders.forum.ForumSpider",
}


@dataclass(frozen=True)
class CrawlOptions:
    seeds: list[str]
    db_url: str
    model_cache: Path
    spider: str = "site"
    model_dir: Path | None = None
    hashlists: list[str] = field(default_factory=list)  # empty: every active list
    allow_hosts: list[str] = field(default_factory=list)
    max_pages: int = 0  # 0: no limit
    max_depth: int = 5
    timeout: float = 0  # seconds; 0: no limit
    job_dir: Path | None = None
    contact_url: str = "https://example.invalid/tamsoat-contact"
    version: str = "0"
    download_delay: float = 1.0
    concurrent_requests_per_host: int = 2
    autothrottle: bool = True
    max_page_bytes: int = 16 * 1024 * 1024
    max_image_bytes: int = 20 * 1024 * 1024
    request_timeout: float = 30.0
    platforms_file: Path | None = None
    match_threshold: int | None = None  # one distance for every perceptual algorithm
    pdq_threshold: int = 31
    min_pdq_quality: int = 50
    max_image_pixels: int = 64_000_000
    match_dihedral: bool = False


def user_agent(version: str, contact_url: str) -> str:
    return f"tamsoat/{version} (+{contact_url}; child-safety screening)"


def scrapy_settings(opts: CrawlOptions) -> dict[str, Any]:
    """Polite and safe defaults; the host guard and politeness middlewares always on."""
    settings: dict[str, Any] = {
        "BOT_NAME": "tamsoat",
        "USER_AGENT": user_agent(opts.version, opts.contact_url),
        "ROBOTSTXT_OBEY": True,
        "TWISTED_REACTOR": "twisted.internet.asyncioreactor.AsyncioSelectorReactor",
        "DNS_RESOLVER": "crawler.resolver.GuardedResolver",
        "DOWNLOAD_DELAY": opts.download_delay,
        "CONCURRENT_REQUESTS": 16,
        "CONCURRENT_REQUESTS_PER_DOMAIN": opts.concurrent_requests_per_host,
        "AUTOTHROTTLE_ENABLED": opts.autothrottle,
        "AUTOTHROTTLE_START_DELAY": max(opts.download_delay, 0.0),
        "AUTOTHROTTLE_TARGET_CONCURRENCY": 1.0,
        "DOWNLOAD_MAXSIZE": opts.max_page_bytes,
        "DOWNLOAD_WARNSIZE": opts.max_page_bytes // 2,
        "DOWNLOAD_TIMEOUT": opts.request_timeout,
        "REDIRECT_MAX_TIMES": 5,
        "RETRY_TIMES": 2,
        "DEPTH_LIMIT": opts.max_depth,
        "CLOSESPIDER_TIMEOUT": opts.timeout,
        "CLOSESPIDER_ITEMCOUNT": opts.max_pages,
        "COOKIES_ENABLED": False,
        "TELNETCONSOLE_ENABLED": False,
        "LOG_LEVEL": "INFO",
        "REQUEST_FINGERPRINTER_IMPLEMENTATION": "2.7",
        "DOWNLOADER_MIDDLEWARES": {
            "crawler.middlewares.HostGuardMiddleware": 50,
            "crawler.middlewares.PolitenessMiddleware": 560,  # after RetryMiddleware (550)
        },
        "ITEM_PIPELINES": {
            "crawler.pipelines.TextPipeline": 100,
            "crawler.pipelines.ImagePipeline": 200,
            "crawler.pipelines.StorePipeline": 900,
        },
        "TAMSOAT_ALLOW_HOSTS": list(opts.allow_hosts),
        "TAMSOAT_DB_URL": opts.db_url,
        "TAMSOAT_MODEL_CACHE": str(opts.model_cache),
        "TAMSOAT_MODEL_DIR": str(opts.model_dir) if opts.model_dir else None,
        "TAMSOAT_HASHLISTS": list(opts.hashlists),
        "TAMSOAT_MAX_IMAGE_BYTES": opts.max_image_bytes,
        "TAMSOAT_PLATFORMS_FILE": str(opts.platforms_file) if opts.platforms_file else None,
        "TAMSOAT_MATCH_THRESHOLD": opts.match_threshold,
        "TAMSOAT_PDQ_THRESHOLD": opts.pdq_threshold,
        "TAMSOAT_MIN_PDQ_QUALITY": opts.min_pdq_quality,
        "TAMSOAT_MAX_IMAGE_PIXELS": opts.max_image_pixels,
        "TAMSOAT_MATCH_DIHEDRAL": opts.match_dihedral,
    }
    if opts.job_dir is not None:
        settings["JOBDIR"] = str(opts.job_dir / "scrapy")
    return settings
