"""Handlers for the effects named in program definitions (``workflows.EFFECTS``).

Each handler runs inside ``workflow.fire``'s transaction, after the stage has moved.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.accounts.models import User
from app.applications.models import Application, Decision, Disbursement, Report
from app.applications.parties import current_bank_account
from app.audit.operations import record
from app.common.errors import Refusal
from app.common.i18n import jakarta_today
from app.db import utcnow
from app.extensions import db
from app.organizations.models import BankAccount
from app.programs import awards, budget
from workflows import EFFECTS, Plan, ProgramDefinition

Handler = Callable[[ProgramDefinition, Application, Plan, Decision, User], None]
REPORT_DAYS = 60


class EffectError(Refusal):
    """An effect could not be applied (message translated when read, ``Refusal``); the
    transaction must roll back."""


def _audit(action: str, defn: ProgramDefinition, user: User, obj: Application | Disbursement,
           summary: dict[str, Any], *, reason: str | None = None) -> None:
    """Every effect leaves its own audit event, in the same transaction."""
    kind = "disbursement" if isinstance(obj, Disbursement) else "application"
    record(action, actor=user, program_key=defn.key, object_type=kind, object_id=obj.id,
           summary=summary, reason=reason)


def approved_amount(
    defn: ProgramDefinition, application: Application, fields: dict | None = None
) -> int | None:
    """Fixed, per level, or (for a range) the amount the approver set, else the one requested."""
    rule = defn.amount
    if rule.rule == "fixed":
        return rule.value
    answers = application.answers or {}
    if rule.rule == "per_level":
        level = answers.get((rule.level_fact or "answers.school_level").removeprefix("answers."))
        return rule.for_level(str(level)) if level else None
    requested = (
        _int((fields or {}).get("approved_amount"))
        or application.amount_requested
        or _int(answers.get("requested_amount"))
    )
    if requested is None or not (rule.min or 0) <= requested <= (rule.max or requested):
        return None
    return requested


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


BUDGET_GUARDS = ("budget_available", "quota_available", "loan_repaid")


def budget_facts(
    defn: ProgramDefinition,
    application: Application,
    fields: dict | None = None,
    *,
    wanted: Iterable[str] = BUDGET_GUARDS,
) -> dict[str, Any]:
    """A pre-check for the guards (those ``wanted``); the reservation itself is the atomic
    conditional UPDATE."""
    facts: dict[str, Any] = {}
    if "budget_available" in wanted:
        amount = approved_amount(defn, application, fields)
        usage = budget.usage(defn.key, application.fiscal_year)
        facts["budget_available"] = bool(amount and usage and usage.remaining >= amount)
    if "quota_available" in wanted:
        facts["quota_available"] = _quota_available(defn, application)
    if "loan_repaid" in wanted:
        facts["loan_repaid"] = _loan_repaid(application)
    return facts


def _loan_repaid(application: Application) -> bool:
    """The latest monitoring review recorded no outstanding principal."""
    latest = db.session.scalar(
        sa.select(Decision.fields)
        .where(Decision.application_id == application.id, Decision.action == "accept_report")
        .order_by(Decision.id.desc())
        .limit(1)
    )
    return latest is not None and _int(latest.get("outstanding_principal")) == 0


def _quota_available(defn: ProgramDefinition, application: Application) -> bool:
    """The pre-check of the reservation, against the same limit (``budget.quota_limit``)."""
    region = budget.quota_region(defn, application)
    if region is None:
        return defn.quota is None
    return budget.quota_left(defn, application.fiscal_year, region) > 0


def bank_account_confirmed(account: BankAccount | None) -> bool:
    """The application's current account (``current_bank_account``) exists and has not failed."""
    return account is not None and account.status != "failed"


def reserve_budget(defn, application, plan, decision, user) -> None:
    amount = approved_amount(defn, application, decision.fields)
    if amount is None:
        raise EffectError(_l("Nilai bantuan belum dapat ditentukan dari isian permohonan."))
    try:
        reservation = budget.reserve(defn, application, amount)
    except budget.BudgetExceeded as exc:
        raise EffectError(exc.lazy) from exc
    application.amount_approved = amount
    application.decided_dt = utcnow()
    awards.record(application)
    _audit("budget.reserved", defn, user, application, {
        "amount": amount, "fiscal_year": application.fiscal_year,
        "region": reservation.region_code,
    })


def release_budget(defn, application, plan, decision, user) -> None:
    reservation = budget.release(application)
    awards.revoke(application)
    if reservation is not None:
        _audit("budget.released", defn, user, application, {"amount": reservation.amount})


def create_disbursements(defn, application, plan, decision, user) -> None:
    total = application.amount_approved or approved_amount(defn, application) or 0
    tranches = defn.funding.tranches or ()
    account = current_bank_account(application)
    paid_so_far = 0
    for number, tranche in enumerate(tranches, start=1):
        if tranche.amount is not None:
            amount = tranche.amount
        elif number == len(tranches):
            amount = total - paid_so_far
        else:
            amount = total * (tranche.percent or 0) // 100
        paid_so_far += amount
        db.session.add(
            Disbursement(
                application_id=application.id,
                tranche_no=number,
                amount=amount,
                bank_account_id=account.id if account else None,
            )
        )
    if not tranches and total:
        db.session.add(
            Disbursement(
                application_id=application.id,
                tranche_no=1,
                amount=total,
                bank_account_id=account.id if account else None,
            )
        )
    db.session.flush()


def _tranche_no(defn: ProgramDefinition, stage: str) -> int:
    for number, tranche in enumerate(defn.funding.tranches or (), start=1):
        if tranche.paid_at == stage:
            return number
    return 1


def _open_disbursement(defn, application, stage) -> Disbursement:
    number = _tranche_no(defn, stage)
    row = db.session.scalar(
        sa.select(Disbursement)
        .where(
            Disbursement.application_id == application.id,
            Disbursement.tranche_no == number,
            Disbursement.status == "pending",
        )
        .order_by(Disbursement.attempt.desc())
    )
    if row is None:
        raise EffectError(_l("Tidak ada pembayaran tahap %(number)s yang menunggu.", number=number))
    return row


def record_tranche_paid(defn, application, plan, decision, user) -> None:
    row = _open_disbursement(defn, application, plan.from_stage)
    row.status, row.recorded_by_user_id, row.recorded_dt = "sent", user.id, utcnow()
    row.reference = str(decision.fields.get("transfer_reference") or "")[:80] or None
    account = current_bank_account(application)
    row.bank_account_id = account.id if account else row.bank_account_id
    if account is not None and account.status == "unconfirmed":
        account.status, account.confirmed_dt = "confirmed", utcnow()
    db.session.flush()
    _audit("disbursement.sent", defn, user, row, {
        "application": application.number, "tranche": row.tranche_no,
        "amount": row.amount, "reference": row.reference,
    })


def record_transfer_failed(defn, application, plan, decision, user) -> None:
    row = _open_disbursement(defn, application, plan.from_stage)
    row.status, row.failure_reason = "failed", (decision.reason or "")[:300] or "Transfer gagal"
    row.recorded_by_user_id, row.recorded_dt = user.id, utcnow()
    if row.bank_account_id:
        account = db.session.get(BankAccount, row.bank_account_id)
        account.status = "failed"
    db.session.add(
        Disbursement(
            application_id=application.id,
            tranche_no=row.tranche_no,
            attempt=row.attempt + 1,
            amount=row.amount,
        )
    )
    db.session.flush()
    _audit("disbursement.failed", defn, user, row,
           {"application": application.number, "tranche": row.tranche_no},
           reason=row.failure_reason)


def schedule_report(defn, application, plan, decision, user) -> None:
    due = jakarta_today() + timedelta(days=REPORT_DAYS)
    report = db.session.scalar(
        sa.select(Report).where(
            Report.application_id == application.id, Report.kind == plan.to_stage
        )
    )
    if report is None:
        db.session.add(Report(application_id=application.id, kind=plan.to_stage, due_date=due))
    else:
        report.status, report.due_date = "due", due
    db.session.flush()


def _issued(kind: str) -> Handler:
    def handler(defn, application, plan, decision, user) -> None:
        _audit(f"document.{kind}_issued", defn, user, application, {
            "number": application.number, "amount": application.amount_approved,
            "decision_id": decision.id,
        })

    return handler


def mark_completed(defn, application, plan, decision, user) -> None:
    for report in db.session.scalars(
        sa.select(Report).where(Report.application_id == application.id)
    ):
        if report.status in ("due", "submitted"):
            report.status = "accepted"


HANDLERS: dict[str, Handler] = {
    "reserve_budget": reserve_budget,
    "release_budget": release_budget,
    "create_disbursements": create_disbursements,
    "record_tranche_paid": record_tranche_paid,
    "record_transfer_failed": record_transfer_failed,
    "schedule_report": schedule_report,
    "issue_decision_letter": _issued("decision_letter"),
    "issue_agreement": _issued("agreement"),
    "mark_completed": mark_completed,
}


def bind_all() -> None:
    """Bind every handler to its effect name; refuse to start if a named effect has none."""
    for name, handler in HANDLERS.items():
        EFFECTS.bind(name, handler)
    if EFFECTS.unbound():
        raise RuntimeError(f"effects without a handler: {EFFECTS.unbound()}")


def run(
    defn: ProgramDefinition, application: Application, plan: Plan, decision: Decision, user: User
) -> None:
    for name in plan.effects:
        EFFECTS.handler(name)(defn, application, plan, decision, user)
