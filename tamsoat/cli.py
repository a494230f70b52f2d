"""The ``tamsoat`` console script: parses, configures, calls the domain packages, prints.

Errors a user can act on leave as one sentence on stderr and exit code 2, never a
traceback; JSON goes to stdout.
"""

from __future__ import annotations

import sys

import click

from classifier.errors import ClassifierError
from crawler.errors import CrawlError
from hashes.errors import HashError
from reports.errors import StoreError
from tamsoat import __version__
from tamsoat.commands.ack import ack
from tamsoat.commands.classify import classify
from tamsoat.commands.crawl import crawl
from tamsoat.commands.demo import demo
from tamsoat.commands.evaluate import evaluate_command
from tamsoat.commands.findings import findings
from tamsoat.commands.hash import hash_command
from tamsoat.commands.hashlist import hashlist
from tamsoat.commands.init import init
from tamsoat.commands.match import match
from tamsoat.commands.recheck import recheck
from tamsoat.commands.report import report
from tamsoat.commands.review import review_command
from tamsoat.commands.stats import stats
from tamsoat.commands.status import RedisUnavailable, status
from tamsoat.commands.train import train_command
from tamsoat.config import ConfigError
from tamsoat.demo.run import DemoError

# Each domain package raises its own error type for bad input; the face prints them.
USER_ERRORS: tuple[type[Exception], ...] = (
    ConfigError,
    StoreError,
    RedisUnavailable,
    CrawlError,
    DemoError,
    HashError,
    ClassifierError,
)
USAGE_EXIT = 2


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", "-V", prog_name="tamsoat")
@click.option("-v", "--verbose", is_flag=True, help="Log debug messages to stderr.")
def cli(verbose: bool) -> None:
    """tamsoat (tầm soát): find material harmful to children on Vietnamese sites,
    review it, and get it taken down."""


for command in (demo, init, findings, status, crawl, recheck, review_command, report, ack, stats):
    cli.add_command(command)
for command in (hash_command, hashlist, match):
    cli.add_command(command)

for command in (classify, train_command, evaluate_command):
    cli.add_command(command)


def main(argv: list[str] | None = None) -> int:
    try:
        result = cli.main(args=argv, prog_name="tamsoat", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        return 130
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except USER_ERRORS as exc:
        click.echo(f"tamsoat: {exc}", err=True)
        return USAGE_EXIT
    except BrokenPipeError:
        # The reader (head, less) went away: not an error of ours.
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        click.echo("Interrupted.", err=True)
        return 130
    return result if isinstance(result, int) else 0


if __name__ == "__main__":
    sys.exit(main())
