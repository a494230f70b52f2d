"""Readers for public Vietnamese data sets, so researchers can add real text to training.

Each returns :class:`classifier.corpus.Record` objects. These sets only know toxic
versus clean, so a toxic row becomes ``hate_harassment`` and a clean row a safe record:

- ViHOS CSV (``content``, ``index_spans``): a comment with at least one span is toxic.
- ViHSD CSV (``free_text``, ``label_id``): 1 (offensive) or 2 (hate) is toxic.
- ViCTSD CSV (``Comment``, ``Toxicity``): 1 is toxic.
- ``jsonl``: the project's own corpus format (:mod:`classifier.corpus`).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterator
from pathlib import Path

from classifier.corpus import Record, read_corpus
from classifier.errors import ClassifierError
from classifier.normalise import strip_accents
from classifier.teencode import TEENCODE

TOXIC = ("hate_harassment",)
_WORDS = re.compile(r"[^\W\d_]+")


def guess_register(text: str) -> str:
    """Best guess of how a found text was typed, for the robustness slices."""
    words = _WORDS.findall(text.lower())
    if sum(1 for w in words if w in TEENCODE) >= 2:
        return "teencode"
    if len(words) >= 3 and strip_accents(text) == text:
        return "no_diacritics"
    return "standard"


def _rows(path: Path, needed: dict[str, str]) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, row with the needed columns under our names); columns match case-blind."""
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise ClassifierError(f"Cannot read {path}: {exc.strerror}.") from None
    with handle:
        try:
            reader = csv.reader(handle)
            header = next(reader, None)
            if header is None:
                raise ClassifierError(f"{path} is empty; expected a CSV header.")
            lowered = [h.strip().lower() for h in header]
            columns = {}
            for ours, theirs in needed.items():
                if theirs.lower() not in lowered:
                    raise ClassifierError(
                        f"{path}, line 1: no column {theirs!r} (found: {', '.join(header)})."
                    )
                columns[ours] = lowered.index(theirs.lower())
            line = reader.line_num
            for row in reader:
                if not any(cell.strip() for cell in row):
                    line = reader.line_num
                    continue
                if len(row) < len(header):
                    raise ClassifierError(f"{path}, line {line + 1}: too few columns.")
                yield line + 1, {ours: row[i] for ours, i in columns.items()}
                line = reader.line_num
        except UnicodeDecodeError:
            raise ClassifierError(f"{path} is not UTF-8 text.") from None
        except csv.Error as exc:
            raise ClassifierError(f"{path}: malformed CSV ({exc}).") from None


def _make(fmt: str, path: Path, line: int, text: str, toxic: bool) -> Record:
    return Record(
        id=f"{fmt}:{path.stem}:{line}",
        text=text.strip(),
        labels=TOXIC if toxic else (),
        style="comment",
        source=fmt,
        register=guess_register(text),
    )


def read_vihos(path: Path) -> list[Record]:
    records = []
    for line, row in _rows(path, {"text": "content", "spans": "index_spans"}):
        spans = row["spans"].strip()
        if not re.fullmatch(r"\[[\d,\s]*\]", spans):
            raise ClassifierError(
                f"{path}, line {line}: index_spans must be a list such as [3, 4]."
            )
        if row["text"].strip():
            records.append(_make("vihos", path, line, row["text"], bool(re.search(r"\d", spans))))
    return records


def _integer(value: str, path: Path, line: int, column: str, allowed: set[int]) -> int:
    try:
        number = int(float(value))
    except ValueError:
        number = -1
    if number not in allowed:
        raise ClassifierError(
            f"{path}, line {line}: {column} must be one of {sorted(allowed)}, not {value!r}."
        )
    return number


def read_vihsd(path: Path) -> list[Record]:
    records = []
    for line, row in _rows(path, {"text": "free_text", "label": "label_id"}):
        label = _integer(row["label"], path, line, "label_id", {0, 1, 2})
        if row["text"].strip():
            records.append(_make("vihsd", path, line, row["text"], label in (1, 2)))
    return records


def read_victsd(path: Path) -> list[Record]:
    records = []
    for line, row in _rows(path, {"text": "comment", "toxicity": "toxicity"}):
        toxicity = _integer(row["toxicity"], path, line, "Toxicity", {0, 1})
        if row["text"].strip():
            records.append(_make("victsd", path, line, row["text"], toxicity == 1))
    return records


def read_jsonl(path: Path) -> list[Record]:
    return read_corpus([path])


READERS: dict[str, Callable[[Path], list[Record]]] = {
    "vihos": read_vihos,
    "vihsd": read_vihsd,
    "victsd": read_victsd,
    "jsonl": read_jsonl,
}


def read_spec(spec: str) -> list[Record]:
    """Read ``FORMAT:PATH`` (for example ``vihos:data/train.csv``); a bare path is JSONL,
    and a folder means every ``*.jsonl`` file in it."""
    if Path(spec).is_dir():
        files = sorted(Path(spec).glob("*.jsonl"))
        if not files:
            raise ClassifierError(f"{spec} holds no .jsonl file.")
        return read_corpus(files)
    fmt, sep, rest = spec.partition(":")
    if not sep or fmt.lower() not in READERS:
        if spec.endswith(".jsonl"):
            return read_jsonl(Path(spec))
        raise ClassifierError(
            f"{spec!r}: expected FORMAT:PATH with FORMAT one of {', '.join(READERS)}."
        )
    path = Path(rest)
    if not path.is_file():
        raise ClassifierError(f"{path} does not exist or is not a file.")
    return READERS[fmt.lower()](path)
