"""Finance officers: approved applications waiting for a transfer, and the bank's payment list."""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass

import sqlalchemy as sa

from app.accounts.models import User
from app.accounts.roles import FINANCE
from app.applications.models import Application, Disbursement, StageTask
from app.applications.transfers import RESULT_COLUMNS
from app.audit.operations import record
from app.common.paging import Page, paged
from app.extensions import db
from app.organizations.models import BankAccount

#: the page lists this many payments at a time; the bank's list holds all of them
PAGE_ROWS = 100
#: rows fetched at a time while the bank's list is written (a year of Guru Ngaji: 17,810)
EXPORT_BATCH = 1000
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


def _awaiting(user: User, program: str | None = None) -> sa.Select | None:
    """Open finance tasks of the user's agencies with their pending tranche, oldest due first;
    ``program``: of that program only (a bank list and its SP2D are per program)."""
    agencies = finance_agency_ids(user)
    if not agencies:
        return None
    pending = (
        sa.select(Disbursement.application_id, sa.func.min(Disbursement.id).label("id"))
        .where(Disbursement.status == "pending")
        .group_by(Disbursement.application_id)
        .subquery()
    )
    return (
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
        .where(*([Application.program_key == program] if program else []))
        .order_by(StageTask.due_dt, StageTask.id)
    )


def awaiting_programs(user: User) -> list[str]:
    """The programs with payments waiting for the user's agencies (the page's filter)."""
    query = _awaiting(user)
    if query is None:
        return []
    keys = query.with_only_columns(Application.program_key).order_by(None).distinct()
    return sorted(db.session.scalars(keys))


def chosen_program(programs: list[str], value: str | None) -> str | None:
    """The program a page or form asks for, if it is one of ``programs`` (those with payments
    waiting: ``awaiting_programs``); anything else (gone meanwhile, or typed) means the whole
    list."""
    return value if value and value in programs else None


def awaiting_payment(user: User, page: int | None = 1, program: str | None = None) -> Page:
    """One page of the payments waiting for the user's agencies (``PAGE_ROWS`` to a page)."""
    query = _awaiting(user, program)
    if query is None:
        return Page([], 1, 1, 0)
    found = paged(query, page, PAGE_ROWS, rows=True)
    return Page([PaymentRow(*row) for row in found.items], found.number, found.pages,
                 found.total)


def awaiting_total(user: User, program: str | None = None) -> int:
    """The amount of every pending tranche waiting for the user's agencies (the whole list,
    not the page)."""
    query = _awaiting(user, program)
    if query is None:
        return 0
    amounts = query.with_only_columns(Disbursement.amount).order_by(None).subquery()
    return db.session.scalar(sa.select(sa.func.coalesce(sa.func.sum(amounts.c.amount), 0)))


def every_awaiting_payment(user: User, program: str | None = None) -> Iterator[PaymentRow]:
    """All the payments waiting for the user's agencies, fetched ``EXPORT_BATCH`` at a time."""
    query = _awaiting(user, program)
    if query is None:
        return
    for row in db.session.execute(query.execution_options(yield_per=EXPORT_BATCH)):
        yield PaymentRow(*row)


def payment_list_xlsx(user: User, rows: Iterator[PaymentRow],
                      program: str | None = None) -> bytes:
    """The bank's list with decrypted account numbers, every row (a write-only workbook: one
    row in memory at a time); the export itself is audited."""
    from openpyxl import Workbook  # loaded only when a workbook is read or written
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("daftar_bayar")
    sheet.append([*EXPORT_COLUMNS, *RESULT_COLUMNS])  # the bank fills in the results
    exported: list[str] = []
    total = 0
    for row in rows:
        if row.disbursement is None:
            continue
        account = row.account
        number = WriteOnlyCell(sheet, account.reveal_number() if account else "")
        number.number_format = "@"  # keep leading zeros of account numbers
        sheet.append([
            row.application.number,
            row.application.applicant_name,
            account.bank_name if account else "",
            number,
            account.holder_name if account else "",
            row.disbursement.amount,
            row.disbursement.tranche_no,
        ])
        exported.append(row.application.number)
        total += row.disbursement.amount
    record(
        "payments.exported",
        actor=user,
        actor_role=FINANCE,
        object_type="payment_list",
        program_key=program,
        summary={"count": len(exported), "applications": exported[:500], "total": total},
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
