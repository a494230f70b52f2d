"""``tamsoat demo``: the whole job on the bundled sample site, on loopback.

A fresh workspace, the sample hash list imported as trusted, the news and forum sites
served on 127.0.0.1, each crawled by its spider in its own process (as an analyst runs
``tamsoat crawl``), a summary of the findings, and a signed notice package for what may
be sent without review (matches of the trusted list).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from reports.records import FindingFilter
from reports.store import Store
from tamsoat.config import Config, load
from tamsoat.demo.server import SiteServer, serve
from tamsoat.workspace import init_workspace

HERE = Path(__file__).parent
SITE = HERE / "site"
SAMPLE_HASHLIST = HERE / "sample_hashlist.csv"
SAMPLE_LIST_NAME = "demo-known-images"

Echo = Callable[[str], None]


@dataclass
class DemoResult:
    config: Config
    findings_by_label: Counter[str] = field(default_factory=Counter)
    findings_by_kind: Counter[str] = field(default_factory=Counter)
    news: str = ""
    forum: str = ""


def fresh_workspace(out: Path) -> Config:
    """A new workspace under ``out``; the environment's store is deliberately ignored so
    the demo never writes into a real one."""
    home = out / "workspace"
    if home.exists():
        shutil.rmtree(home)
    config = load(home=home, environ={})
    init_workspace(config)
    return config


def crawl_in_subprocess(config: Config, spider: str, seed: str, allow: list[SiteServer],
                        quiet: bool) -> None:
    args = [sys.executable, "-m", "tamsoat", "crawl", seed, "--spider", spider,
            "--home", str(config.home), "--db", config.db_url, "--delay", "0"]
    for site in allow:
        args += ["--allow-host", site.hostport]
    if quiet:
        args.append("--quiet")
    env = {k: v for k, v in os.environ.items() if not k.startswith("TAMSOAT_")}
    subprocess.run(args, check=True, env=env,
                   stdout=subprocess.DEVNULL if quiet else None)


def run_demo(out: Path, echo: Echo, *, quiet: bool = False,
             import_hashlist: Callable[[Config, Path, str], int] | None = None) -> DemoResult:
    config = fresh_workspace(out)
    echo(f"Workspace {config.home}")
    if import_hashlist is not None:
        n = import_hashlist(config, SAMPLE_HASHLIST, SAMPLE_LIST_NAME)
        echo(f"Imported the sample hash list {SAMPLE_LIST_NAME!r} ({n} entries, trusted)")
    result = DemoResult(config)
    with serve(SITE / "news") as news, serve(SITE / "forum") as forum:
        for site in (news, forum):
            site.substitutions.update({"NEWS": news.base, "FORUM": forum.base})
        result.news, result.forum = news.base, forum.base
        echo(f"Serving the sample news site at {news.base}/ and the forum at {forum.base}/")
        crawl_in_subprocess(config, "news", f"{news.base}/", [news, forum], quiet)
        crawl_in_subprocess(config, "forum", f"{forum.base}/", [news, forum], quiet)
    with Store.open(config.db_url) as store:
        for finding in store.findings(FindingFilter()):
            result.findings_by_kind[finding.kind] += 1
            for label in finding.labels:
                result.findings_by_label[label] += 1
    return result
