"""A program that exists only as a definition in a PROGRAMS_DIR outside the repository (no Python
form anywhere) renders its declared form, saves a draft and is submitted through the portal."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.applications import operations
from app.applications.models import Application
from app.extensions import db
from tests.conftest import post_form
from tests.portal.conftest import login
from tests.support.factories import create_applicant
from tests.support.programs import attach_for_stage, make_person, pakumis_app

FIXTURE = Path(__file__).resolve().parents[1] / "workflows" / "fixtures" / "pakumis.yaml"


@pytest.fixture(name="pakumis_app")
def resident_pakumis_app(template_url, backend, tmp_path):
    outside = tmp_path / "programs"
    outside.mkdir()
    # this test is about the declared form: let residents apply themselves here
    text = FIXTURE.read_text(encoding="utf-8")
    (outside / "pakumis.yaml").write_text(
        text.replace("self_application: false", "self_application: true"), encoding="utf-8")
    with pakumis_app(template_url, backend, outside, reference={"sanitren"}) as app:
        yield app


def test_declared_form_renders_saves_and_submits(pakumis_app):
    client = pakumis_app.test_client()
    user = create_applicant()
    person = make_person(name="Bapak Sarmin", user=user, dtks=True)
    user.person_id = person.id
    draft = operations.create_draft("pakumis", owner=user, person=person)
    db.session.commit()
    draft_id = draft.id
    login(client, user)
    url = f"/portal/permohonan/{draft_id}/isian"

    page = client.get(url).get_data(as_text=True)
    assert "Rumah dan tanah" in page and "Bukti kepemilikan tanah" in page
    assert 'data-shown-when="owns_land"' in page and "Land" not in page

    refused = post_form(client, url, {"owns_land": "ya", "residents": "40"})
    text = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert "Pilih jawaban untuk: Bukti kepemilikan tanah." in text
    assert "Isi antara 1 dan 30." in text

    saved = post_form(client, url, {"owns_land": "ya", "land_proof": "girik", "residents": "4",
                                    "next": "stay"})
    assert saved.status_code == 302
    assert db.session.get(Application, draft_id).answers == {
        "owns_land": True, "land_proof": "girik", "residents": 4, "house_condition": None}

    attach_for_stage(db.session.get(Application, draft_id), user)
    summary = client.get(f"/portal/permohonan/{draft_id}/kirim").get_data(as_text=True)
    assert "Bukti kepemilikan tanah" in summary and "Girik/letter C" in summary
    sent = post_form(client, f"/portal/permohonan/{draft_id}/kirim", {})
    assert sent.status_code == 302, sent.get_data(as_text=True)[:3000]
    assert db.session.get(Application, draft_id).stage != "proposal"


def test_submitting_without_a_required_answer_is_refused_with_its_label(pakumis_app):
    client = pakumis_app.test_client()
    user = create_applicant()
    person = make_person(name="Ibu Rohayah", user=user, dtks=True)
    user.person_id = person.id
    draft = operations.create_draft("pakumis", owner=user, person=person)
    operations.update_answers(draft, user, {"owns_land": True})
    db.session.commit()
    attach_for_stage(draft, user)
    draft_id = draft.id
    login(client, user)
    sent = post_form(client, f"/portal/permohonan/{draft_id}/kirim", {})
    text = sent.get_data(as_text=True)
    assert sent.status_code == 422
    assert "Isian wajib belum lengkap: Bukti kepemilikan tanah, Jumlah penghuni rumah." in text
    assert db.session.get(Application, draft_id).stage == "proposal"
