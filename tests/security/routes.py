"""Route walking: the checking functions of the security suite.

Each function takes an app (any app: the real one, or a test app with a deliberately unprotected
route added, see ``test_the_tests.py``) and returns the list of violations it found, so that a
test asserts ``== []`` and a test of the test asserts that the bad route is reported.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from flask import Flask
from werkzeug.routing import Rule

STATE_CHANGING = frozenset({"POST", "PUT", "PATCH", "DELETE"})
ID_CONVERTER = re.compile(r"<int:[a-z_]+>")
CSRF_LOGGER = "flask_wtf.csrf"


def rules(app: Flask) -> list[Rule]:
    """Every route of the app except static files, in a stable order (logout last)."""
    found = [r for r in app.url_map.iter_rules() if r.endpoint != "static"]
    return sorted(found, key=_order)


def _order(rule: Rule) -> tuple:
    """Reads before writes, the browser routes before the API, logging out last: the walk
    changes state (an allowed user's POST really happens) in a fixed, repeatable order."""
    writes = bool(STATE_CHANGING & set(methods(rule)))
    return (rule.endpoint == "accounts.logout", is_api(rule), writes, rule.rule, rule.endpoint)


def is_api(rule: Rule) -> bool:
    return rule.rule.startswith("/api/")


def methods(rule: Rule) -> list[str]:
    return sorted((rule.methods or set()) - {"HEAD", "OPTIONS"})


def state_changing_rules(app: Flask) -> list[Rule]:
    """POST/PUT/PATCH/DELETE routes outside the bearer-token API (which ignores cookies)."""
    return [r for r in rules(app) if STATE_CHANGING & set(methods(r)) and not is_api(r)]


def id_rules(app: Flask) -> list[Rule]:
    """Routes that name an object by an integer id."""
    return [r for r in rules(app) if ID_CONVERTER.search(r.rule)]


def fill(rule: Rule, values: dict[str, Any]) -> str:
    """The rule's path with each argument replaced by ``values[name]`` (1 when not given)."""
    path = rule.rule
    for name in rule.arguments:
        path = re.sub(rf"<(?:[a-z]+(?:\([^)]*\))?:)?{name}>", str(values.get(name, 1)), path)
    return path


def send(client, rule: Rule, url: str, *, method: str | None = None, **kwargs):
    """One request; the body is read and the response closed at once (a streamed download
    would otherwise hold its request context open past the test's own)."""
    verb = (method or methods(rule)[0]).lower()
    return getattr(client, verb)(url, buffered=True, **kwargs)


# ---------------------------------------------------------------- CSRF


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextmanager
def csrf_refusals() -> Iterator[list[str]]:
    """Messages Flask-WTF logs when it refuses a request for its CSRF token."""
    logger, handler = logging.getLogger(CSRF_LOGGER), _Records()
    level = logger.level
    logger.setLevel(logging.INFO)
    logger.addHandler(handler)
    try:
        yield handler.messages
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


@dataclass
class CsrfProbe:
    """How to reach a route as the user who may use it: their client and their own token."""

    client: Any
    token: str
    values: dict[str, Any] = field(default_factory=dict)


def _refused_for_csrf(response, messages: list[str], before: int) -> bool:
    return response.status_code == 400 and len(messages) > before


def csrf_violations(app: Flask, probe_for: Callable[[Rule], CsrfProbe], foreign_token: str,
                    *, control: bool = True) -> list[str]:
    """Each state-changing route must refuse a request without a token and with another
    session's token; with the user's own token (the control) it must not be refused for CSRF."""
    problems: list[str] = []
    with csrf_refusals() as messages:
        for rule in state_changing_rules(app):
            probe = probe_for(rule)
            url = fill(rule, probe.values)
            for method in sorted(STATE_CHANGING & set(methods(rule))):
                attempts = {
                    "no token": {"data": {}},
                    "foreign token": {"data": {"csrf_token": foreign_token}},
                    "foreign header": {"data": {}, "headers": {"X-CSRFToken": foreign_token}},
                }
                for label, kwargs in attempts.items():
                    before = len(messages)
                    response = send(probe.client, rule, url, method=method, **kwargs)
                    if not _refused_for_csrf(response, messages, before):
                        problems.append(f"{method} {rule.rule} ({rule.endpoint}): accepted with "
                                        f"{label} -> {response.status_code}")
                if control:
                    before = len(messages)
                    response = send(probe.client, rule, url, method=method,
                                    data={"csrf_token": probe.token})
                    if len(messages) > before or response.status_code >= 500:
                        problems.append(f"{method} {rule.rule} ({rule.endpoint}): control with "
                                        f"the user's own token failed -> {response.status_code}")
    return problems


# ---------------------------------------------------------------- object-level authorization


@dataclass
class Actor:
    """Someone knocking: a browser client (logged in or not) and an API token (or none)."""

    name: str
    client: Any
    csrf_token: str
    api_token: str | None = None


def refused(response) -> bool:
    if response.status_code in (401, 403, 404):
        return True
    return response.status_code in (301, 302, 303) and "/masuk" in response.headers.get(
        "Location", "")


#: endpoint -> the keyword arguments of a plausible request body (API writes validate the body
#: before they look the object up, so an empty body would say nothing about authorization)
Bodies = dict[str, Callable[[], dict[str, Any]]]


def knock(actor: Actor, rule: Rule, url: str, method: str, bodies: Bodies | None = None):
    body = (bodies or {}).get(rule.endpoint)
    if is_api(rule):
        headers = {"Authorization": f"Bearer {actor.api_token}"} if actor.api_token else {}
        if method == "GET":
            return send(actor.client, rule, url, method="GET", headers=headers)
        kwargs = body() if body else {"json": {}}
        return send(actor.client, rule, url, method=method, headers=headers, **kwargs)
    if method == "GET":
        return send(actor.client, rule, url, method="GET")
    return send(actor.client, rule, url, method=method, data={"csrf_token": actor.csrf_token})


#: endpoint -> (name of the object set in ``values``, names of the actors who may reach it)
AccessTable = dict[str, tuple[str, frozenset[str]]]


def authorization_violations(app: Flask, actors: list[Actor], values: dict[str, dict[str, Any]],
                             table: AccessTable, bodies: Bodies | None = None) -> list[str]:
    """Every route with an ``<int:…>`` argument must be in the table, and exactly the actors
    the table names may reach it (the others get 401/403/404 or the login page)."""
    problems: list[str] = []
    for rule in id_rules(app):
        if rule.endpoint not in table:
            problems.append(f"{rule.rule} ({rule.endpoint}): not in the access table")
            continue
        objects, allowed = table[rule.endpoint]
        url = fill(rule, values[objects])
        for method in methods(rule):
            for actor in actors:
                response = knock(actor, rule, url, method, bodies)
                if response.status_code >= 500:
                    problems.append(f"{method} {url} ({rule.endpoint}) as {actor.name}: "
                                    f"{response.status_code}")
                elif refused(response) == (actor.name in allowed):
                    verb = "refused" if refused(response) else "REACHED"
                    problems.append(f"{method} {url} ({rule.endpoint}) as {actor.name}: {verb} "
                                    f"({response.status_code})")
    return problems


# ---------------------------------------------------------------- headers


def header_problems(response, *, production: bool) -> list[str]:
    """What is missing or weak in one response's security headers."""
    headers, problems = response.headers, []
    csp = headers.get("Content-Security-Policy", "")
    directives = {d.strip().split(" ")[0]: d.strip() for d in csp.split(";") if d.strip()}
    script = directives.get("script-src", directives.get("default-src", ""))
    if not script or "'unsafe-inline'" in script or "'unsafe-eval'" in script:
        problems.append(f"CSP script-src weak or missing: {script!r}")
    if "frame-ancestors 'none'" not in csp and "frame-ancestors 'self'" not in csp:
        problems.append("CSP without frame-ancestors")
    if headers.get("X-Content-Type-Options") != "nosniff":
        problems.append("no X-Content-Type-Options: nosniff")
    if headers.get("Referrer-Policy") not in ("same-origin", "no-referrer",
                                              "strict-origin-when-cross-origin", "strict-origin"):
        problems.append(f"Referrer-Policy: {headers.get('Referrer-Policy')!r}")
    hsts = headers.get("Strict-Transport-Security", "")
    if production and "max-age=" not in hsts:
        problems.append("no HSTS in the production profile")
    return problems
