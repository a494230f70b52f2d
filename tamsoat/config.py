"""One typed configuration object, built once in the face and passed down.

Precedence, highest first: command-line option > environment (TAMSOAT_HOME, TAMSOAT_DB,
TAMSOAT_REDIS_URL) > the workspace's ``tamsoat.toml`` > the defaults below.
"""

from __future__ import annotations

import dataclasses
import getpass
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_type_hints

CONFIG_FILE = "tamsoat.toml"
DB_FILE = "tamsoat.db"
DEFAULT_HOME = Path("~/.tamsoat")


class ConfigError(Exception):
    """The configuration cannot be read or does not make sense."""


@dataclass(frozen=True)
class StoreConfig:
    url: str = ""  # empty: the SQLite file in the workspace


@dataclass(frozen=True)
class RedisConfig:
    url: str = ""  # empty: no distributed mode


@dataclass(frozen=True)
class ReviewConfig:
    reviewer: str = ""  # empty: the OS user name


@dataclass(frozen=True)
class CrawlConfig:
    contact_url: str = "https://example.invalid/tamsoat-contact"
    download_delay: float = 1.0
    concurrent_requests_per_host: int = 2
    autothrottle: bool = True
    max_page_bytes: int = 16 * 1024 * 1024
    max_image_bytes: int = 20 * 1024 * 1024


@dataclass(frozen=True)
class ReportConfig:
    """Notice packages: who sends them, the deadline, and the texts a letter cites."""

    sender_organisation: str = "Trung tâm Ứng cứu khẩn cấp không gian mạng Việt Nam (VNCERT/CC)"
    sender_department: str = ""
    sender_email: str = ""
    sender_phone: str = ""
    sender_address: str = ""
    sender_url: str = ""
    signatory_role: str = "Chuyên viên phân tích"  # a role, never a person's name
    deadline_hours: int = 24  # Decree 147/2024/NĐ-CP
    recheck_interval_hours: int = 12
    legal_basis_file: str = ""  # empty: the texts shipped in reports/notice/legal_basis.toml
    platforms_file: str = ""  # empty: platforms.toml in the workspace, when it exists


@dataclass(frozen=True)
class HashesConfig:
    pdq_threshold: int = 31  # PDQ matches at Hamming distance up to this
    min_pdq_quality: int = 50  # PDQ hashes of lower quality are recorded, not matched
    max_image_pixels: int = 64_000_000  # larger images are refused (decompression bombs)


@dataclass(frozen=True)
class ClassifierConfig:
    model_dir: str = ""  # empty: the default model, built once into the cache (below)
    cache_dir: str = ""  # empty: $XDG_CACHE_HOME/tamsoat, else ~/.cache/tamsoat


@dataclass(frozen=True)
class Config:
    home: Path
    store: StoreConfig = field(default_factory=StoreConfig)
    redis: RedisConfig = field(default_factory=RedisConfig)
    review: ReviewConfig = field(default_factory=ReviewConfig)
    crawl: CrawlConfig = field(default_factory=CrawlConfig)
    hashes: HashesConfig = field(default_factory=HashesConfig)
    report: ReportConfig = field(default_factory=ReportConfig)
    classifier: ClassifierConfig = field(default_factory=ClassifierConfig)

    @property
    def config_file(self) -> Path:
        return self.home / CONFIG_FILE

    @property
    def db_url(self) -> str:
        return self.store.url or f"sqlite:///{self.home / DB_FILE}"

    @property
    def platforms_file(self) -> Path:
        """The operator's platforms file: [report] platforms_file, else the workspace's."""
        if self.report.platforms_file:
            return Path(self.report.platforms_file).expanduser()
        return self.home / "platforms.toml"

    @property
    def keys_dir(self) -> Path:
        return self.home / "keys"

    @property
    def logs_dir(self) -> Path:
        return self.home / "logs"

    @property
    def models_dir(self) -> Path:
        """Where the default text model is cached: one per user, shared by every workspace.

        Building it takes minutes; its cache key covers the corpus and the feature code, so
        a new workspace (or the demo's) reuses it safely.
        """
        return Path(self.classifier.cache_dir).expanduser() / "models"

    @property
    def reviewer(self) -> str:
        return self.review.reviewer or _os_user()


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "analyst"


SECTIONS: dict[str, type] = {
    "store": StoreConfig,
    "redis": RedisConfig,
    "review": ReviewConfig,
    "crawl": CrawlConfig,
    "hashes": HashesConfig,
    "report": ReportConfig,
    "classifier": ClassifierConfig,
}


def resolve_home(option: str | Path | None, environ: dict[str, str]) -> Path:
    raw = option or environ.get("TAMSOAT_HOME") or DEFAULT_HOME
    return Path(raw).expanduser().resolve()


def load(
    home: str | Path | None = None,
    db: str | None = None,
    redis_url: str | None = None,
    environ: dict[str, str] | None = None,
) -> Config:
    """Build the Config: arguments override the environment, which overrides the file."""
    env = dict(os.environ if environ is None else environ)
    home_path = resolve_home(home, env)
    file_values = read_file(home_path / CONFIG_FILE)
    sections = {
        name: _section(name, cls, file_values.get(name, {})) for name, cls in SECTIONS.items()
    }

    db_url = db or env.get("TAMSOAT_DB")
    if db_url:
        sections["store"] = dataclasses.replace(sections["store"], url=db_url)
    redis = redis_url or env.get("TAMSOAT_REDIS_URL")
    if redis:
        sections["redis"] = dataclasses.replace(sections["redis"], url=redis)
    if not sections["classifier"].cache_dir:
        xdg = env.get("XDG_CACHE_HOME")
        cache = (Path(xdg) if xdg else Path.home() / ".cache") / "tamsoat"
        sections["classifier"] = dataclasses.replace(sections["classifier"], cache_dir=str(cache))
    return Config(home=home_path, **sections)


def read_file(path: Path) -> dict[str, Any]:
    """Parse tamsoat.toml; a missing file is an empty one."""
    try:
        raw = path.read_bytes()
    except (FileNotFoundError, NotADirectoryError):
        return {}
    except OSError as exc:
        raise ConfigError(f"Cannot read {path}: {exc.strerror}.") from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ConfigError(f"{path} is not UTF-8 text.") from None
    except tomllib.TOMLDecodeError as exc:
        # tomllib's message already names the line and column: "... (at line 3, column 7)"
        raise ConfigError(f"{path} is not valid TOML: {exc}.") from None
    unknown = sorted(set(data) - set(SECTIONS))
    if unknown:
        raise ConfigError(
            f"{path}: unknown section [{unknown[0]}]; known sections: {', '.join(SECTIONS)}."
        )
    return data


def _section(name: str, cls: type, values: Any) -> Any:
    if not isinstance(values, dict):
        raise ConfigError(f"{CONFIG_FILE}: [{name}] must be a table of settings.")
    hints = get_type_hints(cls)
    known = {f.name for f in dataclasses.fields(cls)}
    for key, value in values.items():
        if key not in known:
            raise ConfigError(
                f"{CONFIG_FILE}: unknown setting {key!r} in [{name}]; "
                f"known: {', '.join(sorted(known))}."
            )
        expected = hints[key]
        ok = isinstance(value, expected) and not (expected is not bool and isinstance(value, bool))
        if expected is float and isinstance(value, int) and not isinstance(value, bool):
            ok = True
        if not ok:
            raise ConfigError(
                f"{CONFIG_FILE}: [{name}] {key} must be a {expected.__name__}, not {value!r}."
            )
    return cls(**values)


def default_file_text() -> str:
    """The commented tamsoat.toml that ``tamsoat init`` writes."""
    lines = [
        "# tamsoat workspace configuration.",
        "# Precedence: command-line option > environment > this file > defaults.",
        "",
    ]
    for name, cls in SECTIONS.items():
        lines.append(f"[{name}]")
        for f in dataclasses.fields(cls):
            default = f.default
            lines.append(f"# {f.name} = {_toml_value(default)}")
        lines.append("")
    return "\n".join(lines)


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return str(value)
