"""``flask demo-data``: an idempotent, realistic data set for ``make run`` and manual testing."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from app import demo_applications
from app.accounts import operations as accounts
from app.agencies.operations import ensure_agencies
from app.extensions import db
from app.programs import operations as programs
from app.programs.registry import registry
from app.regions.operations import load_reference_regions

DEMO_PASSWORD = "Demo-Sibantu-2026"  # noqa: S105  (printed demo logins for a local SQLite demo only)

#: (e-mail, name, role, agency code, desa code)
DEMO_STAFF = [
    ("admin@demo.sibantu.id", "Admin SIBANTU", "admin", None, None),
    ("verifikator.kemenag@demo.sibantu.id", "Ahmad Fauzi", "reviewer", "KEMENAG", None),
    ("verifikator.bappeda@demo.sibantu.id", "Rina Wulandari", "reviewer", "BAPPEDA", None),
    ("kepala.bappeda@demo.sibantu.id", "Ir. Hendra Saputra", "approver", "BAPPEDA", None),
    ("verifikator.kesra@demo.sibantu.id", "Siti Nurhaliza", "reviewer", "KESRA", None),
    ("kepala.kesra@demo.sibantu.id", "Drs. Mulyadi", "approver", "KESRA", None),
    ("verifikator.disdik@demo.sibantu.id", "Dewi Lestari", "reviewer", "DISDIK", None),
    ("kepala.disdik@demo.sibantu.id", "Dr. Bambang Irawan", "approver", "DISDIK", None),
    ("verifikator.diskopum@demo.sibantu.id", "Yusuf Maulana", "reviewer", "DISKOPUM", None),
    ("kepala.diskopum@demo.sibantu.id", "Hj. Nurlela", "approver", "DISKOPUM", None),
    ("bendahara.bpkad@demo.sibantu.id", "Agus Setiawan", "finance", "BPKAD", None),
    ("auditor.inspektorat@demo.sibantu.id", "Wahyu Hidayat", "auditor", "INSPEKTORAT", None),
    (
        "operator.desa@demo.sibantu.id",
        "Operator Desa Cangkudu",
        "village_operator",
        None,
        "36.03.01.2003",
    ),
    ("operator.sekolah@demo.sibantu.id", "Operator SDN Balaraja 1", "school_operator", None, None),
]
#: title and NIP printed under the demo approvers' signatures (fictitious NIPs)
DEMO_SIGNERS = {
    "kepala.bappeda@demo.sibantu.id": ("Kepala Bappeda Kabupaten Tangerang", "197203151998031004"),
    "kepala.kesra@demo.sibantu.id": ("Kepala Bagian Kesejahteraan Rakyat", "196908121994031007"),
    "kepala.disdik@demo.sibantu.id": ("Kepala Dinas Pendidikan", "197104021997031002"),
    "kepala.diskopum@demo.sibantu.id": (
        "Kepala Dinas Koperasi dan Usaha Mikro",
        "197512202000032003",
    ),
}
DEMO_APPLICANTS = [
    ("pesantren@demo.sibantu.id", "KH. Abdul Malik", "081234567801"),
    ("koperasi@demo.sibantu.id", "Sri Mulyani", "081234567802"),
    ("guru@demo.sibantu.id", "Ustadz Hasan Basri", "081234567803"),
    ("orangtua@demo.sibantu.id", "Ibu Aminah", "081234567804"),
]


def ensure_reference_data(program_keys: set[str] | None = None) -> list[str]:
    """Regions, agencies and the programs (all current definitions, or the keys given).

    Returns why programs were left out (e.g. a PROGRAMS_DIR program naming an agency the
    database does not have yet): the rest of the demo goes on without them.
    """
    load_reference_regions()
    ensure_agencies()
    skipped = []
    for defn in registry().current_definitions():
        if program_keys is None or defn.key in program_keys:
            problems = programs.conflicts(defn)
            if problems:
                skipped.extend(problems)
            else:
                programs.sync_program(defn)
    return skipped


def ensure_demo_users() -> list[tuple[str, str]]:
    logins = []
    for email, name, role, agency, desa in DEMO_STAFF:
        user = accounts.create_staff_user(
            email=email,
            full_name=name,
            password=DEMO_PASSWORD,
            role=role,
            agency_code=agency,
            region_code=desa,
        )
        if email in DEMO_SIGNERS:
            user.job_title, user.nip = DEMO_SIGNERS[email]
        logins.append((email, f"{role}{' @ ' + agency if agency else ''}"))
    for email, name, phone in DEMO_APPLICANTS:
        if accounts.find_user_by_email(email) is None:
            accounts.register_applicant(
                full_name=name, email=email, phone=phone, password=DEMO_PASSWORD
            )
        logins.append((email, "applicant"))
    return logins


@click.command("demo-data")
@with_appcontext
def demo_data() -> None:
    """Load reference data, programs, one demo user per role and demo applications (idempotent)."""
    if current_app.config["PROFILE"] == "production":
        raise click.ClickException("demo-data is refused in the production profile")
    for problem in ensure_reference_data():
        click.echo(f"Program dilewati: {problem}", err=True)
    logins = ensure_demo_users()
    db.session.commit()
    created = demo_applications.ensure()
    db.session.commit()
    if created:
        click.echo(f"{created} permohonan demo dibuat.")
    click.echo(f"\nAkun demo (kata sandi untuk semua: {DEMO_PASSWORD}):")
    for email, role in logins:
        click.echo(f"  {email:42} {role}")
