"""A pesantren missing from the Kemenag register asks Kemenag to check it; a Kemenag reviewer
decides, and a confirmation makes the registration rule pass."""

import sqlalchemy as sa

from app.registers.models import RegisterCheck
from tests.conftest import post_form
from tests.portal.conftest import login
from tests.support.factories import create_staff
from tests.support.programs import make_pesantren

RULE = "Terdaftar di Kemenag Kabupaten Tangerang"


def _precheck(client, org) -> str:
    return client.get(f"/portal/program/sanitren/cek?lembaga={org.id}").get_data(as_text=True)


def _decide(client, check_id: int, decision: str, note: str = ""):
    return post_form(client, "/staf/cek-register",
                     {"check_id": check_id, "decision": decision, "note": note})


def _status_of(db_session, org) -> str:
    return db_session.scalar(sa.select(RegisterCheck.status)
                             .where(RegisterCheck.organization_id == org.id))


def test_an_unlisted_pesantren_asks_and_kemenag_confirms(client, app, db_session, applicant,
                                                         kemenag):
    org = make_pesantren(applicant, registered=False)
    db_session.commit()
    login(client, applicant)
    page = _precheck(client, org)
    assert "Minta Kemenag memeriksa pendaftaran" in page
    url = f"/portal/program/sanitren/cek?lembaga={org.id}"
    sent = post_form(client, f"/portal/lembaga/{org.id}/cek-kemenag?next={url}", {},
                     form_url=url, follow_redirects=True)
    assert "sedang ditangani verifikator Kemenag" in sent.get_data(as_text=True)
    again = post_form(client, f"/portal/lembaga/{org.id}/cek-kemenag", {}, form_url=url,
                      follow_redirects=True)
    assert "sudah dikirim" in again.get_data(as_text=True)

    other = app.test_client()
    login(other, create_staff("reviewer", "DISDIK"))  # not the register's agency
    assert other.get("/staf/cek-register").status_code == 404
    reviewer = app.test_client()
    login(reviewer, kemenag)
    assert org.name in reviewer.get("/staf/cek-register").get_data(as_text=True)
    check_id = db_session.scalar(sa.select(RegisterCheck.id)
                                 .where(RegisterCheck.organization_id == org.id))
    assert _decide(reviewer, check_id, "confirm").status_code == 302
    assert _status_of(db_session, org) == "confirmed"

    page = _precheck(client, org)
    assert "Minta Kemenag memeriksa pendaftaran" not in page
    rule = page[page.index(RULE):][:600]
    assert "Terpenuhi" in rule or "Lolos" in rule or "Memenuhi" in rule, rule


def test_a_refusal_needs_a_reason_and_is_shown_to_the_pesantren(client, app, db_session,
                                                               applicant, kemenag):
    org = make_pesantren(applicant, registered=False)
    db_session.commit()
    login(client, applicant)
    url = f"/portal/program/sanitren/cek?lembaga={org.id}"
    post_form(client, f"/portal/lembaga/{org.id}/cek-kemenag", {}, form_url=url)
    reviewer = app.test_client()
    login(reviewer, kemenag)
    check_id = db_session.scalar(sa.select(RegisterCheck.id)
                                 .where(RegisterCheck.organization_id == org.id))
    refused = _decide(reviewer, check_id, "refuse")
    assert refused.status_code == 302 and _status_of(db_session, org) == "pending"
    _decide(reviewer, check_id, "refuse", "Izin operasional belum terbit; urus di Kemenag.")
    assert _status_of(db_session, org) == "refused"
    page = _precheck(client, org)
    assert "Izin operasional belum terbit" in page
    assert "Minta Kemenag memeriksa pendaftaran" in page  # may ask again
