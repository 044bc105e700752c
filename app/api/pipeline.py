"""One API operation as declared, and the pipeline every call to it goes through.

authenticate the bearer token (never the session cookie) → parse and validate query and body
(problem+json 415/413/400/422) → replay an ``Idempotency-Key`` → call the handler → serialise the
response model → commit once (with the idempotency record) for state-changing calls.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import Response, json, request
from pydantic import BaseModel, ValidationError
from sqlalchemy.exc import IntegrityError

from app.api import auth, idempotency
from app.api.problems import ApiProblem
from app.extensions import db

JSON_MAX_BYTES = 1024 * 1024
MAX_ID = 2**63 - 1
IF_MATCH_RE = re.compile(r'^(?:W/)?"?([0-9]{1,18})"?$')


@dataclass
class Operation:
    method: str
    rule: str
    func: Callable[..., Any]
    summary: str
    tags: tuple[str, ...]
    public: bool = False
    roles: tuple[str, ...] = ()
    body: type[BaseModel] | None = None
    form: type[BaseModel] | None = None
    files: tuple[str, ...] = ()
    query: type[BaseModel] | None = None
    response: type[BaseModel] | None = None
    status: int = 200
    errors: tuple[int, ...] = ()
    idempotent: bool = False
    if_match: bool = False
    response_headers: dict[str, dict[str, Any]] = field(default_factory=dict)
    path_schemas: dict[str, str] = field(default_factory=dict)

    @property
    def operation_id(self) -> str:
        return self.func.__name__

    @property
    def changes_state(self) -> bool:
        return self.method != "GET"

    @property
    def description(self) -> str:
        text = (self.func.__doc__ or "").strip()
        if self.roles:
            text += f"\n\nRoles: {', '.join(self.roles)}."
        return text


def view_of(op: Operation) -> Callable[..., Response]:
    def view(**path_args: Any) -> Response:
        _check_ids(path_args)
        user = None if op.public else auth.authenticate()
        kwargs = dict(path_args)
        parsed: Any = None
        if op.query is not None:
            kwargs["query"] = parse_model(op.query, request.args.to_dict(), "query")
        if op.body is not None:
            raw = _json_body()
            kwargs["body"], parsed = parse_model(op.body, raw, "body"), raw
        if op.form is not None:
            kwargs["form"] = _form(op)
            parsed = idempotency.multipart_material()
        if op.if_match:
            kwargs["if_match"] = if_match_version()
        if op.idempotent and user is not None:
            return _idempotent(op, user, kwargs, parsed)
        return _finish(op, _call(op, user, kwargs))

    view.__name__ = op.operation_id
    view.__doc__ = op.func.__doc__
    return view


def _check_ids(path_args: dict[str, Any]) -> None:
    """Ids beyond BIGINT are simply not found (never a database overflow)."""
    if any(isinstance(v, int) and not 1 <= v <= MAX_ID for v in path_args.values()):
        raise ApiProblem(404)


def _call(op: Operation, user: Any, kwargs: dict[str, Any]) -> tuple[int, Any, dict[str, str]]:
    result = op.func(user, **kwargs) if not op.public else op.func(**kwargs)
    if isinstance(result, Response):
        return result.status_code, result, {}
    status, headers = op.status, {}
    if isinstance(result, tuple):
        result, status, *rest = result
        headers = rest[0] if rest else {}
    body = result.model_dump(mode="json") if isinstance(result, BaseModel) else result
    return status, body, headers


def _finish(op: Operation, outcome: tuple[int, Any, dict[str, str]]) -> Response:
    status, body, headers = outcome
    if op.changes_state:
        db.session.commit()
    return _respond(status, body, headers)


def _respond(status: int, body: Any, headers: dict[str, str]) -> Response:
    if isinstance(body, Response):
        return body
    response = Response(json.dumps(body) if status != 204 else b"", status=status,
                        mimetype="application/json")
    response.headers.setdefault("Cache-Control", "no-store")
    for name, value in headers.items():
        response.headers[name] = value
    return response


def _idempotent(op: Operation, user: Any, kwargs: dict[str, Any], parsed: Any) -> Response:
    key = idempotency.key_from_request()
    if key is None:
        return _finish(op, _call(op, user, kwargs))
    print_ = idempotency.fingerprint(parsed)
    stored = idempotency.find(user.token, key)
    if stored is not None:
        return _replayed(*idempotency.replay(stored, print_))
    status, body, headers = _call(op, user, kwargs)
    if 200 <= status < 300:
        idempotency.remember(user.token, key, print_, status, body)
    try:
        db.session.commit()
    except IntegrityError:  # the same key raced in; its result stands
        db.session.rollback()
        stored = idempotency.find(user.token, key)
        if stored is None:
            raise
        return _replayed(*idempotency.replay(stored, print_))
    return _respond(status, body, headers)


def _replayed(status: int, body: dict[str, Any]) -> Response:
    db.session.rollback()
    return _respond(status, body, {"Idempotent-Replayed": "true"})


def parse_model(model: type[BaseModel], data: Any, location: str) -> BaseModel:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ApiProblem(422, "Data tidak valid; lihat daftar errors.", code="validation_failed",
                         errors=validation_errors(exc, location)) from None


def validation_errors(exc: ValidationError, location: str) -> list[dict[str, str]]:
    return [
        {"field": ".".join(str(p) for p in (location, *e["loc"])), "message": e["msg"]}
        for e in exc.errors(include_url=False)
    ]


def _json_body() -> Any:
    if not request.is_json:
        raise ApiProblem(415, "Kirim isi permintaan sebagai application/json.",
                         code="unsupported_media_type")
    request.max_content_length = JSON_MAX_BYTES
    data = request.get_json(silent=True)
    if data is None:
        raise ApiProblem(400, "Isi permintaan bukan JSON yang sah.", code="malformed_json")
    problem = unsafe_text(data)
    if problem:
        raise ApiProblem(422, "Teks tidak boleh berisi NUL/surrogate; angka harus terhingga.",
                         code="validation_failed",
                         errors=[{"field": f"body{problem}", "message": "invalid characters"}])
    return data


def unsafe_text(value: Any, path: str = "") -> str | None:
    """Path of the first string PostgreSQL cannot store (NUL, lone surrogate), else None."""
    if isinstance(value, str):
        bad = "\x00" in value or any("\ud800" <= c <= "\udfff" for c in value)
        return path or "." if bad else None
    if isinstance(value, float) and not math.isfinite(value):
        return path or "."
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return None
    for key, item in items:
        found = unsafe_text(str(key), f"{path}.{key!s}") or unsafe_text(item, f"{path}.{key!s}")
        if found:
            return found
    return None


def _form(op: Operation) -> BaseModel:
    if request.mimetype != "multipart/form-data":
        raise ApiProblem(415, "Kirim berkas sebagai multipart/form-data.",
                         code="unsupported_media_type")
    data: dict[str, Any] = request.form.to_dict()
    for name in op.files:
        data[name] = request.files.get(name)
    if unsafe_text({k: v for k, v in data.items() if isinstance(v, str)}):
        raise ApiProblem(422, "Teks tidak boleh berisi karakter NUL.", code="validation_failed")
    return parse_model(op.form, data, "form")


def if_match_version() -> int | None:
    value = request.headers.get("If-Match")
    if value is None:
        return None
    match = IF_MATCH_RE.match(value.strip())
    if match is None:
        raise ApiProblem(400, 'If-Match harus berisi versi permohonan, mis. "3".',
                         code="bad_if_match")
    return int(match.group(1))
