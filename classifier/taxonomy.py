"""The one list of labels that every package uses (DESIGN.md, Taxonomy).

A text with no label is safe. Ids are a public contract: notices, hash lists and the
corpus all carry them, so they never change once published.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum


class Severity(IntEnum):
    """Ordered so that ``max()`` picks the most serious label."""

    MEDIUM = 1
    HIGH = 2
    CRITICAL = 3

    def __str__(self) -> str:
        return self.name.lower()


@dataclass(frozen=True)
class Label:
    id: str
    name_vi: str
    covers: str
    severity: Severity


LABELS: tuple[Label, ...] = (
    Label(
        "csam_grooming",
        "Xâm hại tình dục trẻ em, dụ dỗ trẻ em",
        "grooming, sexualisation of minors, offering or seeking abuse material",
        Severity.CRITICAL,
    ),
    Label(
        "self_harm",
        "Tự tử, tự gây thương tích, thử thách nguy hiểm",
        "encouragement or methods of suicide and self-harm, dangerous challenges",
        Severity.CRITICAL,
    ),
    Label(
        "sexual",
        "Khiêu dâm, đồi trụy",
        "pornography, sexual services, adult-content ads",
        Severity.HIGH,
    ),
    Label(
        "violence",
        "Bạo lực, ghê rợn",
        "gore, cruelty, threats, calls to fight, weapons to hurt",
        Severity.HIGH,
    ),
    Label(
        "drugs",
        "Ma túy, chất kích thích",
        "selling or promoting drugs, laughing gas, spiked vapes",
        Severity.HIGH,
    ),
    Label(
        "gambling",
        "Cờ bạc, cá độ",
        "betting sites, card games for money, lottery-tip rings",
        Severity.MEDIUM,
    ),
    Label(
        "hate_harassment",
        "Xúc phạm, bắt nạt, thù ghét",
        "insults, bullying, hate speech, vulgar abuse",
        Severity.MEDIUM,
    ),
    Label(
        "scam",
        "Lừa đảo",
        "fake giveaways, phishing, deposit-first jobs, investment fraud",
        Severity.MEDIUM,
    ),
)

LABEL_IDS: tuple[str, ...] = tuple(label.id for label in LABELS)
BY_ID: dict[str, Label] = {label.id: label for label in LABELS}


def get(label_id: str) -> Label:
    """Return the label with this id, or raise ``KeyError`` naming the valid ids."""
    try:
        return BY_ID[label_id]
    except KeyError:
        raise KeyError(
            f"unknown label {label_id!r}; expected one of: {', '.join(LABEL_IDS)}"
        ) from None


def is_label(label_id: str) -> bool:
    return label_id in BY_ID
