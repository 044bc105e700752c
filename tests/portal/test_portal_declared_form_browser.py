"""A declared program form (PAKUMIS, defined only in YAML outside the repository) in Chromium at
375 px: the conditional field is hidden until its answer is given, labels come from the
definition in Indonesian, a bad value gets an Indonesian message, nothing scrolls sideways and
every tap target on the form is at least 24 × 24 px (WCAG 2.2 target size)."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.agencies.models import Agency
from app.applications import operations
from app.extensions import db
from app.programs.operations import sync_program
from app.programs.registry import registry
from tests.conftest import committing_app_context
from tests.support.browser import PHONE, live_server, no_horizontal_scroll, screenshot
from tests.support.factories import PASSWORD, create_applicant
from tests.support.programs import make_person, open_program

pytestmark = pytest.mark.browser
FIXTURE = Path(__file__).resolve().parents[1] / "workflows" / "fixtures" / "pakumis.yaml"
MIN_TARGET = 24

# Every control of the form (the error summary's links too), measured by the larger of its own
# box and its label's box: a radio button's target is its label too.
SMALL_TARGETS = """
(form, min) => {
  const small = [];
  for (const el of form.querySelectorAll('input, select, textarea, button, a[href]')) {
    if (el.type === 'hidden' || el.closest('[hidden]')) continue;
    let box = el.getBoundingClientRect();
    const label = el.id ? form.querySelector(`label[for="${el.id}"]`) : el.closest('label');
    if (label) {
      const l = label.getBoundingClientRect();
      if (l.width * l.height > box.width * box.height) box = l;
    }
    if (box.width < min || box.height < min) {
      small.push(`${el.tagName} ${el.name || el.textContent.trim()}: ${box.width}x${box.height}`);
    }
  }
  return small;
}
"""


@pytest.fixture
def pakumis_live(template_url, backend, tmp_path):
    from app.demo import ensure_reference_data

    outside = tmp_path / "programs"
    outside.mkdir()
    # this test is about the declared form: let residents apply themselves here
    text = FIXTURE.read_text(encoding="utf-8")
    (outside / "pakumis.yaml").write_text(
        text.replace("self_application: false", "self_application: true"), encoding="utf-8")
    with committing_app_context(template_url, backend, PROGRAMS_DIR=str(outside)) as app:
        with app.app_context():
            ensure_reference_data({"sanitren"})
            db.session.add(Agency(code="DPRKPP", name="Dinas Perumahan dan Permukiman"))
            db.session.commit()
            sync_program(registry().current("pakumis"))
            open_program("pakumis")
            user = create_applicant()
            person = make_person(name="Bapak Sarmin", user=user, dtks=True)
            user.person_id = person.id
            draft = operations.create_draft("pakumis", owner=user, person=person)
            db.session.commit()
            email, draft_id = user.email, draft.id
            db.session.remove()
        with live_server(app) as url:
            yield url, email, draft_id


def test_declared_form_conditional_field_and_errors_at_375_px(pakumis_live, browser):
    base, email, draft_id = pakumis_live
    page = browser.new_page(viewport=PHONE)
    page.goto(base + "/masuk")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_load_state()
    page.goto(f"{base}/portal/permohonan/{draft_id}/isian")

    form = page.locator("form[data-declared-form]")
    conditional = page.locator('[data-shown-when="owns_land"]')
    page.get_by_text("Rumah dan tanah").wait_for()
    assert page.get_by_text("Apakah rumah berdiri di atas tanah milik sendiri?").is_visible()
    assert page.get_by_text("Jumlah penghuni rumah").is_visible()
    assert conditional.is_hidden()
    assert "Proof of land" not in page.content() and "The house" not in page.content()
    assert no_horizontal_scroll(page)
    assert form.evaluate(SMALL_TARGETS, MIN_TARGET) == []

    page.check('input[name="owns_land"][value="ya"]')
    conditional.wait_for(state="visible")
    assert conditional.get_by_text("Bukti kepemilikan tanah").is_visible()
    options = conditional.locator('select[name="land_proof"] option').all_inner_texts()
    assert "Girik/letter C" in options and "Sertifikat hak milik" in options
    assert form.evaluate(SMALL_TARGETS, MIN_TARGET) == []
    page.check('input[name="owns_land"][value="tidak"]')
    conditional.wait_for(state="hidden")
    page.check('input[name="owns_land"][value="ya"]')
    conditional.wait_for(state="visible")

    page.fill('input[name="residents"]', "40")
    page.get_by_role("button", name="Simpan draf").click()
    page.locator("[data-error-summary]").wait_for()
    assert page.get_by_text("Isi antara 1 dan 30.").first.is_visible()
    assert page.get_by_text("Pilih jawaban untuk: Bukti kepemilikan tanah.").first.is_visible()
    # what was typed is kept, and the conditional field is still shown for the kept answer
    assert page.input_value('input[name="residents"]') == "40"
    assert conditional.is_visible()
    assert no_horizontal_scroll(page)
    assert form.evaluate(SMALL_TARGETS, MIN_TARGET) == []
    screenshot(page, "portal-declared-form-errors-375")

    page.select_option('select[name="land_proof"]', "girik")
    page.fill('input[name="residents"]', "4")
    page.get_by_role("button", name="Simpan draf").click()
    page.get_by_text("Isian tersimpan.").first.wait_for()
    assert page.input_value('input[name="residents"]') == "4" and conditional.is_visible()
    screenshot(page, "portal-declared-form-saved-375")
    page.close()
