"""Errors a crawl raises for a user to read (one clear sentence each)."""


class CrawlError(Exception):
    """A crawl cannot start: unknown spider, no seeds, an unusable job directory."""
