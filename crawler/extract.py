"""Turn an HTML response into a PageItem's content: main text, metadata, text units, images.

Comment sections and forum posts are recognised by the markup sites use (XenForo's
``article.message``, WordPress-style ``.comment``, schema.org ``itemprop=comment``), so one
harmful comment under a harmless article is a unit, and a finding, of its own.
"""

from __future__ import annotations

import hashlib
import logging
import re
from typing import Any
from urllib.parse import urljoin

import trafilatura
from parsel import Selector
from scrapy.http import TextResponse

from crawler.items import TextUnit

log = logging.getLogger(__name__)

MAX_UNIT_CHARS = 20_000
_SPACE = re.compile(r"\s+")

# (selector for one unit, kind, selector for its text, how to read its id)
_POST_SELECTORS = (
    "article.message, div.message--post",  # XenForo
    "li.postbit, div.post[id^='post']",  # vBulletin-style
)
_COMMENT_SELECTORS = (
    "[itemprop=comment]",
    "div.comment, li.comment, article.comment",
    "div.comment-item, div.fb-comment",
)
_POST_TEXT = ".bbWrapper, .message-body, .post_message, .postcontent, .content"
_COMMENT_TEXT = ".comment-text, .comment-content, .comment-body, [itemprop=text], p"
_AUTHOR_ATTRS = ("data-author", "data-user", "data-username")
_AUTHOR_SELECTORS = ".comment-author, .username, .author, [itemprop=author]"


def clean(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def text_of(sel: Selector) -> str:
    return clean(
        " ".join(sel.xpath(".//text()[not(ancestor::script)][not(ancestor::style)]").getall())
    )


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def units_of(response: TextResponse, main_text: str) -> list[TextUnit]:
    """Every post, every comment, the article body, and the page's own text."""
    units: list[TextUnit] = []
    seen: set[str] = set()
    for selector in _POST_SELECTORS:
        for i, node in enumerate(response.css(selector)):
            _add(units, seen, response, node, "post", i, _POST_TEXT)
    for selector in _COMMENT_SELECTORS:
        for i, node in enumerate(response.css(selector)):
            _add(units, seen, response, node, "comment", i, _COMMENT_TEXT)
    body = response.css("[itemprop=articleBody], .article-body, article .entry-content")
    if body:
        text = text_of(body[0])[:MAX_UNIT_CHARS]
        if text:
            units.append(TextUnit("body", "body", text, permalink=response.url))
    if main_text:
        units.append(TextUnit("page", "page", main_text[:MAX_UNIT_CHARS], permalink=response.url))
    return units


def _add(
    units: list[TextUnit],
    seen: set[str],
    response: TextResponse,
    node: Selector,
    kind: str,
    index: int,
    text_selector: str,
) -> None:
    ident = node.attrib.get("data-content") or node.attrib.get("id") or f"{kind}-{index + 1}"
    ident = ident.removeprefix("js-")
    key = f"{kind}:{ident}"
    if key in seen:
        return
    inner = node.css(text_selector)
    text = clean(" ".join(text_of(s) for s in inner)) if inner else text_of(node)
    text = text[:MAX_UNIT_CHARS]
    if not text:
        return
    seen.add(key)
    author = next((node.attrib[a] for a in _AUTHOR_ATTRS if node.attrib.get(a)), None)
    if author is None:
        author = clean(" ".join(node.css(_AUTHOR_SELECTORS).xpath(".//text()").getall())) or None
    href = node.css(
        "a.message-permalink::attr(href), a.comment-permalink::attr(href), "
        "a[rel=bookmark]::attr(href)"
    ).get()
    if href:
        permalink = urljoin(response.url, href)
    elif node.attrib.get("id"):
        permalink = f"{response.url.split('#')[0]}#{node.attrib['id']}"
    else:
        permalink = response.url
    units.append(TextUnit(key, kind, text, author=author, permalink=permalink))


def main_text(response: TextResponse) -> str:
    """The page's readable text: trafilatura's extraction, else all visible text."""
    extracted = None
    try:
        extracted = trafilatura.extract(
            response.text,
            url=response.url,
            include_comments=True,
            include_tables=True,
            favor_recall=True,
            deduplicate=False,
        )
    except Exception:  # trafilatura on broken markup: fall back, never lose the page
        log.debug("trafilatura failed on %s", response.url, exc_info=True)
    if extracted:
        return clean(extracted)
    body = response.css("body")
    return text_of(body[0]) if body else ""


def title_of(response: TextResponse) -> str:
    return clean(
        response.css("meta[property='og:title']::attr(content)").get()
        or response.css("title::text").get()
        or ""
    )


def image_urls(response: TextResponse, limit: int = 50) -> list[str]:
    """Images shown on the page (src, lazy-load data-src, og:image), absolute, unique."""
    found: list[str] = []
    raw = response.css(
        "img::attr(src), img::attr(data-src), meta[property='og:image']::attr(content)"
    ).getall()
    for src in raw:
        src = src.strip()
        if not src or src.startswith("data:"):
            continue
        url = urljoin(response.url, src)
        if url.startswith(("http://", "https://")) and url not in found:
            found.append(url)
        if len(found) >= limit:
            break
    return found


def metadata(response: TextResponse) -> dict[str, Any]:
    """Title, published time, author and section from JSON-LD and OpenGraph (extruct)."""
    import extruct

    meta: dict[str, Any] = {}
    text = response.text
    if "application/ld+json" not in text and "og:" not in text:
        return meta  # nothing for extruct to find: skip a second parse of the page
    try:
        data = extruct.extract(
            text,
            base_url=response.url,
            syntaxes=["json-ld", "opengraph"],
            uniform=True,
            errors="ignore",
        )
    except Exception:
        log.debug("extruct failed on %s", response.url, exc_info=True)
        return meta
    for obj in data.get("json-ld", []):
        if not isinstance(obj, dict):
            continue
        if str(obj.get("@type", "")).endswith("Article"):
            meta.setdefault("title", obj.get("headline"))
            meta.setdefault("published", obj.get("datePublished"))
            author = obj.get("author")
            if isinstance(author, dict):
                author = author.get("name")
            elif isinstance(author, list) and author and isinstance(author[0], dict):
                author = author[0].get("name")
            meta.setdefault("author", author)
            meta.setdefault("section", obj.get("articleSection"))
    for obj in data.get("opengraph", []):
        if isinstance(obj, dict):
            meta.setdefault("title", obj.get("og:title"))
            meta.setdefault("published", obj.get("article:published_time"))
            meta.setdefault("section", obj.get("article:section"))
    return {k: v for k, v in meta.items() if v}
