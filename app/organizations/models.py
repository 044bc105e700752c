from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.common import pii
from app.common.identifiers import holder_name_matches
from app.db import JSONType, utcnow
from app.extensions import db

BANK_ACCOUNT_STATUSES = ("unconfirmed", "confirmed", "failed")


class Organization(db.Model):
    """An applicant organisation. Its kind is data (``workflows/kinds/*.yaml``): the columns are
    what every organisation has plus the shipped kinds' identifiers; a kind's other declared
    fields live in ``profile``. The profile operations enforce each kind's declaration."""

    __tablename__ = "organizations"
    __table_args__ = (sa.CheckConstraint("kind <> ''", name="kind_named"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(40))
    name: Mapped[str] = mapped_column(sa.String(200))
    pesantren_type: Mapped[str | None] = mapped_column(sa.String(30), default=None)
    nspp: Mapped[str | None] = mapped_column(sa.String(12), unique=True, default=None)
    npsn: Mapped[str | None] = mapped_column(sa.String(8), unique=True, default=None)
    nib: Mapped[str | None] = mapped_column(sa.String(13), default=None)
    npwp: Mapped[str | None] = mapped_column(sa.String(16), default=None)
    ahu_number: Mapped[str | None] = mapped_column(sa.String(80), unique=True, default=None)
    rat_last_year: Mapped[int | None] = mapped_column(default=None)
    founded_on: Mapped[date | None] = mapped_column(default=None)
    active: Mapped[bool] = mapped_column(default=True)
    address: Mapped[str | None] = mapped_column(sa.String(300), default=None)
    desa_code: Mapped[str | None] = mapped_column(sa.ForeignKey("regions.code"), default=None)
    phone: Mapped[str | None] = mapped_column(sa.String(20), default=None)
    email: Mapped[str | None] = mapped_column(sa.String(254), default=None)
    leader_name: Mapped[str | None] = mapped_column(sa.String(150), default=None)
    profile: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    created_dt: Mapped[datetime] = mapped_column(default=utcnow)
    updated_dt: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="organization", cascade="all, delete-orphan"
    )
    bank_accounts: Mapped[list[BankAccount]] = relationship(back_populates="organization")

    @property
    def kecamatan_code(self) -> str | None:
        return self.desa_code[:8] if self.desa_code else None


class Membership(db.Model):
    __tablename__ = "memberships"
    __table_args__ = (
        sa.UniqueConstraint("user_id", "organization_id"),
        sa.CheckConstraint("role IN ('owner', 'staff')", name="role_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    organization_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(sa.String(10), default="owner")
    created_dt: Mapped[datetime] = mapped_column(default=utcnow)

    organization: Mapped[Organization] = relationship(back_populates="memberships")


class Person(db.Model):
    """A natural person: an individual applicant, a student, a guardian, a board member.

    NIK and KK are held only encrypted, with blind indexes for exact look-ups.
    """

    __tablename__ = "persons"
    __table_args__ = (
        sa.CheckConstraint("gender IS NULL OR gender IN ('L', 'P')", name="gender_known"),
        sa.CheckConstraint(
            "(nik_encrypted IS NULL) = (nik_bidx IS NULL)", name="nik_encrypted_with_index"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    full_name: Mapped[str] = mapped_column(sa.String(150))
    nik_encrypted: Mapped[bytes | None] = mapped_column(sa.LargeBinary, default=None)
    nik_bidx: Mapped[str | None] = mapped_column(sa.String(64), unique=True, default=None)
    kk_encrypted: Mapped[bytes | None] = mapped_column(sa.LargeBinary, default=None)
    kk_bidx: Mapped[str | None] = mapped_column(sa.String(64), index=True, default=None)
    birth_date: Mapped[date | None] = mapped_column(default=None)
    gender: Mapped[str | None] = mapped_column(sa.String(1), default=None)
    phone: Mapped[str | None] = mapped_column(sa.String(20), default=None)
    npwp: Mapped[str | None] = mapped_column(sa.String(16), default=None)
    nisn: Mapped[str | None] = mapped_column(sa.String(10), unique=True, default=None)
    desa_code: Mapped[str | None] = mapped_column(sa.ForeignKey("regions.code"), default=None)
    address: Mapped[str | None] = mapped_column(sa.String(300), default=None)
    is_civil_servant: Mapped[bool | None] = mapped_column(default=None)
    has_fixed_income: Mapped[bool | None] = mapped_column(default=None)
    teaching_since: Mapped[date | None] = mapped_column(default=None)
    school_npsn: Mapped[str | None] = mapped_column(sa.String(8), default=None)
    school_level: Mapped[str | None] = mapped_column(sa.String(5), default=None)
    guardian_person_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("persons.id", ondelete="SET NULL"), default=None
    )
    created_by_user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL", use_alter=True), default=None
    )
    created_dt: Mapped[datetime] = mapped_column(default=utcnow)
    updated_dt: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    bank_accounts: Mapped[list[BankAccount]] = relationship(back_populates="person")

    def set_nik(self, nik: str | None) -> None:
        self.nik_encrypted = pii.encrypt(nik, purpose="nik") if nik else None
        self.nik_bidx = pii.blind_index(nik, purpose="nik") if nik else None

    def set_kk(self, kk: str | None) -> None:
        self.kk_encrypted = pii.encrypt(kk, purpose="kk") if kk else None
        self.kk_bidx = pii.blind_index(kk, purpose="kk") if kk else None

    def reveal_nik(self) -> str | None:
        """Plaintext NIK; callers check ``can_reveal_nik`` (applications) and audit the read."""
        return pii.decrypt(self.nik_encrypted, purpose="nik") if self.nik_encrypted else None

    def reveal_kk(self) -> str | None:
        return pii.decrypt(self.kk_encrypted, purpose="kk") if self.kk_encrypted else None

    @property
    def kecamatan_code(self) -> str | None:
        return self.desa_code[:8] if self.desa_code else None


class BankAccount(db.Model):
    """An account in the name of an organization or a person; the number is encrypted at rest."""

    __tablename__ = "bank_accounts"
    __table_args__ = (
        sa.CheckConstraint(
            "(organization_id IS NULL) != (person_id IS NULL)", name="exactly_one_owner"
        ),
        sa.CheckConstraint(f"status IN {BANK_ACCOUNT_STATUSES!r}", name="status_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organizations.id", ondelete="CASCADE"), index=True, default=None
    )
    person_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("persons.id", ondelete="CASCADE"), index=True, default=None
    )
    bank_name: Mapped[str] = mapped_column(sa.String(80))
    number_encrypted: Mapped[bytes] = mapped_column(sa.LargeBinary)
    number_bidx: Mapped[str] = mapped_column(sa.String(64), index=True)
    number_last4: Mapped[str] = mapped_column(sa.String(4))
    holder_name: Mapped[str] = mapped_column(sa.String(150))
    status: Mapped[str] = mapped_column(sa.String(12), default="unconfirmed")
    is_current: Mapped[bool] = mapped_column(default=True)
    confirmed_dt: Mapped[datetime | None] = mapped_column(default=None)
    created_dt: Mapped[datetime] = mapped_column(default=utcnow)

    organization: Mapped[Organization | None] = relationship(back_populates="bank_accounts")
    person: Mapped[Person | None] = relationship(back_populates="bank_accounts")

    def set_number(self, number: str) -> None:
        self.number_encrypted = pii.encrypt(number, purpose="bank")
        self.number_bidx = pii.blind_index(number, purpose="bank")
        self.number_last4 = number[-4:]

    def reveal_number(self) -> str:
        return pii.decrypt(self.number_encrypted, purpose="bank")

    @property
    def masked_number(self) -> str:
        return "••••••" + self.number_last4

    @property
    def holder_matches(self) -> bool:
        """Does the holder name denote the owner? A mismatch is shown to the reviewer."""
        owner = self.organization.name if self.organization else self.person.full_name
        return holder_name_matches(self.holder_name, owner)
