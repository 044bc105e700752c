"""Idempotency keys: a retried create or transition returns the first result and changes nothing.

The record (token, key, request fingerprint, status, body) is written in the SAME transaction as
the change it describes, so either both exist or neither does. Two racing requests with one key
collide on the unique constraint; the loser replays the winner's result.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

import sqlalchemy as sa
from flask import request

from app.api.models import ApiToken, IdempotencyRecord
from app.api.problems import ApiProblem
from app.extensions import db

HEADER = "Idempotency-Key"
MAX_KEY = 100
KEY_RE = re.compile(r"[A-Za-z0-9._:-]{1,100}")


def key_from_request() -> str | None:
    key = request.headers.get(HEADER)
    if key is None:
        return None
    if not KEY_RE.fullmatch(key):
        raise ApiProblem(400, f"{HEADER} harus 1-{MAX_KEY} karakter A-Z, a-z, 0-9, . _ : -",
                         code="bad_idempotency_key")
    return key


def fingerprint(parsed_body: Any) -> str:
    """What identifies "the same request": method, path, If-Match and the parsed body.

    The parsed body (not the raw bytes) is hashed so that a multipart retry with a new boundary,
    or JSON with other whitespace or key order, counts as the same request.
    """
    material = {
        "method": request.method,
        "path": request.path,
        "if_match": request.headers.get("If-Match"),
        "body": parsed_body,
    }
    return hashlib.sha256(
        json.dumps(material, sort_keys=True, default=str, ensure_ascii=True).encode()
    ).hexdigest()


def multipart_material() -> dict[str, Any]:
    files = {name: [f.filename, hashlib.sha256(f.stream.read()).hexdigest()]
             for name, f in request.files.items()}
    for f in request.files.values():
        f.stream.seek(0)
    return {"form": request.form.to_dict(flat=False), "files": files}


def find(token: ApiToken, key: str) -> IdempotencyRecord | None:
    return db.session.scalar(sa.select(IdempotencyRecord).where(
        IdempotencyRecord.token_id == token.id, IdempotencyRecord.key == key))


def replay(record: IdempotencyRecord, print_: str) -> tuple[int, dict[str, Any]]:
    if record.request_fingerprint != print_:
        raise ApiProblem(
            422, f"{HEADER} ini sudah dipakai untuk permintaan yang berbeda.",
            code="idempotency_key_reused",
            errors=[{"field": HEADER, "message": "key already used with a different request"}],
        )
    return record.status_code, record.body


def remember(token: ApiToken, key: str, print_: str, status: int, body: dict[str, Any]) -> None:
    """Stage the record in the current transaction (committed with the change)."""
    db.session.add(IdempotencyRecord(token_id=token.id, key=key, request_fingerprint=print_,
                                     status_code=status, body=body))
