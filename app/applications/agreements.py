"""Agreements the system issues for the recipient to sign (NPHD, loan agreement, SPTJM, integrity
pact), declared per program in its definition (``agreements:``) with one template each.

Like the decision letter they are rendered on demand from the audited award, never stored: the
amount, the tranches or the repayment schedule, the obligations and the report deadlines come
from the definition and the approval decision, and each carries the award's verification QR.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import render_template

from app.applications.effects import REPORT_DAYS
from app.applications.letters import approval_decision, letter_number, verification_context
from app.applications.models import Application, Decision
from app.applications.parties import current_bank_account
from app.applications.workflow import definition_of
from app.extensions import db
from app.organizations.models import Organization, Person
from app.regions.models import Region
from workflows.model import Agreement, ProgramDefinition


@dataclass(frozen=True)
class Instalment:
    month: int
    principal: int
    interest: int
    outstanding: int

    @property
    def total(self) -> int:
        return self.principal + self.interest


def issued(application: Application) -> list[Agreement]:
    """The agreements the applicant can download now: those of an award that stands."""
    if approval_decision(application) is None:
        return []
    return list(definition_of(application).agreements)


def tranches(defn: ProgramDefinition, amount: int) -> list[dict[str, Any]]:
    by_key = {t.key: t for t in defn.funding.tranches}
    return [
        {
            "label": by_key[key].label.id if key in by_key else key,
            "amount": part,
            "percent": by_key[key].percent if key in by_key else 100,
        }
        for key, part in defn.funding.split(amount)
    ]


def repayment_schedule(defn: ProgramDefinition, principal: int) -> list[Instalment]:
    """Monthly instalments after the grace period: equal principal, interest on what is owed."""
    loan = defn.funding.loan
    if loan is None or principal <= 0:
        return []
    months = max(loan.term_months - loan.grace_months, 1)
    share, rows, owed = principal // months, [], principal
    for n in range(1, loan.term_months + 1):
        interest = int(owed * loan.annual_interest_percent) // 1200
        if n <= loan.grace_months:
            rows.append(Instalment(n, 0, interest, owed))
            continue
        part = owed if n == loan.term_months else share
        owed -= part
        rows.append(Instalment(n, part, interest, owed))
    return rows


def _party(application: Application) -> Organization | Person | None:
    if application.organization_id:
        return db.session.get(Organization, application.organization_id)
    return db.session.get(Person, application.person_id) if application.person_id else None


def agreement_number(application: Application, decision: Decision, agreement: Agreement) -> str:
    year = decision.created_dt.year
    kind = agreement.key.upper().replace("_", "-")
    return f"{decision.id:05d}/{kind}/{application.program_key.upper()}/SIBANTU/{year}"


def agreement_html(application: Application, agreement: Agreement) -> str:
    decision = approval_decision(application)
    defn = definition_of(application)
    party = _party(application)
    amount = application.amount_approved or 0
    desa = db.session.get(Region, party.desa_code) if party and party.desa_code else None
    return render_template(
        f"agreements/{agreement.template}",
        application=application,
        definition=defn,
        agreement=agreement,
        decision=decision,
        number=agreement_number(application, decision, agreement),
        decree_number=letter_number(application, decision),
        party=party,
        desa=desa,
        bank=current_bank_account(application),
        amount=amount,
        tranches=tranches(defn, amount),
        schedule=repayment_schedule(defn, amount),
        loan=defn.funding.loan,
        report_days=REPORT_DAYS,
        event=None,
        **verification_context(decision),
    )


def agreement_pdf(application: Application, agreement: Agreement) -> bytes:
    from weasyprint import HTML

    return HTML(string=agreement_html(application, agreement)).write_pdf()
