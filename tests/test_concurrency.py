"""Two processes upserting the same records at once end with one row each."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from reports.models import Finding, Page, TextUnit
from reports.store import Store

WRITER = Path(__file__).with_name("concurrent_writer.py")
COUNT = 150


def test_two_processes_upserting_the_same_findings(db_url: str, tmp_path: Path) -> None:
    Store.open(db_url).close()  # schema at head before the race
    barrier = tmp_path / "go"
    procs = [
        subprocess.Popen(
            [sys.executable, str(WRITER), db_url, str(COUNT), str(barrier)],
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    barrier.touch()
    for proc in procs:
        _, err = proc.communicate(timeout=180)
        assert proc.returncode == 0, err
    with Store.open(db_url) as store:
        assert store.count(Page) == COUNT
        assert store.count(TextUnit) == COUNT
        assert store.count(Finding) == COUNT
