"""Declaring API operations next to their handlers, and the OpenAPI 3.1 document built from them.

``@api.operation("POST", "/applications", body=CreateDraft, response=ApplicationOut, ...)``
registers the Flask route (its view is ``pipeline.view_of``: auth, parsing, idempotency, one
commit) AND records what the OpenAPI document says about it, from the same pydantic models that
parse the request and shape the response — so the document cannot drift from the code.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from flask import Blueprint
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from app.api import idempotency
from app.api.pipeline import MAX_ID, Operation, view_of
from app.api.problems import TITLES, Problem

IDEMPOTENCY_KEY_SCHEMA = {"type": "string", "pattern": f"^{idempotency.KEY_RE.pattern}$"}
_CONVERTER = re.compile(r"<(?:(\w+):)?(\w+)>")
PATH_SCHEMAS: dict[str, dict[str, Any]] = {
    "int": {"type": "integer", "minimum": 1, "maximum": MAX_ID},
    "program_key": {"type": "string", "pattern": "^[a-z][a-z0-9_]{0,39}$"},
    "register": {"type": "string", "enum": ["dtks", "pesantren"]},
    "year": {"type": "integer", "minimum": 2000, "maximum": 2100},
}


class ApiRegistry:
    def __init__(self, bp: Blueprint) -> None:
        self.bp = bp
        self.operations: list[Operation] = []

    def operation(self, method: str, rule: str, **meta: Any) -> Callable:
        def decorate(func: Callable) -> Callable:
            op = Operation(method=method, rule=rule, func=func, **meta)
            self.operations.append(op)
            self.bp.add_url_rule(rule, func.__name__, view_of(op), methods=[method])
            return func

        return decorate


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
