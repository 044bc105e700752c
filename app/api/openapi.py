"""Declaring API operations next to their handlers, and the OpenAPI 3.1 document built from them.

``@api.operation("POST", "/applications", body=CreateDraft, response=ApplicationOut, ...)``
registers the Flask route AND records what the OpenAPI document says about it, from the same
pydantic models that parse the request and shape the response — so the document cannot drift
from the code. The wrapper does what every operation needs, in one place:

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

from flask import Blueprint, Response, json, request
from pydantic import BaseModel, ValidationError
from pydantic.json_schema import models_json_schema
from sqlalchemy.exc import IntegrityError

from app.api import auth, idempotency
from app.api.problems import TITLES, ApiProblem, Problem
from app.extensions import db

JSON_MAX_BYTES = 1024 * 1024
MAX_ID = 2**63 - 1
IF_MATCH_RE = re.compile(r'^(?:W/)?"?([0-9]{1,18})"?$')
IDEMPOTENCY_KEY_SCHEMA = {"type": "string", "pattern": f"^{idempotency.KEY_RE.pattern}$"}
_CONVERTER = re.compile(r"<(?:(\w+):)?(\w+)>")
PATH_SCHEMAS: dict[str, dict[str, Any]] = {
    "int": {"type": "integer", "minimum": 1, "maximum": MAX_ID},
    "program_key": {"type": "string", "pattern": "^[a-z][a-z0-9_]{0,39}$"},
    "register": {"type": "string", "enum": ["dtks", "pesantren"]},
    "year": {"type": "integer", "minimum": 2000, "maximum": 2100},
}


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


class ApiRegistry:
    def __init__(self, bp: Blueprint) -> None:
        self.bp = bp
        self.operations: list[Operation] = []

    def operation(self, method: str, rule: str, **meta: Any) -> Callable:
        def decorate(func: Callable) -> Callable:
            op = Operation(method=method, rule=rule, func=func, **meta)
            self.operations.append(op)
            self.bp.add_url_rule(rule, func.__name__, _view(op), methods=[method])
            return func

        return decorate


# -- the request pipeline ---------------------------------------------------------------------


def _view(op: Operation) -> Callable[..., Response]:
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


# -- the OpenAPI document ---------------------------------------------------------------------


def build_spec(registry: ApiRegistry) -> dict[str, Any]:
    models = _models(registry.operations)
    refs, top = models_json_schema(models, ref_template="#/components/schemas/{model}")
    paths: dict[str, dict[str, Any]] = {}
    for op in registry.operations:
        path, parameters = _path(op)
        paths.setdefault(path, {})[op.method.lower()] = _operation(op, parameters, refs)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "SIBANTU API",
            "version": "1.0.0",
            "summary": "Sistem Informasi Bantuan Terpadu, Kabupaten Tangerang",
            "description": API_DESCRIPTION,
        },
        "servers": [{"url": registry.bp.url_prefix or "/"}],
        "paths": paths,
        "components": {
            "schemas": top.get("$defs", {}),
            "securitySchemes": {
                "bearerAuth": {"type": "http", "scheme": "bearer",
                               "description": "Token from `flask api create-token`."},
            },
        },
    }


API_DESCRIPTION = (
    "JSON API for the regency's other systems. Authenticate with `Authorization: Bearer <token>`; "
    "the browser session is not accepted. Errors are RFC 9457 problem documents "
    "(`application/problem+json`). Lists use `?cursor=…&limit=…` and answer "
    '`{"items": [...], "next_cursor": …}`. Send an `Idempotency-Key` header on creates and '
    "transitions so that a retry does not act twice."
)


def _models(operations: list[Operation]) -> list[tuple[type[BaseModel], str]]:
    models: list[tuple[type[BaseModel], str]] = [(Problem, "serialization")]
    for op in operations:
        if op.body is not None:
            models.append((op.body, "validation"))
        if op.response is not None:
            models.append((op.response, "serialization"))
    return list(dict.fromkeys(models))


def _path(op: Operation) -> tuple[str, list[dict[str, Any]]]:
    parameters = []
    for converter, name in _CONVERTER.findall(op.rule):
        kind = op.path_schemas.get(name, converter or "string")
        schema = PATH_SCHEMAS.get(kind, {"type": "string"})
        parameters.append({"name": name, "in": "path", "required": True, "schema": schema})
    return _CONVERTER.sub(r"{\2}", op.rule), parameters


def _operation(op: Operation, parameters: list[dict[str, Any]], refs: dict) -> dict[str, Any]:
    spec: dict[str, Any] = {
        "operationId": op.operation_id,
        "summary": op.summary,
        "description": op.description,
        "tags": list(op.tags),
        "parameters": parameters + _query_parameters(op) + _header_parameters(op),
        "responses": _responses(op, refs),
        "security": [] if op.public else [{"bearerAuth": []}],
    }
    if op.body is not None:
        spec["requestBody"] = {"required": True, "content": {
            "application/json": {"schema": refs[(op.body, "validation")]}}}
    if op.form is not None:
        spec["requestBody"] = {"required": True, "content": {
            "multipart/form-data": {"schema": _form_schema(op)}}}
    return spec


def _query_parameters(op: Operation) -> list[dict[str, Any]]:
    if op.query is None:
        return []
    schema = op.query.model_json_schema()
    required = set(schema.get("required", []))
    return [
        {"name": name, "in": "query", "required": name in required,
         "schema": _not_null(prop), **({"description": prop["description"]}
                                        if "description" in prop else {})}
        for name, prop in schema["properties"].items()
    ]


def _not_null(prop: dict[str, Any]) -> dict[str, Any]:
    """A query parameter is absent rather than null: drop pydantic's ``null`` branch."""
    options = [o for o in prop.get("anyOf", []) if o.get("type") != "null"]
    base = {k: v for k, v in prop.items() if k not in ("anyOf", "title", "description")}
    if len(options) == 1:
        base.update(options[0])
    if base.get("default") is None:
        base.pop("default", None)
    return base


def _header_parameters(op: Operation) -> list[dict[str, Any]]:
    headers = []
    if op.idempotent:
        headers.append({"name": idempotency.HEADER, "in": "header", "required": False,
                        "schema": IDEMPOTENCY_KEY_SCHEMA,
                        "description": "Retry-safe key; the same key and body replay the result"})
    if op.if_match:
        headers.append({"name": "If-Match", "in": "header", "required": False,
                        "schema": {"type": "string", "pattern": '^"[0-9]{1,9}"$'},
                        "description": "The application `version` you saw, e.g. `\"3\"`"})
    return headers


def _form_schema(op: Operation) -> dict[str, Any]:
    schema = op.form.model_json_schema()
    for name in op.files:
        schema["properties"][name] = {"type": "string", "format": "binary"}
    schema["required"] = sorted({*schema.get("required", []), *op.files})
    schema.pop("title", None)
    return schema


def _responses(op: Operation, refs: dict) -> dict[str, Any]:
    success: dict[str, Any] = {"description": "OK"}
    if op.response is not None and op.status != 204:
        success["content"] = {"application/json": {"schema": refs[(op.response, "serialization")]}}
    if op.response_headers:
        success["headers"] = op.response_headers
    responses = {str(op.status): success}
    problem = {"application/problem+json": {"schema": refs[(Problem, "serialization")]}}
    for code in sorted(_error_codes(op)):
        if code < 400:  # e.g. 304 Not Modified: no body
            responses[str(code)] = {"description": "Not Modified", "headers": op.response_headers}
            continue
        responses[str(code)] = {"description": TITLES.get(code, "Error"), "content": problem}
    return responses


def _error_codes(op: Operation) -> set[int]:
    codes = {429, 500, *op.errors}
    if not op.public:
        codes |= {401, 403}
    if _CONVERTER.search(op.rule):
        codes.add(404)
    if op.query is not None:
        codes.add(422)
    if op.body is not None or op.form is not None:
        codes |= {400, 413, 415, 422}
    if op.idempotent or op.if_match:
        codes |= {400, 422}
    return codes

