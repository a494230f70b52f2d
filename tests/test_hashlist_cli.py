"""``tamsoat hashlist`` as a user runs it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

PDQ = "d8f8f0cce0f4a84f0e370a22028f67f0b36e2ed596623e1d33e6b39c4e9c9b22"
MD5 = "d35c785545392755e7e4164457657269"


@pytest.fixture(autouse=True)
def workspace(run_cli) -> None:
    done = run_cli("init")
    assert done.returncode == 0, done.stderr


def test_import_list_export_remove(run_cli, tmp_path: Path) -> None:
    csv_file = tmp_path / "list.csv"
    csv_file.write_text(
        f"algo,hash,category,source,id\npdq,{PDQ},csam_grooming,NCMEC,n1\nmd5,{MD5},sexual,,\n",
        encoding="utf-8",
    )
    done = run_cli("hashlist", "import", str(csv_file), "--name", "ncmec", "--trusted")
    assert done.returncode == 0, done.stderr
    assert "version 1: 2 entries, created; trusted" in done.stdout

    listed = run_cli("hashlist", "list", "--json")
    row = json.loads(listed.stdout)
    assert (row["name"], row["version"], row["entries"], row["trusted"]) == ("ncmec", 1, 2, True)
    assert row["algos"] == {"md5": 1, "pdq": 1}

    exported = run_cli("hashlist", "export", "ncmec")
    assert exported.stdout.splitlines() == [
        "algo,hash,category,source,id",
        f"pdq,{PDQ},csam_grooming,NCMEC,n1",
        f"md5,{MD5},sexual,,",
    ]
    out = tmp_path / "out.csv"
    assert run_cli("hashlist", "export", "ncmec", "--out", str(out)).returncode == 0
    again = run_cli("hashlist", "import", str(out), "--name", "ncmec")
    assert "version 1: 2 entries, unchanged; trusted" in again.stdout

    removed = run_cli("hashlist", "remove", "ncmec")
    assert removed.returncode == 0 and "removed from matching" in removed.stdout
    assert json.loads(run_cli("hashlist", "list", "--json").stdout)["active"] is False


def test_plain_list_needs_algo_and_category(run_cli, tmp_path: Path) -> None:
    plain = tmp_path / "plain.txt"
    plain.write_text(f"{MD5}\n", encoding="utf-8")
    missing = run_cli("hashlist", "import", str(plain), "--name", "p")
    assert missing.returncode == 2 and "needs --algo" in missing.stderr
    ok = run_cli(
        "hashlist", "import", str(plain), "--name", "p", "--algo", "md5", "--category", "sexual"
    )
    assert ok.returncode == 0, ok.stderr


def test_a_bad_line_imports_nothing_and_names_the_line(run_cli, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(
        f"algo,hash,category\nmd5,{MD5},sexual\npdq,{PDQ[:-2]},sexual\n", encoding="utf-8"
    )
    result = run_cli("hashlist", "import", str(bad), "--name", "x")
    assert result.returncode == 2
    assert f"{bad} line 3: pdq hash must be 64 hex digits (256 bits), got 62." in result.stderr
    assert "Traceback" not in result.stderr
    assert run_cli("hashlist", "list", "--json").stdout == ""


def test_unknown_list_is_a_clear_error(run_cli) -> None:
    result = run_cli("hashlist", "export", "nope")
    assert result.returncode == 2
    assert "no hash list named 'nope'" in result.stderr
