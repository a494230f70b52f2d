"""The corpus format (JSON Lines), its validation, and the fixed train/dev/test split.

One record a line: ``{"id", "text", "labels", "style", "source", "register"}``; an empty
``labels`` list means safe. The split is decided by a hash of the id alone, so a record
stays in the same split whatever else is added, removed or reordered.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from classifier.errors import ClassifierError
from classifier.taxonomy import BY_ID, LABEL_IDS

CORPUS_DIR = Path(__file__).resolve().parent / "data" / "corpus"
STYLES = ("news", "comment", "ad", "forum", "chat", "title")
REGISTERS = ("standard", "no_diacritics", "teencode")
SPLITS = ("train", "dev", "test")
HARD_NEGATIVE_SOURCE = "tamsoat-hard-negative"
_FIELDS = ("id", "text", "labels", "style", "source", "register")


@dataclass(frozen=True)
class Record:
    id: str
    text: str
    labels: tuple[str, ...]
    style: str = "comment"
    source: str = "unknown"
    register: str = "standard"

    @property
    def split(self) -> str:
        return split_of(self.id)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "text": self.text,
            "labels": list(self.labels),
            "style": self.style,
            "source": self.source,
            "register": self.register,
        }


def split_of(record_id: str) -> str:
    """70 / 15 / 15 by the first bytes of sha256(id): stable across runs and machines.

    Dev and test get 15% each because thresholds are chosen on dev and figures reported
    on test; with a few thousand records, 10% would leave a few dozen texts per label.
    """
    bucket = int.from_bytes(hashlib.sha256(record_id.encode("utf-8")).digest()[:4], "big") % 100
    return "train" if bucket < 70 else "dev" if bucket < 85 else "test"


def default_corpus_files() -> list[Path]:
    """The shipped seed corpus, in a fixed order."""
    return sorted(CORPUS_DIR.glob("*.jsonl"))


def _record(obj: Any, where: str) -> Record:
    if not isinstance(obj, dict):
        raise ClassifierError(f"{where}: expected a JSON object.")
    missing = [name for name in _FIELDS if name not in obj]
    if missing:
        raise ClassifierError(f"{where}: missing field {missing[0]!r}.")
    rid, text, labels = obj["id"], obj["text"], obj["labels"]
    if not isinstance(rid, str) or not rid.strip():
        raise ClassifierError(f"{where}: 'id' must be a non-empty string.")
    if not isinstance(text, str) or not text.strip():
        raise ClassifierError(f"{where}: 'text' must be a non-empty string.")
    if not isinstance(labels, list) or not all(isinstance(x, str) for x in labels):
        raise ClassifierError(f"{where}: 'labels' must be a list of label ids.")
    for label in labels:
        if label not in BY_ID:
            raise ClassifierError(
                f"{where}: unknown label {label!r}; expected one of {', '.join(LABEL_IDS)}."
            )
    if obj["style"] not in STYLES:
        raise ClassifierError(f"{where}: 'style' must be one of {', '.join(STYLES)}.")
    if obj["register"] not in REGISTERS:
        raise ClassifierError(f"{where}: 'register' must be one of {', '.join(REGISTERS)}.")
    if not isinstance(obj["source"], str) or not obj["source"]:
        raise ClassifierError(f"{where}: 'source' must be a non-empty string.")
    ordered = tuple(label for label in LABEL_IDS if label in labels)
    return Record(
        rid,
        unicodedata.normalize("NFC", text),
        ordered,
        obj["style"],
        obj["source"],
        obj["register"],
    )


def iter_jsonl(path: Path) -> Iterator[Record]:
    """Records of one JSONL file; blank lines are skipped, anything else must be valid."""
    try:
        handle = path.open(encoding="utf-8")
    except OSError as exc:
        raise ClassifierError(f"Cannot read {path}: {exc.strerror}.") from None
    with handle:
        try:
            for number, line in enumerate(handle, 1):
                if not line.strip():
                    continue
                where = f"{path}, line {number}"
                try:
                    obj = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise ClassifierError(f"{where}: invalid JSON ({exc.msg}).") from None
                yield _record(obj, where)
        except UnicodeDecodeError:
            raise ClassifierError(f"{path} is not UTF-8 text.") from None


def read_corpus(paths: Iterable[Path]) -> list[Record]:
    """All records of these files, sorted by id; a duplicate id is an error."""
    seen: dict[str, str] = {}
    records: list[Record] = []
    for path in paths:
        for record in iter_jsonl(Path(path)):
            if record.id in seen:
                raise ClassifierError(
                    f"{path}: id {record.id!r} is used twice (first in {seen[record.id]})."
                )
            seen[record.id] = str(path)
            records.append(record)
    return sorted(records, key=lambda r: r.id)


def data_hash(records: Iterable[Record]) -> str:
    """sha256 over the records in id order: names the exact data a model was built from."""
    digest = hashlib.sha256()
    for record in sorted(records, key=lambda r: r.id):
        digest.update(json.dumps(record.to_json(), ensure_ascii=False, sort_keys=True).encode())
        digest.update(b"\n")
    return digest.hexdigest()


def by_split(records: Iterable[Record]) -> dict[str, list[Record]]:
    parts: dict[str, list[Record]] = {name: [] for name in SPLITS}
    for record in records:
        parts[record.split].append(record)
    return parts


def write_jsonl(records: Iterable[Record], path: Path) -> None:
    with path.open("w", encoding="utf-8") as out:
        for record in records:
            out.write(json.dumps(record.to_json(), ensure_ascii=False) + "\n")
