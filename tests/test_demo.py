"""`tamsoat demo` end to end: the planted harm is found, the hard negatives are not."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from reports.models import Finding, Page, TextUnit
from reports.store import Store

EXPECTED = json.loads(
    (Path(__file__).parent.parent / "tamsoat/demo/expected.json").read_text(encoding="utf-8")
)

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory: pytest.TempPathFactory, model_dir: Path):
    """The demo as `make demo` runs it; it reuses the session's default model (same cache)."""
    import subprocess
    import sys

    out = tmp_path_factory.mktemp("demo") / "out"
    proc = subprocess.run(
        [str(Path(sys.executable).with_name("tamsoat")), "demo", "--out", str(out), "--quiet"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return out, proc.stdout


def text_findings(out: Path) -> dict[tuple[str, str], Finding]:
    """(page path, unit key) -> finding."""
    with Store.open(f"sqlite:///{out / 'workspace' / 'tamsoat.db'}") as store, store.session() as s:
        rows = s.execute(
            select(Finding, TextUnit, Page)
            .join(TextUnit, TextUnit.id == Finding.text_unit_id)
            .join(Page, Page.id == Finding.page_id)
        ).all()
        return {(urlsplit(p.url).path, u.unit_key): f for f, u, p in rows}


def image_findings(out: Path) -> list[Finding]:
    with Store.open(f"sqlite:///{out / 'workspace' / 'tamsoat.db'}") as store:
        return [f for f in store.findings() if f.kind == "image"]


def unit_key(entry: dict) -> str:
    unit = entry["unit"]
    if unit == "body":
        return "body"
    return f"post:{unit}" if unit.startswith("post-") else f"comment:{unit}"


def test_every_planted_harmful_unit_is_found_with_its_label(demo_run) -> None:
    out, _ = demo_run
    found = text_findings(out)
    missing = []
    for entry in EXPECTED["harmful"]:
        finding = found.get((entry["page"], unit_key(entry)))
        if finding is None or not set(entry["labels"]) <= set(finding.labels):
            missing.append(
                (entry["page"], entry["unit"], entry["labels"], finding.labels if finding else None)
            )
    assert missing == []


def test_no_hard_negative_is_flagged(demo_run) -> None:
    out, _ = demo_run
    found = text_findings(out)
    flagged = [
        (e["page"], e["unit"], found[(e["page"], unit_key(e))].labels)
        for e in EXPECTED["hard_negatives"]
        if (e["page"], unit_key(e)) in found
    ]
    assert flagged == []


def test_known_images_match_the_sample_list_and_leave_in_a_signed_notice(demo_run) -> None:
    out, stdout = demo_run
    matched = {urlsplit(f.url).path for f in image_findings(out)}
    assert matched == {e["image"] for e in EXPECTED["known_images"]}
    notice = json.loads((out / "notice" / "notice.json").read_text(encoding="utf-8"))
    assert len(notice["items"]) == len(EXPECTED["known_images"])
    assert "verified" in stdout


def test_news_articles_keep_their_metadata(demo_run) -> None:
    out, _ = demo_run
    with Store.open(f"sqlite:///{out / 'workspace' / 'tamsoat.db'}") as store, store.session() as s:
        pages = s.scalars(select(Page).where(Page.url.like("%/bai-viet/%"))).all()
    assert len(pages) == 10
    assert all({"published", "section"} <= set(p.meta) for p in pages)
