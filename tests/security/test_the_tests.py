"""Tests of the tests: the route-walking checks FAIL when a deliberately unprotected route is
added. Each test builds a fresh app (never the production code), registers a blueprint with a
bad route before the first request, runs the very checking function the suite runs, and asserts
that the bad route — and only it — is reported."""

from __future__ import annotations

from flask import Blueprint, make_response
from flask_login import login_required

from app.applications.models import Application
from app.applications.permissions import can_view_application
from app.common.web import get_or_404, require
from app.extensions import csrf, db
from tests.conftest import csrf_from
from tests.security.conftest import browser, build_world
from tests.security.routes import (
    CsrfProbe,
    authorization_violations,
    csrf_violations,
    header_problems,
)
from tests.security.test_object_authorization import ACCESS, API_BODIES, OWNER


def unprotected_blueprint() -> Blueprint:
    bad = Blueprint("deliberately_bad", __name__)

    @bad.route("/_uji/tanpa-csrf", methods=["POST"])
    @csrf.exempt
    def no_csrf():
        return "ok"

    @bad.route("/_uji/dengan-csrf", methods=["POST"])
    def with_csrf():
        return "ok"

    @bad.route("/_uji/bocor/<int:application_id>")
    @login_required
    def leak(application_id: int):  # no permission check: anyone logged in reads the number
        return get_or_404(db.session.get(Application, application_id)).number

    @bad.route("/_uji/terjaga/<int:application_id>")
    @login_required
    def guarded(application_id: int):
        from flask_login import current_user

        application = get_or_404(db.session.get(Application, application_id))
        require(can_view_application(current_user, application))
        return application.number

    @bad.route("/_uji/lupa-didaftar/<int:application_id>")
    def undeclared(application_id: int):
        return "ok"

    @bad.route("/_uji/csp-lemah")
    def weak_csp():
        response = make_response("<p>ok</p>")
        response.headers["Content-Security-Policy"] = "script-src 'self' 'unsafe-inline'"
        return response

    return bad


def test_csrf_walk_reports_an_exempted_route_and_only_it(committing_app):
    committing_app.register_blueprint(unprotected_blueprint())
    client = browser(committing_app)
    token = csrf_from(client, "/masuk")
    foreign = csrf_from(browser(committing_app), "/masuk")

    problems = csrf_violations(committing_app, lambda rule: CsrfProbe(client, token), foreign)

    assert len(problems) == 3, problems  # no token, foreign token, foreign header
    assert all("/_uji/tanpa-csrf" in p for p in problems)


def test_authorization_walk_reports_a_route_without_permission_check(committing_app):
    from app.demo import ensure_reference_data

    committing_app.register_blueprint(unprotected_blueprint())
    table = {**ACCESS,
             "deliberately_bad.leak": ("submitted", OWNER | {"agency_staff", "agency_finance",
                                                             "auditor", "admin"}),
             "deliberately_bad.guarded": ("submitted", OWNER | {"agency_staff",
                                                                "agency_finance", "auditor",
                                                                "admin"})}
    with committing_app.app_context():
        ensure_reference_data()
        db.session.commit()
        world = build_world()
        problems = authorization_violations(committing_app, world.actors(committing_app),
                                            world.values, table, API_BODIES)

    leaked = {p.split(" as ")[1].split(":")[0] for p in problems if "deliberately_bad.leak" in p}
    assert leaked == {"other_applicant", "other_agency_staff", "other_agency_finance"}
    assert [p for p in problems if "deliberately_bad.undeclared" in p] == [
        "/_uji/lupa-didaftar/<int:application_id> (deliberately_bad.undeclared): "
        "not in the access table"]
    others = [p for p in problems if "deliberately_bad" not in p]
    assert others == []  # the guarded twin and every real route pass on this database too


def test_header_check_reports_a_page_that_allows_inline_scripts(committing_app):
    committing_app.register_blueprint(unprotected_blueprint())
    client = browser(committing_app)
    weak = client.get("/_uji/csp-lemah")
    assert any("unsafe-inline" in p for p in header_problems(weak, production=False))
    assert any("frame-ancestors" in p for p in header_problems(weak, production=False))
    assert header_problems(client.get("/masuk"), production=False) == []
    assert header_problems(client.get("/masuk"), production=True) == ["no HSTS in the "
                                                                      "production profile"]
