"""Generated input (hypothesis) to every form and to the API: never a 500.

The forms are discovered, not listed: every ``FlaskForm`` subclass under ``forms/`` is mapped
to the routes whose view names it (or, for the few built by a helper, to the route in
``INDIRECT``), and random values for its fields — plus stray fields — are posted there with a
valid CSRF token by the user who may use the route. A new form that no route can be found for
fails the test until it is mapped. The API write routes get random JSON bodies (the keys of
every request schema, and others) with a token that may use them.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
import string

import pytest
from flask_wtf import FlaskForm
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from wtforms.fields.core import UnboundField

import forms
from app.applications import operations as applications
from app.extensions import db
from forms.declared import DeclaredForm
from forms.i18n import LocalizedForm
from tests.conftest import csrf_from
from tests.security.conftest import browser, logged_in, token_for
from tests.security.routes import STATE_CHANGING, fill, methods, rules, send
from tests.support.programs import make_koperasi, make_person, open_program
from workflows import load_definitions

EXAMPLES = 8
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])
#: forms that a view builds through a helper: class -> endpoints (with query string)
INDIRECT = {
    "forms.admin.EmptyForm": ["admin.revoke"],
    "forms.portal.OrganizationForm": ["portal.organization_new?jenis=pesantren",
                                      "portal.organization_new?jenis=koperasi",
                                      "portal.organization_new?jenis=kelompok_usaha",
                                      "portal.organization_new?jenis=sekolah",
                                      "portal.organization_edit"],
    "forms.portal.PersonForm": ["portal.person_profile"],
    "forms.declared.DeclaredForm": ["portal.form_step@sanitren", "portal.form_step@kembangku",
                                    "portal.form_step@guru_ngaji",
                                    "portal.form_step@beasiswa_mbr"],
    "forms.staff.ActionForm": ["staff.act"],
    # built per program with its declared fields (app/portal/operator_views.py)
    "forms.portal.NominationForm": ["portal.nominate"],
}
ANONYMOUS = {"accounts.login", "accounts.register", "accounts.forgot_password",
             "accounts.reset_password"}


def flask_forms() -> dict[str, type]:
    found = {}
    for info in pkgutil.walk_packages(forms.__path__, "forms."):
        module = importlib.import_module(info.name)
        for name, obj in vars(module).items():
            if (inspect.isclass(obj) and issubclass(obj, FlaskForm)
                    and obj not in (FlaskForm, LocalizedForm)  # bases without fields
                    and obj.__module__ == module.__name__):
                found[f"{obj.__module__}.{name}"] = obj
    return found


def field_names(form_class: type) -> list[str]:
    if issubclass(form_class, DeclaredForm):  # built per program: every declared answer key
        return sorted({f.key for d in load_definitions().values() for f in d.form.fields})
    names = {name for klass in form_class.__mro__ for name, value in vars(klass).items()
             if isinstance(value, UnboundField)}
    return sorted(names)


def routes_using(app, form_class: type) -> list[str]:
    pattern = re.compile(rf"\b{form_class.__name__}\b")
    found = []
    for rule in rules(app):
        view = inspect.unwrap(app.view_functions[rule.endpoint])
        if pattern.search(inspect.getsource(view)):
            found.append(rule.endpoint)
    return sorted(set(found))


def form_targets(app) -> dict[str, list[str]]:
    targets = {}
    for key, form_class in flask_forms().items():
        targets[key] = INDIRECT.get(key) or routes_using(app, form_class)
    return targets


VALUE = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=string.digits, min_size=1, max_size=20),
    st.integers(min_value=-10**12, max_value=10**12).map(str),
    st.sampled_from(["", "ya", "tidak", "y", "on", "2026-02-30", "9999-12-31", "0", "-1",
                     "1e309", "NaN", "<script>alert(1)</script>", "' OR 1=1 --", "../../x",
                     "\x00", "A" * 5000, "36.03.01.2003", "sanitren", "salafi"]),
)


def form_data(names: list[str]) -> st.SearchStrategy[dict]:
    known = st.fixed_dictionaries({}, optional={name: VALUE for name in names})
    extra = st.dictionaries(st.text(string.ascii_lowercase + "_-", min_size=1, max_size=12),
                            VALUE, max_size=3)
    return st.tuples(known, extra).map(lambda pair: {**pair[1], **pair[0]})


@pytest.fixture
def drafts(world):
    """A draft of every program, for the program forms."""
    owner = world.users["owner"]
    for key in ("kembangku", "guru_ngaji", "beasiswa_mbr"):
        open_program(key)
    parties = {
        "sanitren": {"organization": world.objects["organization"]},
        "kembangku": {"organization": make_koperasi(owner)},
        "guru_ngaji": {"person": make_person(name="Ustadz Hasan", teacher=True, user=owner)},
        "beasiswa_mbr": {"person": make_person(name="Ahmad Fauzi", student=True, user=owner)},
    }
    result = {"sanitren": world.values["draft"]["application_id"]}
    for key, party in parties.items():
        if key != "sanitren":
            result[key] = applications.create_draft(key, owner=owner, **party).id
    db.session.commit()
    return result


def user_for(endpoint: str) -> str:
    prefixes = (("admin.", "admin"), ("staff.finance", "agency_finance"),
                ("staff.", "agency_staff"), ("audit.", "auditor"),
                ("portal.nominate", "village_operator"))
    return next((name for prefix, name in prefixes if endpoint.startswith(prefix)), "owner")


def target_url(app, world, drafts, target: str) -> tuple[str, str]:
    endpoint, _, query = target.partition("?")
    endpoint, _, program = endpoint.partition("@")
    rule = next(r for r in rules(app) if r.endpoint == endpoint)
    values = dict(world.values["owner"] if endpoint.startswith(("admin.", "portal.org"))
                  else world.values["submitted"])
    if endpoint.startswith("portal.form_step"):
        values["application_id"] = drafts[program or "sanitren"]
    url = fill(rule, values) + (f"?{query}" if query else "")
    return endpoint, url


def test_every_form_is_reached_by_a_route(app):
    unmapped = [key for key, targets in form_targets(app).items() if not targets]
    assert unmapped == []


def poster(app, world, clients, key, rule, url, method, post_as, names):
    """A hypothesis test posting random values for ``names`` to one route."""

    @SETTINGS
    @given(data=form_data(names))
    def post_random(data):
        if rule.endpoint in ANONYMOUS:
            client = browser(app)
            token = csrf_from(client, "/masuk")
        else:
            if post_as not in clients:
                client = logged_in(app, world.users[post_as])
                clients[post_as] = (client, csrf_from(client, "/"))
            client, token = clients[post_as]
        if method == "GET":
            response = send(client, rule, url, method="GET", query_string=data)
        else:
            response = send(client, rule, url, method="POST", data={**data, "csrf_token": token})
        assert response.status_code < 500, (key, url, data)

    return post_random


def test_generated_input_to_every_form_never_gets_a_500(app, world, drafts):
    clients: dict[str, tuple] = {}
    checked = 0
    for key, targets in sorted(form_targets(app).items()):
        names = field_names(flask_forms()[key])
        for target in targets:
            endpoint, url = target_url(app, world, drafts, target)
            rule = next(r for r in rules(app) if r.endpoint == endpoint)
            method = "POST" if STATE_CHANGING & set(methods(rule)) else "GET"
            post_as = user_for(endpoint)

            poster(app, world, clients, key, rule, url, method, post_as, names)()
            checked += 1
    assert checked >= len(flask_forms())


def api_schema_keys() -> list[str]:
    from app.api.schemas import In

    keys = set()
    pending = list(In.__subclasses__())
    while pending:
        model = pending.pop()
        keys |= set(model.model_fields)
        pending += model.__subclasses__()
    return sorted(keys)


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(
        st.text(max_size=8), children, max_size=3), max_leaves=8)


def test_generated_json_to_every_api_write_never_gets_a_500(app, world):
    keys = api_schema_keys()
    assert "answers" in keys
    headers = {"Authorization": "Bearer " + token_for(world.users["owner"], "applicant", None)}
    staff = {"Authorization": "Bearer " + token_for(world.users["agency_staff"], "reviewer",
                                                    "KEMENAG")}
    writes = [r for r in rules(app) if r.rule.startswith("/api/")
              and STATE_CHANGING & set(methods(r))]
    body = st.one_of(st.dictionaries(st.sampled_from(keys) | st.text(max_size=8), JSON,
                                     max_size=5), JSON)
    for rule in writes:
        url = fill(rule, world.values["api_draft"])
        method = sorted(STATE_CHANGING & set(methods(rule)))[0]

        api_poster(app, rule, url, method, body, headers, staff)()


def api_poster(app, rule, url, method, body, headers, staff):
    @SETTINGS
    @given(payload=body, as_staff=st.booleans())
    def post_random(payload, as_staff):
        response = send(browser(app), rule, url, method=method, json=payload,
                        headers=staff if as_staff else headers)
        assert response.status_code < 500, (rule.endpoint, payload)

    return post_random
