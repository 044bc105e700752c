"""Mass assignment: fields an applicant may not set, posted to the portal forms and the API
alongside valid input, are ignored (or refused) and change nothing."""

from __future__ import annotations

import pytest

from app.applications.models import Application
from app.extensions import db
from app.organizations.models import Membership, Organization
from tests.conftest import post_form
from tests.security.conftest import logged_in
from tests.support.programs import make_pesantren

FORGED = {
    "status": "approved", "stage": "completed", "outcome": "completed", "version": "99",
    "amount_approved": "999999999", "amount_requested": "999999999", "owner_user_id": "1",
    "organization_id": "1", "person_id": "1", "program_key": "kembangku", "fiscal_year": "1999",
    "number": "SANITREN-0000-000001", "definition_version": "99", "submitted_dt": "2020-01-01",
    "eligibility": "{}", "created_by_user_id": "1", "verified": "y", "kind": "koperasi",
    "is_admin": "y", "role": "admin",
}
PROTECTED = ("stage", "outcome", "version", "amount_approved", "owner_user_id",
             "organization_id", "person_id", "program_key", "fiscal_year", "number",
             "definition_version", "submitted_dt")


def snapshot(application_id: int) -> dict:
    db.session.expire_all()
    row = db.session.get(Application, application_id)
    return {name: getattr(row, name) for name in PROTECTED}


def test_program_form_ignores_status_stage_amount_and_owner(app, applicant_draft):
    owner, draft = applicant_draft
    before = snapshot(draft.id)
    client = logged_in(app, owner)
    valid = {"similar_aid_this_year": "tidak", "sanitation_adequate": "tidak",
             "resident_santri": "150"}
    response = post_form(client, f"/portal/permohonan/{draft.id}/isian", {**FORGED, **valid})
    assert response.status_code == 302
    after = snapshot(draft.id)
    saved = db.session.get(Application, draft.id)
    assert saved.answers["resident_santri"] == 150  # the valid part was saved…
    assert {k: v for k, v in after.items() if k != "version"} == {
        k: v for k, v in before.items() if k != "version"}  # …and nothing else
    assert after["version"] != 99
    assert not set(FORGED) & set(saved.answers)


def test_organization_form_ignores_kind_owner_and_verification(app, applicant_draft):
    owner, _ = applicant_draft
    org = make_pesantren(owner, name="Pondok Pesantren Nurul Huda")
    client = logged_in(app, owner)
    form = {"name": "Pondok Pesantren Nurul Huda Baru", "address": "Kp. Baru RT 02/03",
            "desa_code": "36.03.01.2003", "pesantren_type": "salafi", "nspp": org.nspp,
            "resident_santri": "130", "leader_name": "KH. Baru"}
    response = post_form(client, f"/portal/lembaga/{org.id}", {**FORGED, **form})
    assert response.status_code == 302, response.get_data(as_text=True)[:400]
    db.session.expire_all()
    saved = db.session.get(Organization, org.id)
    assert saved.name == form["name"] and saved.kind == "pesantren"
    members = db.session.query(Membership).filter_by(organization_id=org.id).all()
    assert [(m.user_id, m.role) for m in members] == [(owner.id, "owner")]


@pytest.mark.parametrize("field", ["stage", "outcome", "amount_approved", "version",
                                   "owner_user_id"])
def test_api_answers_refuse_or_ignore_protected_fields(app, applicant_draft, field):
    from app.api.tokens import issue_token

    owner, draft = applicant_draft
    _, token = issue_token(owner, "applicant")
    db.session.commit()
    before = snapshot(draft.id)
    response = app.test_client().patch(
        f"/api/v1/applications/{draft.id}/answers",
        json={"answers": {"resident_santri": 140}, field: FORGED[field]},
        headers={"Authorization": f"Bearer {token}"})
    assert response.status_code in (200, 422), response.get_data(as_text=True)[:300]
    after = snapshot(draft.id)
    assert after[field] == before[field] or field == "version" and after[field] != 99
