"""End to end, through real crawls: crawl → confirm → notice → verify → tamper → re-check
against a server where one URL now answers 404 → stats → a repeat notice for the item
still live past its deadline."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sites import article_site
from sqlalchemy import select

from reports.models import Notice, NoticeItem
from reports.store import Store
from tamsoat.demo.server import serve

pytestmark = pytest.mark.slow


def test_crawl_to_removal(run_cli, home: Path, model_dir: Path, tmp_path: Path) -> None:
    (tmp_path / "site").mkdir()
    db = f"sqlite:///{home / 'tamsoat.db'}"
    with serve(tmp_path / "site") as site:
        article_site(site.root, 2)
        assert run_cli("init").returncode == 0
        allow = ["--allow-host", site.hostport]
        crawled = run_cli(
            "crawl", f"{site.base}/", *allow, "--delay", "0", "--quiet", "--model", str(model_dir)
        )
        assert crawled.returncode == 0, crawled.stderr
        rows = [json.loads(x) for x in run_cli("findings", "--json").stdout.splitlines()]
        spam = sorted((r for r in rows if r["url"].endswith("-2")), key=lambda r: r["url"])
        assert [r["url"] for r in spam] == [f"{site.base}/bai-{i}.html#c-{i}-2" for i in (0, 1)]
        ids = [str(r["id"]) for r in spam]
        confirmed = run_cli("review", *ids, "--confirm", "--reason", "quảng cáo cá độ")
        assert confirmed.returncode == 0, confirmed.stderr

        package = tmp_path / "notice"
        built = run_cli(
            "report", "build", "--platform", "127.0.0.1", "--out", str(package), "--json"
        )
        assert built.returncode == 0, built.stderr
        notice = json.loads(built.stdout)
        assert len(notice["items"]) == 2
        assert run_cli("report", "verify", str(package)).returncode == 0
        letter = package / "letter.html"
        original = letter.read_bytes()
        letter.write_bytes(original.replace(b"</html>", b"</html> "))
        tampered = run_cli("report", "verify", str(package))
        assert tampered.returncode != 0 and "letter.html" in tampered.stdout + tampered.stderr
        letter.write_bytes(original)

        (site.root / "bai-0.html").unlink()  # the platform took one article down
        checked = run_cli("recheck", "--all", *allow, "--delay", "0")
        assert checked.returncode == 0, checked.stderr
        assert "1 removed, 1 still live" in checked.stdout
        assert site.paths().count("/bai-0.html") == 2  # fetched once by the crawl, once now

        stats = [json.loads(x) for x in run_cli("stats", "--json").stdout.splitlines()]
        [local] = [s for s in stats if s["platform"] == "127.0.0.1"]
        assert (local["items"], local["removed"]) == (2, 1)
        assert 0 <= local["median_hours_to_removal"] < 0.1

        # Time passes: the deadline is behind us and the other item is still there.
        with Store.open(db) as store, store.session() as s:
            s.get_one(Notice, notice["notice_id"]).deadline_at = datetime.now(UTC) - timedelta(
                hours=1
            )
        assert run_cli("recheck", "--due", *allow, "--delay", "0").returncode == 0
        repeat = run_cli(
            "report",
            "build",
            "--platform",
            "127.0.0.1",
            "--repeat",
            "--out",
            str(tmp_path / "notice-2"),
            "--json",
        )
        assert repeat.returncode == 0, repeat.stderr
        second = json.loads(repeat.stdout)
        assert second["sequence"] == 2
        assert second["previous_notice_ids"] == [notice["notice_id"]]
        with Store.open(db) as store, store.session() as s:
            again = s.scalars(
                select(NoticeItem).where(NoticeItem.notice_id == second["notice_id"])
            ).all()
        assert [i.url for i in again] == [f"{site.base}/bai-1.html#c-1-2"]
