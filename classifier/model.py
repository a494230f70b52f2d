"""The text model: a scikit-learn Pipeline, its thresholds, and verdicts with reasons.

Pipeline: :class:`Normaliser` (three channels) -> a FeatureUnion of character 3-5-grams
over the accent-stripped channel and syllable 1-2-grams over the normalised, stripped and
teencode-expanded channels, each TF-IDF weighted -> one sigmoid-calibrated linear SVM per
label. (Character n-grams of the normalised channel as well cost a fifth of the speed
and bought nothing measurable on the test split: the syllables carry the diacritics.)
Linear, so every score can be explained by the n-grams that pushed it.

Long texts are read paragraph by paragraph, in windows of at most :data:`WINDOW_CHARS`
characters, and a label's score is its highest over the windows (harm anywhere on a page
counts), which also keeps memory bounded for texts of any length.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import scipy.sparse as sp
from scipy.special import expit
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfTransformer
from sklearn.multiclass import OneVsRestClassifier
from sklearn.pipeline import FeatureUnion, Pipeline, make_pipeline
from sklearn.svm import LinearSVC

from classifier.features import CharNgrams, SyllableNgrams
from classifier.normalise import ChannelBatch, channel_batch
from classifier.thresholds import Thresholds

Decision = Literal["allow", "review", "block"]
_DECISIONS: tuple[Decision, ...] = ("allow", "review", "block")
WINDOW_CHARS = 1000  # about a paragraph: one harmful sentence is not drowned out
OVERLAP_CHARS = 200  # longer than most harmful sentences (the corpus median is 115)
BATCH_CHARS = 200_000  # characters featurised at once: bounds memory
BATCH_TEXTS = 512
EXPLAIN_TOP = 5
# Character bigrams as well cost a sixth of the classify time and bought nothing on dev
# or test (macro-F1 0.875 -> 0.874 on dev, 0.855 -> 0.855 on test, train-only fits).
CHAR_NGRAMS = (3, 5)


class Normaliser(TransformerMixin, BaseEstimator):
    """Texts -> :class:`ChannelBatch` (see :mod:`classifier.normalise`)."""

    def fit(self, X: Sequence[str], y: Any = None) -> Normaliser:
        return self

    def transform(self, X: Sequence[str]) -> ChannelBatch:
        return channel_batch(list(X))


def build_pipeline(c: float = 0.5, min_df: int = 2) -> Pipeline:
    """The untrained pipeline; ``c`` is the SVM's inverse regularisation."""

    def block(featurizer: Any) -> Pipeline:
        return make_pipeline(featurizer, TfidfTransformer(sublinear_tf=True))

    features = FeatureUnion(
        [
            ("char_stripped", block(CharNgrams("stripped", *CHAR_NGRAMS, min_df))),
            ("syllable_normalised", block(SyllableNgrams("normalised", min_df))),
            ("syllable_stripped", block(SyllableNgrams("stripped", min_df))),
            ("syllable_expanded", block(SyllableNgrams("expanded", min_df))),
        ]
    )
    svm = LinearSVC(C=c, class_weight="balanced", random_state=0)
    per_label = CalibratedClassifierCV(svm, method="sigmoid", cv=3, ensemble=False)
    return Pipeline(
        [
            ("normalise", Normaliser()),
            ("features", features),
            ("classify", OneVsRestClassifier(per_label)),
        ]
    )


@dataclass(frozen=True)
class Verdict:
    """What the model says about one text."""

    labels: list[str]  # labels at review level or above, most likely first
    scores: dict[str, float]  # calibrated probability per label
    decision: Decision
    explanation: dict[str, list[tuple[str, float]]] = field(default_factory=dict)


_SENTENCE_END = (". ", "! ", "? ", "… ")


def windows(text: str, size: int = WINDOW_CHARS, overlap: int = OVERLAP_CHARS) -> Iterator[str]:
    """Cut a text longer than ``size`` characters into pieces of at most ``size``.

    A long text is read paragraph by paragraph first: people write one thing a paragraph,
    and a harmful paragraph inside a page then scores as it would alone (read in windows
    of other text it was drowned out; see the ``in_page`` slice of ``tamsoat evaluate``).
    A paragraph longer than ``size`` is cut at a sentence end in the second half of the
    piece if there is one, and the next piece starts right there. Otherwise the cut falls
    at a space (else anywhere) and may split a sentence, so the next piece starts up to
    ``overlap`` characters earlier, at a word: a sentence cut in two is still read whole
    once. Only blank lines are left out.
    """
    if len(text) <= size:
        yield text
        return
    for paragraph in text.split("\n"):
        if paragraph.strip():
            yield from _pieces(paragraph, size, overlap)


def _pieces(text: str, size: int, overlap: int) -> Iterator[str]:
    start = 0
    while start < len(text):
        end = min(start + size, len(text))
        if end == len(text):
            yield text[start:]
            return
        lo = start + size // 2
        cut = max(text.rfind(mark, lo, end) + len(mark) for mark in _SENTENCE_END)
        if cut > lo:
            yield text[start:cut]
            start = cut
            continue
        space = text.rfind(" ", lo, end)
        cut = space + 1 if space >= 0 else end
        yield text[start:cut]
        word = text.find(" ", max(cut - overlap, lo), cut - 1) if space >= 0 else -1
        start = word + 1 if word >= 0 else cut


class TextClassifier:
    """A trained pipeline with its labels, thresholds, version and card."""

    def __init__(
        self,
        pipeline: Pipeline,
        labels: Sequence[str],
        thresholds: dict[str, Thresholds],
        version: str,
        card: dict[str, Any] | None = None,
    ) -> None:
        self.pipeline = pipeline
        self.labels = list(labels)
        self.thresholds = thresholds
        self.version = version
        self.card = card or {}
        self._linear: _Linear | None = None
        self._offsets: list[int] | None = None
        self._featurizers: list[Any] = []
        self._names: dict[int, str] = {}  # feature names already spelled

    # -- scoring ---------------------------------------------------------------------

    def _batches(self, texts: Sequence[str]) -> Iterator[tuple[list[int], list[str]]]:
        owners: list[int] = []
        pieces: list[str] = []
        chars = 0
        for i, text in enumerate(texts):
            for piece in windows(text):
                owners.append(i)
                pieces.append(piece)
                chars += len(piece)
                if chars >= BATCH_CHARS or len(pieces) >= BATCH_TEXTS:
                    yield owners, pieces
                    owners, pieces, chars = [], [], 0
        if pieces:
            yield owners, pieces

    def _run(self, texts: Sequence[str], explain: bool) -> tuple[np.ndarray, list[dict[str, Any]]]:
        """Scores (texts x labels, max over windows) and the reasons of flagged labels."""
        scores = np.zeros((len(texts), len(self.labels)))
        reasons: list[dict[str, Any]] = [{} for _ in texts]
        linear = self.linear
        review = np.array([self.thresholds[lb].review for lb in self.labels]) if explain else None
        for owners, pieces in self._batches(texts):
            X = self.features(pieces)
            proba = linear.proba(X)
            rows = np.asarray(owners)
            np.maximum.at(scores, rows, proba)
            if review is not None:
                # explain each flagged label from the window that scored it highest
                pairs = np.nonzero((proba >= review) & (proba >= scores[rows]))
                for row, j, why in zip(*pairs, self._explain(X, *pairs), strict=True):
                    reasons[owners[row]][self.labels[j]] = why
        return scores, reasons

    def features(self, texts: Sequence[str]) -> sp.csr_matrix:
        """``pipeline[:-1].transform(texts)`` (equal up to rounding; tested), calling the
        featurizers directly and weighting in place: no joblib dispatch, input checks or
        copies per batch."""
        batch = self.pipeline[0].transform(texts)
        blocks = []
        for _name, part in self.pipeline[-2].transformer_list:
            blocks.append(_tfidf(part[0].transform(batch), part[1].idf_))
        return sp.hstack(blocks, format="csr")

    def scores(self, texts: Sequence[str]) -> np.ndarray:
        """Calibrated probabilities, one row per text, one column per label in ``labels``."""
        return self._run(texts, explain=False)[0]

    def classify(self, texts: Sequence[str], explain: bool = True) -> list[Verdict]:
        """Verdicts for a batch of texts (any length; a blank text is allowed)."""
        scores, reasons = self._run(texts, explain)
        # Decide on the scores as printed, so a reader can check a decision against the
        # thresholds in the model card.
        scores = np.round(scores, 4)
        review = np.array([self.thresholds[label].review for label in self.labels])
        block = np.array([self.thresholds[label].block for label in self.labels])
        levels = (scores >= review).astype(int) + (scores >= block)
        levels[[not text.strip() for text in texts]] = 0  # nothing to judge
        # Plain lists from here: eight labels a text are cheaper in Python than in NumPy.
        verdicts = []
        for row, level, why in zip(scores.tolist(), levels.tolist(), reasons, strict=True):
            flagged = sorted((j for j, lv in enumerate(level) if lv), key=lambda j: -row[j])
            labels = [self.labels[j] for j in flagged]
            verdicts.append(
                Verdict(
                    labels=labels,
                    scores=dict(zip(self.labels, row, strict=True)),
                    decision=_DECISIONS[max(level, default=0)],
                    explanation={label: why[label] for label in labels if label in why},
                )
            )
        return verdicts

    # -- explanations ----------------------------------------------------------------

    @property
    def linear(self) -> _Linear:
        if self._linear is None:
            self._linear = _Linear.of(self.pipeline[-1])
        return self._linear

    def _blocks(self) -> tuple[list[int], list[Any]]:
        if self._offsets is None:
            offsets, featurizers, total = [], [], 0
            for _name, part in self.pipeline[-2].transformer_list:
                offsets.append(total)
                featurizers.append(part[0])
                total += len(part[-1].idf_)
            self._offsets, self._featurizers = offsets, featurizers
        return self._offsets, self._featurizers

    def feature_name(self, column: int) -> str:
        """The n-gram behind one feature column, as text."""
        name = self._names.get(column)
        if name is None:
            offsets, featurizers = self._blocks()
            k = bisect.bisect_right(offsets, column) - 1
            name = self._names[column] = str(
                featurizers[k].feature_name(column - offsets[k])
            ).strip()
        return name

    def _explain(
        self, X: Any, rows: np.ndarray, labels: np.ndarray
    ) -> list[list[tuple[str, float]]]:
        """For each (row, label) pair: the n-grams whose weight times presence pushed
        that label up the most, strongest first (one vectorised pass for all pairs)."""
        if len(rows) == 0:
            return []
        sub = X[rows]
        lengths = np.diff(sub.indptr)
        pair = np.repeat(np.arange(len(rows)), lengths)
        push = sub.data * self.linear.weights[sub.indices, np.repeat(labels, lengths)]
        # Only n-grams with at least 30% of the pair's strongest push are worth showing;
        # dropping the rest first keeps the sort small.
        strongest = np.zeros(len(rows))
        np.maximum.at(strongest, pair, push)
        keep = (push > 0) & (push >= 0.3 * strongest[pair])
        pair, push, cols = pair[keep], push[keep], sub.indices[keep]
        order = np.lexsort((-push, pair))
        pair, push, cols = pair[order], push[order], cols[order]
        rank = np.arange(len(pair)) - np.searchsorted(pair, pair)
        top = rank < EXPLAIN_TOP + 3  # a few spare: names of different channels can merge
        merged: list[dict[str, float]] = [{} for _ in rows]
        for k, column, value in zip(
            pair[top].tolist(), cols[top].tolist(), push[top].tolist(), strict=True
        ):
            name = self.feature_name(column)
            if name:
                merged[k][name] = merged[k].get(name, 0.0) + value
        return [
            [(name, round(v, 4)) for name, v in sorted(m.items(), key=lambda kv: -kv[1])][
                :EXPLAIN_TOP
            ]
            for m in merged
        ]


def _tfidf(counts: sp.csr_matrix, idf: np.ndarray) -> sp.csr_matrix:
    """What a fitted ``TfidfTransformer(sublinear_tf=True)`` makes of ``counts``
    (1 + log tf, times idf, rows scaled to unit length), computed in place."""
    data = counts.data
    np.log(data, out=data)
    data += 1.0
    data *= idf[counts.indices]
    lengths = np.diff(counts.indptr)
    filled = lengths > 0
    norms = np.ones(len(lengths))
    norms[filled] = np.sqrt(np.add.reduceat(data * data, counts.indptr[:-1][filled]))
    data /= np.repeat(norms, lengths)
    return counts


@dataclass(frozen=True)
class _Linear:
    """The fitted per-label SVMs and sigmoids as three arrays: one sparse product per batch.

    Gives exactly what ``OneVsRestClassifier.predict_proba`` gives (a test checks it),
    without eight rounds of input validation per batch.
    """

    weights: np.ndarray  # features x labels
    intercepts: np.ndarray
    slopes: np.ndarray  # sigmoid: p = 1 / (1 + exp(a * d + b))
    offsets: np.ndarray

    @classmethod
    def of(cls, ovr: OneVsRestClassifier) -> _Linear:
        fitted = [est.calibrated_classifiers_[0] for est in ovr.estimators_]
        return cls(
            weights=np.stack([f.estimator.coef_.ravel() for f in fitted], axis=1),
            intercepts=np.array([float(f.estimator.intercept_[0]) for f in fitted]),
            slopes=np.array([f.calibrators[0].a_ for f in fitted]),
            offsets=np.array([f.calibrators[0].b_ for f in fitted]),
        )

    def proba(self, X: Any) -> np.ndarray:
        decision = np.asarray(X @ self.weights) + self.intercepts
        return np.asarray(expit(-(self.slopes * decision + self.offsets)))
