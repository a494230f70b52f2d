"""``tamsoat evaluate``: metrics JSON and plots for a model on labelled data."""

from __future__ import annotations

import json
from pathlib import Path

import click

from classifier.corpus import SPLITS, by_split
from classifier.errors import ClassifierError
from classifier.taxonomy import LABEL_IDS
from tamsoat.commands.classify import open_model
from tamsoat.config import Config
from tamsoat.face import with_config


@click.command("evaluate")
@click.option(
    "--model",
    "model_dir",
    type=click.Path(path_type=Path),
    default=None,
    help="Model directory [default: [classifier] model_dir, else the default model].",
)
@click.option(
    "--data",
    "data",
    multiple=True,
    metavar="FILE|DIR|FORMAT:PATH",
    help="Labelled data: corpus JSONL (or a folder of them), or vihos:/vihsd:/victsd:/jsonl:PATH"
    " (repeatable) [default: the shipped corpus].",
)
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(path_type=Path, file_okay=False),
    help="Folder for metrics.json, pr_curves.png and reliability.png.",
)
@click.option(
    "--split",
    type=click.Choice(["all", *SPLITS]),
    default="all",
    show_default=True,
    help="Evaluate only this split of the data (the fixed split by id hash).",
)
@click.option(
    "--labels",
    "label_list",
    default="",
    metavar="L1,L2",
    help="Only these labels (e.g. hate_harassment for ViHOS) [default: all].",
)
@click.option("--no-slices", is_flag=True, help="Skip the accent-stripped and teencode slices.")
@with_config
def evaluate_command(
    config: Config,
    model_dir: Path | None,
    data: tuple[str, ...],
    out_dir: Path,
    split: str,
    label_list: str,
    no_slices: bool,
) -> None:
    """Per-label precision, recall, F1, PR-AUC, macro-F1, calibration, confusion counts."""
    from classifier.evaluation import evaluate, score
    from classifier.loaders import read_spec
    from classifier.plots import pr_curves, reliability

    labels = [x.strip() for x in label_list.split(",") if x.strip()] or None
    for label in labels or []:
        if label not in LABEL_IDS:
            raise click.BadParameter(f"unknown label {label!r}", param_hint="--labels")
    from classifier.corpus import CORPUS_DIR

    data = data or (str(CORPUS_DIR),)
    records = [r for spec in data for r in read_spec(spec)]
    if split != "all":
        records = by_split(records)[split]
    if not records:
        raise ClassifierError(f"no records to evaluate in {', '.join(data)} (split {split}).")
    model = open_model(config, model_dir)
    truth, scores = score(model, records, progress=True)
    result = evaluate(
        model, records, labels=labels, slices=not no_slices, progress=True, scored=(truth, scores)
    )
    result = {"model": model.version, "data": list(data), "split": split, **result}
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        (out_dir / "metrics.json").write_text(
            json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        chosen = labels or model.labels
        cols = [model.labels.index(label) for label in chosen]
        pr_curves(
            truth[:, cols], scores[:, cols], chosen, out_dir / "pr_curves.png", model.thresholds
        )
        reliability(result["calibration"], out_dir / "reliability.png")
    except OSError as exc:
        raise ClassifierError(f"Cannot write to {out_dir}: {exc.strerror or exc}.") from None
    click.echo(f"Model     {model.version} on {len(records)} texts ({split})")
    click.echo(
        f"Macro-F1  {result['macro_f1']} (review level), {result['macro_f1_at_half']} (p >= 0.5), "
        f"{result['macro_f1_block']} (block level); PR-AUC {result['macro_pr_auc']}; "
        f"ECE {result['calibration']['ece']}"
    )
    for label, m in result["labels"].items():
        click.echo(
            f"  {label:16} support {m['support']:5}  P {m['precision']:.3f}  R {m['recall']:.3f}"
            f"  F1 {m['f1']:.3f}  PR-AUC {m['pr_auc']}"
        )
    for name, sliced in result.get("slices", {}).items():
        click.echo(f"Slice {name}: macro-F1 {sliced['macro_f1']}, PR-AUC {sliced['macro_pr_auc']}")
    click.echo(f"Wrote     {out_dir / 'metrics.json'}, pr_curves.png, reliability.png")
