"""Ed25519 signing keys for notice packages: created once per workspace, verifiable by
platforms with OpenSSL alone."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from reports.errors import StoreError

PRIVATE_KEY_FILE = "signing_key.pem"
PUBLIC_KEY_FILE = "signing_key.pub.pem"


class SigningKeyError(StoreError):
    """A signing key is missing, unreadable or not an Ed25519 key."""


def ensure_keypair(keys_dir: Path) -> tuple[Path, Path]:
    """Create the key pair in ``keys_dir`` unless it exists; the private key is mode 0600."""
    keys_dir.mkdir(parents=True, exist_ok=True)
    private_path = keys_dir / PRIVATE_KEY_FILE
    public_path = keys_dir / PUBLIC_KEY_FILE
    if private_path.exists():
        key = load_private_key(private_path)
    else:
        key = Ed25519PrivateKey.generate()
        pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        # Created with 0600 from the start: never readable by others, not even briefly.
        fd = os.open(private_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(pem)
    if not public_path.exists():
        public_path.write_bytes(public_pem(key.public_key()))
    return private_path, public_path


def public_pem(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def fingerprint(key: Ed25519PublicKey) -> str:
    """sha256 of the DER public key, as OpenSSL prints it: ``openssl pkey -pubin -outform
    DER | sha256sum``."""
    der = key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return hashlib.sha256(der).hexdigest()


def load_private_key(path: Path) -> Ed25519PrivateKey:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise SigningKeyError(f"The signing key {path} is missing; run `tamsoat init`.") from None
    except OSError as exc:
        raise SigningKeyError(f"Cannot read the signing key {path}: {exc.strerror}.") from None
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError):
        raise SigningKeyError(f"{path} is not a readable PEM private key.") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise SigningKeyError(f"{path} is not an Ed25519 key.")
    return key


def load_public_key(path: Path) -> Ed25519PublicKey:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SigningKeyError(f"Cannot read the public key {path}: {exc.strerror}.") from None
    try:
        key = serialization.load_pem_public_key(data)
    except ValueError:
        raise SigningKeyError(f"{path} is not a readable PEM public key.") from None
    if not isinstance(key, Ed25519PublicKey):
        raise SigningKeyError(f"{path} is not an Ed25519 public key.")
    return key
