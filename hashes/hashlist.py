"""Hash-list files: parse and validate line by line, and write them back.

Two formats (DESIGN.md): a CSV with the header ``algo,hash,category,source,id``
(UTF-8), and a plain file with one hex hash a line, whose algorithm and category the
caller gives. Every line is checked (algorithm known, hex of the right length,
category known); a bad line is named with its number and nothing is returned, so an
import is all or nothing. Blank lines and, in plain files, ``#`` comments are skipped.
"""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from hashes import algorithms
from hashes.errors import HashError, HashListError

log = logging.getLogger(__name__)

CSV_COLUMNS = ("algo", "hash", "category", "source", "id")
REQUIRED_COLUMNS = ("algo", "hash", "category")
MAX_ERRORS_SHOWN = 1


@dataclass(frozen=True)
class ListItem:
    """One validated line of a hash list."""

    algo: str
    hash: str
    category: str
    source: str | None = None
    external_id: str | None = None
    line: int = 0


def read_hashlist(
    path: str | Path,
    *,
    categories: Collection[str],
    algo: str | None = None,
    category: str | None = None,
) -> list[ListItem]:
    """Read and validate the list at ``path``; raise HashListError naming the line."""
    file = Path(path)
    try:
        raw = file.read_bytes()
    except OSError as exc:
        raise HashListError(f"cannot read hash list {file}: {exc.strerror}") from None
    return parse_hashlist(raw, name=str(file), categories=categories, algo=algo, category=category)


def parse_hashlist(
    raw: bytes,
    *,
    name: str,
    categories: Collection[str],
    algo: str | None = None,
    category: str | None = None,
) -> list[ListItem]:
    """Validate a whole list held in memory (see ``read_hashlist``)."""
    text = _decode(raw, name)
    first = next((line for line in text.splitlines() if line.strip()), "")
    if {cell.strip().lower() for cell in first.split(",")} & set(CSV_COLUMNS):
        if algo is not None or category is not None:
            raise HashListError(
                f"{name} is a CSV hash list, which names each line's algo and category; "
                "--algo and --category are for plain files of one hash a line"
            )
        items = _parse_csv(text, name, categories)
    else:
        items = _parse_plain(text, name, categories, algo, category)
    return _dedupe(items, name)


def _decode(raw: bytes, name: str) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise HashListError(f"{name} line {line}: not UTF-8 text") from None


def _parse_csv(text: str, name: str, categories: Collection[str]) -> list[ListItem]:
    reader = csv.reader(io.StringIO(text, newline=""))
    header: list[str] | None = None
    items: list[ListItem] = []
    errors: list[str] = []
    try:
        for row in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            if header is None:
                header = [cell.strip().lower() for cell in row]
                _check_header(header, name, line)
                continue
            if len(row) != len(header):
                errors.append(
                    f"{name} line {line}: {len(row)} fields, the header has {len(header)}"
                )
                continue
            cells = dict(zip(header, (cell.strip() for cell in row), strict=True))
            try:
                items.append(
                    _item(
                        cells.get("algo", ""),
                        cells.get("hash", ""),
                        cells.get("category", ""),
                        cells.get("source") or None,
                        cells.get("id") or None,
                        line,
                        categories,
                    )
                )
            except HashError as exc:
                errors.append(f"{name} line {line}: {exc}")
    except csv.Error as exc:
        raise HashListError(f"{name} line {reader.line_num}: malformed CSV ({exc})") from None
    if header is None:
        raise HashListError(f"{name} is empty: no header and no hashes")
    _raise_errors(errors)
    return items


def _check_header(header: list[str], name: str, line: int) -> None:
    unknown = [c for c in header if c not in CSV_COLUMNS]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if unknown or missing or len(set(header)) != len(header):
        raise HashListError(
            f"{name} line {line}: the header must name the columns "
            f"{','.join(CSV_COLUMNS)} (source and id may be left out)"
            + (f"; unknown column {unknown[0]!r}" if unknown else "")
            + (f"; missing column {missing[0]!r}" if missing else "")
        )


def _parse_plain(
    text: str,
    name: str,
    categories: Collection[str],
    algo: str | None,
    category: str | None,
) -> list[ListItem]:
    if algo is None:
        raise HashListError(
            f"{name} has no CSV header (algo,hash,category,source,id): a plain list of one "
            "hash a line needs --algo"
        )
    if category is None:
        raise HashListError(f"{name} is a plain list of one hash a line: it needs --category")
    items: list[ListItem] = []
    errors: list[str] = []
    for line, content in enumerate(text.splitlines(), start=1):
        value = content.strip()
        if not value or value.startswith("#"):
            continue
        try:
            items.append(_item(algo, value, category, None, None, line, categories))
        except HashError as exc:
            errors.append(f"{name} line {line}: {exc}")
    _raise_errors(errors)
    if not items:
        raise HashListError(f"{name} holds no hashes")
    return items


def _item(
    algo_name: str,
    value: str,
    category: str,
    source: str | None,
    external_id: str | None,
    line: int,
    categories: Collection[str],
) -> ListItem:
    if not algo_name:
        raise HashListError("the algo field is empty")
    algo = algorithms.get(algo_name)
    canonical = algo.validate(value)
    if category not in categories:
        raise HashListError(
            f"unknown category {category!r}; known: {', '.join(sorted(categories))}"
        )
    return ListItem(algo.name, canonical, category, source, external_id, line)


def _raise_errors(errors: list[str]) -> None:
    if not errors:
        return
    more = len(errors) - MAX_ERRORS_SHOWN
    suffix = f" (and {more} more bad line{'s' if more > 1 else ''})" if more > 0 else ""
    raise HashListError(errors[0] + suffix)


def _dedupe(items: list[ListItem], name: str) -> list[ListItem]:
    """Drop exact repeats; a hash listed twice with two categories is an error."""
    seen: dict[tuple[str, str], ListItem] = {}
    kept: list[ListItem] = []
    for item in items:
        key = (item.algo, item.hash)
        earlier = seen.get(key)
        if earlier is None:
            seen[key] = item
            kept.append(item)
        elif earlier.category != item.category:
            raise HashListError(
                f"{name} line {item.line}: the {item.algo} hash of line {earlier.line} again, "
                f"with category {item.category!r} instead of {earlier.category!r}"
            )
    if len(kept) < len(items):
        log.info("%s: %d repeated lines skipped", name, len(items) - len(kept))
    return kept


def write_csv(items: Iterable[ListItem], out: TextIO) -> int:
    """Write ``items`` as a CSV hash list (the import format); return the row count."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    count = 0
    for item in items:
        writer.writerow(
            [item.algo, item.hash, item.category, item.source or "", item.external_id or ""]
        )
        count += 1
    return count
