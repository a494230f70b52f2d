"""Shared fixtures: a clean store on SQLite and on the real PostgreSQL, and the CLI.

PostgreSQL and Redis are real servers (127.0.0.1 by default; override with
TAMSOAT_TEST_PG_URL / TAMSOAT_TEST_REDIS_URL). Where one is absent its tests skip with
the reason, except under CI=true, where a missing service is a failure.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from reports.store import Store

PG_URL = os.environ.get("TAMSOAT_TEST_PG_URL", "postgresql+psycopg://root@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("TAMSOAT_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("TAMSOAT_SHARED", REPO.parent / "shared"))


def service_missing(name: str, reason: str) -> None:
    """Skip, or fail under CI, when a service the test needs is not there."""
    message = f"{name} is not available: {reason}"
    if IN_CI:
        pytest.fail(f"{message} (CI=true requires it)", pytrace=False)
    pytest.skip(message)


def _pg_reason() -> str | None:
    try:
        engine = create_engine(PG_URL, connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
    except Exception as exc:  # any failure means: no usable server
        return str(exc).splitlines()[0]
    return None


@pytest.fixture(scope="session")
def pg_available() -> str | None:
    return _pg_reason()


@pytest.fixture
def pg_url(pg_available: str | None) -> Iterator[str]:
    """A PostgreSQL URL whose search_path is a fresh schema, dropped afterwards."""
    if pg_available is not None:
        service_missing("PostgreSQL", pg_available)
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(PG_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'store.db'}"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest) -> str:
    """Each store test runs on both backends, each time on a clean database."""
    name = "sqlite_url" if request.param == "sqlite" else "pg_url"
    return str(request.getfixturevalue(name))


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    with Store.open(db_url) as s:
        yield s


@pytest.fixture
def redis_url() -> str:
    try:
        import redis

        client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3)
        client.ping()
        client.close()
    except Exception as exc:
        service_missing("Redis", str(exc).splitlines()[0])
    return REDIS_URL


@pytest.fixture
def shared_dir() -> Path:
    """../shared beside the checkout; absent on a fresh machine (tests skip, CI fails)."""
    if not (SHARED / "DESIGN.md").exists():
        service_missing("../shared", f"{SHARED} does not exist")
    return SHARED


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str
    seconds: float = 0.0


def tamsoat(
    *args: str,
    home: Path,
    env: dict[str, str] | None = None,
    input: str | None = None,
    timeout: float = 120,
) -> Run:
    """Run the installed ``tamsoat`` console script in a subprocess, as a user would."""
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("TAMSOAT_")}
    full_env["TAMSOAT_HOME"] = str(home)
    full_env.update(env or {})
    start = time.perf_counter()
    proc = subprocess.run(
        [str(Path(sys.executable).with_name("tamsoat")), *args],
        capture_output=True,
        text=True,
        env=full_env,
        input=input,
        timeout=timeout,
    )
    return Run(proc.returncode, proc.stdout, proc.stderr, time.perf_counter() - start)


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "home"


@pytest.fixture
def run_cli(home: Path) -> object:
    """``tamsoat(...)`` in this test's own workspace."""

    def run(
        *args: str,
        env: dict[str, str] | None = None,
        input: str | None = None,
        timeout: float = 120,
    ) -> Run:
        return tamsoat(*args, home=home, env=env, input=input, timeout=timeout)

    return run


@pytest.fixture(scope="session", autouse=True)
def model_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A cache directory of the session's own: tests never read or fill the user's cache,
    and every ``tamsoat`` they start finds the one default model built below."""
    cache = tmp_path_factory.mktemp("xdg-cache")
    patch = pytest.MonkeyPatch()
    patch.setenv("XDG_CACHE_HOME", str(cache))
    yield cache / "tamsoat" / "models"
    patch.undo()


FIRST_TEXT = "Nạp 500k nhận 1tr, zalo 0912345678\n"


@pytest.fixture(scope="session")
def first_classify(model_cache: Path, tmp_path_factory: pytest.TempPathFactory) -> Run:
    """The first ``tamsoat classify`` of a fresh machine: it builds the default model from
    the shipped corpus into the (empty) cache. The one build of the session: every test
    that needs the default model uses this one."""
    assert not model_cache.exists(), "the session cache must start empty"
    home = tmp_path_factory.mktemp("first-classify")
    return tamsoat("classify", home=home, input=FIRST_TEXT, timeout=900)


@pytest.fixture(scope="session")
def model_dir(first_classify: Run, model_cache: Path) -> Path:
    """The default model, as the first ``tamsoat classify`` built it."""
    from classifier.default import default_model_dir

    assert first_classify.returncode == 0, first_classify.stderr[-2000:]
    return default_model_dir(model_cache)
