"""The console script as a user meets it: init, findings, status, and bad input."""

from __future__ import annotations

import json
import os
import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest

from reports.records import FindingRecord
from reports.store import Store


def test_help_and_version(run_cli) -> None:
    result = run_cli("--help")
    assert result.returncode == 0
    for command in ("init", "findings", "status"):
        assert command in result.stdout
    version = run_cli("--version")
    assert version.returncode == 0 and "tamsoat, version" in version.stdout


def test_init_creates_a_workspace_and_is_idempotent(run_cli, home: Path) -> None:
    result = run_cli("init")
    assert result.returncode == 0, result.stderr
    assert (home / "tamsoat.toml").is_file()
    assert (home / "tamsoat.db").is_file()
    assert (home / "logs").is_dir()
    private = home / "keys" / "signing_key.pem"
    assert stat.S_IMODE(private.stat().st_mode) == 0o600
    assert b"BEGIN PRIVATE KEY" in private.read_bytes()
    assert b"BEGIN PUBLIC KEY" in (home / "keys" / "signing_key.pub.pem").read_bytes()
    key_before = private.read_bytes()
    again = run_cli("init")
    assert again.returncode == 0
    assert "kept" in again.stdout
    assert private.read_bytes() == key_before  # never replaces a key


def test_findings_on_an_empty_store(run_cli) -> None:
    assert run_cli("init").returncode == 0
    table = run_cli("findings")
    assert table.returncode == 0
    assert "No findings." in table.stderr
    as_json = run_cli("findings", "--json")
    assert as_json.returncode == 0 and as_json.stdout == ""


def test_findings_lists_what_the_store_holds(run_cli, home: Path) -> None:
    assert run_cli("init").returncode == 0
    with Store.open(f"sqlite:///{home / 'tamsoat.db'}") as store:
        store.upsert_finding(
            FindingRecord(
                kind="text",
                page_url="https://forum.example.vn/t/1",
                subject="post:1",
                detector="model:1",
                url="https://forum.example.vn/t/1#post-1",
                platform="forum.example.vn",
                labels=["drugs"],
                decision="review",
                method="classifier",
                seen_at=datetime.now(UTC),
            )
        )
    lines = run_cli("findings", "--json").stdout.splitlines()
    assert len(lines) == 1
    row = json.loads(lines[0])
    assert {
        k: row[k]
        for k in ("id", "url", "kind", "labels", "decision", "method", "platform", "status")
    } == {
        "id": 1,
        "url": "https://forum.example.vn/t/1#post-1",
        "kind": "text",
        "labels": ["drugs"],
        "decision": "review",
        "method": "classifier",
        "platform": "forum.example.vn",
        "status": "new",
    }
    table = run_cli("findings", "--label", "drugs")
    assert "forum.example.vn" in table.stdout
    assert run_cli("findings", "--json", "--label", "sexual").stdout == ""


def test_configuration_precedence_through_the_cli(run_cli, home: Path, tmp_path: Path) -> None:
    assert run_cli("init").returncode == 0
    from_file = tmp_path / "file.db"
    from_env = tmp_path / "env.db"
    from_option = tmp_path / "option.db"
    config = home / "tamsoat.toml"
    config.write_text(f'[store]\nurl = "sqlite:///{from_file}"\n', encoding="utf-8")
    assert "file.db" in run_cli("status").stdout
    env = {"TAMSOAT_DB": f"sqlite:///{from_env}"}
    assert "env.db" in run_cli("status", env=env).stdout
    assert "option.db" in run_cli("status", "--db", f"sqlite:///{from_option}", env=env).stdout
    assert from_file.exists() and from_env.exists() and from_option.exists()


@pytest.mark.redis
def test_status_pings_redis(run_cli, redis_url: str) -> None:
    assert run_cli("init").returncode == 0
    ok = run_cli("status", env={"TAMSOAT_REDIS_URL": redis_url})
    assert ok.returncode == 0, ok.stderr
    assert "Redis      redis://" in ok.stdout and "version" in ok.stdout
    down = run_cli("status", env={"TAMSOAT_REDIS_URL": "redis://127.0.0.1:1/0"})
    assert down.returncode == 2
    assert "Cannot reach Redis at redis://127.0.0.1:1/0" in down.stderr


def assert_clear_error(result, *fragments: str) -> None:
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    for fragment in fragments:
        assert fragment in result.stderr


def test_unknown_database_scheme(run_cli) -> None:
    assert_clear_error(
        run_cli("findings", "--db", "mysql://localhost/x"),
        "Unsupported database URL scheme 'mysql'",
    )


def test_unreachable_postgresql(run_cli) -> None:
    assert_clear_error(
        run_cli("findings", "--db", "postgresql://127.0.0.1:1/x"),
        "Cannot connect to PostgreSQL at",
        "127.0.0.1:1",
    )


@pytest.mark.skipif(os.geteuid() == 0 and not Path("/proc/1").exists(), reason="needs /proc")
def test_unwritable_workspace(run_cli, tmp_path: Path) -> None:
    # Root ignores mode bits, so use a place no one can write: below a regular file.
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    assert_clear_error(
        run_cli("init", "--home", str(blocker / "ws")), "Cannot create the workspace"
    )


def test_malformed_config_names_the_line(run_cli, home: Path) -> None:
    home.mkdir(parents=True)
    (home / "tamsoat.toml").write_text('[store]\n\nurl = "sqlite:///x\n', encoding="utf-8")
    assert_clear_error(run_cli("findings"), "tamsoat.toml is not valid TOML", "line 3")


def test_unknown_command_is_a_usage_error(run_cli) -> None:
    result = run_cli("frobnicate")
    assert result.returncode == 2
    assert "No such command" in result.stderr
