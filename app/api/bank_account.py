"""Correcting the bank account an application will be paid to."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import Field, StringConstraints

from app.api.applications import APPLICANT_ROLES, body_error, viewable
from app.api.blueprint import api
from app.api.problems import ApiProblem
from app.api.schemas import In, Out
from app.applications import bank
from app.applications.permissions import can_act_as_applicant, stage_allows_bank_correction
from app.common.identifiers import IdentifierError, normalize_bank_account
from app.organizations.operations import ProfileError


class BankAccountIn(In):
    bank_name: Annotated[str, StringConstraints(min_length=2, max_length=80)]
    number: Annotated[str, StringConstraints(max_length=40)] = Field(
        description="10-16 digits (spaces, dots and dashes are removed); stored encrypted")
    holder_name: Annotated[str, StringConstraints(min_length=2, max_length=150)] = Field(
        description="Must match the applicant's name as written in the bank book")


class BankAccountOut(Out):
    id: int
    bank_name: str
    holder_name: str
    number_last4: str = Field(description="The rest of the number is never returned")
    status: str
    is_current: bool
    created_dt: datetime


@api.operation("PUT", "/applications/<int:application_id>/bank-account",
               summary="Correct the bank account", tags=("applications",),
               roles=APPLICANT_ROLES, body=BankAccountIn, response=BankAccountOut,
               idempotent=True, errors=(409,))
def correct_bank_account(user, application_id: int, body: BankAccountIn):
    """Record a new current account for the applicant, where the stage allows it (the
    agreement, or after BPKAD reports a failed transfer). The earlier account stays on
    record; the transfer is retried to the new one once finance confirms it."""
    application = viewable(user, application_id)
    if not can_act_as_applicant(user, application):
        raise ApiProblem(403)
    if not stage_allows_bank_correction(application):
        raise ApiProblem(409, "Rekening tidak dapat diubah pada tahap ini.",
                         code="not_correctable")
    try:
        number = normalize_bank_account(body.number)
    except IdentifierError as err:
        raise body_error("number", err.message_en, err.message_id) from None
    try:
        account = bank.correct_bank_account(application, user, bank_name=body.bank_name,
                                                  number=number, holder_name=body.holder_name)
    except ProfileError as refused:
        raise body_error(refused.field or "holder_name", str(refused), str(refused)) from None
    return BankAccountOut.model_validate(account, from_attributes=True), 200
