"""Writing and checking the signed files of a package: manifest.json lists the sha256 of
every other file, manifest.sig is the Ed25519 signature of the manifest's exact bytes, so a
platform verifies the whole package with two OpenSSL commands."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from reports.signing import fingerprint, public_pem

MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
PUBLIC_KEY = "public_key.pem"
MANIFEST_VERSION = "1.0"


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def write_signed(
    folder: Path, files: dict[str, bytes], key: Ed25519PrivateKey, notice_id: str
) -> bytes:
    """Write ``files`` and the public key, then the manifest and its signature.

    Returns the manifest bytes (what was signed).
    """
    all_files = dict(files)
    all_files[PUBLIC_KEY] = public_pem(key.public_key())
    for name, data in all_files.items():
        (folder / name).write_bytes(data)
    manifest: dict[str, Any] = {
        "manifest_version": MANIFEST_VERSION,
        "notice_id": notice_id,
        "hash_algorithm": "sha256",
        "signature": {
            "file": SIGNATURE,
            "algorithm": "Ed25519",
            "public_key": PUBLIC_KEY,
            "public_key_fingerprint": fingerprint(key.public_key()),
        },
        "files": {name: sha256_file(folder / name) for name in sorted(all_files)},
    }
    data = (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    (folder / MANIFEST).write_bytes(data)
    (folder / SIGNATURE).write_bytes(key.sign(data))
    return data
