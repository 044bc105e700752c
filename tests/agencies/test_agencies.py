"""Agencies are data: `flask agencies add|rename` and the admin page change them, audited."""

import pytest
import sqlalchemy as sa

from app.agencies.models import Agency
from app.agencies.seed import seed_agencies
from app.audit.models import AuditEvent
from app.extensions import db
from tests.conftest import post_form
from tests.support.factories import PASSWORD, create_staff


def agency(code):
    db.session.expire_all()
    return db.session.scalar(sa.select(Agency).where(Agency.code == code))


def events(action):
    return db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action)).all()


def test_the_database_holds_the_seeded_agencies(app, db_session):
    assert {a.code: a.name for a in db.session.scalars(sa.select(Agency))} == seed_agencies()


def test_cli_adds_renames_and_lists_an_agency(app, db_session):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["agencies", "add", "dprkpp", "Dinas Perumahan"])
    assert result.exit_code == 0, result.output
    assert agency("DPRKPP").name == "Dinas Perumahan"
    result = runner.invoke(
        args=["agencies", "rename", "DPRKPP", "Dinas Perumahan, Kawasan Permukiman dan Pertanahan"]
    )
    assert result.exit_code == 0, result.output
    assert agency("DPRKPP").name.endswith("dan Pertanahan")
    assert "DPRKPP" in runner.invoke(args=["agencies", "list"]).output
    assert [e.summary["code"] for e in events("agency.added")] == ["DPRKPP"]
    assert events("agency.renamed")[0].summary["before"] == "Dinas Perumahan"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["add", "KEMENAG", "Lagi"], "sudah ada"),
        (["add", "9X", "Nama"], "huruf kapital"),
        (["add", "DINAS-X", "Nama"], "huruf kapital"),
        (["add", "DINASX", "  "], "Nama OPD wajib diisi"),
        (["rename", "NOPE", "Nama"], "tidak ada"),
    ],
)
def test_cli_refuses_bad_input_with_a_message(app, db_session, args, message):
    result = app.test_cli_runner().invoke(args=["agencies", *args])
    assert result.exit_code != 0
    assert message in result.output and "Traceback" not in result.output


@pytest.fixture
def admin_client(client, programs):
    admin = create_staff("admin")
    response = post_form(client, "/masuk", {"email": admin.email, "password": PASSWORD})
    assert response.status_code == 302
    return client


def test_admin_page_adds_and_renames_an_agency(admin_client):
    page = admin_client.get("/admin/opd/")
    assert page.status_code == 200 and "KEMENAG" in page.get_data(as_text=True)
    response = post_form(admin_client, "/admin/opd/", {"code": "DPRKPP", "name": "Dinas Perumahan"})
    assert response.status_code == 302
    assert agency("DPRKPP").name == "Dinas Perumahan"
    response = post_form(admin_client, "/admin/opd/DPRKPP", {"name": "Dinas Perkim"})
    assert response.status_code == 302
    assert agency("DPRKPP").name == "Dinas Perkim"
    assert events("agency.added") and events("agency.renamed")
    # the new agency is offered when granting roles
    assert "DPRKPP — Dinas Perkim" in admin_client.get("/admin/pengguna").get_data(as_text=True)


def test_admin_page_refuses_bad_input_without_a_500(admin_client):
    response = post_form(admin_client, "/admin/opd/", {"code": "KESRA", "name": "Dobel"})
    assert response.status_code == 422
    assert "sudah ada" in response.get_data(as_text=True)
    response = post_form(admin_client, "/admin/opd/", {"code": "bad code", "name": "X"})
    assert response.status_code == 422
    assert "huruf kapital" in response.get_data(as_text=True)
    response = post_form(admin_client, "/admin/opd/KESRA", {"name": ""})
    assert response.status_code == 422
    assert admin_client.get("/admin/opd/NOPE").status_code == 404


def test_admin_page_needs_csrf(admin_client):
    response = admin_client.post("/admin/opd/", data={"code": "DPRKPP", "name": "Dinas"})
    assert response.status_code == 400
    assert agency("DPRKPP") is None


def test_agency_pages_are_for_admins_only(client, programs):
    reviewer = create_staff("reviewer", "KEMENAG")
    post_form(client, "/masuk", {"email": reviewer.email, "password": PASSWORD})
    assert client.get("/admin/opd/").status_code == 404
