"""Object-level and agency-scoped authorization (IDOR: another's object → 404)."""

import pytest

from app.applications.permissions import can_view_application
from app.extensions import db
from app.organizations.models import Membership, Organization
from tests.conftest import post_form
from tests.support.factories import PASSWORD, create_applicant, create_draft, create_staff


def login(client, user):
    return post_form(client, "/masuk", {"email": user.email, "password": PASSWORD})


def make_pesantren(owner, name="Pondok Pesantren Al-Hikmah", nspp="510036030001"):
    org = Organization(
        kind="pesantren", name=name, pesantren_type="salafi", nspp=nspp, desa_code="36.03.01.2003"
    )
    db.session.add(org)
    db.session.flush()
    db.session.add(Membership(user_id=owner.id, organization_id=org.id, role="owner"))
    db.session.commit()
    return org


@pytest.fixture
def two_applicants(db_session, programs):
    a = create_applicant(name="Pemohon A")
    b = create_applicant(name="Pemohon B")
    org_a = make_pesantren(a)
    app_a = create_draft("sanitren", owner=a, organization=org_a)
    return a, b, org_a, app_a


def test_applicant_sees_own_organization_and_application(client, two_applicants):
    a, _, org_a, app_a = two_applicants
    login(client, a)
    assert client.get(f"/organisasi/{org_a.id}").status_code == 200
    assert client.get(f"/permohonan/{app_a.id}").status_code == 200


def test_other_applicant_gets_404_for_organization_and_application(client, two_applicants):
    _, b, org_a, app_a = two_applicants
    login(client, b)
    assert client.get(f"/organisasi/{org_a.id}").status_code == 404
    assert client.get(f"/permohonan/{app_a.id}").status_code == 404
    assert client.get("/permohonan/999999").status_code == 404


def test_anonymous_is_sent_to_login(client, two_applicants):
    _, _, _, app_a = two_applicants
    response = client.get(f"/permohonan/{app_a.id}")
    assert response.status_code == 302 and "/masuk" in response.headers["Location"]


@pytest.mark.parametrize(
    ("role", "agency", "allowed"),
    [
        ("reviewer", "KEMENAG", True),
        ("reviewer", "BAPPEDA", True),
        ("approver", "BAPPEDA", True),
        ("reviewer", "DISDIK", False),
        ("approver", "DISKOPUM", False),
        ("auditor", "INSPEKTORAT", True),
    ],
)
def test_agency_scoping_of_a_sanitren_file(client, two_applicants, role, agency, allowed):
    _, _, _, app_a = two_applicants
    staff = create_staff(role, agency)
    assert can_view_application(staff, app_a) is allowed
    login(client, staff)
    assert client.get(f"/permohonan/{app_a.id}").status_code == (200 if allowed else 404)
