"""The Ed25519 key that signs audit checkpoints, and the pinned public keys that verify them.

Configuration: ``AUDIT_SIGNING_KEY`` (base64 of the raw 32-byte private key) on the machine that
makes checkpoints; ``AUDIT_PUBLIC_KEY`` (base64 of the raw 32-byte public key, several separated
by commas during a key rotation) wherever the chain is verified. In the embedded default (no
configuration, not production) a key is generated once into ``instance/audit_signing_key``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)
from flask import current_app

INSTANCE_FILE = "audit_signing_key"


class AuditKeyError(RuntimeError):
    """The audit signing or verification key is missing or malformed."""


def decode_key(value: str, name: str) -> bytes:
    """Standard or URL-safe base64, padding optional, of exactly 32 bytes."""
    text = value.strip().replace("-", "+").replace("_", "/")
    try:
        raw = base64.b64decode(text + "=" * (-len(text) % 4), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise AuditKeyError(f"{name} is not valid base64") from exc
    if len(raw) != 32:
        raise AuditKeyError(f"{name} must be 32 raw bytes, base64 encoded")
    return raw


def raw_public(public_key: Ed25519PublicKey) -> bytes:
    return public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def raw_private(private_key: Ed25519PrivateKey) -> bytes:
    return private_key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())


def key_id(public_key: Ed25519PublicKey) -> str:
    """First 16 hex digits of SHA-256 over the raw public key."""
    return hashlib.sha256(raw_public(public_key)).hexdigest()[:16]


def generate_keypair() -> tuple[str, str]:
    """A new (private, public) pair, each base64 of the raw 32 bytes."""
    private_key = Ed25519PrivateKey.generate()
    return _b64(raw_private(private_key)), _b64(raw_public(private_key.public_key()))


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def instance_signing_key(instance_path: str | Path) -> str:
    """Read the generated key from ``instance/``, creating it (mode 0600) on first use."""
    path = Path(instance_path) / INSTANCE_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process won the race
            return path.read_text().strip()
        with os.fdopen(fd, "w") as handle:
            handle.write(generate_keypair()[0])
    return path.read_text().strip()


def _configured_signing_key() -> str:
    value = current_app.config.get("AUDIT_SIGNING_KEY")
    if value:
        return value
    if current_app.config.get("PROFILE") == "production":
        raise AuditKeyError("AUDIT_SIGNING_KEY must be set in production")
    return instance_signing_key(current_app.instance_path)


def signing_key() -> Ed25519PrivateKey:
    raw = decode_key(_configured_signing_key(), "AUDIT_SIGNING_KEY")
    return Ed25519PrivateKey.from_private_bytes(raw)


def parse_public_keys(value: str) -> dict[str, Ed25519PublicKey]:
    keys = [
        Ed25519PublicKey.from_public_bytes(decode_key(part, "AUDIT_PUBLIC_KEY"))
        for part in value.split(",")
        if part.strip()
    ]
    return {key_id(key): key for key in keys}


def public_keys() -> dict[str, Ed25519PublicKey]:
    """The pinned verification keys by key id; without a pin, the signing key's own public key."""
    pinned = current_app.config.get("AUDIT_PUBLIC_KEY")
    if pinned:
        return parse_public_keys(pinned)
    public_key = signing_key().public_key()
    return {key_id(public_key): public_key}
