"""Robustness slices: the same test texts typed without diacritics or in teencode.

The teencode rewrite uses its own table of common words (the reverse direction of the
model's dictionary would test the model on exactly what it was told), applied to every
occurrence so the slice is deterministic.
"""

from __future__ import annotations

import re

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


SLICES = {"accent_stripped": accent_stripped, "teencode": teencode}


def perturbed(records: list[Record], slice_name: str) -> list[Record]:
    change = SLICES[slice_name]
    return [Record(r.id, change(r.text), r.labels, r.style, r.source, r.register) for r in records]
