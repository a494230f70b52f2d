"""``tamsoat classify``, ``train`` and ``evaluate`` as a user runs them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import FIRST_TEXT, Run
from test_classifier_support import small_corpus_file, small_model_dir

from classifier.taxonomy import LABEL_IDS

KEYS = {"id", "labels", "scores", "decision", "model"}


def _objects(stdout: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in stdout.splitlines()]


@pytest.fixture
def model_dir() -> Path:
    return small_model_dir()


def test_classify_jsonl_and_plain_lines(run_cli, tmp_path: Path, model_dir: Path) -> None:
    data = tmp_path / "in.txt"
    data.write_text(
        '{"id": "a1", "text": "Nạp 500k nhận ngay 1tr, zalo 0912345678"}\n'
        "hôm nay trời đẹp quá, cả nhà đi chơi\n"
        "\n"
        '{"text": "e oi lam quen dc ko, dung ke voi bo me nhe"}\n',
        encoding="utf-8",
    )
    result = run_cli("classify", "--model", str(model_dir), str(data))
    assert result.returncode == 0, result.stderr
    out = _objects(result.stdout)
    assert [o["id"] for o in out] == ["a1", 2, 4]  # given id, else the line number
    for o in out:
        assert set(o) == KEYS
        assert set(o["scores"]) == set(LABEL_IDS)
        assert o["decision"] in ("allow", "review", "block")
        assert o["model"].startswith("tamsoat-test-")
    assert "gambling" in out[0]["labels"]


def test_bad_lines_are_named_and_the_rest_answered(
    run_cli, tmp_path: Path, model_dir: Path
) -> None:
    data = tmp_path / "in.jsonl"
    data.write_bytes(
        b'{"id": 1, "text": "xin ch\xc3\xa0o"}\n'
        b'{"id": 2, "text": broken\n'
        b"\xff\xfe\x00garbage\n"
        b'{"id": 4}\n'
        b'{"id": 5, "text": ""}\n'
        b'{"id": 6, "text": "The weather is nice today"}\n'
    )
    result = run_cli("classify", "--model", str(model_dir), str(data))
    assert result.returncode == 2
    assert [o["id"] for o in _objects(result.stdout)] == [1, 5, 6]
    assert f"{data}, line 2: invalid JSON" in result.stderr
    assert f"{data}, line 3: not UTF-8 text" in result.stderr
    assert f"{data}, line 4: a JSON line needs a string field 'text'" in result.stderr
    assert "3 line(s)" in result.stderr
    assert "Traceback" not in result.stderr


def test_classify_reads_stdin_and_explains(run_cli, model_dir: Path) -> None:
    result = run_cli(
        "classify",
        "--model",
        str(model_dir),
        "--explain",
        input="Nạp 500k nhận ngay 1tr tại nhà cái, zalo 0912345678\n",
    )
    assert result.returncode == 0, result.stderr
    (obj,) = _objects(result.stdout)
    assert set(obj["explanation"]) == set(obj["labels"])
    for reasons in obj["explanation"].values():
        assert all(isinstance(g, str) and w > 0 for g, w in reasons)


@pytest.mark.parametrize("damage", ["missing", "corrupt"])
def test_broken_model_is_one_clear_error(run_cli, tmp_path: Path, damage: str) -> None:
    target = tmp_path / "model"
    if damage == "corrupt":
        import shutil

        shutil.copytree(small_model_dir(), target)
        (target / "model.skops").write_bytes(b"garbage")
    result = run_cli("classify", "--model", str(target), input="xin chào\n")
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("tamsoat: ")
    assert str(target) in result.stderr


def test_model_dir_from_config(run_cli, home: Path, model_dir: Path) -> None:
    home.mkdir(parents=True, exist_ok=True)
    (home / "tamsoat.toml").write_text(f'[classifier]\nmodel_dir = "{model_dir}"\n', "utf-8")
    result = run_cli("classify", input="xin chào\n")
    assert result.returncode == 0, result.stderr
    assert _objects(result.stdout)[0]["model"].startswith("tamsoat-test-")


@pytest.mark.slow
def test_ten_megabyte_text_in_bounded_memory(tmp_path: Path, model_dir: Path) -> None:
    big = ("Hôm nay trời đẹp, cả nhà đi chơi công viên. " * 240_000)[:10_000_000]
    data = tmp_path / "big.jsonl"
    data.write_text(
        json.dumps({"id": "big", "text": big}, ensure_ascii=False)
        + "\n"
        + '{"id": "after", "text": "xin chào"}\n',
        encoding="utf-8",
    )
    tiny = tmp_path / "tiny.jsonl"
    tiny.write_text('{"id": "t", "text": "xin chào"}\n', encoding="utf-8")

    def peak_mb(path: Path) -> tuple[float, list[dict[str, object]]]:
        probe = (
            "import resource, subprocess, sys\n"
            "p = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
            "sys.stdout.write(p.stdout)\n"
            "sys.stderr.write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))\n"
        )
        exe = str(Path(sys.executable).with_name("tamsoat"))
        run = subprocess.run(
            [sys.executable, "-c", probe, exe, "classify", "--model", str(model_dir), str(path)],
            capture_output=True,
            text=True,
            timeout=300,
        )
        return int(run.stderr.strip().splitlines()[-1]) / 1024, _objects(run.stdout)

    base, _ = peak_mb(tiny)
    peak, out = peak_mb(data)
    assert [o["id"] for o in out] == ["big", "after"]
    # The text itself costs a few copies (bytes, str, JSON); the model works in windows.
    assert peak - base < 250, f"10 MB text raised peak memory by {peak - base:.0f} MB"


def test_fresh_machine_builds_the_default_model_once(
    first_classify: Run, model_dir: Path, run_cli
) -> None:
    assert first_classify.returncode == 0, first_classify.stderr
    assert "Building the default text model" in first_classify.stderr
    assert (model_dir / "card.json").exists()
    second = run_cli("classify", input=FIRST_TEXT)  # another workspace, the same cache
    assert second.returncode == 0 and second.stdout == first_classify.stdout
    assert "Building" not in second.stderr
    assert json.loads(second.stdout)["model"].startswith("tamsoat-default-")
    assert second.seconds < first_classify.seconds and second.seconds < 15


def test_train_then_evaluate(run_cli, tmp_path: Path) -> None:
    out = tmp_path / "model"
    folder = small_corpus_file().parent  # a folder means all its .jsonl files
    trained = run_cli("train", "--corpus", str(folder), "--out", str(out))
    assert trained.returncode == 0, trained.stderr
    assert (out / "model.skops").is_file() and (out / "card.json").is_file()
    assert "macro-F1" in trained.stdout

    report = tmp_path / "eval"
    evaluated = run_cli(
        "evaluate",
        "--model",
        str(out),
        "--data",
        str(small_corpus_file()),
        "--split",
        "test",
        "--out",
        str(report),
    )
    assert evaluated.returncode == 0, evaluated.stderr
    metrics = json.loads((report / "metrics.json").read_text(encoding="utf-8"))
    assert metrics["split"] == "test" and metrics["texts"] > 0
    assert set(metrics["slices"]) == {"accent_stripped", "teencode", "in_page"}
    for label in LABEL_IDS:
        entry = metrics["labels"][label]
        assert {"precision", "recall", "f1", "pr_auc", "tp", "fp", "fn", "tn", "block"} <= set(
            entry
        )
    assert "ece" in metrics["calibration"] and metrics["macro_f1"] is not None
    for png in ("pr_curves.png", "reliability.png"):
        assert (report / png).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_train_with_extra_data_and_evaluate_one_label(run_cli, tmp_path: Path) -> None:
    vihos = tmp_path / "vihos.csv"
    rows = [",content,index_spans"]
    rows += [f'{i},"Thằng ngu {i} cút đi cho khuất mắt","[0, 1, 2]"' for i in range(0, 40)]
    rows += [f"{i},Bài hát số {i} nghe hay quá,[]" for i in range(40, 80)]
    vihos.write_text("\n".join(rows) + "\n", encoding="utf-8")
    out = tmp_path / "model"
    trained = run_cli(
        "train",
        "--corpus",
        str(small_corpus_file()),
        "--extra",
        f"vihos:{vihos}",
        "--out",
        str(out),
    )
    assert trained.returncode == 0, trained.stderr
    card = json.loads((out / "card.json").read_text(encoding="utf-8"))
    assert f"vihos:{vihos}" in card["data"]["sources"]
    report = tmp_path / "eval"
    evaluated = run_cli(
        "evaluate",
        "--model",
        str(out),
        "--data",
        f"vihos:{vihos}",
        "--labels",
        "hate_harassment",
        "--no-slices",
        "--out",
        str(report),
    )
    assert evaluated.returncode == 0, evaluated.stderr
    metrics = json.loads((report / "metrics.json").read_text(encoding="utf-8"))
    assert list(metrics["labels"]) == ["hate_harassment"]
    assert metrics["labels"]["hate_harassment"]["support"] == 40


def test_train_and_evaluate_bad_input(run_cli, tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text(
        '{"id": "a", "text": "x", "labels": ["nope"], "style": "ad", '
        '"source": "s", "register": "standard"}\n',
        encoding="utf-8",
    )
    result = run_cli("train", "--corpus", str(bad), "--out", str(tmp_path / "m"))
    assert result.returncode == 2 and f"{bad}, line 1: unknown label 'nope'" in result.stderr
    result = run_cli(
        "evaluate",
        "--model",
        str(small_model_dir()),
        "--data",
        "vihos:/nope.csv",
        "--out",
        str(tmp_path / "e"),
    )
    assert result.returncode == 2 and "does not exist" in result.stderr
    assert "Traceback" not in result.stderr
