"""Objects the notification tests talk about (a koperasi, its application, a task, money)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from app.accounts.models import User
from app.agencies.operations import agency_by_code
from app.applications.models import Application, Disbursement, Report, StageTask
from app.common.i18n import jakarta_today
from app.db import utcnow
from app.extensions import db
from app.organizations.models import Membership, Organization
from tests.support.factories import create_applicant, create_draft, create_staff


def make_koperasi(owner: User, name: str = "Koperasi Maju Bersama") -> Organization:
    org = Organization(kind="koperasi", name=name, ahu_number=f"AHU-{owner.id:07d}.AH",
                       desa_code="36.03.01.2003")
    db.session.add(org)
    db.session.flush()
    db.session.add(Membership(user_id=owner.id, organization_id=org.id, role="owner"))
    db.session.commit()
    return org


@dataclass
class World:
    owner: User
    reviewer: User
    head: User
    application: Application
    task: StageTask
    disbursement: Disbursement
    report: Report


def make_world(*, owner_language: str = "id") -> World:
    """A KEMBANGKU application at DISKOPUM with an open review task, a failed transfer and an LPJ.

    Needs the program data loaded (the ``programs`` fixture or ``ensure_reference_data``).
    """
    owner = create_applicant(name="Sri Mulyani")
    owner.language = owner_language
    application = create_draft("kembangku", owner=owner, organization=make_koperasi(owner))
    agency = agency_by_code("DISKOPUM")
    task = StageTask(application_id=application.id, stage="admin_verification",
                     agency_id=agency.id, role="reviewer", due_dt=utcnow() + timedelta(days=3))
    disbursement = Disbursement(application_id=application.id, tranche_no=1, amount=25_000_000,
                                status="failed", failure_reason="Nomor rekening tidak ditemukan")
    report = Report(application_id=application.id, kind="monitoring",  # the stage it is for
                    due_date=jakarta_today() + timedelta(days=5))
    db.session.add_all([task, disbursement, report])
    db.session.commit()
    return World(owner, create_staff("reviewer", "DISKOPUM"), create_staff("approver", "DISKOPUM"),
                 application, task, disbursement, report)
