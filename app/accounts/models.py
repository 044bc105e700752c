from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.roles import AGENCY_ROLES, ROLES
from app.agencies.models import Agency
from app.db import BigId, utcnow
from app.extensions import db


class User(db.Model):
    __tablename__ = "users"
    __table_args__ = (
        sa.CheckConstraint("language IN ('id', 'en')", name="language_known"),
        sa.CheckConstraint("email = lower(email)", name="email_lowercase"),
        sa.CheckConstraint("nip IS NULL OR length(nip) = 18", name="nip_18_digits"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    phone: Mapped[str | None] = mapped_column(sa.String(20), default=None)
    full_name: Mapped[str] = mapped_column(sa.String(150))
    #: staff signing letters: official title (jabatan) and civil-servant number (NIP, 18 digits)
    job_title: Mapped[str | None] = mapped_column(sa.String(150), default=None)
    nip: Mapped[str | None] = mapped_column(sa.String(18), default=None)
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    is_active: Mapped[bool] = mapped_column(default=True)
    language: Mapped[str] = mapped_column(sa.String(2), default="id")
    notify_email: Mapped[bool] = mapped_column(default=True)
    notify_whatsapp: Mapped[bool] = mapped_column(default=False)
    person_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("persons.id", ondelete="SET NULL"), default=None
    )
    created_dt: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_dt: Mapped[datetime | None] = mapped_column(default=None)
    password_changed_dt: Mapped[datetime] = mapped_column(default=utcnow)

    roles: Mapped[list[RoleAssignment]] = relationship(
        back_populates="user",
        cascade="all, delete-orphan",
        lazy="selectin",
        foreign_keys="RoleAssignment.user_id",
    )

    # Flask-Login protocol; the session id is set by the user loader (see sessions.py).
    is_anonymous = False
    current_session_id = None  # set per request by the session loader

    @property
    def is_authenticated(self) -> bool:
        return True

    def get_id(self) -> str | None:
        return self.current_session_id

    def has_role(self, role: str, agency_code: str | None = None) -> bool:
        return any(
            r.role == role and (agency_code is None or r.agency_code == agency_code)
            for r in self.roles
        )

    def agency_codes(self, *roles: str) -> set[str]:
        return {
            r.agency_code for r in self.roles if r.agency_code and (not roles or r.role in roles)
        }

    @property
    def role_pairs(self) -> frozenset[tuple[str, str | None]]:
        return frozenset((r.role, r.agency_code) for r in self.roles)

    @property
    def is_staff(self) -> bool:
        return any(r.role in (*AGENCY_ROLES, "admin") for r in self.roles)

    def __repr__(self) -> str:
        return f"<User {self.id}>"


class RoleAssignment(db.Model):
    """A role held by a user, where its declared scope says (``app/accounts/data/scopes.yaml``):
    at an agency (staff, optionally narrowed to a kecamatan or desa office) or a desa/school
    (operators). ``accounts.operations.grant_role`` enforces the declaration."""

    __tablename__ = "role_assignments"
    __table_args__ = (
        sa.CheckConstraint(f"role IN {ROLES!r}", name="role_known"),
        sa.UniqueConstraint("user_id", "role", "agency_id", "region_code", "school_npsn"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(sa.String(20))
    agency_id: Mapped[int | None] = mapped_column(sa.ForeignKey("agencies.id"), default=None)
    region_code: Mapped[str | None] = mapped_column(sa.ForeignKey("regions.code"), default=None)
    school_npsn: Mapped[str | None] = mapped_column(sa.String(8), default=None)
    granted_by_user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    created_dt: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship(back_populates="roles", foreign_keys=[user_id])
    agency: Mapped[Agency | None] = relationship(lazy="joined")

    @property
    def agency_code(self) -> str | None:
        return self.agency.code if self.agency else None


class UserSession(db.Model):
    """A server-side login session: rotated at login, revoked at logout and password change."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_dt: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_dt: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_dt: Mapped[datetime | None] = mapped_column(default=None)
    user_agent: Mapped[str | None] = mapped_column(sa.String(200), default=None)

    user: Mapped[User] = relationship()
