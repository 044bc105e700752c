"""Nominations: a village operator proposes a guru ngaji resident of their desa.

The same operations as the operator's page (``applications.nomination.parse_row`` validates and
normalises exactly as a row of the nomination file, ``nominate_one`` creates or reuses the person,
records the bank account and starts the draft); what the page refuses, this refuses with the same
message.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import Field, StringConstraints

from app.api.applications import ApplicationOut, application_out, location
from app.api.blueprint import api
from app.api.problems import ApiProblem
from app.api.schemas import In
from app.applications import nomination as nominations
from app.applications.operations import ApplicationError
from app.applications.permissions import operator_desa
from app.organizations.operations import ProfileError

Short = Annotated[str, StringConstraints(max_length=150)]


class NominationIn(In):
    full_name: Annotated[str, StringConstraints(min_length=3, max_length=150)]
    nik: Annotated[str, StringConstraints(max_length=40)] = Field(
        description="16 digits; stored encrypted, never returned")
    address: Annotated[str, StringConstraints(min_length=1, max_length=300)]
    teaching_since: date
    pupil_count: Annotated[int, Field(ge=0, le=1000)]
    is_civil_servant: bool = Field(description="ASN, TNI or Polri")
    has_fixed_income: bool
    phone: Short | None = None
    npwp: Short | None = None
    bank_name: Annotated[str, StringConstraints(max_length=80)] | None = None
    bank_number: Short | None = None


@api.operation("POST", "/nominations", summary="Nominate a guru ngaji",
               tags=("nominations",), roles=("village_operator",), body=NominationIn,
               response=ApplicationOut, status=201, idempotent=True)
def create_nomination(user, body: NominationIn):
    """A draft GURU NGAJI application for a resident of the operator's desa, owned and
    nominated by the operator; upload its documents and submit it like any draft."""
    desa = operator_desa(user)
    if desa is None:
        raise ApiProblem(403)
    row = {
        "nama": body.full_name, "nik": body.nik, "kode_desa": desa, "alamat": body.address,
        "mengajar_sejak": body.teaching_since.isoformat(), "jumlah_santri": str(body.pupil_count),
        "asn": "ya" if body.is_civil_servant else "tidak",
        "penghasilan_tetap": "ya" if body.has_fixed_income else "tidak",
        "no_hp": body.phone or "", "npwp": body.npwp or "", "bank": body.bank_name or "",
        "no_rekening": body.bank_number or "",
    }
    try:
        application = nominations.nominate_one(user, nominations.parse_row(row, desa))
    except (nominations.RowRefused, ProfileError, ApplicationError) as refused:
        raise ApiProblem(422, str(refused), code="nomination_refused") from None
    return application_out(application), 201, location(application)
