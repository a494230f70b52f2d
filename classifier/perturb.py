"""Robustness slices: the same test texts typed without diacritics or in teencode, or
set as one paragraph inside a long page.

The teencode rewrite uses its own table of common words (the reverse direction of the
model's dictionary would test the model on exactly what it was told), applied to every
occurrence so the slice is deterministic.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable

from classifier.corpus import Record
from classifier.normalise import nfc, strip_accents

# word or phrase (lower case, with diacritics) -> how it is often typed
TEEN_REWRITES: dict[str, str] = {
    "không": "ko",
    "được": "dc",
    "gì": "j",
    "vậy": "z",
    "rồi": "r",
    "với": "vs",
    "biết": "bik",
    "mình": "mk",
    "người yêu": "ny",
    "anh em": "ae",
    "mọi người": "mn",
    "nhắn tin": "nt",
    "số điện thoại": "sdt",
    "cũng": "cx",
    "mới": "ms",
    "nữa": "nx",
    "thích": "thik",
    "yêu": "iu",
    "trước": "trc",
    "bao giờ": "bh",
    "quá": "wa",
    "như thế nào": "ntn",
    "em": "e",
    "anh": "a",
    "chị": "c",
    "bạn": "b",
    "tôi": "t",
    "tài khoản": "tk",
    "facebook": "fb",
    "zalo": "zl",
    "cảm ơn": "tks",
    "đi": "đj",
    "luôn": "lun",
    "thôi": "thui",
    "chồng": "ck",
    "vợ": "vk",
    "hôm nay": "hnay",
}
_REWRITE = re.compile(
    r"(?<!\w)("
    + "|".join(sorted(map(re.escape, TEEN_REWRITES), key=len, reverse=True))
    + r")(?!\w)"
)


def accent_stripped(text: str) -> str:
    return strip_accents(nfc(text))


def teencode(text: str) -> str:
    lowered = nfc(text).lower()
    return _REWRITE.sub(lambda m: TEEN_REWRITES[m[1]], lowered)


PAGE_CHARS = 4000  # a news article or a forum page
PAGE_STYLES = ("news", "forum")


def in_pages(records: list[Record], page_chars: int = PAGE_CHARS) -> list[Record]:
    """Each text as one paragraph of a page of about ``page_chars`` characters whose other
    paragraphs are safe news and forum texts of the same set (any safe texts if it has
    none): is a harm still found inside a long page, and does a page of safe paragraphs
    stay allowed? Drawn with a fixed seed, so the slice is the same every time."""
    safe = [r.text for r in records if not r.labels]
    filler = [r.text for r in records if not r.labels and r.style in PAGE_STYLES] or safe
    if not filler:
        return list(records)
    draw = random.Random(0)
    pages = []
    for r in records:
        paragraphs: list[str] = []
        size = 0
        while size < page_chars:
            paragraphs.append(draw.choice(filler))
            size += len(paragraphs[-1])
        paragraphs.insert(draw.randrange(len(paragraphs) + 1), r.text)
        pages.append(Record(r.id, "\n".join(paragraphs), r.labels, "news", r.source, r.register))
    return pages


def _each(change: Callable[[str], str]) -> Callable[[list[Record]], list[Record]]:
    def apply(records: list[Record]) -> list[Record]:
        return [
            Record(r.id, change(r.text), r.labels, r.style, r.source, r.register) for r in records
        ]

    return apply


SLICES: dict[str, Callable[[list[Record]], list[Record]]] = {
    "accent_stripped": _each(accent_stripped),
    "teencode": _each(teencode),
    "in_page": in_pages,
}


def perturbed(records: list[Record], slice_name: str) -> list[Record]:
    return SLICES[slice_name](records)
