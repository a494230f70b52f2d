"""Checking a notice package the way a platform would: the signature over the manifest
bytes, then every file's sha256, then notice.json against the shipped schema. Every
failure is named; nothing stops at the first."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from reports.errors import StoreError
from reports.notice.document import schema_errors
from reports.notice.package import MANIFEST, PUBLIC_KEY, SIGNATURE, sha256_file
from reports.signing import SigningKeyError, fingerprint, load_public_key


@dataclass
class VerifyReport:
    folder: Path
    public_key_fingerprint: str = ""
    problems: list[str] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def verify_package(folder: Path, public_key: Path | None = None) -> VerifyReport:
    """Verify ``folder``; with ``public_key`` the package's own key is not trusted."""
    if not folder.is_dir():
        raise StoreError(f"{folder} is not a folder holding a notice package.")
    report = VerifyReport(folder)
    key = _key(folder, public_key, report)
    manifest_path = folder / MANIFEST
    try:
        manifest_bytes = manifest_path.read_bytes()
    except OSError:
        report.problems.append(f"{MANIFEST}: missing or unreadable")
        return report
    sig_path = folder / SIGNATURE
    if key is not None:
        try:
            key.verify(sig_path.read_bytes(), manifest_bytes)
            report.checked.append(f"{SIGNATURE}: good Ed25519 signature of {MANIFEST}")
        except FileNotFoundError:
            report.problems.append(f"{SIGNATURE}: missing")
        except InvalidSignature:
            report.problems.append(
                f"{SIGNATURE}: the signature does not match {MANIFEST} and this public key"
            )
    try:
        manifest = json.loads(manifest_bytes)
        files = manifest["files"]
        if not isinstance(files, dict):
            raise TypeError
    except (ValueError, KeyError, TypeError):
        report.problems.append(f"{MANIFEST}: not a manifest (no 'files' table)")
        return report
    for name, expected in sorted(files.items()):
        path = folder / name
        if Path(name).name != name:
            report.problems.append(f"{MANIFEST}: file name {name!r} is not a plain file name")
        elif not path.is_file():
            report.problems.append(f"{name}: listed in {MANIFEST} but missing")
        elif sha256_file(path) != expected:
            report.problems.append(f"{name}: sha256 differs from {MANIFEST}")
        else:
            report.checked.append(f"{name}: sha256 ok")
    extra = sorted(
        p.name
        for p in folder.iterdir()
        if p.name not in files and p.name not in (MANIFEST, SIGNATURE)
    )
    for name in extra:
        report.problems.append(f"{name}: not covered by {MANIFEST}")
    _check_schema(folder, files, report)
    return report


def _key(folder: Path, public_key: Path | None, report: VerifyReport) -> Ed25519PublicKey | None:
    if public_key is not None:
        key = load_public_key(public_key)  # a bad --public-key is the user's error
    else:
        try:
            key = load_public_key(folder / PUBLIC_KEY)
        except SigningKeyError as exc:
            report.problems.append(f"{PUBLIC_KEY}: {exc}")
            return None
    report.public_key_fingerprint = fingerprint(key)
    return key


def _check_schema(folder: Path, files: dict[str, str], report: VerifyReport) -> None:
    path = folder / "notice.json"
    if "notice.json" not in files:
        report.problems.append(f"notice.json: not listed in {MANIFEST}")
        return
    if not path.is_file():
        return  # already reported as missing
    try:
        doc = json.loads(path.read_bytes())
    except (ValueError, UnicodeDecodeError):
        report.problems.append("notice.json: not valid JSON")
        return
    errors = schema_errors(doc)
    for message in errors[:5]:
        report.problems.append(f"notice.json: schema: {message}")
    if not errors:
        report.checked.append("notice.json: valid against the notice schema")
