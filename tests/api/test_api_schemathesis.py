"""schemathesis against the OpenAPI document the app serves: every operation, every role, no 5xx,
every response as documented (status code, content type, headers, body schema).

Generation is deterministic (derandomised), with a fixed number of examples per operation, in
positive and negative modes. Each generated request is sent with the token of every role and
with none. Half of the generated ids are swapped for the ids of real objects, and program keys,
actions and document types are drawn from dictionaries of real values half of the time, so the
fuzzing reaches the operations behind the 404s and not only the routing.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from app import create_app
from app.api.docs import spec
from tests.api.conftest import ROLES, build_world
from tests.conftest import committing_app_context, make_config

MAX_EXAMPLES = 25
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_headers_conformance, response_schema_conformance]
DICTIONARIES = {
    "programs": ["sanitren", "guru_ngaji", "kembangku", "beasiswa_mbr"],
    "actions": ["submit", "verify", "return", "reject", "withdraw", "approve", "pay"],
    "doc_types": ["proposal", "cover_letter", "survey_photo", "site_photos"],
}
BINDINGS = {"path.program_key": "programs", "body.program_key": "programs",
            "body.action": "actions", "body.doc_type": "doc_types"}


def _document() -> dict:
    """The document as served, from an app that needs no database to describe itself."""
    describer = create_app(make_config("sqlite://"))
    with describer.test_request_context():
        return spec()


schema = schemathesis.openapi.from_dict(_document(), config=schemathesis.Config.from_dict({
    "generation": {"max-examples": MAX_EXAMPLES, "deterministic": True, "mode": "all"},
    "phases": {"coverage": {"enabled": False}},
    "dictionaries": {name: {"values": values} for name, values in DICTIONARIES.items()},
    "parameters": {key: {"dictionary": name, "probability": 0.5}
                   for key, name in BINDINGS.items()},
}))


@pytest.fixture(scope="module")
def target(template_url, backend):
    """One committed database for the whole run: users with argon2 hashes are slow to make, so
    the world is built once (state the fuzzing leaves behind only makes later operations see
    more varied data)."""
    from app.demo import ensure_reference_data
    from app.extensions import db

    with committing_app_context(template_url, backend,
                                API_RATE_LIMIT="100000 per minute") as fuzzed:
        with fuzzed.app_context():
            ensure_reference_data()
            db.session.commit()
            world = build_world()
            db.session.remove()
        yield fuzzed, world


def _real_ids(case, world) -> None:
    """Swap every other generated id for a real one (deterministic: by the id's parity)."""
    params = case.path_parameters or {}
    value = params.get("application_id")
    if isinstance(value, int) and value % 2 == 0:
        params["application_id"] = world.draft_id


@pytest.mark.slow
@schema.parametrize()
@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
          deadline=None)
def test_operation_conforms_for_every_role(case, target):
    fuzzed, world = target
    _real_ids(case, world)
    for role in ROLES:
        case.call_and_validate(app=fuzzed, headers=world.headers(role), checks=CHECKS)
