"""``tamsoat demo``: the whole job on the bundled sample site, on loopback.

The demo serves the sample news site and forum on 127.0.0.1 and then runs, in a fresh
workspace, the very commands an analyst would type — each printed before it runs — so
it shows the workflow as well as the result: import the sample hash list (trusted),
crawl each site with its spider, list the findings, build a signed notice package for
what may leave without review, and verify it.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tamsoat.demo.server import serve

HERE = Path(__file__).parent
SITE = HERE / "site"
SAMPLE_HASHLIST = HERE / "sample_hashlist.csv"
SAMPLE_LIST_NAME = "demo-known-images"
PLATFORM = "127.0.0.1"  # an unlisted host is its own platform

Echo = Callable[[str], None]


class DemoError(Exception):
    """A step of the demo failed; the message names the command."""


@dataclass(frozen=True)
class DemoRun:
    home: Path
    notice_dir: Path
    news: str
    forum: str


def run_demo(out: Path, echo: Echo, *, quiet: bool = False) -> DemoRun:
    """Run the demo into ``out`` (replaced if it exists): ``workspace/`` and ``notice/``."""
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    home, notice_dir = out / "workspace", out / "notice"
    env = {k: v for k, v in os.environ.items() if not k.startswith("TAMSOAT_")}
    env["TAMSOAT_HOME"] = str(home)  # never the user's own workspace or database

    def tamsoat(*args: str, summary: bool = False) -> None:
        """Run one command as a user would; with ``quiet`` only summary steps print."""
        shown = summary or not quiet
        if shown:
            echo(f"\n$ tamsoat {shlex.join(args)}")
        proc = subprocess.run(
            [sys.executable, "-m", "tamsoat", *args],
            env=env,
            text=True,
            stdout=None if shown else subprocess.DEVNULL,
        )
        if proc.returncode != 0:
            raise DemoError(f"`tamsoat {shlex.join(args)}` failed (exit {proc.returncode}).")

    with serve(SITE / "news") as news, serve(SITE / "forum") as forum:
        for site in (news, forum):
            site.substitutions.update({"NEWS": news.base, "FORUM": forum.base})
        echo(f"Sample news site at {news.base}/ and forum at {forum.base}/ (loopback only).")
        allow = ["--allow-host", news.hostport, "--allow-host", forum.hostport]
        tamsoat("init")
        tamsoat(
            "hashlist",
            "import",
            str(SAMPLE_HASHLIST),
            "--name",
            SAMPLE_LIST_NAME,
            "--trusted",
            "--description",
            "demo stand-ins (drawings, not real images)",
        )
        tamsoat(
            "crawl",
            f"{news.base}/",
            "--spider",
            "news",
            *allow,
            "--delay",
            "0",
            *(["--quiet"] if quiet else []),
        )
        tamsoat(
            "crawl",
            f"{forum.base}/",
            "--spider",
            "forum",
            *allow,
            "--delay",
            "0",
            *(["--quiet"] if quiet else []),
        )
    tamsoat("findings")
    tamsoat("report", "build", "--platform", PLATFORM, "--out", str(notice_dir), summary=True)
    tamsoat("report", "verify", str(notice_dir), summary=True)
    return DemoRun(home, notice_dir, news.base, forum.base)
