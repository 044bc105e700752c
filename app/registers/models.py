from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.db import BigId, JSONType, utcnow
from app.extensions import db

REGISTERS = ("dtks", "pesantren")
#: what an import may bring: a register's entries, or earlier awards (``app.registers.awards``)
IMPORTS = (*REGISTERS, "awards")


class RegisterImport(db.Model):
    __tablename__ = "register_imports"
    __table_args__ = (sa.CheckConstraint(f"register IN {IMPORTS!r}", name="register_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    register: Mapped[str] = mapped_column(sa.String(12))
    filename: Mapped[str] = mapped_column(sa.String(200))
    imported_by_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), default=None)
    started_dt: Mapped[datetime] = mapped_column(default=utcnow)
    finished_dt: Mapped[datetime | None] = mapped_column(default=None)
    rows_total: Mapped[int] = mapped_column(default=0)
    rows_ok: Mapped[int] = mapped_column(default=0)
    rows_failed: Mapped[int] = mapped_column(default=0)
    report: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)


class RegisterEntry(db.Model):
    """One listed household (by NIK or KK blind index) or pesantren (by NSPP)."""

    __tablename__ = "register_entries"
    __table_args__ = (
        sa.CheckConstraint(f"register IN {REGISTERS!r}", name="register_known"),
        sa.UniqueConstraint("register", "key_kind", "key_value"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    register: Mapped[str] = mapped_column(sa.String(12))
    key_kind: Mapped[str] = mapped_column(sa.String(8))
    #: blind index for NIK/KK; the plain number for public identifiers such as NSPP
    key_value: Mapped[str] = mapped_column(sa.String(64))
    attributes: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    import_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("register_imports.id"), default=None
    )
    created_dt: Mapped[datetime] = mapped_column(default=utcnow)


CHECK_STATUSES = ("pending", "confirmed", "refused")


class RegisterCheck(db.Model):
    """A pesantren's request that Kemenag check its registration, and the reviewer's answer.

    A confirmed check lists the pesantren's NSPP in the register (``RegisterEntry``), which is
    the fact the programs' rules read; a refused one says why, and a new request may follow.
    """

    __tablename__ = "register_checks"
    __table_args__ = (
        sa.CheckConstraint(f"status IN {CHECK_STATUSES!r}", name="status_known"),
        sa.CheckConstraint(f"register IN {REGISTERS!r}", name="register_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    register: Mapped[str] = mapped_column(sa.String(12), default="pesantren")
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"), index=True)
    requested_by_user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    status: Mapped[str] = mapped_column(sa.String(10), default="pending", index=True)
    decided_by_user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id"), default=None
    )
    decided_dt: Mapped[datetime | None] = mapped_column(default=None)
    note: Mapped[str | None] = mapped_column(sa.Text, default=None)
    created_dt: Mapped[datetime] = mapped_column(default=utcnow)
