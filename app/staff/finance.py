"""Finance officers: approved applications waiting for a transfer, and the bank's payment list."""

from __future__ import annotations

import io
from dataclasses import dataclass

import sqlalchemy as sa

from app.accounts.models import User
from app.accounts.roles import FINANCE
from app.applications.models import Application, Disbursement, StageTask
from app.audit.operations import record
from app.extensions import db
from app.organizations.models import BankAccount

MAX_ROWS = 5000
EXPORT_COLUMNS = (
    "No. permohonan",
    "Penerima",
    "Bank",
    "Nomor rekening",
    "Nama pemilik rekening",
    "Nilai (Rp)",
    "Tahap",
)


@dataclass
class PaymentRow:
    task: StageTask
    application: Application
    disbursement: Disbursement | None
    account: BankAccount | None


def finance_agency_ids(user: User) -> list[int]:
    return sorted({r.agency_id for r in user.roles if r.role == FINANCE and r.agency_id})


def awaiting_payment(user: User, *, limit: int = MAX_ROWS) -> list[PaymentRow]:
    """Open finance tasks of the user's agencies with their pending tranche, oldest due first."""
    agencies = finance_agency_ids(user)
    if not agencies:
        return []
    pending = (
        sa.select(Disbursement.application_id, sa.func.min(Disbursement.id).label("id"))
        .where(Disbursement.status == "pending")
        .group_by(Disbursement.application_id)
        .subquery()
    )
    rows = db.session.execute(
        sa.select(StageTask, Application, Disbursement, BankAccount)
        .join(Application, Application.id == StageTask.application_id)
        .outerjoin(pending, pending.c.application_id == Application.id)
        .outerjoin(Disbursement, Disbursement.id == pending.c.id)
        .outerjoin(BankAccount, BankAccount.id == Disbursement.bank_account_id)
        .where(
            StageTask.completed_dt.is_(None),
            StageTask.role == FINANCE,
            StageTask.agency_id.in_(agencies),
        )
        .order_by(StageTask.due_dt, StageTask.id)
        .limit(limit)
    ).all()
    return [PaymentRow(*row) for row in rows]


def payment_list_xlsx(user: User, rows: list[PaymentRow]) -> bytes:
    """The bank's list with decrypted account numbers; the export itself is audited."""
    from openpyxl import Workbook  # loaded only when a workbook is read or written

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "daftar_bayar"
    sheet.append(list(EXPORT_COLUMNS))
    exported = []
    for row in rows:
        if row.disbursement is None:
            continue
        account = row.account
        sheet.append(
            [
                row.application.number,
                row.application.applicant_name,
                account.bank_name if account else "",
                account.reveal_number() if account else "",
                account.holder_name if account else "",
                row.disbursement.amount,
                row.disbursement.tranche_no,
            ]
        )
        exported.append(row.application.number)
    for cell in sheet["D"]:
        cell.number_format = "@"  # keep leading zeros of account numbers
    record(
        "payments.exported",
        actor=user,
        actor_role=FINANCE,
        object_type="payment_list",
        summary={
            "count": len(exported),
            "applications": exported[:500],
            "total": sum(r.disbursement.amount for r in rows if r.disbursement),
        },
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
