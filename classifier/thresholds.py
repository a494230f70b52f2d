"""Per-label decision thresholds, chosen on the dev split and stored with the model.

``block`` is the lowest score at which precision on dev is at least 0.95 (so a block is
almost always right); ``review`` is the highest score at which recall on dev is still at
least 0.90 (so an analyst sees nine in ten harmful texts). Review never exceeds block.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

BLOCK_PRECISION = 0.95
REVIEW_RECALL = 0.90
NEVER = 1.01  # above any probability: the level is never reached
FALLBACK = {"review": 0.5, "block": 0.9}  # a label with no dev positives


@dataclass(frozen=True)
class Thresholds:
    review: float
    block: float
    tuned: bool = True  # False when dev had no example of the label

    def level(self, score: float) -> str:
        if score >= self.block:
            return "block"
        if score >= self.review:
            return "review"
        return "allow"


def choose(truth: np.ndarray, scores: np.ndarray) -> Thresholds:
    """Thresholds for one label from dev truth (0/1) and scores."""
    truth = np.asarray(truth, dtype=bool)
    scores = np.asarray(scores, dtype=float)
    positives = int(truth.sum())
    if positives == 0:
        return Thresholds(FALLBACK["review"], FALLBACK["block"], tuned=False)
    order = np.argsort(-scores, kind="stable")
    s, t = scores[order], truth[order]
    tp = np.cumsum(t)
    predicted = np.arange(1, len(s) + 1)
    # Only cut between distinct scores: the last index of each run of equal scores.
    last = np.r_[s[1:] != s[:-1], True]
    precision = tp / predicted
    recall = tp / positives
    ok_block = last & (precision >= BLOCK_PRECISION)
    block = float(s[np.flatnonzero(ok_block)[-1]]) if ok_block.any() else NEVER
    ok_review = last & (recall >= REVIEW_RECALL)
    review = float(s[np.flatnonzero(ok_review)[0]])
    return Thresholds(review=_floor6(min(review, block)), block=_floor6(block))


def _floor6(value: float) -> float:
    """Round down, so the text at the cut still reaches the stored threshold."""
    return float(np.floor(value * 1e6) / 1e6)
