"""The takedown commands as an analyst meets them: review, report build/verify, ack, stats,
and the bad input the issue names (clear message, exit 2, no traceback)."""

from __future__ import annotations

import json
from pathlib import Path

from test_notice_seed import seed

from reports.store import Store


def _ready(run_cli, home: Path):  # type: ignore[no-untyped-def]
    assert run_cli("init").returncode == 0
    with Store.open(f"sqlite:///{home / 'tamsoat.db'}") as store:
        return seed(store)


def _clean_error(result, text: str) -> None:  # type: ignore[no-untyped-def]
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert text in result.stderr, result.stderr
    assert "Traceback" not in result.stderr


def test_review_build_verify_ack_stats(run_cli, home: Path, tmp_path: Path) -> None:
    ids = _ready(run_cli, home)
    (home / "tamsoat.toml").write_text('[review]\nreviewer = "analyst-7"\n', encoding="utf-8")

    shown = run_cli("findings", "show", str(ids.gambling))
    assert shown.returncode == 0, shown.stderr
    assert "[[Nạp 100k]]" in shown.stdout and "gambling 0.970" in shown.stdout
    image = json.loads(run_cli("findings", "show", str(ids.trusted_image), "--json").stdout)
    assert image["hash_match"]["entry"] == "trusted-list-0001"

    _clean_error(run_cli("review", str(ids.gambling), "--confirm"), "--reason is required")
    ok = run_cli("review", str(ids.gambling), "--confirm", "--reason", "quảng cáo cá độ", "--json")
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["reviewer"] == "analyst-7"
    batch = tmp_path / "batch.csv"
    batch.write_text(
        f"id,decision,reason\n{ids.grooming},confirm,dụ dỗ\n{ids.drugs},reject,x\n",
        encoding="utf-8",
    )
    assert run_cli("review", "--from", str(batch)).returncode == 0
    statuses = {
        f["id"]: f["status"]
        for f in map(json.loads, run_cli("findings", "--json").stdout.splitlines())
    }
    assert statuses[ids.grooming] == "confirmed" and statuses[ids.drugs] == "rejected"
    new = run_cli("findings", "--json", "--status", "new").stdout
    assert str(ids.gambling) not in [str(json.loads(x)["id"]) for x in new.splitlines()]
    corpus = run_cli("findings", "export")
    assert len(corpus.stdout.splitlines()) == 3

    pkg = tmp_path / "pkg"
    built = run_cli("report", "build", "--platform", "facebook", "--out", str(pkg), "--json")
    assert built.returncode == 0, built.stderr
    info = json.loads(built.stdout)
    assert len(info["items"]) == 3 and info["sequence"] == 1
    verified = run_cli("report", "verify", str(pkg))
    assert verified.returncode == 0 and "verified" in verified.stdout
    own_key = run_cli(
        "report", "verify", str(pkg), "--public-key", str(home / "keys" / "signing_key.pub.pem")
    )
    assert own_key.returncode == 0

    csv_text = (pkg / "items.csv").read_bytes()
    (pkg / "items.csv").write_bytes(csv_text.replace(b"facebook", b"fakebook", 1))
    broken = run_cli("report", "verify", str(pkg))
    assert broken.returncode == 1
    assert "FAIL  items.csv: sha256 differs" in broken.stderr
    (pkg / "items.csv").write_bytes(csv_text)

    ack = tmp_path / "ack.csv"
    first = info["items"][0]
    ack.write_text(
        "item_id,status,reference,acknowledged_at\n"
        f"{first},removed,FB-1,2030-01-01T00:00:00Z\n"
        f"{first},gone,FB-1,2030-01-01T00:00:00Z\n",
        encoding="utf-8",
    )
    _clean_error(run_cli("ack", "import", str(ack)), "line 3: status must be removed")
    ack.write_text(
        f"item_id,status,reference,acknowledged_at\n{first},removed,FB-1,2030-01-01T00:00:00Z\n",
        encoding="utf-8",
    )
    imported = run_cli("ack", "import", str(ack))
    assert imported.returncode == 0 and "Imported 1" in imported.stdout

    stats = run_cli("stats", "--json", "--plot", str(tmp_path / "s.png"))
    assert stats.returncode == 0, stats.stderr
    [fb] = [json.loads(x) for x in stats.stdout.splitlines()]
    assert (fb["platform"], fb["notices"], fb["items"], fb["acknowledged"]) == ("facebook", 1, 3, 1)
    assert (tmp_path / "s.png").stat().st_size > 1000
    assert "facebook" in run_cli("stats").stdout


def test_bad_input_is_a_clear_error(run_cli, home: Path, tmp_path: Path) -> None:
    ids = _ready(run_cli, home)
    _clean_error(
        run_cli("report", "build", "--platform", "myspace", "--out", str(tmp_path / "a")),
        "Unknown platform 'myspace'",
    )
    _clean_error(
        run_cli("report", "build", "--platform", "nowhere.vn", "--out", str(tmp_path / "a")),
        "no finding on it",
    )
    _clean_error(
        run_cli("report", "build", "--platform", "example.vn", "--out", str(tmp_path / "b")),
        "No confirmed finding of platform 'example.vn'",
    )
    assert not (tmp_path / "b").exists()
    _clean_error(run_cli("review", "999", "--reject", "--reason", "x"), "no finding with id 999")

    run_cli("review", str(ids.drugs), "--confirm", "--reason", "bán bóng cười")
    (home / "keys" / "signing_key.pem").unlink()
    _clean_error(
        run_cli("report", "build", "--platform", "example.vn", "--out", str(tmp_path / "c")),
        "signing_key.pem is missing; run `tamsoat init`",
    )
    assert not (tmp_path / "c").exists()
    _clean_error(run_cli("report", "verify", str(tmp_path / "nothing")), "is not a folder")
    _clean_error(run_cli("ack", "import", str(tmp_path / "none.csv")), "Cannot read")
    _clean_error(run_cli("findings", "show", "4242"), "No finding with id 4242")
