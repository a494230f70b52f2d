"""Vietnamese text classifier: taxonomy, normalisation, model, training, evaluation, corpus.

Public API (what the crawler and the face use)::

    from classifier import load, load_default
    model = load_default(cache_dir)          # or load(model_dir)
    verdicts = model.classify(["text", ...])  # list[Verdict]

Heavy imports (scikit-learn, underthesea) happen on first use, so importing
``classifier.taxonomy`` stays cheap for the other packages.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from classifier.model import TextClassifier, Verdict

__all__ = ["TextClassifier", "Verdict", "load", "load_default"]


def load(model_dir: Path) -> TextClassifier:
    """Load a saved model directory (``ClassifierError`` if missing, corrupt or foreign)."""
    from classifier.persist import load as _load

    return _load(Path(model_dir))


def load_default(cache_dir: Path) -> TextClassifier:
    """The default model, built from the shipped corpus into ``cache_dir`` on first use."""
    from classifier.default import load_default as _load_default

    return _load_default(Path(cache_dir))


def __getattr__(name: str) -> Any:
    if name in ("TextClassifier", "Verdict"):
        from classifier import model

        return getattr(model, name)
    raise AttributeError(f"module 'classifier' has no attribute {name!r}")
