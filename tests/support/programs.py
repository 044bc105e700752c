"""Driving applications through program workflows in tests, through the real operations."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import Flask

from app.accounts.models import User
from app.agencies.models import Agency
from app.applications import documents, workflow
from app.applications import operations as applications
from app.applications.models import Application
from app.applications.sample_files import blank_pdf, tiny_image
from app.common import pii
from app.common.i18n import jakarta_today
from app.db import utcnow
from app.extensions import db
from app.organizations.models import BankAccount, Membership, Organization, Person
from app.programs.models import Program
from app.programs.operations import sync_program
from app.programs.registry import registry
from app.registers.models import RegisterEntry
from tests.support.factories import create_applicant

PDF = blank_pdf()
JPG = tiny_image("JPEG")
PNG = tiny_image("PNG")
_seq = itertools.count(1)


@contextmanager
def pakumis_app(template_url: str, backend: str, programs_dir: Path, *,
                reference: set[str]) -> Iterator[Flask]:
    """An app whose extra programs come from ``programs_dir`` (the PAKUMIS fixture, as it is or
    altered), in its app context: the reference data of the ``reference`` programs, the housing
    agency PAKUMIS names, and PAKUMIS synced and open."""
    from app.demo import ensure_reference_data
    from tests.conftest import committing_app_context

    context = committing_app_context(template_url, backend, PROGRAMS_DIR=str(programs_dir))
    with context as app, app.app_context():
        ensure_reference_data(reference)
        db.session.add(Agency(code="DPRKPP", name="Dinas Perumahan dan Permukiman"))
        db.session.commit()
        sync_program(registry().current("pakumis"))
        db.session.commit()
        open_program("pakumis")
        yield app
        db.session.remove()


def open_program(key: str, *, days: int = 60, ceiling: int | None = None) -> None:
    """Set the admin-managed period around today, with a budget for this fiscal year."""
    from app.programs.models import ProgramBudget
    from app.programs.registry import registry

    program = db.session.get(Program, key)
    today = jakarta_today()
    program.window_opens, program.window_closes = (
        today - timedelta(days=days),
        today + timedelta(days=days),
    )
    program.is_open = True
    defn = registry().current(key)
    for year in {today.year, defn.budget_year(window_opens=program.window_opens) or today.year}:
        row = db.session.scalar(
            sa.select(ProgramBudget).where(
                ProgramBudget.program_key == key, ProgramBudget.fiscal_year == year
            )
        )
        if row is None:
            row = ProgramBudget(program_key=key, fiscal_year=year, ceiling=0, reserved=0)
            db.session.add(row)
        row.ceiling = ceiling or max(row.ceiling, max(c for _, c in defn.budget.ceilings))
    db.session.commit()


def add_bank_account(*, organization=None, person=None, holder: str, number: str | None = None):
    account = BankAccount(
        organization_id=getattr(organization, "id", None),
        person_id=getattr(person, "id", None),
        bank_name="Bank BJB",
        holder_name=holder,
    )
    account.set_number(number or f"00{next(_seq):010d}")
    db.session.add(account)
    db.session.flush()
    return account


def make_pesantren(
    owner: User,
    *,
    nspp: str | None = None,
    registered: bool = True,
    name: str | None = None,
    bank_number: str | None = None,
) -> Organization:
    n = next(_seq)
    org = Organization(
        kind="pesantren",
        name=name or f"Pondok Pesantren Al-Falah {n}",
        pesantren_type="salafi",
        nspp=nspp or f"51003603{n:04d}",
        npwp=f"0{n:015d}",
        desa_code="36.03.01.2003",
        address="Kp. Cangkudu RT 01/02",
        profile={"resident_santri": 120},
    )
    db.session.add(org)
    db.session.flush()
    db.session.add(Membership(user_id=owner.id, organization_id=org.id, role="owner"))
    add_bank_account(organization=org, holder=org.name, number=bank_number)
    if registered:
        db.session.add(
            RegisterEntry(
                register="pesantren",
                key_kind="nspp",
                key_value=org.nspp,
                attributes={"name": org.name},
            )
        )
    db.session.commit()
    return org


def make_koperasi(owner: User) -> Organization:
    n = next(_seq)
    org = Organization(
        kind="koperasi",
        name=f"Koperasi Serba Usaha Maju Bersama {n}",
        ahu_number=f"AHU-{n:07d}.AH.01.26.TAHUN 2019",
        nib=f"{n:013d}",
        npwp=f"0{n:015d}",
        rat_last_year=jakarta_today().year - 1,
        founded_on=date(2019, 3, 1),
        active=True,
        desa_code="36.03.18.1003",
        address="Jl. Raya Cikupa No. 1",
    )
    db.session.add(org)
    db.session.flush()
    db.session.add(Membership(user_id=owner.id, organization_id=org.id, role="owner"))
    add_bank_account(organization=org, holder=org.name)
    db.session.commit()
    return org


def make_person(
    *,
    name: str,
    desa_code: str = "36.03.01.2003",
    teacher: bool = False,
    student: bool = False,
    dtks: bool = False,
    user: User | None = None,
) -> Person:
    n = next(_seq)
    person = Person(
        full_name=name,
        desa_code=desa_code,
        npwp=f"{n:016d}",
        is_civil_servant=False,
        has_fixed_income=False,
        teaching_since=date(2015, 7, 1) if teacher else None,
        nisn=f"{n:010d}" if student else None,
        school_level="SD" if student else None,
        created_by_user_id=getattr(user, "id", None),
    )
    person.set_nik(f"3603{(n % 9) + 1:02d}{(n % 28) + 1:02d}0890{(n % 9000) + 1:04d}")
    person.set_kk(f"3603{(n % 9) + 1:02d}0101{(n % 90) + 10:02d}{(n % 9000) + 1:04d}")
    db.session.add(person)
    db.session.flush()
    add_bank_account(person=person, holder=name)
    if dtks:
        db.session.add(RegisterEntry(register="dtks", key_kind="kk", key_value=person.kk_bidx))
    db.session.commit()
    return person


def fake_file(accept: tuple[str, ...]) -> tuple[str, bytes]:
    if "pdf" in accept:
        return "berkas.pdf", PDF
    if "jpg" in accept or "jpeg" in accept:
        return "foto.jpg", JPG
    return "gambar.png", PNG


def attach_for_stage(
    application: Application,
    user: User,
    stage: str | None = None,
    types: tuple[str, ...] | None = None,
) -> None:
    """Attach every document due at ``stage`` (None: with the proposal) or the named types."""
    defn = workflow.definition_of(application)
    kind = "perorangan"
    if application.organization_id:
        kind = db.session.get(Organization, application.organization_id).kind
    for requirement in defn.documents:
        wanted = (
            requirement.type in types
            if types
            else (
                requirement.stage == stage
                and requirement.mandatory
                and (not requirement.applicant_kinds or kind in requirement.applicant_kinds)
            )
        )
        if wanted:
            filename, content = fake_file(requirement.accept)
            documents.attach(application, requirement.type, filename, content, user)
    db.session.commit()


def fields_for(application: Application, action: str, **overrides: Any) -> dict[str, Any]:
    """Valid values for every field the transition requires."""
    defn = workflow.definition_of(application)
    transition = defn.find_transition(application.stage, action)
    values: dict[str, Any] = {}
    for spec in transition.requires_fields if transition else ():
        values[spec.name] = _value(spec)
        if spec.justification:
            values[f"{spec.name}_justification"] = "Dinilai dari dokumen dan kunjungan lapangan"
    values.update(overrides)
    return values


def _value(spec) -> Any:
    kind = spec.type
    if kind == "date":
        return (jakarta_today() + timedelta(days=14)).isoformat()
    if kind == "checklist":
        return {item.key: True for item in spec.items}
    if kind == "photo_geo":
        return {"lat": -6.2, "lon": 106.5}
    if kind in ("number", "score"):
        return spec.max if spec.max is not None else (spec.min if spec.min is not None else 1)
    if kind == "money":
        return spec.min if spec.min is not None else 0
    if kind == "boolean":
        return True
    if kind == "choice":
        return spec.items[0].key
    return "Sesuai"


def act(
    application: Application, action: str, user: User, *, reason: str | None = None, **fields: Any
):
    decision = workflow.fire(
        application, action, user, reason=reason, fields=fields_for(application, action, **fields)
    )
    db.session.commit()
    return decision


def new_applicant_with_pesantren(**kwargs) -> tuple[User, Organization]:
    user = create_applicant(name="KH. Pengasuh")
    return user, make_pesantren(user, **kwargs)


def sanitren_draft(user: User, org: Organization) -> Application:
    application = applications.create_draft("sanitren", owner=user, organization=org)
    applications.update_answers(
        application,
        user,
        {
            "similar_aid_this_year": False,
            "sanitation_adequate": False,
            "resident_santri": 120,
        },
    )
    db.session.commit()
    attach_for_stage(application, user)
    return application


def now() -> str:
    return utcnow().isoformat()


def blind(value: str, purpose: str) -> str:
    return pii.blind_index(value, purpose=purpose)


def beasiswa_draft(*, npsn: str, dtks: bool = True, report_average: int = 88,
                   ) -> tuple[User, Application]:
    """A parent's Beasiswa MBR draft for their child at school ``npsn``, documents attached."""
    parent = create_applicant(name="Ibu Aminah")
    guardian = make_person(name="Ibu Aminah", dtks=dtks, user=parent)
    student = make_person(name="Rizki Pratama", student=True, user=parent)
    student.guardian_person_id = guardian.id
    student.kk_encrypted, student.kk_bidx = guardian.kk_encrypted, guardian.kk_bidx
    db.session.commit()
    application = applications.create_draft("beasiswa_mbr", owner=parent, person=student)
    applications.update_answers(application, parent, {
        "school_level": "SD", "class_rank": 3, "report_average": report_average,
        "has_sktm": False, "school_desa_code": "36.03.01.2003", "nisn": student.nisn,
        "school_npsn": npsn})
    db.session.commit()
    attach_for_stage(application, parent)
    return parent, application
