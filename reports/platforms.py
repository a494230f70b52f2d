"""Who receives a notice: platform ids, their hosts, and the legal entity to address.

The shipped ``platforms.toml`` names the services common in Vietnam with empty legal and
contact fields; the operator fills them in a workspace file of the same shape. A host that
no platform claims is its own platform, named by its registrable domain, so every finding
has a recipient even on a small site nobody listed.
"""

from __future__ import annotations

import logging
import tomllib
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import tldextract

from reports.errors import StoreError

log = logging.getLogger(__name__)

SHIPPED = Path(__file__).with_name("platforms.toml")
FIELDS = ("name", "domains", "legal_entity", "address", "email", "contact_url", "dsa")


class PlatformError(StoreError):
    """A platforms file is unreadable or wrong, or a platform id is unknown."""


@dataclass(frozen=True)
class Platform:
    id: str
    name: str
    domains: tuple[str, ...] = ()
    legal_entity: str = ""
    address: str = ""
    email: str = ""
    contact_url: str = ""
    dsa: bool = False
    listed: bool = True  # False: a registrable domain that no platforms file names

    def recipient(self) -> dict[str, Any]:
        """The ``recipient`` object of notice.json."""
        return {
            "platform": self.id,
            "name": self.name,
            "legal_entity": self.legal_entity,
            "address": self.address,
            "email": self.email,
            "contact_url": self.contact_url,
        }


@dataclass(frozen=True)
class Platforms:
    by_id: dict[str, Platform] = field(default_factory=dict)

    def platform_for_host(self, host: str) -> str:
        """The platform id for a host: the longest listed domain it falls under, else its
        registrable domain (an IP address or a single label stays as it is)."""
        host = host.lower().rstrip(".")
        best, best_len = "", -1
        for platform in self.by_id.values():
            for domain in platform.domains:
                if (host == domain or host.endswith("." + domain)) and len(domain) > best_len:
                    best, best_len = platform.id, len(domain)
        return best or registrable_domain(host)

    def platform_for_url(self, url: str) -> str:
        return self.platform_for_host(urlsplit(url).hostname or "")

    def get(self, platform_id: str) -> Platform:
        """A listed platform, or an unlisted one named by a registrable domain."""
        if platform_id in self.by_id:
            return self.by_id[platform_id]
        if "." in platform_id or platform_id == "localhost":
            return Platform(id=platform_id, name=platform_id, listed=False)
        raise PlatformError(
            f"Unknown platform {platform_id!r}: not in the platforms file and not a domain name."
        )


@lru_cache(maxsize=1)
def _extractor() -> tldextract.TLDExtract:
    # The suffix list snapshot that ships with tldextract: never fetched at run time.
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


def registrable_domain(host: str) -> str:
    parts = _extractor()(host)
    if not parts.suffix:
        return host
    return f"{parts.domain}.{parts.suffix}" if parts.domain else host


def load_platforms(override: Path | None = None) -> Platforms:
    """The shipped platforms, with a workspace file's tables laid over them."""
    by_id = {pid: _platform(pid, values, SHIPPED) for pid, values in _read(SHIPPED).items()}
    if override is not None and override.exists():
        for pid, values in _read(override).items():
            base = by_id.get(pid)
            if base is None:
                by_id[pid] = _platform(pid, values, override)
            else:
                by_id[pid] = replace(base, **_checked(pid, values, override))
    return Platforms(by_id)


def _read(path: Path) -> dict[str, Any]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise PlatformError(f"Cannot read the platforms file {path}: {exc.strerror}.") from None
    except UnicodeDecodeError:
        raise PlatformError(f"The platforms file {path} is not UTF-8 text.") from None
    except tomllib.TOMLDecodeError as exc:
        raise PlatformError(f"The platforms file {path} is not valid TOML: {exc}.") from None
    for pid, values in data.items():
        if not isinstance(values, dict):
            raise PlatformError(f"{path}: [{pid}] must be a table of platform fields.")
    return data


def _checked(pid: str, values: dict[str, Any], path: Path) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in values.items():
        if key not in FIELDS:
            raise PlatformError(
                f"{path}: unknown field {key!r} in [{pid}]; known: {', '.join(FIELDS)}."
            )
        if key == "domains":
            if not isinstance(value, list) or not all(isinstance(d, str) for d in value):
                raise PlatformError(f"{path}: [{pid}] domains must be a list of host names.")
            out[key] = tuple(d.lower().strip(".") for d in value)
        elif key == "dsa":
            if not isinstance(value, bool):
                raise PlatformError(f"{path}: [{pid}] dsa must be true or false.")
            out[key] = value
        else:
            if not isinstance(value, str):
                raise PlatformError(f"{path}: [{pid}] {key} must be a string.")
            out[key] = value
    return out


def _platform(pid: str, values: dict[str, Any], path: Path) -> Platform:
    fields = _checked(pid, values, path)
    fields.setdefault("name", pid)
    return Platform(id=pid, **fields)
