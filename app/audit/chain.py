"""Canonical serialisation and hashing of audit events (shared by the writer and the verifier)."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
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


def _default(value: Any) -> str:
    if isinstance(value, datetime):
        return value.isoformat(timespec="microseconds")
    raise TypeError(f"cannot serialise {type(value).__name__} in an audit event")


def canonical(fields: dict[str, Any]) -> bytes:
    data = {name: fields.get(name) for name in HASHED_FIELDS}
    return json.dumps(
        data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_default
    ).encode()


def event_hash(fields: dict[str, Any]) -> str:
    return hashlib.sha256(canonical(fields)).hexdigest()
