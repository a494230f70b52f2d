"""PNG plots for an evaluation: precision-recall curves and a reliability diagram."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # files only; never a window

import matplotlib.pyplot as plt
import numpy as np
from sklearn.metrics import precision_recall_curve


def pr_curves(
    truth: np.ndarray,
    scores: np.ndarray,
    labels: Sequence[str],
    path: Path,
    thresholds: dict[str, Any] | None = None,
) -> Path:
    """One precision-recall curve per label with positives, review/block points marked."""
    fig, ax = plt.subplots(figsize=(7, 6))
    for j, label in enumerate(labels):
        t = truth[:, j]
        if not t.any():
            continue
        precision, recall, cuts = precision_recall_curve(t, scores[:, j])
        (line,) = ax.plot(recall, precision, label=label, linewidth=1.4)
        for level, marker in (("review", "o"), ("block", "s")):
            if thresholds and label in thresholds:
                cut = getattr(thresholds[label], level)
                k = np.searchsorted(cuts, cut)
                if k < len(cuts):
                    ax.plot(recall[k], precision[k], marker, color=line.get_color(), markersize=5)
    ax.set(
        xlabel="recall",
        ylabel="precision",
        xlim=(0, 1.01),
        ylim=(0, 1.02),
        title="Precision-recall per label (o review, s block)",
    )
    ax.grid(alpha=0.3)
    ax.legend(loc="lower left", fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def reliability(calibration: dict[str, Any], path: Path) -> Path:
    """Mean predicted probability against the observed rate, per probability bin."""
    bins = calibration["bins"]
    fig, ax = plt.subplots(figsize=(6, 6))
    ax.plot([0, 1], [0, 1], "--", color="grey", linewidth=1, label="perfect")
    if bins:
        x = [b["mean_score"] for b in bins]
        y = [b["positive_rate"] for b in bins]
        sizes = [20 + 200 * np.log10(1 + b["count"]) / 4 for b in bins]
        ax.plot(x, y, "-", color="tab:blue", linewidth=1)
        ax.scatter(x, y, s=sizes, color="tab:blue", label="model (area ~ count)")
    ax.set(
        xlabel="predicted probability",
        ylabel="observed frequency",
        xlim=(0, 1),
        ylim=(0, 1),
        title=f"Reliability (ECE {calibration['ece']})",
    )
    ax.grid(alpha=0.3)
    ax.legend(loc="upper left")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
