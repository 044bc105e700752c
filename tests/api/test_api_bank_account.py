"""PUT /applications/{id}/bank-account: the applicant corrects the account where the stage
allows it (the agreement, or after a failed transfer), as on the portal's application page."""

from __future__ import annotations

import sqlalchemy as sa

from app.applications.models import Application
from app.audit.models import AuditEvent
from app.extensions import db
from app.organizations.models import BankAccount
from tests.api.conftest import pending_disbursement, to_agreement, to_first_tranche


def accounts(organization) -> list[BankAccount]:
    return list(db.session.scalars(sa.select(BankAccount).where(
        BankAccount.organization_id == organization.id).order_by(BankAccount.id)))


def put(client, world, application, **body):
    data = {"bank_name": "Bank BJB", "number": "0012-3456-7890",
            "holder_name": world.organization.name, **body}
    return client.put(f"/api/v1/applications/{application.id}/bank-account", json=data,
                      headers=world.headers("applicant"))


def test_correction_at_the_agreement_keeps_the_old_account_on_record(client, world):
    application = to_agreement(world)
    before = accounts(world.organization)
    response = put(client, world, application)
    assert response.status_code == 200, response.json
    assert response.json["number_last4"] == "7890" and response.json["is_current"] is True
    assert "001234567890" not in response.get_data(as_text=True)
    after = accounts(world.organization)
    assert len(after) == len(before) + 1
    assert [a.is_current for a in after] == [False] * len(before) + [True]
    assert after[-1].reveal_number() == "001234567890"
    event = db.session.scalar(sa.select(AuditEvent).where(
        AuditEvent.action == "bank_account.set").order_by(AuditEvent.seq.desc()))
    assert event.object_id == str(after[-1].id) and event.summary["last4"] == "7890"


def test_after_a_failed_transfer_the_applicant_corrects_the_account(client, world):
    application = to_first_tranche(world)
    failed = client.post(f"/api/v1/disbursements/{pending_disbursement(application).id}/fail",
                         json={"reason": "Rekening tidak aktif", "deadline": "2099-01-31"},
                         headers=world.headers("finance"))
    assert failed.status_code == 200, failed.json
    stage = db.session.scalar(sa.select(Application.stage).where(
        Application.id == application.id))
    assert stage == "bank_correction"
    assert put(client, world, application).status_code == 200
    assert accounts(world.organization)[-1].number_last4 == "7890"


def test_a_bad_number_is_refused_and_a_foreign_holder_is_kept_for_the_reviewer(client, world):
    application = to_agreement(world)
    before = [(a.id, a.is_current) for a in accounts(world.organization)]
    short = put(client, world, application, number="12345")
    assert short.status_code == 422
    assert [e["field"] for e in short.json["errors"]] == ["body.number"]
    assert [(a.id, a.is_current) for a in accounts(world.organization)] == before
    foreign = put(client, world, application, holder_name="Orang Lain Sekali")
    assert foreign.status_code == 200
    assert not accounts(world.organization)[-1].holder_matches  # shown on the case page


def test_not_at_a_stage_that_allows_it(client, world):
    response = put(client, world, world.draft)
    assert response.status_code == 409 and response.json["code"] == "not_correctable"
