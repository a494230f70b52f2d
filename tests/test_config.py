"""Configuration precedence: option > environment > tamsoat.toml > defaults."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from tamsoat.config import ConfigError, default_file_text, load


def write(home: Path, text: str) -> None:
    home.mkdir(parents=True, exist_ok=True)
    (home / "tamsoat.toml").write_text(text, encoding="utf-8")


def test_defaults(tmp_path: Path) -> None:
    config = load(home=tmp_path, environ={})
    assert config.db_url == f"sqlite:///{tmp_path / 'tamsoat.db'}"
    assert config.redis.url == ""
    assert config.crawl.download_delay >= 1.0


def test_home_from_environment_and_option(tmp_path: Path) -> None:
    env = {"TAMSOAT_HOME": str(tmp_path / "env")}
    assert load(environ=env).home == tmp_path / "env"
    assert load(home=tmp_path / "opt", environ=env).home == tmp_path / "opt"


def test_file_then_environment_then_option(tmp_path: Path) -> None:
    write(tmp_path, '[store]\nurl = "sqlite:///from-file.db"\n[redis]\nurl = "redis://file"\n')
    assert load(home=tmp_path, environ={}).db_url == "sqlite:///from-file.db"
    env = {"TAMSOAT_DB": "sqlite:///from-env.db", "TAMSOAT_REDIS_URL": "redis://env"}
    config = load(home=tmp_path, environ=env)
    assert (config.db_url, config.redis.url) == ("sqlite:///from-env.db", "redis://env")
    config = load(
        home=tmp_path, db="sqlite:///from-option.db", redis_url="redis://opt", environ=env
    )
    assert (config.db_url, config.redis.url) == ("sqlite:///from-option.db", "redis://opt")


def test_model_cache_is_per_user_unless_configured(tmp_path: Path) -> None:
    xdg = {"XDG_CACHE_HOME": str(tmp_path / "xdg")}
    assert load(home=tmp_path / "a", environ=xdg).models_dir == tmp_path / "xdg/tamsoat/models"
    assert load(home=tmp_path / "b", environ=xdg).models_dir == tmp_path / "xdg/tamsoat/models"
    assert load(home=tmp_path, environ={}).models_dir == Path.home() / ".cache/tamsoat/models"
    write(tmp_path, f'[classifier]\ncache_dir = "{tmp_path / "mine"}"\n')
    assert load(home=tmp_path, environ=xdg).models_dir == tmp_path / "mine/models"


def test_typed_values_from_the_file(tmp_path: Path) -> None:
    write(tmp_path, "[crawl]\ndownload_delay = 2\nconcurrent_requests_per_host = 1\n")
    config = load(home=tmp_path, environ={})
    assert config.crawl.download_delay == 2.0
    assert config.crawl.concurrent_requests_per_host == 1


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[store]\nurl = "unterminated\n', r"not valid TOML: .*line 2"),
        ("[nonsense]\nx = 1\n", r"unknown section \[nonsense\]"),
        ("[crawl]\nspeed = 3\n", r"unknown setting 'speed' in \[crawl\]"),
        ('[crawl]\ndownload_delay = "fast"\n', r"download_delay must be a float"),
        ("[crawl]\nconcurrent_requests_per_host = true\n", r"must be a int"),
        ("store = 3\n", r"\[store\] must be a table"),
    ],
)
def test_bad_files_are_named(tmp_path: Path, text: str, message: str) -> None:
    write(tmp_path, text)
    with pytest.raises(ConfigError, match=message):
        load(home=tmp_path, environ={})


def test_the_file_init_writes_is_valid_and_all_defaults(tmp_path: Path) -> None:
    written, empty = tmp_path / "written", tmp_path / "empty"
    write(written, default_file_text())
    no_file = load(home=empty, environ={})
    assert load(home=written, environ={}) == dataclasses.replace(no_file, home=written)
