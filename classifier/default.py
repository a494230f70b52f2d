"""The default model: built from the shipped corpus on first use, then cached.

Nothing is downloaded. The cache key covers the corpus bytes and the code that turns
text into features, so a new corpus or a changed normaliser builds a fresh model, and
the same inputs always build the same model (training is deterministic).
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import tempfile
import threading
from pathlib import Path

from classifier.corpus import default_corpus_files, read_corpus
from classifier.errors import ClassifierError
from classifier.model import TextClassifier
from classifier.persist import load, save
from classifier.training import code_fingerprint, train

log = logging.getLogger(__name__)

_lock = threading.Lock()
_loaded: dict[Path, TextClassifier] = {}


def default_key() -> str:
    """Fingerprint of everything the default model is built from."""
    digest = hashlib.sha256(code_fingerprint().encode())
    for path in default_corpus_files():
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def default_model_dir(cache_dir: Path) -> Path:
    return Path(cache_dir) / f"default-{default_key()}"


def build_default(directory: Path) -> Path:
    """Train on the shipped corpus and save to ``directory`` (replacing nothing half-done)."""
    files = default_corpus_files()
    if not files:
        raise ClassifierError("The shipped corpus is missing: classifier/data/corpus/*.jsonl.")
    log.warning(
        "Building the default text model from the shipped corpus (once; cached in %s).",
        directory.parent,
    )
    model = train(read_corpus(files), name="tamsoat-default", sources=[f.name for f in files])
    directory.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".build-", dir=directory.parent)) / "model"
    save(model, staging)
    try:
        os.rename(staging, directory)
    except OSError:  # another process finished first: keep theirs
        if not (directory / "card.json").exists():
            raise
    finally:
        shutil.rmtree(staging.parent, ignore_errors=True)
    return directory


def load_default(cache_dir: Path) -> TextClassifier:
    """The default model, built into ``cache_dir`` if missing; one instance per process."""
    directory = default_model_dir(cache_dir).resolve()
    with _lock:
        model = _loaded.get(directory)
        if model is None:
            if not (directory / "card.json").exists():
                try:
                    build_default(directory)
                except OSError as exc:
                    raise ClassifierError(
                        f"Cannot write the model cache {directory}: {exc.strerror or exc}."
                    ) from None
            model = _loaded[directory] = load(directory)
        return model
