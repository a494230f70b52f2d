"""What a spider hands to the pipelines: one page, split into the units judged alone."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass
class TextUnit:
    """A piece of a page judged on its own: the article body, a comment, a forum post,
    or the page's whole text. ``key`` is stable across crawls of the same page."""

    key: str
    kind: str  # body | comment | post | page
    text: str
    author: str | None = None
    permalink: str | None = None


@dataclass
class PageItem:
    url: str
    final_url: str
    platform: str
    fetched_at: datetime
    status: int
    title: str
    main_text: str
    content_sha256: str
    image_urls: list[str] = field(default_factory=list)
    units: list[TextUnit] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)
    # Filled by the pipelines:
    verdicts: dict[str, Any] = field(default_factory=dict)  # unit key -> classifier verdict
    model_version: str | None = None
    images: list[Any] = field(default_factory=list)  # ImageResult per image url
