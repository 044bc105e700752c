"""Applicant kinds are data: a kind declared in PROGRAMS_DIR/kinds (a mosque's board) is
registered, named by a program there, and used end to end through the portal's organisation
registration and profile, with no model change. Definitions naming unknown kinds are refused at
validation."""

from pathlib import Path

import pytest
import sqlalchemy as sa
import yaml

from app.applications.models import Application
from app.extensions import db
from app.organizations.models import Organization
from tests.conftest import committing_app_context, post_form
from tests.support.factories import PASSWORD, create_applicant
from tests.support.programs import open_program
from workflows import DEFINITIONS_DIR, DefinitionError, load_definition

KIND = {
    "key": "dkm_masjid",
    "name": {"id": "Dewan Kemakmuran Masjid", "en": "Mosque board"},
    "holder": "organization",
    "form": {"steps": [{
        "key": "profile",
        "title": {"id": "Data masjid", "en": "Mosque details"},
        "fields": [
            {"key": "mosque_id", "type": "text", "label": {"id": "Nomor ID masjid (SIMAS)",
                                                          "en": "Mosque ID (SIMAS)"},
             "min_length": 5, "max_length": 30},
            {"key": "place_type", "type": "choice",
             "label": {"id": "Jenis tempat ibadah", "en": "Place of worship"},
             "options": [{"key": "masjid", "label": {"id": "Masjid", "en": "Mosque"}},
                         {"key": "musala", "label": {"id": "Musala", "en": "Prayer room"}}]},
            {"key": "congregation", "type": "number", "required": False,
             "label": {"id": "Jumlah jamaah", "en": "Congregation size"}, "min": 0, "max": 50000},
        ],
    }]},
}
COMMON = {
    "name": "DKM Masjid Al-Ikhlas", "leader_name": "H. Sulaeman",
    "address": "Kp. Cangkudu RT 01/02", "desa_code": "36.03.01.2003", "active": "y",
}


def mosque_program() -> dict:
    """SANITREN's definition, for mosque boards instead of pesantren."""
    data = yaml.safe_load((Path(DEFINITIONS_DIR) / "sanitren.yaml").read_text())
    data["key"], data["applicant_kinds"] = "hibah_masjid", ["dkm_masjid"]
    data.pop("once_per", None)
    data["eligibility"] = []
    return data


def write_programs_dir(root: Path, kind: dict = KIND) -> Path:
    (root / "kinds").mkdir(parents=True, exist_ok=True)
    (root / "kinds" / "dkm_masjid.yaml").write_text(yaml.safe_dump(kind, allow_unicode=True))
    (root / "hibah_masjid.yaml").write_text(yaml.safe_dump(mosque_program(), allow_unicode=True))
    return root


@pytest.fixture
def mosque_app(template_url, backend, tmp_path):
    programs_dir = write_programs_dir(tmp_path / "programs")
    with committing_app_context(
        template_url, backend, PROGRAMS_DIR=str(programs_dir), RATELIMIT_ENABLED=False,
        UPLOAD_DIR=str(tmp_path / "uploads"),
    ) as app, app.app_context():
        from app.demo import ensure_reference_data

        assert ensure_reference_data({"hibah_masjid"}) == []
        open_program("hibah_masjid")
        db.session.commit()
        yield app
        db.session.remove()


def test_a_new_kind_registers_and_applies_through_the_portal(mosque_app):
    user = create_applicant(name="H. Sulaeman")
    db.session.commit()
    client = mosque_app.test_client()
    login = post_form(client, "/masuk", {"email": user.email, "password": PASSWORD})
    assert login.status_code == 302
    chooser = client.get("/portal/lembaga/baru").get_data(as_text=True)
    assert "Dewan Kemakmuran Masjid" in chooser and "Pondok pesantren" in chooser
    url = "/portal/lembaga/baru?jenis=dkm_masjid"
    form = client.get(url).get_data(as_text=True)
    assert "Nomor ID masjid (SIMAS)" in form and "Nama lembaga" in form

    refused = post_form(client, url, {**COMMON, "mosque_id": "12", "place_type": ""})
    assert refused.status_code == 422
    assert db.session.scalar(sa.select(sa.func.count(Organization.id))) == 0

    made = post_form(client, url, {**COMMON, "mosque_id": "01.2.36.03.000123",
                                   "place_type": "masjid", "congregation": "250"})
    assert made.status_code == 302, made.get_data(as_text=True)[:2000]
    org = db.session.scalar(sa.select(Organization).where(Organization.kind == "dkm_masjid"))
    assert org.profile == {"mosque_id": "01.2.36.03.000123", "place_type": "masjid",
                           "congregation": 250}

    edit_url = f"/portal/lembaga/{org.id}"
    page = client.get(edit_url).get_data(as_text=True)
    assert 'value="01.2.36.03.000123"' in page and 'value="250"' in page
    edited = post_form(client, edit_url, {**COMMON, "mosque_id": "01.2.36.03.000123",
                                          "place_type": "musala", "congregation": ""})
    assert edited.status_code == 302
    db.session.expire_all()
    assert db.session.get(Organization, org.id).profile == {
        "mosque_id": "01.2.36.03.000123", "place_type": "musala"}

    chooser = client.get("/portal/program/hibah_masjid/ajukan").get_data(as_text=True)
    assert "DKM Masjid Al-Ikhlas" in chooser and "Dewan Kemakmuran Masjid" in chooser
    assert "Dewan Kemakmuran Masjid" in client.get("/portal").get_data(as_text=True)
    started = post_form(client, "/portal/program/hibah_masjid/mulai", {"lembaga": str(org.id)},
                        form_url="/portal/program/hibah_masjid/ajukan")
    assert started.status_code == 302, started.get_data(as_text=True)[:2000]
    application = db.session.scalar(sa.select(Application).where(
        Application.program_key == "hibah_masjid"))
    assert application.organization_id == org.id


def test_a_definition_naming_an_unknown_kind_is_refused_at_validation(tmp_path):
    path = tmp_path / "hibah_surau.yaml"
    data = mosque_program()
    data["key"], data["applicant_kinds"] = "hibah_surau", ["surau"]
    path.write_text(yaml.safe_dump(data, allow_unicode=True))
    with pytest.raises(DefinitionError, match="unknown applicant kind 'surau'"):
        load_definition(path)


def test_validate_lists_a_broken_kind_file(database_url, tmp_path):
    from app import create_app
    from tests.conftest import make_config

    broken = {**KIND, "holder": "mosque"}
    programs_dir = write_programs_dir(tmp_path, broken)
    app = create_app(make_config(database_url, PROGRAMS_DIR=str(programs_dir),
                                 PROGRAMS_STRICT=False))
    result = app.test_cli_runner().invoke(args=["programs", "validate", "--no-db"])
    assert result.exit_code != 0
    assert "kinds/dkm_masjid.yaml: holder" in result.output


@pytest.mark.parametrize(
    ("kind", "values", "message"),
    [
        ("pesantren", {"name": "PP Tanpa NSPP", "pesantren_type": "salafi"}, "NSPP wajib diisi"),
        ("sekolah", {"name": "SD Tanpa NPSN"}, "NPSN wajib diisi"),
        ("perorangan", {"name": "Bukan lembaga"}, "tidak dikenal"),
        ("surau", {"name": "Surau"}, "tidak dikenal"),
    ],
)
def test_the_operations_hold_each_kind_to_its_declaration(app, db_session, kind, values, message):
    """What the per-kind CHECK constraints held, now from the declarations."""
    from app.organizations.operations import ProfileError, create_organization

    user = create_applicant()
    with pytest.raises(ProfileError, match=message):
        create_organization(user, kind, values)
