"""``tamsoat demo``: serve the sample site on loopback and run the whole job on it."""

from __future__ import annotations

from pathlib import Path

import click

from tamsoat.demo.run import PLATFORM, run_demo


@click.command("demo")
@click.option(
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("demo-output"),
    show_default=True,
    help="Folder for the demo's workspace and notice package (replaced).",
)
@click.option("--quiet", is_flag=True, help="Only the summary.")
def demo(out: Path, quiet: bool) -> None:
    """Crawl the bundled sample site on loopback, flag, match, and write a signed notice."""
    result = run_demo(out.resolve(), click.echo, quiet=quiet)
    click.echo(f"""
Done. Workspace: {result.home}
A signed notice package for the matches of the trusted sample list: {result.notice_dir}

Next, as an analyst would:
  export TAMSOAT_HOME={result.home}
  tamsoat findings show ID                 # the excerpt and why it was flagged
  tamsoat review ID --confirm --reason "…"  # a human decides on text findings
  tamsoat report build --platform {PLATFORM} --out notice-2
A platform verifies a package with OpenSSL alone:
  cd {result.notice_dir}
  openssl pkeyutl -verify -pubin -inkey public_key.pem -rawin \\
    -in manifest.json -sigfile manifest.sig
""")
