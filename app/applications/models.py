from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import BigId, JSONType, utcnow
from app.extensions import db

OUTCOMES = ("approved", "rejected", "withdrawn", "completed")
#: the outcomes that end an application (an approved one still has steps: agreement, payment)
CLOSED_OUTCOMES = ("rejected", "withdrawn", "completed")
DISBURSEMENT_STATUSES = ("pending", "sent", "failed")
REPORT_STATUSES = ("due", "submitted", "accepted", "returned")
IDENTIFIER_KINDS = ("nik", "kk", "nisn", "nspp", "ahu", "nib", "npsn", "bank")


class Application(db.Model):
    __tablename__ = "applications"
    __table_args__ = (
        sa.CheckConstraint(
            "organization_id IS NOT NULL OR person_id IS NOT NULL", name="has_applicant"
        ),
        sa.CheckConstraint("version >= 1", name="version_positive"),
        sa.CheckConstraint(
            "amount_requested IS NULL OR amount_requested >= 0",
            name="amount_requested_not_negative",
        ),
        sa.CheckConstraint(
            "amount_approved IS NULL OR amount_approved >= 0", name="amount_approved_not_negative"
        ),
        sa.CheckConstraint(f"outcome IS NULL OR outcome IN {OUTCOMES!r}", name="outcome_known"),
        sa.ForeignKeyConstraint(
            ["program_key", "definition_version"],
            ["program_versions.program_key", "program_versions.version"],
            name="fk_applications_definition",
        ),
        sa.Index("ix_applications_program_stage", "program_key", "stage", "id"),
        sa.Index("ix_applications_kecamatan", "kecamatan_code", "id"),
        sa.Index("ix_applications_program_year_stage", "program_key", "fiscal_year", "stage"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    number: Mapped[str] = mapped_column(sa.String(40), unique=True)
    program_key: Mapped[str] = mapped_column(sa.String(40))
    definition_version: Mapped[int]
    fiscal_year: Mapped[int]
    school_year: Mapped[str | None] = mapped_column(sa.String(9), default=None)
    stage: Mapped[str] = mapped_column(sa.String(40))
    outcome: Mapped[str | None] = mapped_column(sa.String(12), default=None)
    version: Mapped[int] = mapped_column(default=1)
    organization_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organizations.id"), index=True, default=None
    )
    person_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("persons.id"), index=True, default=None
    )
    owner_user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    nominated_by_user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id"), default=None
    )
    kecamatan_code: Mapped[str | None] = mapped_column(sa.ForeignKey("regions.code"), default=None)
    desa_code: Mapped[str | None] = mapped_column(sa.ForeignKey("regions.code"), default=None)
    applicant_name: Mapped[str] = mapped_column(sa.String(200))
    answers: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    amount_requested: Mapped[int | None] = mapped_column(sa.BigInteger, default=None)
    amount_approved: Mapped[int | None] = mapped_column(sa.BigInteger, default=None)
    eligibility: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    returned_from: Mapped[str | None] = mapped_column(sa.String(40), default=None)
    revision_note: Mapped[str | None] = mapped_column(sa.Text, default=None)
    revision_deadline: Mapped[date | None] = mapped_column(default=None)
    submitted_dt: Mapped[datetime | None] = mapped_column(default=None)
    decided_dt: Mapped[datetime | None] = mapped_column(default=None)
    closed_dt: Mapped[datetime | None] = mapped_column(default=None)
    created_dt: Mapped[datetime] = mapped_column(default=utcnow)
    updated_dt: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    documents: Mapped[list[Document]] = relationship(
        back_populates="application", order_by="Document.id"
    )
    tasks: Mapped[list[StageTask]] = relationship(
        back_populates="application", order_by="StageTask.id"
    )
    decisions: Mapped[list[Decision]] = relationship(
        back_populates="application", order_by="Decision.id"
    )

    @property
    def is_closed(self) -> bool:
        return self.outcome in CLOSED_OUTCOMES

    @property
    def school_npsn(self) -> str | None:
        """The school the answers name (a pupil's, for a school stage or a school's nomination)."""
        return (self.answers or {}).get("school_npsn") or None

    def current_documents(self) -> list[Document]:
        return [d for d in self.documents if d.is_current]


class ApplicationIdentifier(db.Model):
    """Blind-indexed identifiers of an application's parties, for cross-program duplicate checks."""

    __tablename__ = "application_identifiers"
    __table_args__ = (
        sa.CheckConstraint(f"kind IN {IDENTIFIER_KINDS!r}", name="kind_known"),
        sa.UniqueConstraint("application_id", "kind", "value_bidx"),
        sa.Index("ix_application_identifiers_lookup", "kind", "value_bidx"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    application_id: Mapped[int] = mapped_column(
        sa.ForeignKey("applications.id", ondelete="CASCADE")
    )
    kind: Mapped[str] = mapped_column(sa.String(8))
    value_bidx: Mapped[str] = mapped_column(sa.String(64))


class DuplicateFlag(db.Model):
    __tablename__ = "duplicate_flags"
    __table_args__ = (sa.UniqueConstraint("application_id", "kind", "other_application_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    application_id: Mapped[int] = mapped_column(
        sa.ForeignKey("applications.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(sa.String(8))
    other_application_id: Mapped[int] = mapped_column(sa.ForeignKey("applications.id"))
    blocking: Mapped[bool] = mapped_column(default=False)
    note: Mapped[str] = mapped_column(sa.String(300))
    created_dt: Mapped[datetime] = mapped_column(default=utcnow)


class Document(db.Model):
    """An uploaded file; replacing one keeps the old version (``is_current`` false)."""

    __tablename__ = "documents"
    __table_args__ = (
        sa.CheckConstraint("size_bytes > 0", name="size_positive"),
        sa.CheckConstraint(
            "content_type IN ('application/pdf', 'image/jpeg', 'image/png')",
            name="content_type_allowed",
        ),
        sa.UniqueConstraint("application_id", "doc_type", "version"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("applications.id"), index=True)
    doc_type: Mapped[str] = mapped_column(sa.String(40))
    version: Mapped[int] = mapped_column(default=1)
    is_current: Mapped[bool] = mapped_column(default=True)
    filename: Mapped[str] = mapped_column(sa.String(200))
    storage_key: Mapped[str] = mapped_column(sa.String(64), unique=True)
    content_type: Mapped[str] = mapped_column(sa.String(40))
    size_bytes: Mapped[int]
    sha256: Mapped[str] = mapped_column(sa.String(64))
    uploaded_by_user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    uploaded_dt: Mapped[datetime] = mapped_column(default=utcnow)
    verified_status: Mapped[str | None] = mapped_column(sa.String(12), default=None)
    meta: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)

    application: Mapped[Application] = relationship(back_populates="documents")


class DocumentBlob(db.Model):
    """A document's bytes in the database (app/applications/storage.py): written in the same
    transaction as the document row, so a rollback leaves no orphan; every host sees them."""

    __tablename__ = "document_blobs"

    storage_key: Mapped[str] = mapped_column(
        sa.String(64), sa.ForeignKey("documents.storage_key", ondelete="CASCADE"),
        primary_key=True,
    )
    content: Mapped[bytes] = mapped_column(sa.LargeBinary)


class StageTask(db.Model):
    """The work waiting at one agency for one stage of one application."""

    __tablename__ = "stage_tasks"
    __table_args__ = (
        sa.Index(
            "ix_stage_tasks_open_queue",
            "agency_id",
            "due_dt",
            "id",
            postgresql_where=sa.text("completed_dt IS NULL"),
            sqlite_where=sa.text("completed_dt IS NULL"),
        ),
        sa.Index(
            "ix_stage_tasks_open_role_queue",
            "agency_id",
            "role",
            "due_dt",
            "id",
            postgresql_where=sa.text("completed_dt IS NULL"),
            sqlite_where=sa.text("completed_dt IS NULL"),
        ),
        sa.Index(
            "ix_stage_tasks_open_stage_queue",
            "agency_id",
            "role",
            "stage",
            "due_dt",
            "id",
            postgresql_where=sa.text("completed_dt IS NULL"),
            sqlite_where=sa.text("completed_dt IS NULL"),
        ),
        sa.Index(
            "uq_stage_tasks_one_open_per_application",
            "application_id",
            unique=True,
            postgresql_where=sa.text("completed_dt IS NULL"),
            sqlite_where=sa.text("completed_dt IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("applications.id"), index=True)
    stage: Mapped[str] = mapped_column(sa.String(40))
    #: None for operator stages (e.g. the student's school confirms), which no agency owns
    agency_id: Mapped[int | None] = mapped_column(sa.ForeignKey("agencies.id"), default=None)
    role: Mapped[str] = mapped_column(sa.String(20))
    created_dt: Mapped[datetime] = mapped_column(default=utcnow)
    due_dt: Mapped[datetime]
    claimed_by_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), default=None)
    claimed_dt: Mapped[datetime | None] = mapped_column(default=None)
    completed_dt: Mapped[datetime | None] = mapped_column(default=None)
    completed_by_user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id"), default=None
    )
    action: Mapped[str | None] = mapped_column(sa.String(40), default=None)
    reminded_dt: Mapped[datetime | None] = mapped_column(default=None)
    escalated_dt: Mapped[datetime | None] = mapped_column(default=None)

    application: Mapped[Application] = relationship(back_populates="tasks")

    def is_overdue(self, now: datetime) -> bool:
        return self.completed_dt is None and self.due_dt < now


class Decision(db.Model):
    """One fired transition: who did what, when, why, on which frozen facts."""

    __tablename__ = "decisions"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("applications.id"), index=True)
    task_id: Mapped[int | None] = mapped_column(sa.ForeignKey("stage_tasks.id"), default=None)
    from_stage: Mapped[str] = mapped_column(sa.String(40))
    to_stage: Mapped[str] = mapped_column(sa.String(40))
    action: Mapped[str] = mapped_column(sa.String(40))
    actor_user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    actor_role: Mapped[str] = mapped_column(sa.String(20))
    agency_id: Mapped[int | None] = mapped_column(sa.ForeignKey("agencies.id"), default=None)
    reason: Mapped[str | None] = mapped_column(sa.Text, default=None)
    fields: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    answers_digest: Mapped[str] = mapped_column(sa.String(64))
    documents_digest: Mapped[str] = mapped_column(sa.String(64))
    audit_seq: Mapped[int | None] = mapped_column(sa.BigInteger, default=None)
    created_dt: Mapped[datetime] = mapped_column(default=utcnow)

    application: Mapped[Application] = relationship(back_populates="decisions")


class Disbursement(db.Model):
    """One tranche or instalment transferred (or failed) to the recipient's account."""

    __tablename__ = "disbursements"
    __table_args__ = (
        sa.UniqueConstraint("application_id", "tranche_no", "attempt"),
        sa.CheckConstraint("amount > 0", name="amount_positive"),
        sa.CheckConstraint(f"status IN {DISBURSEMENT_STATUSES!r}", name="status_known"),
        sa.CheckConstraint(
            "status != 'failed' OR failure_reason IS NOT NULL", name="failure_has_reason"
        ),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("applications.id"), index=True)
    tranche_no: Mapped[int]
    attempt: Mapped[int] = mapped_column(default=1)
    amount: Mapped[int] = mapped_column(sa.BigInteger)
    status: Mapped[str] = mapped_column(sa.String(10), default="pending")
    bank_account_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("bank_accounts.id"), default=None
    )
    reference: Mapped[str | None] = mapped_column(sa.String(80), default=None)
    failure_reason: Mapped[str | None] = mapped_column(sa.String(300), default=None)
    recorded_by_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), default=None)
    recorded_dt: Mapped[datetime | None] = mapped_column(default=None)
    created_dt: Mapped[datetime] = mapped_column(default=utcnow)


class Report(db.Model):
    """An accountability or progress report (LPJ) the recipient owes by a due date."""

    __tablename__ = "reports"
    __table_args__ = (
        sa.CheckConstraint(f"status IN {REPORT_STATUSES!r}", name="status_known"),
        sa.UniqueConstraint("application_id", "kind"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("applications.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(20))
    due_date: Mapped[date]
    status: Mapped[str] = mapped_column(sa.String(10), default="due")
    submitted_dt: Mapped[datetime | None] = mapped_column(default=None)
    note: Mapped[str | None] = mapped_column(sa.Text, default=None)
    reminded_dt: Mapped[datetime | None] = mapped_column(default=None)
    overdue_notified_dt: Mapped[datetime | None] = mapped_column(default=None)
