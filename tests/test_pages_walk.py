"""Every page as each demo role, over the demo data, in the Indonesian locale.

Two promises are checked on the same walk (every link a page shows is followed, breadth first):
- no link leads the role that sees it to a 404 (or a 500);
- the visible text is Indonesian: no English message texts and no raw keys (snake_case words,
  dotted fact names, definition keys shown as they are, e.g. "Lpj" or "tranche_1").
"""

from __future__ import annotations

import re
from collections import deque
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

import pytest

from app.demo import DEMO_APPLICANTS, DEMO_PASSWORD, DEMO_STAFF
from tests.conftest import choose_language, committing_app_context, post_form

MAX_PAGES = 120  # per role; enough for every kind of page of the demo data
MAX_VARIANTS = 3  # query-string variants of one path (filters, pages) followed per role
SKIP_PREFIXES = ("/api/", "/static/", "/healthz")
SKIP_SUFFIXES = (".pdf",)  # PDF letters take seconds to render; their pages have own tests

#: English words that never occur in Indonesian UI text; a visible sentence holding one of
#: them is an untranslated message ("Field must be between 3 and 200 characters long.").
ENGLISH = frozenset((
    "the", "must", "between", "characters", "field", "required", "invalid", "accepted",
    "progress", "report", "count", "adequate", "resident", "submit", "this", "please",
    "should", "cannot", "none", "yes",
))
SNAKE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")
DOTTED = re.compile(r"\b[a-z_]+\.[a-z_]+\b")
WORD = re.compile(r"[A-Za-z]+")
#: Allowed although they look like keys, with the reason:
ALLOWED = (
    re.compile(r"\S+@\S+"),  # e-mail addresses (the demo accounts: verifikator.kemenag@…)
    re.compile(r"\b[\w.-]+\.(?:pdf|jpe?g|png|csv|xlsx)\b"),  # file names, as uploaded
    re.compile(r"\ba\.n\."),  # "a.n." = atas nama (account holder), an Indonesian abbreviation
    re.compile(r"(?:Kolom:|nama kolom, misalnya) [^\n]*"),  # import files' column names (literal)
)
#: Text inside <code> is a literal shown as such (an audit event's name next to its label,
#: a hash); it is not checked.
LITERAL_TAGS = ("code",)


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.text: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag in ("script", "style", "template", *LITERAL_TAGS):
            self._hidden += 1
        if tag == "a" and attributes.get("href"):
            self.links.append(attributes["href"])
        if tag in ("input", "button") and attributes.get("type") in ("submit", "button"):
            self.text.append(attributes.get("value") or "")
        for name in ("title", "placeholder", "aria-label"):
            if attributes.get(name):
                self.text.append(attributes[name])

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template", *LITERAL_TAGS):
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden and data.strip():
            self.text.append(data.strip())


def definition_keys() -> set[str]:
    """Keys of the program definitions that would be raw if shown (stages, documents, tranches,
    facts...), title-cased as a template's ``|title`` would show them."""
    from app.programs.registry import registry

    keys: set[str] = set()
    for definition in registry().current_definitions():
        keys |= {stage.key for stage in definition.stages}
        keys |= {document.type for document in definition.documents}
        keys |= {tranche.key for tranche in definition.funding.tranches}
        keys |= {transition.action for transition in definition.transitions}
    # a key shown through |title: "Tranche 1", "Lpj"; plain words ("Proposal") are Indonesian too
    return {k.replace("_", " ").title() for k in keys if "_" in k or len(k) <= 4}


def language_problems(text: str, raw_titles: set[str]) -> list[str]:
    visible = text
    for pattern in ALLOWED:
        visible = pattern.sub(" ", visible)
    problems = [f"raw key {m!r}" for m in SNAKE.findall(visible)]
    problems += [f"dotted name {m!r}" for m in DOTTED.findall(visible)]
    for line in visible.splitlines():
        english = {w.lower() for w in WORD.findall(line)} & ENGLISH
        problems += [f"English {w!r} in {line[:80]!r}" for w in sorted(english)]
    problems += [f"raw title {t!r}" for t in raw_titles if re.search(rf"\b{t}\b", visible)]
    return problems


def login(client, email: str):
    response = post_form(client, "/masuk", {"email": email, "password": DEMO_PASSWORD})
    assert response.status_code == 302, (email, response.status_code)
    return response.headers["Location"]


def _local(href: str) -> str | None:
    href, _ = urldefrag(href)
    parts = urlsplit(href)
    if parts.scheme in ("mailto", "tel", "javascript") or (parts.netloc and
                                                          parts.netloc != "localhost"):
        return None
    if not parts.path.startswith("/"):
        return None  # "#konten" and relative links: none on these pages but the skip link
    return parts.path + (f"?{parts.query}" if parts.query else "")


def walk(client, start: str, raw_titles: set[str]) -> tuple[list[str], list[str]]:
    """Breadth-first over the links; returns (broken links, language problems)."""
    broken, language = [], []
    queue, seen, variants = deque([(start, "(login)")]), {start}, {}
    pages = 0
    while queue and pages < MAX_PAGES:
        url, source = queue.popleft()
        path = urlsplit(url).path
        response = client.get(url)
        pages += 1
        if response.status_code in (404, 405) or response.status_code >= 500:
            broken.append(f"{url} (linked from {source}) -> {response.status_code}")
            continue
        if response.status_code in (301, 302, 303):
            target = _local(response.headers["Location"])
            if target and target not in seen:
                seen.add(target)
                queue.append((target, url))
            continue
        if "html" not in response.content_type:
            continue
        page = _Page()
        page.feed(response.get_data(as_text=True))
        for problem in language_problems("\n".join(page.text), raw_titles):
            language.append(f"{path}: {problem}")
        for href in page.links:
            target = _local(href)
            if (not target or target in seen or target.startswith(SKIP_PREFIXES)
                    or urlsplit(target).path.endswith(SKIP_SUFFIXES)):
                continue
            bare = urlsplit(target).path
            variants[bare] = variants.get(bare, 0) + 1
            if variants[bare] > MAX_VARIANTS:
                continue
            seen.add(target)
            queue.append((target, url))
    return broken, language


ROLES = [email for email, *_ in DEMO_STAFF] + [email for email, *_ in DEMO_APPLICANTS]


@pytest.fixture(scope="module")
def demo_app(template_url, backend):
    with committing_app_context(template_url, backend, LOGIN_RATE_LIMIT="100 per minute") as app:
        result = app.test_cli_runner().invoke(args=["demo-data"])
        assert result.exit_code == 0, result.output
        with app.app_context():
            app.config["RAW_TITLES"] = definition_keys()
        yield app


@pytest.fixture(scope="module")
def walks(demo_app) -> dict[str, tuple[list[str], list[str]]]:
    found = {}
    for email in [None, *ROLES]:
        client = demo_app.test_client()
        start = login(client, email) if email else "/"
        found[email or "anonymous"] = walk(client, _local(start), demo_app.config["RAW_TITLES"])
    return found


def test_no_link_leads_to_a_missing_page(walks):
    broken = [f"{who}: {b}" for who, (links, _) in walks.items() for b in links]
    assert broken == [], "\n".join(broken)


def test_every_page_is_indonesian(walks):
    where: dict[str, set[str]] = {}
    for who, (_, found) in walks.items():
        for line in found:
            path, problem = line.split(": ", 1)
            where.setdefault(problem, set()).add(f"{who.split('@')[0]} {path}")
    report = [f"{p}  <- {', '.join(sorted(w)[:3])}{' …' if len(w) > 3 else ''}"
              for p, w in sorted(where.items())]
    assert report == [], f"{len(report)} problems:\n" + "\n".join(report)


LANDINGS = {
    "verifikator.kemenag@demo.sibantu.id": "/staf/antrean",
    "kepala.kesra@demo.sibantu.id": "/staf/antrean",
    "bendahara.bpkad@demo.sibantu.id": "/staf/antrean",
    "auditor.inspektorat@demo.sibantu.id": "/audit/",
    "admin@demo.sibantu.id": "/admin/",
    "operator.desa@demo.sibantu.id": "/portal/operator",
    "pesantren@demo.sibantu.id": "/portal",
}


@pytest.mark.parametrize("email", sorted(LANDINGS))
def test_login_lands_on_the_roles_own_page(demo_app, email):
    assert urlsplit(login(demo_app.test_client(), email)).path == LANDINGS[email]


def test_wtforms_messages_follow_the_page_language(demo_app, compiled_catalog):
    client = demo_app.test_client()
    login(client, "pesantren@demo.sibantu.id")
    url = "/portal/lembaga/baru?jenis=pesantren"
    page = post_form(client, url, {"name": "ab", "address": "Jl. Raya"}).get_data(as_text=True)
    assert "Isian harus 3 sampai 200 karakter." in page and "characters long" not in page
    choose_language(client, "en")
    page = post_form(client, url, {"name": "ab", "address": "Jl. Raya"}).get_data(as_text=True)
    assert "Field must be between 3 and 200 characters long." in page


def test_the_inbox_message_of_a_returned_file_carries_the_officers_note(demo_app):
    client = demo_app.test_client()
    login(client, "pesantren@demo.sibantu.id")
    choose_language(client, "id")  # another test of this module may have chosen English
    page = client.get("/kotak-masuk").get_data(as_text=True)
    assert "Catatan petugas" in page and "Mohon lengkapi dokumen yang kurang jelas." in page
