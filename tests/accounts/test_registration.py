import pytest
import sqlalchemy as sa

from app.accounts.models import User
from app.extensions import db
from tests.conftest import choose_language, post_form

VALID = {
    "full_name": "Siti Aminah",
    "email": "siti@contoh.id",
    "phone": "+62 812-3456-7890",
    "password": "Pesantren-Bersih-2026",
    "password_confirm": "Pesantren-Bersih-2026",
}


def users_count() -> int:
    return db.session.scalar(sa.select(sa.func.count(User.id)))


def test_register_creates_applicant_and_logs_in(client):
    response = post_form(client, "/daftar", VALID)
    assert response.status_code == 302
    user = db.session.scalar(sa.select(User).where(User.email == "siti@contoh.id"))
    assert user.phone == "081234567890"  # normalised
    assert user.has_role("applicant")
    assert user.password_hash.startswith("$argon2id$")
    assert client.get("/").status_code == 200
    assert "Siti Aminah" in client.get("/").get_data(as_text=True)


def test_each_bad_field_is_reported_and_nothing_is_saved(client):
    before = users_count()
    bad = {
        "full_name": "",
        "email": "bukan-email",
        "phone": "12345",
        "password": "pendek",
        "password_confirm": "lain",
    }
    response = post_form(client, "/daftar", bad)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Nama lengkap wajib diisi." in html
    assert "Format e-mail tidak valid." in html
    assert "Kedua kata sandi tidak sama." in html
    assert html.count('aria-invalid="true"') >= 4
    assert 'value="bukan-email"' in html  # what was typed is kept
    assert users_count() == before


def test_duplicate_email_is_refused_without_saving(client):
    post_form(client, "/daftar", VALID)
    client.post("/keluar", data={"csrf_token": ""})
    fresh = client.application.test_client()
    before = users_count()
    response = post_form(fresh, "/daftar", {**VALID, "full_name": "Orang Lain"})
    assert response.status_code == 422
    assert "sudah terdaftar" in response.get_data(as_text=True)
    assert users_count() == before


TAKEN = {
    "id": "Alamat e-mail ini sudah terdaftar. Silakan masuk atau atur ulang kata sandi.",
    "en": "This e-mail address is already registered. Please sign in or reset your password.",
}


@pytest.mark.parametrize("lang", ["id", "en"])
def test_duplicate_email_is_refused_in_the_chosen_language(client, compiled_catalog, lang):
    post_form(client, "/daftar", VALID)
    client.post("/keluar", data={"csrf_token": ""})
    fresh = client.application.test_client()
    choose_language(fresh, lang)
    response = post_form(fresh, "/daftar", {**VALID, "full_name": "Orang Lain"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert TAKEN[lang] in html
    assert TAKEN["en" if lang == "id" else "id"] not in html


def test_weak_password_is_refused(client):
    response = post_form(
        client, "/daftar", {**VALID, "password": "bismillah", "password_confirm": "bismillah"}
    )
    assert response.status_code == 422
    assert (
        users_count() == 0
        or db.session.scalar(sa.select(User).where(User.email == VALID["email"])) is None
    )
