"""Reviewed text findings as classifier corpus records, so analysts' work improves the model.

One JSON object per line in the corpus format of ``classifier/data/corpus``: ``id``, ``text``,
``labels`` (the finding's labels when confirmed, ``[]`` when rejected: a false positive
is a safe text the model got wrong), ``style``, ``source``, ``register``.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

from sqlalchemy import select

from classifier.taxonomy import is_label
from reports.models import Finding, TextUnit
from reports.store import Store

SOURCES = {"confirmed": "tamsoat-review-confirmed", "rejected": "tamsoat-review-rejected"}
STYLE_FOR_UNIT = {
    "comment": "comment",
    "reply": "comment",
    "post": "forum",
    "thread": "forum",
    "forum": "forum",
    "body": "news",
    "article": "news",
    "paragraph": "news",
    "title": "title",
    "headline": "title",
    "ad": "ad",
    "message": "chat",
    "chat": "chat",
}
# Vietnamese letters that carry a diacritic, beyond plain ASCII.
_DIACRITIC = re.compile(r"[^\x00-\x7f]")
_TEENCODE = {
    "k",
    "ko",
    "hok",
    "j",
    "z",
    "dc",
    "đc",
    "vs",
    "mn",
    "ae",
    "ib",
    "inbox",
    "sdt",
    "nt",
    "ny",
    "bn",
    "ck",
    "vk",
    "lm",
    "ntn",
    "iu",
    "thik",
    "r",
    "ak",
    "ah",
    "dz",
    "vl",
    "bít",
}


@dataclass(frozen=True)
class CorpusRecord:
    id: str
    text: str
    labels: list[str]
    style: str
    source: str
    register: str

    def to_json(self) -> str:
        return json.dumps(self.__dict__, ensure_ascii=False)


def register_of(text: str) -> str:
    """standard / no_diacritics / teencode, guessed from the letters and the words."""
    words = re.findall(r"\w+", text.lower())
    if words and sum(w in _TEENCODE for w in words) >= max(1, len(words) // 12):
        return "teencode"
    letters = [c for c in text if c.isalpha()]
    if letters and not _DIACRITIC.search("".join(letters)):
        return "no_diacritics"
    return "standard"


def corpus_records(
    store: Store, statuses: tuple[str, ...] = ("confirmed", "rejected")
) -> Iterator[CorpusRecord]:
    with store.session() as s:
        rows = s.execute(
            select(Finding, TextUnit.kind)
            .outerjoin(TextUnit, TextUnit.id == Finding.text_unit_id)
            .where(Finding.kind == "text", Finding.status.in_(statuses))
            .order_by(Finding.id)
        ).all()
    for f, unit_kind in rows:
        text = unicodedata.normalize("NFC", (f.excerpt or "").strip())
        if not text:
            continue
        labels = sorted(label for label in f.labels if is_label(label))
        yield CorpusRecord(
            id=f"tamsoat-review-{f.id:06d}",
            text=text,
            labels=labels if f.status == "confirmed" else [],
            style=STYLE_FOR_UNIT.get((unit_kind or "").lower(), "comment"),
            source=SOURCES[f.status],
            register=register_of(text),
        )


def export_corpus(
    store: Store, out: IO[str], statuses: tuple[str, ...] = ("confirmed", "rejected")
) -> int:
    """Write the records to ``out``; returns how many were written."""
    n = 0
    for record in corpus_records(store, statuses):
        out.write(record.to_json() + "\n")
        n += 1
    return n
