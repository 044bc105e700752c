"""Nominations: an operator proposes a person for a program that declares ``nomination:``.

The same operations as the operator's page: the body is turned into a row of the program's
nomination file (``applications.nomination_rows.parse_row`` validates it, the declared form checks
the answers) and ``nominate_one`` creates or reuses the person, records the bank account and
starts the draft; what the page refuses, this refuses with the same message. The response says
at once which eligibility rules the nominee does not meet.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from pydantic import ConfigDict, Field, StringConstraints

from app.api.applications import ApplicationOut, application_out, location
from app.api.blueprint import api
from app.api.problems import ApiProblem
from app.api.schemas import In, Out, Text
from app.applications import nomination as nominations
from app.applications.nomination_rows import columns
from app.applications.operations import ApplicationError
from app.applications.permissions import nominating_programs
from app.common.i18n import jakarta_today
from app.organizations.operations import ProfileError
from app.programs.registry import registry
from workflows.answers import validate_answers

Short = Annotated[str, StringConstraints(max_length=150)]


class NominationIn(In):
    """The person, then the program's declared form answers as further top-level fields
    (their keys: ``GET /programs/{key}/form``), e.g. ``"pupil_count": 25``."""

    model_config = ConfigDict(extra="allow")

    program_key: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,39}$")] | None = (
        Field(None, description="Required when the operator nominates for several programs"))
    full_name: Annotated[str, StringConstraints(min_length=3, max_length=150)]
    nik: Annotated[str, StringConstraints(max_length=40)] = Field(
        description="16 digits; stored encrypted, never returned")
    desa_code: Short | None = Field(None, description="Default: the village operator's desa")
    address: Annotated[str, StringConstraints(max_length=300)] | None = None
    teaching_since: date | None = Field(None, description="Where the program's rules read it")
    is_civil_servant: bool | None = Field(None, description="ASN, TNI or Polri")
    has_fixed_income: bool | None = None
    phone: Short | None = None
    npwp: Short | None = None
    bank_name: Annotated[str, StringConstraints(max_length=80)] | None = None
    bank_number: Short | None = None


class UnmetRule(Out):
    key: str
    outcome: str = Field(description="`fail` or `unknown`")
    blocking: bool
    reason: Text


class NominationOut(ApplicationOut):
    eligible: bool = Field(description="Every blocking rule and repeat limit passed")
    unmet: list[UnmetRule]


def _yes_no(value: bool | None) -> str:
    return "" if value is None else ("ya" if value else "tidak")


def _row(user, body: NominationIn, defn) -> dict[str, Any]:
    desa = nominations.scope_desa(user, defn) or body.desa_code
    row = {
        "nama": body.full_name, "nik": body.nik, "kode_desa": desa or "",
        "alamat": body.address or "",
        "mengajar_sejak": body.teaching_since.isoformat() if body.teaching_since else "",
        "asn": _yes_no(body.is_civil_servant), "penghasilan_tetap": _yes_no(body.has_fixed_income),
        "no_hp": body.phone or "", "npwp": body.npwp or "", "bank": body.bank_name or "",
        "no_rekening": body.bank_number or "",
    }
    answers = body.model_extra or {}
    by_key = {c.spec.key: c.name for c in columns(defn) if c.spec is not None}
    unknown = [k for k in answers if k not in by_key]
    if unknown:
        raise ApiProblem(422, "Isian tidak dikenal untuk program ini.", code="validation_failed",
                         errors=[{"field": f"body.{k}", "message": "not a field of this program's "
                                  "form"} for k in unknown])
    checked = validate_answers(registry().form_of(defn), answers, partial=True,
                               today=jakarta_today())
    if not checked.ok:
        first = next(iter(checked.errors.values()))
        raise ApiProblem(422, f"Isian tidak valid: {first['id']}", code="validation_failed",
                         errors=[{"field": f"body.{key}", "message": reason["en"]}
                                 for key, reason in checked.errors.items()])
    row.update({by_key[k]: v for k, v in answers.items()})
    return row


def _program(user, key: str | None):
    defn = nominations.program_for(user, key)
    if defn is not None:
        return defn
    if not nominating_programs(user):
        raise ApiProblem(403)
    if key:
        raise ApiProblem(422, "Anda tidak dapat mengusulkan untuk program ini.",
                         code="validation_failed",
                         errors=[{"field": "body.program_key", "message": "not nominated by you"}])
    raise ApiProblem(422, "Sebutkan program_key.", code="validation_failed", errors=[
        {"field": "body.program_key", "message": "required: you nominate for several programs"}])


@api.operation("POST", "/nominations", summary="Nominate a person for a program",
               tags=("nominations",), roles=("village_operator", "school_operator"),
               body=NominationIn, response=NominationOut, status=201, idempotent=True)
def create_nomination(user, body: NominationIn):
    """A draft application of a program that declares `nomination` (e.g. Guru Ngaji), for a
    person in the operator's scope, owned and nominated by the operator; upload its documents
    and submit it like any draft. `eligible` and `unmet` say at once which rules the nominee
    does not meet (a draft is not a submission)."""
    defn = _program(user, body.program_key)
    try:
        application, unmet = nominations.nominate_one(user, defn, _row(user, body, defn))
    except (nominations.RowRefused, ProfileError, ApplicationError) as refused:
        raise ApiProblem(422, str(refused), code="nomination_refused") from None
    out = application_out(application).model_dump()
    eligible = not any(r["blocking"] for r in unmet)
    unmet_out = [UnmetRule(key=r["key"], outcome=r["outcome"], blocking=r["blocking"],
                           reason=Text(**r["reason"])) for r in unmet]
    return NominationOut(**out, eligible=eligible, unmet=unmet_out), 201, location(application)
