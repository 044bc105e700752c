"""Protection of personal identifiers (NIK, KK) at rest.

Values are encrypted with AES-256-GCM; exact look-ups go through a keyed blind index
(HMAC-SHA256 with a separate key and a purpose label), so no column ever holds a plaintext NIK.
Ciphertexts start with a one-byte key version to allow key rotation later.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from dataclasses import dataclass

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

KEY_VERSION = 1


@dataclass(frozen=True)
class Keyring:
    encryption_key: bytes
    index_key: bytes


_keyring: Keyring | None = None


def _decode_key(value: str, name: str) -> bytes:
    raw = base64.urlsafe_b64decode(value.encode())
    if len(raw) != 32:
        raise ValueError(f"{name} must be 32 bytes, base64url encoded")
    return raw


def init_app(app) -> None:
    global _keyring
    _keyring = Keyring(
        encryption_key=_decode_key(app.config["PII_ENCRYPTION_KEY"], "PII_ENCRYPTION_KEY"),
        index_key=_decode_key(app.config["PII_INDEX_KEY"], "PII_INDEX_KEY"),
    )


def _keys() -> Keyring:
    if _keyring is None:
        raise RuntimeError("PII keys are not configured (call app.common.pii.init_app)")
    return _keyring


def encrypt(plaintext: str, *, purpose: str) -> bytes:
    nonce = os.urandom(12)
    sealed = AESGCM(_keys().encryption_key).encrypt(nonce, plaintext.encode(), purpose.encode())
    return bytes([KEY_VERSION]) + nonce + sealed


def decrypt(blob: bytes, *, purpose: str) -> str:
    if not blob or blob[0] != KEY_VERSION:
        raise ValueError("unknown PII key version")
    nonce, sealed = blob[1:13], blob[13:]
    return AESGCM(_keys().encryption_key).decrypt(nonce, sealed, purpose.encode()).decode()


def blind_index(value: str, *, purpose: str) -> str:
    """Deterministic keyed digest of a normalised identifier, for equality look-ups only."""
    message = f"{purpose}:{value}".encode()
    return hmac.new(_keys().index_key, message, hashlib.sha256).hexdigest()


def fingerprint(value: str) -> str:
    """Short non-reversible digest for logs (never log the value itself)."""
    return hashlib.sha256(value.encode()).hexdigest()[:12]


def b64(blob: bytes) -> str:
    return base64.b64encode(blob).decode()
