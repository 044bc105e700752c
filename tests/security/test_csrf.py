"""CSRF on every state-changing browser route (POST/PUT/PATCH/DELETE outside ``/api/``).

Walked from ``app.url_map``: each route is tried as a logged-in user who may use it (the owner
for the portal, agency staff for the workspace, the auditor, the admin…) without a token, with
another session's token (in the form and in the header), and — as the control that shows the
user could otherwise use it — with their own token, which must not be refused for CSRF.
Refusals are recognised by Flask-WTF's own log line, not by the status code alone.
"""

from __future__ import annotations

from werkzeug.routing import Rule

from tests.conftest import csrf_from
from tests.security.conftest import browser, logged_in
from tests.security.routes import CsrfProbe, csrf_violations, state_changing_rules

#: endpoint prefix -> who uses it (checked in order; the first match wins)
USERS = (
    ("admin.", "admin"), ("notifications.retry", "admin"), ("audit.", "auditor"),
    ("staff.finance", "agency_finance"), ("staff.", "agency_staff"),
    ("portal.nominate", "village_operator"), ("", "owner"),
)
OBJECTS = {"staff.": "submitted", "portal.": "draft", "admin.": "owner"}


def user_for(rule: Rule) -> str:
    return next(name for prefix, name in USERS if rule.endpoint.startswith(prefix))


def test_every_state_changing_route_refuses_missing_and_foreign_tokens(app, world):
    clients = {}

    def probe_for(rule: Rule) -> CsrfProbe:
        name = user_for(rule)
        if name not in clients:
            client = logged_in(app, world.users[name])
            clients[name] = (client, csrf_from(client, "/"))
        objects = next((v for k, v in OBJECTS.items() if rule.endpoint.startswith(k)),
                       "submitted")
        client, token = clients[name]
        return CsrfProbe(client, token, world.values[objects])

    foreign = csrf_from(browser(app), "/masuk")
    assert len(state_changing_rules(app)) >= 30
    problems = csrf_violations(app, probe_for, foreign)
    assert problems == [], "\n".join(problems)
