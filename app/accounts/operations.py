"""Account state changes. They flush and audit but never commit: the caller owns the transaction."""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy.orm import joinedload

from app.accounts import scopes, sessions
from app.accounts.models import RoleAssignment, User
from app.accounts.passwords import hash_password, needs_rehash, verify_password
from app.accounts.roles import APPLICANT
from app.agencies.operations import agency_by_code
from app.audit.operations import record
from app.common.errors import Refusal
from app.common.pii import fingerprint
from app.db import utcnow
from app.extensions import db
from app.regions.models import Region

RESET_SALT = "sibantu-password-reset"


class AccountError(Refusal):
    """A refused account operation; the message is translated when read (``Refusal``)."""


#: built once; the roles come in the same round trip (a login reads them for its landing page:
#: the relationship's own ``selectin`` would be a second query at every login)
_USER_BY_EMAIL = (sa.select(User).where(User.email == sa.bindparam("email"))
                  .options(joinedload(User.roles)))


def find_user_by_email(email: str) -> User | None:
    return db.session.execute(
        _USER_BY_EMAIL, {"email": email.strip().lower()}).unique().scalar_one_or_none()


def register_applicant(*, full_name: str, email: str, phone: str | None, password: str) -> User:
    if find_user_by_email(email):
        raise AccountError(
            _l("Alamat e-mail ini sudah terdaftar. Silakan masuk atau atur ulang kata sandi.")
        )
    user = User(
        full_name=full_name.strip(),
        email=email.strip().lower(),
        phone=phone,
        password_hash=hash_password(password),
    )
    user.roles.append(RoleAssignment(role=APPLICANT))
    db.session.add(user)
    db.session.flush()
    record(
        "account.registered",
        actor=user,
        actor_role=APPLICANT,
        object_type="user",
        object_id=user.id,
    )
    return user


def create_staff_user(
    *,
    email: str,
    full_name: str,
    password: str,
    role: str,
    agency_code: str | None,
    region_code: str | None = None,
    granted_by: User | None = None,
) -> User:
    user = find_user_by_email(email)
    if user is None:
        user = User(email=email.lower(), full_name=full_name, password_hash=hash_password(password))
        db.session.add(user)
        db.session.flush()
    grant_role(user, role, agency_code=agency_code, region_code=region_code, granted_by=granted_by)
    return user


def grant_role(
    user: User,
    role: str,
    *,
    agency_code: str | None = None,
    region_code: str | None = None,
    granted_by: User | None = None,
) -> RoleAssignment:
    agency = agency_by_code(agency_code) if agency_code else None
    if agency_code and agency is None:
        raise AccountError(_l("OPD dengan kode %(code)s tidak dikenal.", code=agency_code))
    region = db.session.get(Region, region_code) if region_code else None
    if region_code and region is None:
        raise AccountError(_l("Kode wilayah tidak dikenal."))
    problem = scopes.assignment_problem(role, agency_code=agency_code, region_code=region_code,
                                        region_level=region.level if region else None)
    if problem is not None:  # the declared scopes (app/accounts/data/scopes.yaml)
        raise AccountError(problem)
    for existing in user.roles:
        if (existing.role, existing.agency_id, existing.region_code) == (
            role,
            agency.id if agency else None,
            region_code,
        ):
            return existing
    assignment = RoleAssignment(
        role=role,
        agency=agency,
        region_code=region_code,
        granted_by_user_id=granted_by.id if granted_by else None,
    )
    user.roles.append(assignment)
    db.session.flush()
    record(
        "account.role_granted",
        actor=granted_by,
        object_type="user",
        object_id=user.id,
        agency_code=agency_code,
        summary={"role": role, "region_code": region_code},
    )
    return assignment


def authenticate(email: str, password: str) -> User | None:
    """Check credentials in constant-ish time; audit failures without the password or e-mail."""
    user = find_user_by_email(email)
    ok = verify_password(user.password_hash if user else None, password)
    if not ok or user is None or not user.is_active:
        record("account.login_failed", summary={"email_fp": fingerprint(email.strip().lower())})
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def log_in(user: User) -> str:
    """Start a fresh server-side session (the caller clears the cookie session first)."""
    user.last_login_dt = utcnow()
    token = sessions.start_session(user)
    record("account.login", actor=user, object_type="user", object_id=user.id)
    return token


def log_out(user: User) -> None:
    sessions.revoke_session(user.current_session_id)
    record("account.logout", actor=user, object_type="user", object_id=user.id)


def change_password(user: User, new_password: str, *, keep_current: bool = True) -> None:
    """Set a new password and revoke every other session (all of them on a reset)."""
    user.password_hash = hash_password(new_password)
    user.password_changed_dt = utcnow()
    keep = user.current_session_id if keep_current else None
    sessions.revoke_all_sessions(user, except_token=keep)
    record("account.password_changed", actor=user, object_type="user", object_id=user.id)


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=RESET_SALT)


def make_reset_token(user: User) -> str:
    """Token bound to the current password hash: it dies when the password changes (single use)."""
    return _serializer().dumps({"uid": user.id, "pw": user.password_hash[-16:]})


def user_for_reset_token(token: str) -> User | None:
    try:
        data = _serializer().loads(token, max_age=current_app.config["PASSWORD_RESET_MAX_AGE"])
    except (SignatureExpired, BadSignature):
        return None
    user = db.session.get(User, data.get("uid"))
    if user is None or user.password_hash[-16:] != data.get("pw"):
        return None
    return user
