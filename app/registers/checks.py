"""A way forward for a pesantren missing from the Kemenag register: it asks Kemenag to check,
a Kemenag reviewer confirms (the NSPP is listed, which the programs' rules read) or refuses
with a reason. Operations flush and audit; the caller commits.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.accounts.models import User
from app.accounts.roles import REVIEWER
from app.audit.operations import record
from app.common.errors import Refusal
from app.db import utcnow
from app.extensions import db
from app.organizations.models import Organization
from app.registers.models import RegisterCheck, RegisterEntry
from app.registers.operations import is_listed

#: the agency that keeps the pesantren register
REGISTER_AGENCY = "KEMENAG"


class CheckRefused(Refusal):
    """A request or a decision that cannot be made (said in Indonesian, translated)."""


def can_decide_checks(user: User) -> bool:
    return bool(user.is_authenticated and user.has_role(REVIEWER, REGISTER_AGENCY))


def latest_check(organization: Organization) -> RegisterCheck | None:
    return db.session.scalar(
        sa.select(RegisterCheck).where(RegisterCheck.organization_id == organization.id)
        .order_by(RegisterCheck.id.desc()).limit(1)
    )


def pending_checks() -> list[tuple[RegisterCheck, Organization]]:
    rows = db.session.execute(
        sa.select(RegisterCheck, Organization)
        .join(Organization, Organization.id == RegisterCheck.organization_id)
        .where(RegisterCheck.status == "pending").order_by(RegisterCheck.id)
    )
    return list(rows.tuples())


def request_check(user: User, organization: Organization) -> RegisterCheck:
    if organization.kind != "pesantren" or not organization.nspp:
        raise CheckRefused(_l("Hanya pondok pesantren dengan NSPP yang dapat meminta "
                              "pemeriksaan pendaftaran Kemenag."))
    if is_listed("pesantren", "nspp", organization.nspp):
        raise CheckRefused(_l("Pesantren ini sudah terdaftar di Kemenag."))
    latest = latest_check(organization)
    if latest is not None and latest.status == "pending":
        raise CheckRefused(_l("Permintaan pemeriksaan sudah dikirim dan sedang ditangani."))
    check = RegisterCheck(organization_id=organization.id, requested_by_user_id=user.id)
    db.session.add(check)
    db.session.flush()
    record("register.check_requested", actor=user, object_type="register_check",
           object_id=check.id, summary={"organization_id": organization.id,
                                        "nspp": organization.nspp})
    return check


def decide_check(user: User, check: RegisterCheck, *, confirm: bool, note: str) -> None:
    """Confirm (list the NSPP) or refuse (a reason is required) one pending request."""
    if not can_decide_checks(user):
        raise CheckRefused(_l("Hanya verifikator Kemenag yang dapat memutuskan."))
    if check.status != "pending":
        raise CheckRefused(_l("Permintaan ini sudah diputuskan."))
    note = (note or "").strip()
    if not confirm and not note:
        raise CheckRefused(_l("Tuliskan alasan penolakan."))
    organization = db.session.get(Organization, check.organization_id)
    if confirm and not is_listed("pesantren", "nspp", organization.nspp):
        db.session.add(RegisterEntry(
            register="pesantren", key_kind="nspp", key_value=organization.nspp,
            attributes={"nama": organization.name, "sumber": "pemeriksaan"}))
    check.status = "confirmed" if confirm else "refused"
    check.decided_by_user_id, check.decided_dt, check.note = user.id, utcnow(), note or None
    db.session.flush()
    record("register.check_decided", actor=user, agency_code=REGISTER_AGENCY,
           object_type="register_check", object_id=check.id,
           summary={"organization_id": organization.id, "status": check.status})
