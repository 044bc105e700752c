"""Staff scopes are declared (app/accounts/data/scopes.yaml): where a role is held, and what
narrows it. A reviewer of a kecamatan office sees and works only its kecamatan's applications,
in the queue, the case page and the permission checks alike."""

import pytest

from app.accounts import operations as accounts
from app.applications.permissions import can_view_application, can_work_task
from app.applications.queries import open_task
from app.extensions import db
from app.staff import queue
from tests.conftest import post_form
from tests.staff.conftest import login
from tests.support.factories import create_staff
from tests.support.programs import act, new_applicant_with_pesantren, sanitren_draft

BALARAJA, JAYANTI = "36.03.01", "36.03.02"


def submitted_in(desa: str):
    user, org = new_applicant_with_pesantren()
    org.desa_code = desa
    db.session.flush()
    application = sanitren_draft(user, org)
    act(application, "submit", user)
    return application


@pytest.fixture
def two_kecamatan(staff):
    here = submitted_in("36.03.01.2003")
    there = submitted_in("36.03.02.2001")
    assert (here.kecamatan_code, there.kecamatan_code) == (BALARAJA, JAYANTI)
    office = create_staff("reviewer", "KEMENAG", region_code=BALARAJA)
    db.session.commit()
    return here, there, office


def test_a_kecamatan_office_sees_and_works_its_kecamatan_only(client, staff, two_kecamatan):
    here, there, office = two_kecamatan
    seen = {r.application.id for r in queue.page(office, queue.QueueFilter()).rows}
    assert seen == {here.id}
    assert dict((s, n) for s, n, _ in queue.stage_counts(office)) == {here.stage: 1}
    assert can_view_application(office, here) and not can_view_application(office, there)
    assert can_work_task(office, open_task(here)) and not can_work_task(office, open_task(there))
    whole = {r.application.id for r in queue.page(staff["kemenag"], queue.QueueFilter()).rows}
    assert {here.id, there.id} <= whole  # the agency's unnarrowed reviewer sees both

    login(client, office)
    page = client.get("/staf/antrean").get_data(as_text=True)
    assert here.number in page and there.number not in page
    assert client.get(f"/staf/permohonan/{here.id}").status_code == 200
    assert client.get(f"/staf/permohonan/{there.id}").status_code == 404


@pytest.mark.parametrize(
    ("role", "agency", "region", "message"),
    [
        ("reviewer", None, None, "wajib dikaitkan dengan OPD"),
        ("village_operator", None, None, "wajib memiliki kode wilayah"),
        ("village_operator", None, BALARAJA, "tidak dapat dipakai untuk peran ini"),
        ("finance", "BPKAD", BALARAJA, "tidak dapat dipakai untuk peran ini"),
        ("reviewer", "KEMENAG", "36.99.99", "Kode wilayah tidak dikenal"),
    ],
)
def test_assignments_follow_the_declared_scopes(db_session, programs, role, agency, region,
                                                 message):
    user = create_staff("admin")
    with pytest.raises(accounts.AccountError, match=message):
        accounts.grant_role(user, role, agency_code=agency, region_code=region)


def test_declared_narrowings_are_accepted(db_session, programs):
    user = create_staff("admin")
    for role, region in [("reviewer", BALARAJA), ("approver", "36.03.01.2003"),
                         ("village_operator", "36.03.01.2003")]:
        agency = None if role == "village_operator" else "KEMENAG"
        assert accounts.grant_role(user, role, agency_code=agency, region_code=region)


def test_admin_page_grants_a_kecamatan_office_and_refuses_a_bad_scope(client, staff):
    login(client, staff["admin"])
    target = staff["kemenag2"]
    url = f"/admin/pengguna/{target.id}/peran"
    granted = post_form(client, url, {"role": "reviewer", "agency": "KEMENAG",
                                      "region_code": BALARAJA},
                        form_url=f"/admin/pengguna/{target.id}")
    assert granted.status_code == 302
    refused = post_form(client, url, {"role": "finance", "agency": "BPKAD",
                                      "region_code": BALARAJA},
                        form_url=f"/admin/pengguna/{target.id}")
    assert refused.status_code == 422
    assert "tidak dapat dipakai untuk peran ini" in refused.get_data(as_text=True)
