"""What a notice cites: the legal basis per category (configurable text) and the EU DSA
statement-of-reasons category and keyword of each taxonomy label."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from classifier.taxonomy import BY_ID, LABEL_IDS
from reports.errors import StoreError

SHIPPED = Path(__file__).with_name("legal_basis.toml")


class LegalBasisError(StoreError):
    """The legal basis file is unreadable or misses a category."""


@dataclass(frozen=True)
class DsaReason:
    category: str
    keyword: str
    keyword_other: str | None = None


# DSA Transparency Database vocabulary (statement of reasons, Art. 17 and 24(5) DSA).
DSA: dict[str, DsaReason] = {
    "csam_grooming": DsaReason(
        "STATEMENT_CATEGORY_PROTECTION_OF_MINORS", "KEYWORD_GROOMING_SEXUAL_ENTICEMENT_MINORS"
    ),
    "self_harm": DsaReason("STATEMENT_CATEGORY_SELF_HARM", "KEYWORD_SELF_MUTILATION"),
    "sexual": DsaReason(
        "STATEMENT_CATEGORY_PORNOGRAPHY_OR_SEXUALIZED_CONTENT", "KEYWORD_ADULT_SEXUAL_MATERIAL"
    ),
    "violence": DsaReason("STATEMENT_CATEGORY_VIOLENCE", "KEYWORD_INCITEMENT_VIOLENCE_HATRED"),
    "drugs": DsaReason(
        "STATEMENT_CATEGORY_UNSAFE_AND_ILLEGAL_PRODUCTS", "KEYWORD_PROHIBITED_PRODUCTS"
    ),
    "gambling": DsaReason(
        "STATEMENT_CATEGORY_UNSAFE_AND_ILLEGAL_PRODUCTS", "KEYWORD_REGULATED_GOODS_SERVICES"
    ),
    "hate_harassment": DsaReason(
        "STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH", "KEYWORD_HATE_SPEECH"
    ),
    "scam": DsaReason(
        "STATEMENT_CATEGORY_SCAMS_AND_FRAUD",
        "KEYWORD_OTHER",
        "Online fraud: fake giveaways, deposit-first jobs, investment fraud",
    ),
}
# An image matched against a child-abuse hash list is abuse material, not grooming.
DSA_CSAM_IMAGE = DsaReason(
    "STATEMENT_CATEGORY_PROTECTION_OF_MINORS", "KEYWORD_CHILD_SEXUAL_ABUSE_MATERIAL"
)


def dsa_reason(category: str, kind: str) -> DsaReason:
    if category == "csam_grooming" and kind == "image":
        return DSA_CSAM_IMAGE
    return DSA[category]


def main_category(labels: list[str]) -> str:
    """The most severe label (taxonomy order breaks ties): the item's one category."""
    known = [label for label in labels if label in BY_ID]
    if not known:
        raise StoreError(f"A finding has no taxonomy label ({labels!r}); it cannot be noticed.")
    return max(known, key=lambda lid: (BY_ID[lid].severity, -LABEL_IDS.index(lid)))


@dataclass(frozen=True)
class LegalTexts:
    general: str
    requested_action: str
    categories: dict[str, str]

    def for_category(self, category: str) -> str:
        return self.categories[category]


def load_legal_texts(path: Path | None = None) -> LegalTexts:
    """The shipped texts, or the operator's file (which must cover every category)."""
    source = path or SHIPPED
    try:
        data = tomllib.loads(source.read_text(encoding="utf-8"))
    except OSError as exc:
        raise LegalBasisError(
            f"Cannot read the legal basis file {source}: {exc.strerror}."
        ) from None
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise LegalBasisError(f"The legal basis file {source} is not valid TOML: {exc}.") from None
    general = data.get("general", {})
    cats = data.get("categories", {})
    if not isinstance(general, dict) or not isinstance(general.get("text"), str):
        raise LegalBasisError(f"{source}: [general] text is missing.")
    missing = [c for c in LABEL_IDS if not isinstance(cats.get(c, {}).get("text"), str)]
    if missing:
        raise LegalBasisError(f"{source}: [categories.{missing[0]}] text is missing.")
    return LegalTexts(
        general=general["text"].strip(),
        requested_action=str(general.get("requested_action", "")).strip()
        or "Gỡ bỏ hoặc ngăn chặn truy cập các nội dung vi phạm.",
        categories={c: cats[c]["text"].strip() for c in LABEL_IDS},
    )
