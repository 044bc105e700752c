"""Canonical serialisation and hashing of audit events (shared by the writer and the verifier).

An event's hash is SHA-256 over the compact, key-sorted JSON of ``HASHED_FIELDS``; timestamps are
ISO 8601 in UTC with microseconds (``2026-01-31T02:03:04.000005+00:00``). The same canonical JSON
serves for frozen answers and checkpoint messages, so there is one definition of "the same data".
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

GENESIS_HASH = "0" * 64
HASHED_FIELDS = (
    "seq",
    "occurred_dt",
    "actor_user_id",
    "actor_role",
    "agency_code",
    "program_key",
    "action",
    "object_type",
    "object_id",
    "object_version",
    "summary",
    "reason",
    "request_id",
    "prev_hash",
)
CHECKPOINT_DOMAIN = "sibantu-audit-checkpoint:v1"


def iso_utc(value: datetime) -> str:
    return value.astimezone(UTC).isoformat(timespec="microseconds")


def _default(value: Any) -> str:
    if isinstance(value, datetime):
        return iso_utc(value)
    if hasattr(value, "isoformat"):  # date, time
        return value.isoformat()
    raise TypeError(f"cannot serialise {type(value).__name__} in audit data")


#: One pre-built encoder: ``json.dumps`` with keyword arguments builds a new one on every call.
_ENCODER = json.JSONEncoder(
    sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_default
)
encode_json = _ENCODER.encode


def canonical_json(value: Any) -> bytes:
    """Compact, key-sorted UTF-8 JSON: equal data always gives equal bytes."""
    return encode_json(value).encode()


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def canonical(fields: dict[str, Any]) -> bytes:
    return canonical_json({name: fields.get(name) for name in HASHED_FIELDS})


def event_hash(fields: dict[str, Any]) -> str:
    return sha256_hex(canonical(fields))


def checkpoint_message(seq: int, head_hash: str) -> bytes:
    """The bytes an Ed25519 checkpoint signature covers."""
    return f"{CHECKPOINT_DOMAIN}:{seq}:{head_hash}".encode()
