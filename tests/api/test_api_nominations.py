"""POST /nominations: a village operator's single nomination through the API, refused with the
same messages as the operator's page (the same operations run underneath)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.applications.models import Application
from app.extensions import db
from app.organizations.models import BankAccount, Person
from tests.api.conftest import DESA, bearer, issue, quick_staff
from tests.support.programs import open_program

BODY = {"full_name": "Ahmad Fauzi", "nik": "3603 0112 0185 0001", "address": "Kp. Cangkudu",
        "teaching_since": "2015-07-01", "pupil_count": 25, "is_civil_servant": False,
        "has_fixed_income": False, "bank_name": "BJB", "bank_number": "0012345678"}


@pytest.fixture
def operator(world):
    open_program("guru_ngaji")
    return world.users["village_operator"]


def nominate(client, world, body=None, **headers):
    return client.post("/api/v1/nominations", json=body or BODY,
                       headers=world.headers("village_operator", **headers))


def test_operator_nominates_a_resident_as_a_draft(client, world, operator):
    response = nominate(client, world)
    assert response.status_code == 201, response.json
    body = response.json
    application = db.session.get(Application, body["id"])
    assert response.headers["Location"].endswith(f"/applications/{application.id}")
    assert (application.program_key, application.stage) == ("guru_ngaji", body["stage"])
    assert application.nominated_by_user_id == application.owner_user_id == operator.id
    assert body["answers"]["pupil_count"] == 25 and body["desa_code"] in (DESA, None)
    person = db.session.get(Person, application.person_id)
    assert person.reveal_nik() == "3603011201850001" and person.desa_code == DESA
    assert "3603011201850001" not in response.get_data(as_text=True)  # never sent back
    account = db.session.scalar(sa.select(BankAccount).where(BankAccount.person_id == person.id))
    assert account is not None and account.number_last4 == "5678"


def test_second_nomination_of_the_same_nik_is_refused_with_the_pages_reason(
        client, world, operator):
    assert nominate(client, world).status_code == 201
    again = nominate(client, world)
    assert again.status_code == 422
    assert again.mimetype == "application/problem+json"
    assert again.json["code"] == "nomination_refused"
    assert "NIK ganda" in again.json["detail"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Application).where(
        Application.program_key == "guru_ngaji")) == 1


@pytest.mark.parametrize(("change", "says"), [
    ({"nik": "36030112"}, "NIK harus 16 digit"),
    ({"bank_number": "12"}, "rekening"),
    ({"phone": "12345"}, "HP"),
])
def test_invalid_identifiers_are_refused_and_nothing_is_saved(client, world, operator, change,
                                                              says):
    people = db.session.scalar(sa.select(sa.func.count()).select_from(Person))
    response = nominate(client, world, {**BODY, **change})
    assert response.status_code == 422, response.json
    assert says.lower() in response.json["detail"].lower()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Person)) == people


def test_schema_errors_name_the_field(client, world, operator):
    response = nominate(client, world, {**BODY, "pupil_count": 5000})
    assert response.status_code == 422
    assert [e["field"] for e in response.json["errors"]] == ["body.pupil_count"]


def test_a_resident_of_another_desa_is_refused(client, world, operator):
    assert nominate(client, world).status_code == 201
    elsewhere = quick_staff("village_operator", region_code="36.03.01.2005")
    token = issue(elsewhere, "village_operator")
    response = client.post("/api/v1/nominations", json=BODY, headers=bearer(token))
    assert response.status_code == 422
    assert "warga desa lain" in response.json["detail"]


def test_only_a_village_operator_token_nominates(client, world, operator):
    applicant = world.users["applicant"]
    for role in ("applicant", "reviewer", "admin"):
        response = client.post("/api/v1/nominations", json=BODY, headers=world.headers(role))
        assert response.status_code == 403, role
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Application).where(
        Application.owner_user_id == applicant.id, Application.program_key == "guru_ngaji")) == 0
