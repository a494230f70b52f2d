"""Honest metrics for a model on labelled records, plus the robustness slices.

F1, precision and recall are measured on what ``classify`` reports (labels at review
level or above) and, separately, at block level; PR-AUC needs no threshold. Labels with
no positive example in the data are reported with ``support: 0`` and left out of the
macro averages.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn.metrics import average_precision_score
from tqdm import tqdm

from classifier.corpus import Record
from classifier.model import TextClassifier
from classifier.perturb import SLICES, perturbed

CHUNK = 256
BINS = 10


def score(
    model: TextClassifier, records: Sequence[Record], progress: bool = False, desc: str = "scoring"
) -> tuple[np.ndarray, np.ndarray]:
    """(truth, scores), both texts x model labels."""
    truth = np.array([[label in r.labels for label in model.labels] for r in records], dtype=int)
    truth = truth.reshape(len(records), len(model.labels))
    parts = []
    for start in tqdm(
        range(0, len(records), CHUNK),
        desc=desc,
        unit="batch",
        disable=None if progress else True,
        leave=False,
    ):
        parts.append(model.scores([r.text for r in records[start : start + CHUNK]]))
    scores = np.vstack(parts) if parts else np.zeros((0, len(model.labels)))
    return truth, scores


def _prf(truth: np.ndarray, predicted: np.ndarray) -> dict[str, Any]:
    tp = int((truth & predicted).sum())
    fp = int((~truth & predicted).sum())
    fn = int((truth & ~predicted).sum())
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "tn": int((~truth & ~predicted).sum()),
    }


def calibration(truth: np.ndarray, scores: np.ndarray, bins: int = BINS) -> dict[str, Any]:
    """Expected calibration error and the reliability table over all (text, label) pairs."""
    t, s = truth.ravel().astype(float), scores.ravel()
    edges = np.linspace(0, 1, bins + 1)
    which = np.clip(np.digitize(s, edges[1:-1]), 0, bins - 1)
    table, ece = [], 0.0
    for b in range(bins):
        mask = which == b
        if not mask.any():
            continue
        mean_score, rate = float(s[mask].mean()), float(t[mask].mean())
        ece += mask.sum() / max(len(s), 1) * abs(mean_score - rate)
        table.append(
            {
                "bin": [round(edges[b], 2), round(edges[b + 1], 2)],
                "count": int(mask.sum()),
                "mean_score": round(mean_score, 4),
                "positive_rate": round(rate, 4),
            }
        )
    return {"ece": round(float(ece), 4), "bins": table}


def metrics(
    model: TextClassifier,
    truth: np.ndarray,
    scores: np.ndarray,
    labels: Sequence[str] | None = None,
) -> dict[str, Any]:
    """Per-label and macro figures for these scores at the model's thresholds."""
    chosen = list(labels or model.labels)
    per_label: dict[str, Any] = {}
    for label in chosen:
        j = model.labels.index(label)
        t, s = truth[:, j].astype(bool), scores[:, j]
        th = model.thresholds[label]
        entry: dict[str, Any] = {"support": int(t.sum())}
        entry.update(_prf(t, s >= th.review))
        entry["block"] = _prf(t, s >= th.block)
        entry["at_half"] = _prf(t, s >= 0.5)
        entry["pr_auc"] = (
            round(float(average_precision_score(t, s)), 4) if t.any() and len(t) else None
        )
        per_label[label] = entry
    supported = [per_label[label] for label in chosen if per_label[label]["support"]]
    cols = [model.labels.index(label) for label in chosen]
    decisions = {"allow": 0, "review": 0, "block": 0}
    for row in scores[:, cols] if len(scores) else []:
        levels = [
            model.thresholds[label].level(float(v)) for label, v in zip(chosen, row, strict=True)
        ]
        decisions[
            "block" if "block" in levels else "review" if "review" in levels else "allow"
        ] += 1
    safe = truth[:, cols].sum(axis=1) == 0 if len(truth) else np.zeros(0, bool)
    flagged_safe = sum(
        1
        for row, is_safe in zip(scores[:, cols], safe, strict=True)
        if is_safe
        and any(v >= model.thresholds[lb].review for lb, v in zip(chosen, row, strict=True))
    )
    return {
        "texts": len(truth),
        "labels": per_label,
        "macro_f1": _mean([e["f1"] for e in supported]),
        "macro_f1_block": _mean([e["block"]["f1"] for e in supported]),
        "macro_f1_at_half": _mean([e["at_half"]["f1"] for e in supported]),
        "macro_pr_auc": _mean([e["pr_auc"] for e in supported]),
        "calibration": calibration(truth[:, cols], scores[:, cols]),
        "decisions": decisions,
        "safe_texts_flagged": {"count": flagged_safe, "of": int(safe.sum())},
    }


def _mean(values: Sequence[float | None]) -> float | None:
    real = [v for v in values if v is not None]
    return round(float(np.mean(real)), 4) if real else None


def evaluate(
    model: TextClassifier,
    records: Sequence[Record],
    labels: Sequence[str] | None = None,
    slices: bool = True,
    progress: bool = False,
    scored: tuple[np.ndarray, np.ndarray] | None = None,
) -> dict[str, Any]:
    """Metrics on ``records`` and, if ``slices``, on their accent-stripped and teencode
    copies and with each text set inside a long page (:mod:`classifier.perturb`).

    ``scored`` is ``score(model, records)`` when the caller already has it.
    """
    truth, scores = scored if scored is not None else score(model, records, progress, "data")
    result = metrics(model, truth, scores, labels)
    if slices:
        result["slices"] = {}
        for name in SLICES:
            copies = perturbed(list(records), name)
            changed = sum(1 for a, b in zip(records, copies, strict=True) if a.text != b.text)
            t, s = score(model, copies, progress, name)
            sliced = metrics(model, t, s, labels)
            sliced.pop("calibration")
            sliced["texts_changed"] = changed
            result["slices"][name] = sliced
    return result
