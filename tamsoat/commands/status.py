"""``tamsoat status``: what this workspace uses and whether each part answers."""

from __future__ import annotations

import click

from reports import migrate
from reports.db import describe, normalise_url
from reports.models import Finding, HashList, Page
from tamsoat.config import Config
from tamsoat.face import open_store, with_config


class RedisUnavailable(Exception):
    """Redis is configured but cannot be reached (or the client is not installed)."""


def redis_ping(url: str) -> str:
    """Ping Redis and return its version; raise RedisUnavailable with a clear reason."""
    try:
        import redis
    except ImportError:
        raise RedisUnavailable(
            "Redis is configured but the client is missing: pip install 'tamsoat[distributed]'."
        ) from None
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=3, socket_timeout=3)
        info = client.info("server")
        client.close()
    except (redis.RedisError, ValueError) as exc:
        raise RedisUnavailable(f"Cannot reach Redis at {url}: {exc}.") from None
    return str(info.get("redis_version", "?"))


@click.command("status")
@with_config
def status(config: Config) -> None:
    """Show the workspace, the store and Redis, and check that each answers."""
    click.echo(f"Workspace  {config.home}")
    with open_store(config) as store:
        revision = migrate.current_revision(store.engine)
        click.echo(f"Store      {describe(normalise_url(config.db_url))} (schema {revision})")
        click.echo(
            f"           {store.count(Page)} pages, {store.count(Finding)} findings, "
            f"{store.count(HashList)} hash lists"
        )
    if config.redis.url:
        click.echo(f"Redis      {config.redis.url} (version {redis_ping(config.redis.url)})")
    else:
        click.echo("Redis      not configured (single-machine mode)")
