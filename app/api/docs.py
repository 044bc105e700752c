"""The OpenAPI document (generated from the registered operations) and a readable page of it.

The page is rendered on the server from the same document: no external assets, no scripts.
"""

from __future__ import annotations

from typing import Any

from flask import Response, current_app, json, render_template

from app.api.blueprint import api, bp
from app.api.openapi import build_spec

#: problem ``code`` values a client may meet, for the documentation's anchors
PROBLEM_CODES = {
    "token_missing": "No `Authorization: Bearer` header (401).",
    "token_invalid": "Unknown token, or its user is inactive or lost the token's role (401).",
    "token_expired": "The token is past its expiry (401).",
    "token_revoked": "The token was revoked (401).",
    "validation_failed": "The body, query or form is invalid; see `errors[]` (422).",
    "malformed_json": "The body is not JSON (400).",
    "unsupported_media_type": "Wrong Content-Type (415).",
    "too_large": "The body is over the size limit (413).",
    "rate_limited": "Too many requests for this token (429).",
    "already_handled": "Someone acted on the application first; reload it (409).",
    "idempotency_key_reused": "The Idempotency-Key was used for a different request (422).",
    "bad_idempotency_key": "The Idempotency-Key header has a wrong form (400).",
    "bad_if_match": 'The If-Match header is not a version such as `"3"` (400).',
    "version_mismatch": "If-Match and seen_version disagree (422).",
    "reason_required": "The transition needs a reason (422).",
    "fields_missing": "The transition needs fields (422).",
    "fields_invalid": "A transition field is invalid (422).",
    "documents_missing": "Required documents are missing (409).",
    "guard": "A rule of the program refuses the transition now (409).",
    "not_submittable": "Nothing to submit at this stage (409).",
    "not_editable": "The stage does not allow editing (409).",
    "not_due": "The disbursement is not waiting for a transfer (409).",
    "document_rejected": "The file's content, type or size is refused (422).",
    "internal_error": "A server error; it was logged (500).",
    "application_not_found": "No such application, or not visible to this token (404).",
    "program_not_found": "No such program (404).",
    "disbursement_not_found": "No such disbursement, or not this finance agency's (404).",
    "register_not_found": "Unknown register (404).",
    "year_out_of_range": "Statistics exist for fiscal years 2000-2100 only (404).",
    "bad_cursor": "The cursor is not one this API issued (422).",
    "application_refused": "The draft cannot be created for this applicant (422).",
    "register_file_refused": "The register file cannot be read as a whole (422).",
    "role": "The token's role may not fire this transition (403).",
    "agency": "The token's agency does not hold this stage (403).",
    "separation_of_duties": "An applicant may not decide on their own application (403).",
    "unknown_action": "The action is not available at this stage (409).",
    "task_held_by_other": "Another officer has claimed this task (409).",
    "effect_refused": "A consequence of the transition is refused, e.g. the budget (409).",
}


def spec() -> dict[str, Any]:
    cache = current_app.extensions.setdefault("sibantu.api_spec", {})
    if "doc" not in cache:
        cache["doc"] = build_spec(api)
    return cache["doc"]


@bp.get("/openapi.json")
def openapi_json() -> Response:
    response = Response(json.dumps(spec()), mimetype="application/json")
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


@bp.get("/docs")
def documentation() -> str:
    document = spec()
    return render_template(
        "api/docs.html", spec=document, groups=_by_tag(document),
        schemas=document["components"]["schemas"], problems=PROBLEM_CODES, type_of=type_of,
    )


def _by_tag(document: dict[str, Any]) -> dict[str, list[tuple[str, str, dict]]]:
    groups: dict[str, list[tuple[str, str, dict]]] = {}
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            groups.setdefault(operation["tags"][0], []).append((method.upper(), path, operation))
    return groups


def type_of(schema: dict[str, Any]) -> str:
    """A short human reading of a JSON Schema, e.g. ``array of DocumentOut`` or ``integer ≥ 1``."""
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    if "anyOf" in schema:
        return " | ".join(type_of(s) for s in schema["anyOf"])
    if "enum" in schema:
        return " | ".join(json.dumps(v) for v in schema["enum"])
    if "const" in schema:
        return json.dumps(schema["const"])
    kind = schema.get("type", "any")
    if kind == "array":
        return f"array of {type_of(schema.get('items', {}))}"
    if kind == "object" and isinstance(schema.get("additionalProperties"), dict):
        return f"object of {type_of(schema['additionalProperties'])}"
    details = [schema[k] for k in ("format",) if k in schema]
    details += [f"{label} {schema[k]}" for k, label in
                (("minimum", "≥"), ("maximum", "≤"), ("maxLength", "max length"),
                 ("pattern", "pattern")) if k in schema]
    return f"{kind} ({', '.join(str(d) for d in details)})" if details else str(kind)
