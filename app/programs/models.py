from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.db import BigId, JSONType, utcnow
from app.extensions import db

RESERVATION_STATUSES = ("reserved", "released")


class Program(db.Model):
    """A program as administered: its current definition version and the admin's switches."""

    __tablename__ = "programs"

    key: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    current_version: Mapped[int]
    is_open: Mapped[bool] = mapped_column(default=True)
    window_opens: Mapped[date | None] = mapped_column(default=None)
    window_closes: Mapped[date | None] = mapped_column(default=None)
    updated_dt: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class ProgramVersion(db.Model):
    """Immutable snapshot of a definition file; applications pin (key, version)."""

    __tablename__ = "program_versions"
    __table_args__ = (sa.UniqueConstraint("program_key", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    program_key: Mapped[str] = mapped_column(sa.ForeignKey("programs.key"))
    version: Mapped[int]
    definition: Mapped[dict[str, Any]] = mapped_column(JSONType)
    digest: Mapped[str] = mapped_column(sa.String(64))
    loaded_dt: Mapped[datetime] = mapped_column(default=utcnow)


class ProgramBudget(db.Model):
    """Ceiling and reserved total per program and fiscal year; guarded by a conditional UPDATE."""

    __tablename__ = "program_budgets"
    __table_args__ = (
        sa.UniqueConstraint("program_key", "fiscal_year"),
        sa.CheckConstraint("ceiling >= 0", name="ceiling_not_negative"),
        sa.CheckConstraint("reserved >= 0 AND reserved <= ceiling", name="reserved_within_ceiling"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    program_key: Mapped[str] = mapped_column(sa.ForeignKey("programs.key"))
    fiscal_year: Mapped[int]
    ceiling: Mapped[int] = mapped_column(sa.BigInteger)
    reserved: Mapped[int] = mapped_column(sa.BigInteger, default=0)


class RegionQuota(db.Model):
    """Maximum number of approved recipients per kecamatan or desa for a program and year."""

    __tablename__ = "region_quotas"
    __table_args__ = (
        sa.UniqueConstraint("program_key", "fiscal_year", "region_code"),
        sa.CheckConstraint("used >= 0 AND used <= max_count", name="used_within_quota"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    program_key: Mapped[str] = mapped_column(sa.ForeignKey("programs.key"))
    fiscal_year: Mapped[int]
    region_code: Mapped[str] = mapped_column(sa.ForeignKey("regions.code"))
    max_count: Mapped[int]
    used: Mapped[int] = mapped_column(default=0)


class BudgetReservation(db.Model):
    __tablename__ = "budget_reservations"
    __table_args__ = (
        sa.CheckConstraint("amount > 0", name="amount_positive"),
        sa.CheckConstraint(f"status IN {RESERVATION_STATUSES!r}", name="status_known"),
        sa.Index(
            "uq_budget_reservations_active_application",
            "application_id",
            unique=True,
            postgresql_where=sa.text("status = 'reserved'"),
            sqlite_where=sa.text("status = 'reserved'"),
        ),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("applications.id"), index=True)
    program_key: Mapped[str] = mapped_column(sa.ForeignKey("programs.key"))
    fiscal_year: Mapped[int]
    amount: Mapped[int] = mapped_column(sa.BigInteger)
    region_code: Mapped[str | None] = mapped_column(sa.ForeignKey("regions.code"), default=None)
    status: Mapped[str] = mapped_column(sa.String(10), default="reserved")
    created_dt: Mapped[datetime] = mapped_column(default=utcnow)
    released_dt: Mapped[datetime | None] = mapped_column(default=None)


AWARD_SOURCES = ("application", "import")
AWARD_IDENTIFIER_KINDS = ("nik", "kk", "nisn", "nspp", "ahu", "nib", "npsn")


class Award(db.Model):
    """A dated award: written when an application is approved (its budget reserved), or imported
    from a register of earlier aid. Repeat limits count these across programs and years."""

    __tablename__ = "awards"
    __table_args__ = (
        sa.CheckConstraint(f"source IN {AWARD_SOURCES!r}", name="source_known"),
        sa.CheckConstraint(
            "(source = 'application') = (application_id IS NOT NULL)", name="source_matches"
        ),
        sa.Index("ix_awards_program_awarded", "program_key", "awarded_on"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    #: not a foreign key: an imported award may be of a program this system does not run
    program_key: Mapped[str] = mapped_column(sa.String(40))
    #: the group of an outside program (a program defined here has its groups in its definition)
    program_group: Mapped[str | None] = mapped_column(sa.String(40), default=None)
    awarded_on: Mapped[date]
    source: Mapped[str] = mapped_column(sa.String(12), default="application")
    application_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("applications.id", ondelete="CASCADE"), unique=True, default=None
    )
    organization_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organizations.id"), index=True, default=None
    )
    person_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("persons.id"), index=True, default=None
    )
    import_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("register_imports.id"), default=None
    )
    #: the award was cancelled (its reservation released: rejection or withdrawal afterwards)
    revoked_dt: Mapped[datetime | None] = mapped_column(default=None)
    created_dt: Mapped[datetime] = mapped_column(default=utcnow)


class AwardIdentifier(db.Model):
    """The award's identifiers: blind indexes (NIK, KK, NISN) or keyed public numbers."""

    __tablename__ = "award_identifiers"
    __table_args__ = (
        sa.CheckConstraint(f"kind IN {AWARD_IDENTIFIER_KINDS!r}", name="kind_known"),
        sa.UniqueConstraint("award_id", "kind", "value_bidx"),
        sa.Index("ix_award_identifiers_lookup", "kind", "value_bidx"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    award_id: Mapped[int] = mapped_column(sa.ForeignKey("awards.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(sa.String(8))
    value_bidx: Mapped[str] = mapped_column(sa.String(64))
