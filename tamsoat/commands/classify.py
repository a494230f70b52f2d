"""``tamsoat classify [FILE]``: one JSON verdict per input line, streamed.

Input lines are JSON objects with a ``text`` (and optional ``id``) or plain text; the
two may mix. A line that cannot be read is named on stderr and skipped, the others are
still answered, and the exit code is 2. Memory stays bounded: lines are read and
answered in batches, and the model cuts long texts into windows.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import click

from tamsoat.config import Config
from tamsoat.face import with_config

if TYPE_CHECKING:
    from classifier.model import TextClassifier

BATCH_TEXTS = 256
BATCH_CHARS = 1_000_000
MAX_LINE_BYTES = 64 * 1024 * 1024  # a longer line is reported, not read into memory


def open_model(config: Config, model_dir: Path | None) -> TextClassifier:
    """--model, else [classifier] model_dir, else the default model (built once)."""
    import classifier  # scikit-learn and underthesea load only when a command needs them

    chosen = model_dir or (
        Path(config.classifier.model_dir) if config.classifier.model_dir else None
    )
    if chosen is not None:
        return classifier.load(chosen)
    return classifier.load_default(config.models_dir)


def _lines(handle: IO[bytes]) -> Iterator[tuple[int, bytes | None]]:
    """(line number, bytes) for each line; None for a line over MAX_LINE_BYTES."""
    number = 0
    while True:
        raw = handle.readline(MAX_LINE_BYTES + 1)
        if not raw:
            return
        number += 1
        if len(raw) > MAX_LINE_BYTES and not raw.endswith(b"\n"):
            while raw and not raw.endswith(b"\n"):  # skip the rest of the line
                raw = handle.readline(MAX_LINE_BYTES)
            yield number, None
        else:
            yield number, raw


def parse_line(raw: bytes | None) -> tuple[Any, str] | str | None:
    """(id, text), or an error message, or None for a blank line (nothing to answer)."""
    if raw is None:
        return f"longer than {MAX_LINE_BYTES // 2**20} MB; not read"
    try:
        line = raw.decode("utf-8").rstrip("\r\n")
    except UnicodeDecodeError:
        return "not UTF-8 text"
    if not line.strip():
        return None
    if not line.lstrip().startswith("{"):
        return None, line
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        return f"invalid JSON ({exc.msg} at column {exc.colno})"
    if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
        return "a JSON line needs a string field 'text'"
    return obj.get("id"), obj["text"]


@click.command("classify")
@click.argument("file", type=click.File("rb"), default="-")
@click.option(
    "--model",
    "model_dir",
    type=click.Path(path_type=Path),
    default=None,
    help="Model directory [default: [classifier] model_dir, else the default model].",
)
@click.option(
    "--explain",
    is_flag=True,
    help="Add an 'explanation' field: the n-grams that pushed each flagged label.",
)
@with_config
def classify(config: Config, file: IO[bytes], model_dir: Path | None, explain: bool) -> int:
    """Classify texts: JSONL with a "text" field (optional "id"), or plain lines.

    Writes one JSON object per input line to stdout: id (the line number when the
    input has none), labels, scores, decision (allow / review / block) and model.
    """
    model = open_model(config, model_dir)
    name = getattr(file, "name", "-")
    source = "<stdin>" if name in ("-", "<stdin>") else str(name)
    failures = 0
    batch: list[tuple[Any, str]] = []
    chars = 0
    for number, raw in _lines(file):
        parsed = parse_line(raw)
        if parsed is None:
            continue
        if isinstance(parsed, str):
            failures += 1
            click.echo(f"tamsoat: {source}, line {number}: {parsed}; skipped.", err=True)
            continue
        record_id, text = parsed
        batch.append((number if record_id is None else record_id, text))
        chars += len(text)
        if len(batch) >= BATCH_TEXTS or chars >= BATCH_CHARS:
            _answer(model, batch, explain)
            batch, chars = [], 0
    if batch:
        _answer(model, batch, explain)
    if failures:
        click.echo(f"tamsoat: {failures} line(s) of {source} could not be read.", err=True)
        return 2
    return 0


def _answer(model: TextClassifier, batch: list[tuple[Any, str]], explain: bool) -> None:
    verdicts = model.classify([text for _id, text in batch], explain=explain)
    out = []
    for (record_id, _text), verdict in zip(batch, verdicts, strict=True):
        obj: dict[str, Any] = {
            "id": record_id,
            "labels": verdict.labels,
            "scores": verdict.scores,
            "decision": verdict.decision,
            "model": model.version,
        }
        if explain:
            obj["explanation"] = {k: [[g, w] for g, w in v] for k, v in verdict.explanation.items()}
        out.append(json.dumps(obj, ensure_ascii=False))
    sys.stdout.write("\n".join(out) + "\n")
    sys.stdout.flush()
