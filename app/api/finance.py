"""Disbursements for finance systems: the payment list, and recording a transfer or its failure.

Recording is not a write to the disbursement row: it fires the workflow's ``pay`` (or
``transfer_failed``) transition, whose effects mark the tranche sent (or failed and retried) —
exactly what the finance officer's button in the web app does.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

import sqlalchemy as sa
from pydantic import Field, StringConstraints

from app.api import pagination
from app.api.blueprint import api
from app.api.permissions import can_use_finance
from app.api.problems import ApiProblem
from app.api.schemas import In, Out
from app.api.transitions import FiredOut, fire, fired, seen
from app.applications import workflow
from app.applications.models import Application, Disbursement
from app.applications.permissions import can_view_application
from app.extensions import db
from app.organizations.models import BankAccount
from app.programs.registry import registry


class DisbursementOut(Out):
    id: int
    application_id: int
    application_number: str
    application_stage: str
    application_version: int
    program_key: str
    recipient_name: str
    tranche_no: int
    attempt: int
    amount: int = Field(description="Rupiah")
    status: str
    bank_name: str | None
    account_holder: str | None
    account_number_masked: str | None
    reference: str | None
    failure_reason: str | None
    recorded_dt: datetime | None


class DisbursementPage(Out):
    items: list[DisbursementOut]
    next_cursor: str | None


class DisbursementQuery(pagination.PageQuery):
    status: Literal["pending", "sent", "failed"] | None = None
    program_key: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,39}$")] | None = None


class RecordTransferIn(In):
    transfer_date: date
    transfer_reference: Annotated[str, StringConstraints(min_length=1, max_length=80)]
    seen_version: Annotated[int, Field(ge=1, le=10**9)] | None = None


class FailedTransferIn(In):
    reason: Annotated[str, StringConstraints(min_length=1, max_length=300)]
    deadline: date = Field(description="Date by which the recipient must correct the account")
    seen_version: Annotated[int, Field(ge=1, le=10**9)] | None = None


def _program_keys(user) -> list[str]:
    """Programs in which the token's agency takes part (the list counterpart of
    ``is_agency_staff_of``; each row is checked with ``can_view_application`` as well)."""
    agencies = user.agency_codes()
    return [d.key for d in registry().current_definitions()
            if agencies & ({*d.agencies} | {s.agency for s in d.stages if s.agency})]


def _out(row: Disbursement, application: Application, account: BankAccount | None):
    return DisbursementOut(
        id=row.id, application_id=application.id, application_number=application.number,
        application_stage=application.stage, application_version=application.version,
        program_key=application.program_key, recipient_name=application.applicant_name,
        tranche_no=row.tranche_no, attempt=row.attempt, amount=row.amount, status=row.status,
        bank_name=account.bank_name if account else None,
        account_holder=account.holder_name if account else None,
        account_number_masked=account.masked_number if account else None,
        reference=row.reference, failure_reason=row.failure_reason, recorded_dt=row.recorded_dt,
    )


@api.operation("GET", "/disbursements", summary="Payment list", tags=("finance",),
               roles=("finance",), query=DisbursementQuery, response=DisbursementPage)
def list_disbursements(user, query: DisbursementQuery):
    """Tranches and instalments of the programs the finance token's agency pays."""
    if not can_use_finance(user):
        raise ApiProblem(403)
    after = pagination.decode(query.cursor) or 0
    select = (sa.select(Disbursement, Application, BankAccount)
              .join(Application, Application.id == Disbursement.application_id)
              .outerjoin(BankAccount, BankAccount.id == Disbursement.bank_account_id)
              .where(Application.program_key.in_(_program_keys(user)), Disbursement.id > after))
    if query.status:
        select = select.where(Disbursement.status == query.status)
    if query.program_key:
        select = select.where(Application.program_key == query.program_key)
    rows = db.session.execute(select.order_by(Disbursement.id).limit(query.limit + 1)).all()
    page, cursor = pagination.page_of(rows, query.limit, lambda row: row[0].id)
    return DisbursementPage(items=[_out(*row) for row in page
                                   if can_view_application(user, row[1])], next_cursor=cursor)


def _pending(user, disbursement_id: int) -> tuple[Disbursement, Application]:
    row = db.session.get(Disbursement, disbursement_id)
    application = db.session.get(Application, row.application_id) if row else None
    if (row is None or not can_use_finance(user)
            or not can_view_application(user, application)):
        raise ApiProblem(404, "Pembayaran tidak ditemukan.", code="disbursement_not_found")
    if row.status != "pending" or _due_tranche(application) != row.tranche_no:
        raise ApiProblem(409, "Pembayaran ini tidak sedang menunggu transfer.", code="not_due")
    return row, application


def _due_tranche(application: Application) -> int | None:
    """The tranche whose payment stage the application is at now (None: no payment is due)."""
    defn = workflow.definition_of(application)
    tranches = defn.funding.tranches or ()
    for number, tranche in enumerate(tranches, start=1):
        if tranche.paid_at == application.stage:
            return number
    if not tranches and defn.stage(application.stage).role == "finance":
        return 1
    return None


@api.operation("POST", "/disbursements/<int:disbursement_id>/record",
               summary="Record a transfer", tags=("finance",), roles=("finance",),
               body=RecordTransferIn, response=FiredOut, idempotent=True, if_match=True,
               errors=(409,))
def record_transfer(user, disbursement_id: int, body: RecordTransferIn, if_match: int | None):
    """Fires `pay` on the application with the transfer date and reference (SP2D)."""
    _, application = _pending(user, disbursement_id)
    fields = {"transfer_date": body.transfer_date.isoformat(),
              "transfer_reference": body.transfer_reference}
    decision = fire(application, "pay", user, fields=fields,
                    seen_version=seen(if_match, body.seen_version))
    return fired(application, decision)


@api.operation("POST", "/disbursements/<int:disbursement_id>/fail",
               summary="Record a failed transfer", tags=("finance",), roles=("finance",),
               body=FailedTransferIn, response=FiredOut, idempotent=True, if_match=True,
               errors=(409,))
def fail_transfer(user, disbursement_id: int, body: FailedTransferIn, if_match: int | None):
    """Fires `transfer_failed`: the recipient is asked to correct the bank account by
    `deadline`, and a new attempt of the same tranche is opened."""
    _, application = _pending(user, disbursement_id)
    decision = fire(application, "transfer_failed", user, reason=body.reason,
                    fields={"deadline": body.deadline.isoformat()},
                    seen_version=seen(if_match, body.seen_version))
    return fired(application, decision)
