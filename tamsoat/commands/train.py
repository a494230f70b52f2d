"""``tamsoat train``: build a model from corpus files (and optional public data sets)."""

from __future__ import annotations

from pathlib import Path

import click

DEFAULT_C = 0.5  # classifier.training.DEFAULT_C, repeated so --help stays light


@click.command("train")
@click.option(
    "--corpus",
    "corpus_files",
    multiple=True,
    type=click.Path(path_type=Path),
    help="Corpus JSONL file or folder (repeatable) [default: the shipped seed corpus].",
)
@click.option(
    "--extra",
    "extras",
    multiple=True,
    metavar="FORMAT:PATH",
    help="Add a public data set: vihos:, vihsd:, victsd: (CSV) or jsonl: (repeatable).",
)
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(path_type=Path, file_okay=False),
    help="Model directory to write (replaced if it exists).",
)
@click.option(
    "--c",
    "c",
    type=click.FloatRange(min=1e-4),
    default=DEFAULT_C,
    show_default=True,
    help="SVM inverse regularisation.",
)
@click.option(
    "--name", default="tamsoat-text", show_default=True, help="Model name (version prefix)."
)
def train_command(
    corpus_files: tuple[Path, ...], extras: tuple[str, ...], out_dir: Path, c: float, name: str
) -> None:
    """Train on the train split, choose thresholds on dev, measure on test; save with skops."""
    from classifier.corpus import default_corpus_files, read_corpus
    from classifier.errors import ClassifierError
    from classifier.loaders import read_spec
    from classifier.persist import save
    from classifier.training import train

    files = [
        path
        for given in corpus_files
        for path in (sorted(given.glob("*.jsonl")) if given.is_dir() else [given])
    ] or default_corpus_files()
    records = read_corpus(files)
    sources = [str(f) for f in files]
    for spec in extras:
        added = read_spec(spec)
        if not added:
            raise ClassifierError(f"{spec}: no records.")
        records += added
        sources.append(spec)
    ids = [r.id for r in records]
    if len(set(ids)) != len(ids):
        raise ClassifierError("the corpus and the extra data share record ids; rename one of them.")
    click.echo(f"Training on {len(records)} records from {len(sources)} source(s)...", err=True)
    model = train(records, c=c, name=name, sources=sources, progress=True)
    save(model, out_dir)
    test = model.card["metrics"]["test"]
    click.echo(f"Model      {model.version}")
    click.echo(f"Saved to   {out_dir}")
    if test:
        slices = test["slices"]
        click.echo(
            f"Test split macro-F1 {test['macro_f1']} (review level), "
            f"{test['macro_f1_at_half']} (p >= 0.5), PR-AUC {test['macro_pr_auc']}"
        )
        click.echo("Slices     " + ", ".join(f"{k} {v['macro_f1']}" for k, v in slices.items()))
