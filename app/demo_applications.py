"""Demo applications for ``flask demo-data``: every program with files in several stages.

Everything goes through the real operations and the workflow engine, with the demo staff
accounts acting at their own agencies, so the demo shows a living, consistent system.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa

from app.accounts.models import User
from app.accounts.operations import find_user_by_email
from app.applications import documents, operations, workflow
from app.applications.models import Application
from app.applications.sample_files import blank_pdf, tiny_image
from app.extensions import db
from app.organizations.models import BankAccount, Membership, Organization, Person
from app.programs.models import Program, ProgramBudget
from app.programs.registry import registry
from app.registers.models import RegisterEntry

PDF = blank_pdf()
JPG = tiny_image("JPEG")
STAFF = {
    ("reviewer", "KEMENAG"): "verifikator.kemenag@demo.sibantu.id",
    ("reviewer", "BAPPEDA"): "verifikator.bappeda@demo.sibantu.id",
    ("approver", "BAPPEDA"): "kepala.bappeda@demo.sibantu.id",
    ("reviewer", "KESRA"): "verifikator.kesra@demo.sibantu.id",
    ("approver", "KESRA"): "kepala.kesra@demo.sibantu.id",
    ("reviewer", "DISDIK"): "verifikator.disdik@demo.sibantu.id",
    ("approver", "DISDIK"): "kepala.disdik@demo.sibantu.id",
    ("reviewer", "DISKOPUM"): "verifikator.diskopum@demo.sibantu.id",
    ("approver", "DISKOPUM"): "kepala.diskopum@demo.sibantu.id",
    ("finance", "BPKAD"): "bendahara.bpkad@demo.sibantu.id",
    ("school_operator", None): "operator.sekolah@demo.sibantu.id",
    ("village_operator", None): "operator.desa@demo.sibantu.id",
}
#: (program, how far along) — each path is the sequence of actions from the first stage
SANITREN_PATHS = {
    "Pondok Pesantren Al-Hikmah": [],
    "Pondok Pesantren Nurul Huda": ["submit"],
    "Pondok Pesantren Daarul Falah": ["submit", "return"],
    "Pondok Pesantren Miftahul Ulum": ["submit", "verify", "complete_survey"],
    "Pondok Pesantren Raudlatul Jannah": [
        "submit",
        "verify",
        "complete_survey",
        "recommend",
        "approve",
        "sign",
        "countersign",
    ],
    "Pondok Pesantren Al-Ikhlas": ["submit", "verify", "reject"],
}
GURU_PATHS = {
    "Ustadz Ahmad Syafei": ["submit"],
    "Ustadzah Siti Maryam": ["submit", "verify"],
    "Ustadz Muhammad Ridwan": ["submit", "verify", "approve", "pay"],
    "Ustadz Abdul Karim": ["submit", "verify", "approve", "pay", "pay"],
}
KOPERASI_PATHS = {
    "Koperasi Serba Usaha Sejahtera Bersama": ["submit"],
    "Koperasi Syariah Berkah Mandiri": ["submit", "verify", "score"],
}
STUDENT_PATHS = {
    "Aisyah Putri": ["submit"],
    "Muhammad Fadli": ["submit", "confirm", "verify", "approve"],
}


def ensure() -> int:
    """Create the demo applications once; returns how many were created."""
    if db.session.scalar(sa.select(sa.func.count(Application.id))):
        return 0
    _open_programs()
    count = 0
    count += _sanitren()
    count += _guru_ngaji()
    count += _kembangku()
    count += _beasiswa()
    return count


def _open_programs() -> None:
    today = date.today()
    for defn in registry().current_definitions():
        program = db.session.get(Program, defn.key)
        if program is None:  # not synced (see demo.ensure_reference_data): no demo for it
            continue
        program.window_opens, program.window_closes = (
            today - timedelta(days=30),
            today + timedelta(days=90),
        )
        exists = db.session.scalar(
            sa.select(ProgramBudget.id).where(
                ProgramBudget.program_key == defn.key, ProgramBudget.fiscal_year == today.year
            )
        )
        if exists is None:
            ceiling = max(amount for _, amount in defn.budget.ceilings)
            db.session.add(
                ProgramBudget(program_key=defn.key, fiscal_year=today.year, ceiling=ceiling)
            )
    db.session.flush()


def _user(email: str) -> User:
    return find_user_by_email(email)


def _staff(role: str, agency: str | None) -> User:
    return _user(STAFF[(role, agency)])


def _actor_for(application: Application, action: str, owner: User) -> User:
    defn = workflow.definition_of(application)
    stage = defn.stage(application.stage)
    if stage.actor == "applicant":
        return owner
    return _staff(stage.role, stage.agency)


def _fields(application: Application, action: str) -> dict[str, Any]:
    transition = workflow.definition_of(application).find_transition(application.stage, action)
    values: dict[str, Any] = {}
    for spec in transition.requires_fields:
        values[spec.name] = _field_value(spec)
        if spec.justification:
            values[f"{spec.name}_justification"] = "Sesuai hasil verifikasi dokumen dan kunjungan."
    return values


def _field_value(spec) -> Any:
    return {
        "date": (date.today() + timedelta(days=14)).isoformat(),
        "checklist": {item.key: True for item in spec.items},
        "photo_geo": {"lat": -6.1902, "lon": 106.4717},
        "boolean": True,
        "choice": spec.items[0].key if spec.items else None,
        "money": spec.min or 0,
        "number": spec.max if spec.max is not None else (spec.min or 1),
        "score": spec.max if spec.max is not None else 1,
    }.get(spec.type, "Sesuai")


def _attach(application: Application, doc_type: str, user: User) -> None:
    requirement = workflow.definition_of(application).document(doc_type)
    pdf = "pdf" in requirement.accept
    documents.attach(
        application, doc_type, f"{doc_type}.{'pdf' if pdf else 'jpg'}", PDF if pdf else JPG, user
    )


def _attach_due(
    application: Application, user: User, stage: str | None, uploader: str | None = None
) -> None:
    defn = workflow.definition_of(application)
    kind = "perorangan"
    if application.organization_id:
        kind = db.session.get(Organization, application.organization_id).kind
    for requirement in defn.documents:
        fits = not requirement.applicant_kinds or kind in requirement.applicant_kinds
        if (
            requirement.stage == stage
            and requirement.mandatory
            and fits
            and (uploader is None or requirement.uploaded_by == uploader)
        ):
            _attach(application, requirement.type, user)


def _walk(application: Application, owner: User, actions: list[str]) -> None:
    for action in actions:
        actor = _actor_for(application, action, owner)
        transition = workflow.definition_of(application).find_transition(application.stage, action)
        for doc_type in transition.requires_documents:
            _attach(application, doc_type, actor)
        reason = "Mohon lengkapi dokumen yang kurang jelas." if transition.reason_required else None
        workflow.fire(
            application, action, actor, reason=reason, fields=_fields(application, action)
        )
        _after(application, owner)


def _after(application: Application, owner: User) -> None:
    """Upload what the applicant owes at the new stage (agreements, reports), diligently."""
    _attach_due(application, owner, application.stage, uploader="applicant")


def _account(holder: str, *, organization=None, person=None, n: int) -> None:
    account = BankAccount(
        organization_id=getattr(organization, "id", None),
        person_id=getattr(person, "id", None),
        bank_name="Bank BJB",
        holder_name=holder,
    )
    account.set_number(f"0012{n:08d}")
    db.session.add(account)


def _sanitren() -> int:
    owner = _user("pesantren@demo.sibantu.id")
    for n, (name, path) in enumerate(SANITREN_PATHS.items(), start=1):
        org = Organization(
            kind="pesantren",
            name=name,
            pesantren_type="salafi",
            nspp=f"5100360300{n:02d}",
            npwp=f"01234567890{n:04d}0"[:16],
            desa_code="36.03.01.2003",
            address=f"Kp. Cangkudu No. {n}",
            leader_name="KH. Abdul Malik",
            profile={"resident_santri": 80 + n},
        )
        db.session.add(org)
        db.session.flush()
        db.session.add(Membership(user_id=owner.id, organization_id=org.id))
        db.session.add(
            RegisterEntry(
                register="pesantren", key_kind="nspp", key_value=org.nspp, attributes={"name": name}
            )
        )
        _account(name, organization=org, n=n)
        application = operations.create_draft("sanitren", owner=owner, organization=org)
        operations.update_answers(
            application, owner, {"similar_aid_this_year": False, "sanitation_adequate": False}
        )
        _attach_due(application, owner, None)
        _walk(application, owner, path)
    return len(SANITREN_PATHS)


def _person(name: str, n: int, creator: User, **extra) -> Person:
    person = Person(
        full_name=name,
        desa_code="36.03.01.2003",
        npwp=f"{3603010000000000 + n}",
        is_civil_servant=False,
        has_fixed_income=False,
        created_by_user_id=creator.id,
        **extra,
    )
    person.set_nik(f"360301{(n % 28) + 1:02d}0890{n:04d}")
    person.set_kk(f"3603010101{n % 90 + 10:02d}{n:04d}")
    db.session.add(person)
    db.session.flush()
    _account(name, person=person, n=100 + n)
    return person


def _guru_ngaji() -> int:
    operator = _staff("village_operator", None)
    for n, (name, path) in enumerate(GURU_PATHS.items(), start=1):
        person = _person(name, n, operator, teaching_since=date(2016, 7, 1))
        application = operations.create_draft(
            "guru_ngaji", owner=operator, person=person, nominated_by=operator
        )
        operations.update_answers(application, operator, {"pupil_count": 20 + n})
        _attach_due(application, operator, None)
        _walk(application, operator, path)
    return len(GURU_PATHS)


def _kembangku() -> int:
    owner = _user("koperasi@demo.sibantu.id")
    for n, (name, path) in enumerate(KOPERASI_PATHS.items(), start=1):
        org = Organization(
            kind="koperasi",
            name=name,
            ahu_number=f"AHU-00{n:05d}.AH.01.26.TAHUN 2018",
            nib=f"91200{n:08d}",
            npwp=f"09876543210{n:04d}0"[:16],
            rat_last_year=date.today().year - 1,
            founded_on=date(2018, 5, 2),
            desa_code="36.03.18.1003",
            address="Jl. Raya Serang Km. 20",
        )
        db.session.add(org)
        db.session.flush()
        db.session.add(Membership(user_id=owner.id, organization_id=org.id))
        _account(name, organization=org, n=200 + n)
        application = operations.create_draft("kembangku", owner=owner, organization=org)
        operations.update_answers(
            application, owner, {"requested_amount": 50_000_000}, amount_requested=50_000_000
        )
        _attach_due(application, owner, None)
        _walk(application, owner, path)
    return len(KOPERASI_PATHS)


def _beasiswa() -> int:
    parent = _user("orangtua@demo.sibantu.id")
    school = _staff("school_operator", None)
    npsn = "20603001"
    for assignment in school.roles:
        if assignment.role == "school_operator":
            assignment.school_npsn = npsn
    guardian = _person("Ibu Aminah", 50, parent)
    db.session.add(RegisterEntry(register="dtks", key_kind="kk", key_value=guardian.kk_bidx))
    for n, (name, path) in enumerate(STUDENT_PATHS.items(), start=1):
        student = _person(
            name,
            60 + n,
            parent,
            nisn=f"00{n:08d}",
            school_level="SD",
            guardian_person_id=guardian.id,
        )
        student.kk_encrypted, student.kk_bidx = guardian.kk_encrypted, guardian.kk_bidx
        application = operations.create_draft("beasiswa_mbr", owner=parent, person=student)
        operations.update_answers(
            application,
            parent,
            {
                "school_level": "SD",
                "class_rank": n + 1,
                "report_average": 88,
                "has_sktm": False,
                "school_desa_code": "36.03.01.2003",
                "nisn": student.nisn,
                "school_npsn": npsn,
            },
        )
        _attach_due(application, parent, None)
        _walk(application, parent, path)
    return len(STUDENT_PATHS)
