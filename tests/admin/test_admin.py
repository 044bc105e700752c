"""Administration: periods, ceilings never below reservations, quotas, users and roles, imports."""

import io
import re

import pytest
import sqlalchemy as sa

from app.accounts.models import User
from app.audit.models import AuditEvent
from app.extensions import db
from app.programs.models import Program, ProgramBudget, RegionQuota
from tests.conftest import choose_language, post_form
from tests.support.factories import PASSWORD, create_staff

TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


@pytest.fixture
def admin_client(client, programs):
    admin = create_staff("admin")
    response = post_form(client, "/masuk", {"email": admin.email, "password": PASSWORD})
    assert response.status_code == 302
    return client


def events(action):
    return db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action)).all()


def test_program_period_is_saved_and_audited(admin_client):
    response = post_form(
        admin_client,
        "/admin/program/sanitren/periode",
        {"window_opens": "2026-02-01", "window_closes": "2026-04-30"},
        form_url="/admin/program/sanitren",
    )
    assert response.status_code == 302
    program = db.session.get(Program, "sanitren")
    db.session.refresh(program)
    assert program.is_open is False and program.window_closes.isoformat() == "2026-04-30"
    assert events("program.period_changed")
    response = post_form(
        admin_client,
        "/admin/program/sanitren/periode",
        {"is_open": "y", "window_opens": "2026-05-01", "window_closes": "2026-04-30"},
        form_url="/admin/program/sanitren",
    )
    assert response.status_code == 422
    assert "Tanggal tutup harus" in response.get_data(as_text=True)


def test_ceiling_never_below_reserved(admin_client):
    budget = ProgramBudget(
        program_key="kembangku", fiscal_year=2031, ceiling=500_000_000, reserved=200_000_000
    )
    db.session.add(budget)
    db.session.commit()
    budget_id = budget.id
    response = post_form(
        admin_client,
        "/admin/program/kembangku/pagu",
        {"fiscal_year": "2031", "ceiling": "150.000.000"},
        form_url="/admin/program/kembangku",
    )
    assert response.status_code == 422
    assert "Rp200.000.000" in response.get_data(as_text=True)
    response = post_form(
        admin_client,
        "/admin/program/kembangku/pagu",
        {"fiscal_year": "2031", "ceiling": "Rp250.000.000"},
        form_url="/admin/program/kembangku",
    )
    assert response.status_code == 302
    assert db.session.get(ProgramBudget, budget_id).ceiling == 250_000_000
    assert events("program.ceiling_set")[-1].summary == {
        "fiscal_year": 2031,
        "before": 500_000_000,
        "after": 250_000_000,
    }


def test_quota_per_region_never_below_used(admin_client):
    response = post_form(
        admin_client,
        "/admin/program/guru_ngaji/kuota",
        {"fiscal_year": "2026", "region_code": "36.03.01.2003", "max_count": "20"},
        form_url="/admin/program/guru_ngaji",
    )
    assert response.status_code == 302
    quota = db.session.scalar(
        sa.select(RegionQuota).where(
            RegionQuota.region_code == "36.03.01.2003", RegionQuota.fiscal_year == 2026
        )
    )
    assert quota.max_count == 20
    quota.used = 5
    db.session.commit()
    response = post_form(
        admin_client,
        "/admin/program/guru_ngaji/kuota",
        {"fiscal_year": "2026", "region_code": "36.03.01.2003", "max_count": "4"},
        form_url="/admin/program/guru_ngaji",
    )
    assert response.status_code == 422


def test_users_roles_granted_and_revoked(admin_client):
    response = post_form(
        admin_client,
        "/admin/pengguna",
        {
            "full_name": "Verifikator Baru",
            "email": "baru@kemenag.contoh.id",
            "password": "Rahasia-Kuat-2027",
            "role": "reviewer",
            "agency": "",
        },
    )
    assert response.status_code == 422
    assert "wajib dikaitkan dengan OPD" in response.get_data(as_text=True)
    response = post_form(
        admin_client,
        "/admin/pengguna",
        {
            "full_name": "Verifikator Baru",
            "email": "baru@kemenag.contoh.id",
            "password": "Rahasia-Kuat-2027",
            "role": "reviewer",
            "agency": "KEMENAG",
        },
    )
    assert response.status_code == 302
    user = db.session.scalar(sa.select(User).where(User.email == "baru@kemenag.contoh.id"))
    user_id = user.id
    url = f"/admin/pengguna/{user_id}"
    assert (
        post_form(
            admin_client, f"{url}/peran", {"role": "approver", "agency": "BAPPEDA"}, form_url=url
        ).status_code
        == 302
    )
    db.session.expire_all()
    user = db.session.get(User, user_id)
    assert user.role_pairs == {("reviewer", "KEMENAG"), ("approver", "BAPPEDA")}
    assignment = next(r for r in user.roles if r.role == "approver")
    assert (
        post_form(admin_client, f"{url}/peran/{assignment.id}/cabut", {}, form_url=url).status_code
        == 302
    )
    db.session.expire_all()
    assert db.session.get(User, user_id).role_pairs == {("reviewer", "KEMENAG")}
    assert events("account.role_revoked") and events("account.role_granted")


def test_register_import_shows_the_row_report(admin_client):
    content = b"nspp,nama\n510036030001,Pondok A\n12345,Pondok B\n510036030001,Pondok A lagi\n"
    token = TOKEN.search(admin_client.get("/admin/impor").get_data(as_text=True)).group(1)
    response = admin_client.post(
        "/admin/impor",
        data={
            "csrf_token": token,
            "register": "pesantren",
            "file": (io.BytesIO(content), "pesantren.csv"),
        },
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    text = response.get_data(as_text=True)
    assert response.status_code == 200 and "Laporan impor" in text
    assert "Baris ganda" in text and re.search(r">\s*3\s*<", text)


def test_admin_index_links_to_dead_letters(admin_client):
    page = admin_client.get("/admin/").get_data(as_text=True)
    assert "/admin/notifikasi/gagal" in page


REFUSED_IN = {
    "id": ("Pagu tidak boleh di bawah dana yang sudah dicadangkan (Rp200.000.000).",
           "Kolom wajib tidak ditemukan: nik atau kk atau no_kk."),
    "en": ("The budget ceiling cannot be lower than the funds already reserved (Rp200.000.000).",
           "Required column not found: nik or kk or no_kk."),
}


@pytest.mark.parametrize("lang", ["id", "en"])
def test_admin_refusals_in_the_chosen_language(admin_client, compiled_catalog, lang):
    db.session.add(ProgramBudget(program_key="kembangku", fiscal_year=2031, ceiling=500_000_000,
                                 reserved=200_000_000))
    db.session.commit()
    choose_language(admin_client, lang)
    other = REFUSED_IN["en" if lang == "id" else "id"]
    response = post_form(admin_client, "/admin/program/kembangku/pagu",
                         {"fiscal_year": "2031", "ceiling": "150.000.000"},
                         form_url="/admin/program/kembangku")
    text = response.get_data(as_text=True)
    assert response.status_code == 422
    assert REFUSED_IN[lang][0] in text and other[0] not in text

    token = TOKEN.search(admin_client.get("/admin/impor").get_data(as_text=True)).group(1)
    response = admin_client.post(
        "/admin/impor",
        data={"csrf_token": token, "register": "dtks",
              "file": (io.BytesIO(b"nama,alamat\nA,B\n"), "dtks.csv")},
        content_type="multipart/form-data",
    )
    text = response.get_data(as_text=True)
    assert response.status_code == 422
    assert REFUSED_IN[lang][1] in text and other[1] not in text
