"""The researcher notebooks run top to bottom on small data, so they never rot."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from test_classifier_support import small_corpus_file, small_model_dir

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"


def _run(name: str, tmp_path: Path) -> nbformat.NotebookNode:
    book = nbformat.read(NOTEBOOKS / name, as_version=4)
    NotebookClient(
        book, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    ).execute()
    return book


def _text(book: nbformat.NotebookNode) -> str:
    parts = []
    for cell in book.cells:
        for output in cell.get("outputs", []):
            parts.append(output.get("text", ""))
            parts.append(str(output.get("data", {}).get("text/plain", "")))
    return "\n".join(parts)


@pytest.mark.notebook
@pytest.mark.slow
def test_retrain_notebook(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TAMSOAT_NB_CORPUS", str(small_corpus_file()))
    monkeypatch.setenv("TAMSOAT_NB_OUT", str(tmp_path / "out"))
    monkeypatch.setenv("TAMSOAT_NB_BASELINE", str(small_model_dir()))
    book = _run("retrain.ipynb", tmp_path)
    assert (tmp_path / "out" / "model" / "card.json").is_file()
    assert (tmp_path / "out" / "pr_curves.png").is_file()
    text = _text(book)
    assert "macro-F1" in text and "shipped PR-AUC" in text


@pytest.mark.notebook
def test_explore_corpus_notebook(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TAMSOAT_NB_CORPUS", str(small_corpus_file()))
    book = _run("explore_corpus.ipynb", tmp_path)
    text = _text(book)
    assert "records from 1 file(s)" in text
    assert "expanded  :" in text
