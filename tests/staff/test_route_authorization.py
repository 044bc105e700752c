"""Every staff, audit and admin route refuses everyone who should not reach it.

The table is generated from ``app.url_map``: each endpoint of the ``staff``, ``admin`` and
``audit`` blueprints must declare its audience (``for_roles``), so a new route is covered
automatically. Anonymous visitors are sent to the login page; users holding none of the roles
get 404/403; agency staff of an unrelated agency get 404 on every route that names an object.
"""

import re

import pytest
import sqlalchemy as sa

from app.accounts.models import RoleAssignment
from app.applications.models import StageTask
from app.extensions import db
from app.organizations.models import Person
from tests.conftest import csrf_from
from tests.staff.conftest import login, submitted_sanitren
from tests.support.factories import create_staff

BLUEPRINTS = ("staff", "admin", "audit")
OBJECT_ARGS = {"application_id", "document_id", "task_id"}
#: role name -> (role, agency); the agencies have nothing to do with SANITREN
ROLES = {
    "applicant": None,
    "village_operator": ("village_operator", None),
    "school_operator": ("school_operator", None),
    "reviewer": ("reviewer", "DISDIK"),
    "approver": ("approver", "DISDIK"),
    "finance": ("finance", "DISKOPUM"),
    "auditor": ("auditor", "INSPEKTORAT"),
    "admin": ("admin", None),
}


def staff_rules(app):
    return [r for r in app.url_map.iter_rules() if r.endpoint.split(".")[0] in BLUEPRINTS]


def test_every_route_declares_its_audience(app):
    rules = staff_rules(app)
    assert len(rules) > 25
    missing = [
        r.endpoint for r in rules if not getattr(app.view_functions[r.endpoint], "audience", None)
    ]
    assert missing == []


@pytest.fixture
def world(staff):
    owner, application = submitted_sanitren()
    task = db.session.scalar(sa.select(StageTask).where(StageTask.application_id == application.id))
    person = db.session.scalar(sa.select(Person))
    assignment = db.session.scalar(sa.select(RoleAssignment))
    return {
        "owner": owner,
        "values": {
            "application_id": application.id,
            "document_id": application.documents[0].id,
            "task_id": task.id,
            "action": "verify",
            "person_id": person.id if person else 1,
            "user_id": assignment.user_id,
            "assignment_id": assignment.id,
            "key": "sanitren",
            "import_id": 1,
        },
    }


def url_for_rule(rule, values):
    path = rule.rule
    for name in rule.arguments:
        path = re.sub(rf"<(?:[a-z]+:)?{name}>", str(values[name]), path)
    return path


def call(client, rule, url, token):
    if "GET" in rule.methods:
        return client.get(url)
    return client.post(url, data={"csrf_token": token})


def test_anonymous_is_sent_to_login_everywhere(app, client, world):
    token = csrf_from(client, "/masuk")  # "/" starts no session for a visitor
    for rule in staff_rules(app):
        response = call(client, rule, url_for_rule(rule, world["values"]), token)
        assert response.status_code == 302, rule.endpoint
        assert "/masuk" in response.headers["Location"], rule.endpoint


@pytest.mark.parametrize("role_name", list(ROLES))
def test_wrong_roles_and_agencies_are_refused(app, client, world, role_name):
    if ROLES[role_name] is None:
        user = world["owner"]  # the applicant who owns the application
    else:
        role, agency = ROLES[role_name]
        user = (
            create_staff(role, agency)
            if role != "village_operator"
            else create_staff(role, region_code="36.03.01.2003")
        )
    login(client, user)
    token = csrf_from(client, "/")
    checked = 0
    for rule in staff_rules(app):
        audience = app.view_functions[rule.endpoint].audience
        names_object = bool(OBJECT_ARGS & set(rule.arguments))
        agency_scoped = role_name in ("reviewer", "approver", "finance")
        if role_name in audience and not (names_object and agency_scoped):
            continue
        response = call(client, rule, url_for_rule(rule, world["values"]), token)
        assert response.status_code in (403, 404), (rule.endpoint, response.status_code)
        checked += 1
    assert checked > 0
