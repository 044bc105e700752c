"""The English catalog: complete for the current tree, and actually used when English is chosen.

Indonesian is the source language (msgids); ``translations/en`` holds the English. When this
file fails because a msgid is missing or untranslated: ``scripts/i18n.sh update``, translate
the empty/fuzzy entries in ``translations/en/LC_MESSAGES/messages.po``, ``scripts/i18n.sh check``.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from markupsafe import escape

from tests.conftest import post_form

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "translations" / "en" / "LC_MESSAGES" / "messages.po"
MO = PO.with_suffix(".mo")
BIN = Path(sys.executable).parent

# printf-style directives: %(name)s, %s, %d, %%; a lone "%" counts as itself
DIRECTIVE = re.compile(r"%(?:\([^)]*\))?[#0\- +]*\d*(?:\.\d+)?[a-zA-Z%]|%")


def _read(path: Path):
    with path.open("rb") as f:
        return read_po(f)


def _forms(message) -> list[str]:
    return list(message.string) if isinstance(message.string, (list, tuple)) else [message.string]


def _ids(message) -> list[str]:
    return list(message.id) if isinstance(message.id, (list, tuple)) else [message.id]


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    """A fresh extraction of the tree, with the options scripts/i18n.sh uses."""
    pot = tmp_path_factory.mktemp("i18n") / "messages.pot"
    subprocess.run(
        [str(ROOT / "scripts" / "i18n.sh"), "extract"],
        cwd=ROOT, env={**os.environ, "POT": str(pot), "BIN": str(BIN)}, check=True,
    )
    return _read(pot)


@pytest.fixture(scope="module")
def catalog():
    assert PO.exists(), "no English catalog; run scripts/i18n.sh update"
    return _read(PO)


def test_extraction_includes_macros_and_python(extracted):
    """Babel skips directories starting with "_" unless told otherwise (templates/_macros)."""
    files = {location[0] for message in extracted for location in message.locations}
    assert any(f.startswith("templates/_macros/") for f in files), sorted(files)[:10]
    assert any(f.startswith("app/") and f.endswith(".py") for f in files)
    assert any(f.startswith("forms/") for f in files)


def test_every_extracted_msgid_is_in_the_catalog(extracted, catalog):
    missing = [
        f"{message.id!r} ({message.locations[0][0]}:{message.locations[0][1]})"
        for message in extracted
        if message.id and message.id not in catalog
    ]
    assert not missing, (
        f"{len(missing)} msgid(s) not in {PO.relative_to(ROOT)}; run scripts/i18n.sh update "
        "and translate them:\n" + "\n".join(missing)
    )


def test_every_msgid_has_an_english_translation(catalog):
    untranslated = [repr(m.id) for m in catalog if m.id and not all(_forms(m))]
    fuzzy = [repr(m.id) for m in catalog if m.id and m.fuzzy]
    assert not untranslated, "untranslated:\n" + "\n".join(untranslated)
    assert not fuzzy, "fuzzy (check the translation, then remove the flag):\n" + "\n".join(fuzzy)


def test_plural_entries_have_both_english_forms(catalog):
    assert catalog.num_plurals == 2
    for message in catalog:
        if message.pluralizable:
            assert len(_forms(message)) == 2 and all(_forms(message)), message.id


def test_translations_keep_the_placeholders(catalog):
    """Same printf directives (%(name)s, %%, a literal %) in the English as in the msgid.

    Jinja's gettext always %-formats, so a stray "%" in a translation would break the page.
    A singular plural form may leave out %(num)s ("One file saved.").
    """
    wrong = []
    for message in catalog:
        if not message.id:
            continue
        ids, forms = _ids(message), _forms(message)
        for index, form in enumerate(forms):
            source = ids[min(index, len(ids) - 1)]
            expected = sorted(DIRECTIVE.findall(source))
            got = sorted(DIRECTIVE.findall(form))
            if message.pluralizable and index == 0 and "%(num)s" not in got:
                expected = [d for d in expected if d != "%(num)s"]
            if got != expected:
                wrong.append(f"{source!r} -> {form!r}")
    assert not wrong, "placeholders differ:\n" + "\n".join(wrong)


# --- rendering ---------------------------------------------------------------------------------

PAGES = {
    "/masuk": {
        "en": ["Sign in to SIBANTU", "Forgot your password?", "No account yet?"],
        "id": ["Masuk ke SIBANTU", "Lupa kata sandi?", "Belum punya akun?"],
    },
    "/": {
        "en": ["Apply for and track local assistance from anywhere",
               "How to apply for assistance", "This service is free"],
        "id": ["Ajukan dan pantau bantuan daerah dari mana saja",
               "Cara mengajukan bantuan", "Layanan ini gratis"],
    },
    "/program": {
        "en": ["Assistance programs", "Choose a program to see who can apply"],
        "id": ["Program bantuan", "Pilih program untuk melihat siapa yang dapat mengajukan"],
    },
}
SHARED = {  # base.html, on every page
    "en": ["Skip to main content", "Integrated Assistance Information System"],
    "id": ["Langsung ke konten utama", "Sistem Informasi Bantuan Terpadu"],
}


@pytest.fixture(scope="module")
def compiled():
    """The .mo is built by `make install`; rebuild it here if the .po is newer (or it is absent)."""
    if not MO.exists() or MO.stat().st_mtime < PO.stat().st_mtime:
        subprocess.run([str(ROOT / "scripts" / "i18n.sh"), "compile"], cwd=ROOT, check=True,
                       env={**os.environ, "BIN": str(BIN)})


def _page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def _assert_language(html: str, url: str, lang: str) -> None:
    other = "id" if lang == "en" else "en"
    assert f'<html lang="{lang}">' in html, url
    for text in PAGES[url][lang] + SHARED[lang]:
        assert text in html, f"{url} ({lang}): {text!r} missing"
    for text in PAGES[url][other] + SHARED[other]:
        assert text not in html, f"{url} ({lang}): {text!r} should not be shown"


def _program_names(app) -> list[tuple[str, str]]:
    """(Indonesian, English) names of the programs: data from the definitions, not msgids."""
    from app.programs.registry import registry

    with app.app_context():
        names = [(d.name.id, d.name.en) for d in registry().current_definitions()]
    assert names
    return names


def test_english_when_chosen(compiled, app, client, programs):
    response = post_form(client, "/bahasa", {"lang": "en", "next": "/program"}, form_url="/masuk")
    assert response.status_code == 302 and response.headers["Location"].endswith("/program")
    for url in PAGES:
        _assert_language(_page(client, url), url, "en")
    listing = _page(client, "/program")
    for indonesian, english in _program_names(app):
        assert escape(english) in listing and escape(indonesian) not in listing


def test_english_dates_and_error_pages(compiled, client, programs):
    post_form(client, "/bahasa", {"lang": "en", "next": "/"}, form_url="/masuk")
    html = _page(client, "/program")
    assert re.search(r"\d{1,2} (January|February|March|April|May|June|July|August|September"
                     r"|October|November|December) \d{4}", html)
    assert not re.search(r"\d{1,2} (Januari|Februari|Maret|Mei|Juni|Juli|Agustus|Oktober"
                         r"|Desember) \d{4}", html)
    missing = client.get("/tidak-ada-halaman-ini").get_data(as_text=True)
    assert "Page not found" in missing and "Halaman tidak ditemukan" not in missing


def test_indonesian_by_default(compiled, app, client, programs):
    for url in PAGES:
        _assert_language(_page(client, url), url, "id")
    listing = _page(client, "/program")
    for indonesian, english in _program_names(app):
        assert escape(indonesian) in listing and escape(english) not in listing


def test_indonesian_whatever_the_browser_asks_for(compiled, client, programs):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en-US,en;q=0.9"
    for url in PAGES:
        _assert_language(_page(client, url), url, "id")


def test_back_to_indonesian(compiled, client, programs):
    post_form(client, "/bahasa", {"lang": "en", "next": "/"}, form_url="/masuk")
    post_form(client, "/bahasa", {"lang": "id", "next": "/"}, form_url="/masuk")
    _assert_language(_page(client, "/masuk"), "/masuk", "id")
