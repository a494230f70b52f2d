"""Saving and loading a model directory: ``model.skops`` + ``card.json`` + ``MODEL_CARD.md``.

skops stores the pipeline without pickle, and loading trusts only a fixed list of types
(ours and the two scikit-learn helpers calibration uses); anything else in the file is
refused. The card carries the sha256 of ``model.skops``, so a damaged or swapped file is
caught before it is read.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import skops.io as sio

from classifier.errors import ClassifierError
from classifier.model import TextClassifier
from classifier.thresholds import Thresholds
from classifier.training import FORMAT_VERSION

MODEL_FILE = "model.skops"
CARD_FILE = "card.json"
README_FILE = "MODEL_CARD.md"
TRUSTED_TYPES = frozenset(
    {
        "classifier.features.CharNgrams",
        "classifier.features.SyllableNgrams",
        "classifier.model.Normaliser",
        "sklearn.calibration._CalibratedClassifier",
        "sklearn.calibration._SigmoidCalibration",
    }
)


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def save(model: TextClassifier, directory: Path) -> Path:
    """Write the model directory atomically (a half-written directory is never seen)."""
    directory = Path(directory)
    if directory.exists() and not _replaceable(directory):
        raise ClassifierError(
            f"{directory} exists and is not a model directory; choose a new or empty folder."
        )
    directory.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{directory.name}-", dir=directory.parent))
    try:
        sio.dump(model.pipeline, staging / MODEL_FILE)
        card = dict(model.card)
        card.update(
            {
                "format_version": FORMAT_VERSION,
                "version": model.version,
                "labels": model.labels,
                "thresholds": {label: vars(t) for label, t in model.thresholds.items()},
                "model_file": MODEL_FILE,
                "sha256": sha256_file(staging / MODEL_FILE),
            }
        )
        (staging / CARD_FILE).write_text(
            json.dumps(card, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        (staging / README_FILE).write_text(card_markdown(card), encoding="utf-8")
        if directory.exists():
            shutil.rmtree(directory)
        os.replace(staging, directory)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return directory


def _replaceable(directory: Path) -> bool:
    """Only an empty folder or an earlier model is ever replaced, never other files."""
    if not directory.is_dir():
        return False
    names = {p.name for p in directory.iterdir()}
    return not names or names <= {MODEL_FILE, CARD_FILE, README_FILE}


def read_card(directory: Path) -> dict[str, Any]:
    path = Path(directory) / CARD_FILE
    if not Path(directory).is_dir():
        raise ClassifierError(f"Model directory {directory} does not exist.")
    try:
        card = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ClassifierError(f"{directory} is not a model directory: no {CARD_FILE}.") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ClassifierError(f"{path} is unreadable or corrupt ({exc}).") from None
    if not isinstance(card, dict):
        raise ClassifierError(f"{path} is corrupt: expected a JSON object.")
    return card


def load(directory: Path) -> TextClassifier:
    """Load a model directory written by :func:`save`; refuse anything doubtful."""
    directory = Path(directory)
    card = read_card(directory)
    if card.get("format_version") != FORMAT_VERSION:
        raise ClassifierError(
            f"{directory / CARD_FILE}: model format {card.get('format_version')!r} is not "
            f"supported by this tamsoat (it reads format {FORMAT_VERSION}); retrain the model."
        )
    model_path = directory / MODEL_FILE
    if not model_path.is_file():
        raise ClassifierError(f"{directory} has no {MODEL_FILE}.")
    if sha256_file(model_path) != card.get("sha256"):
        raise ClassifierError(
            f"{model_path} does not match the sha256 in its card: damaged or replaced."
        )
    try:
        untrusted = set(sio.get_untrusted_types(file=model_path))
        refused = sorted(untrusted - TRUSTED_TYPES)
        if refused:
            raise ClassifierError(
                f"{model_path} contains a type that is not trusted: {refused[0]}."
            )
        pipeline = sio.load(model_path, trusted=sorted(untrusted))
    except ClassifierError:
        raise
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError) as exc:
        raise ClassifierError(f"{model_path} cannot be read ({exc}).") from None
    try:
        labels = list(card["labels"])
        thresholds = {label: Thresholds(**card["thresholds"][label]) for label in labels}
        version = str(card["version"])
    except (KeyError, TypeError) as exc:
        raise ClassifierError(f"{directory / CARD_FILE} is incomplete (missing {exc}).") from None
    return TextClassifier(pipeline, labels, thresholds, version, card)


def card_markdown(card: dict[str, Any]) -> str:
    """The human-readable model card."""
    data = card.get("data", {})
    test = card.get("metrics", {}).get("test", {})
    lines = [
        f"# Model card: {card['version']}",
        "",
        "Vietnamese text classifier of tamsoat: one calibrated linear SVM per label over",
        "character and syllable n-grams of normalised, accent-stripped and teencode-expanded text.",
        "",
        f"- model file: `{card['model_file']}` (skops), sha256 `{card['sha256']}`",
        f"- training data sha256: `{data.get('sha256', '?')}` ({data.get('records', '?')} records;"
        f" splits {data.get('splits', {})})",
        f"- sources: {', '.join(data.get('sources', [])) or 'shipped seed corpus'}",
        f"- software: {card.get('software', {})}",
        "",
        "## Thresholds (chosen on dev: block at precision >= 0.95, review at recall >= 0.90)",
        "",
        "| label | review | block | test F1 (review) | test PR-AUC | test support |",
        "|---|---|---|---|---|---|",
    ]
    for label in card["labels"]:
        th = card["thresholds"][label]
        m = test.get("labels", {}).get(label, {})
        lines.append(
            f"| {label} | {th['review']} | {th['block']} | {m.get('f1', '-')} | "
            f"{m.get('pr_auc', '-')} | {m.get('support', '-')} |"
        )
    if test:
        slices = test.get("slices", {})
        lines += [
            "",
            f"Test split: macro-F1 {test.get('macro_f1')} (at review level),"
            f" {test.get('macro_f1_at_half')} (at p >= 0.5), PR-AUC {test.get('macro_pr_auc')},"
            f" calibration error {test.get('calibration', {}).get('ece')}.",
            "Robustness slices, macro-F1: "
            + ", ".join(f"{k} {v.get('macro_f1')}" for k, v in slices.items())
            + ".",
        ]
    lines += ["", "Known limits: see classifier/data/DATASHEET.md.", ""]
    return "\n".join(lines)
