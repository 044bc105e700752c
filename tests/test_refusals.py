"""Domain refusals (app.common.errors.Refusal): translated when read, always a plain string.

The page-level tests (registration, bank account, uploads, nominations, staff and admin pages)
sit with their domains; these cover what no single page shows: a budget overrun at the
reservation itself, the CLI reading a refusal without a request, and what a refusal turns into
when it is pickled or JSON-encoded.
"""

from __future__ import annotations

import json
import pickle

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from app.applications import effects
from app.applications.models import Decision
from app.applications.review import StaffRefused
from app.extensions import db
from app.programs import budget
from app.programs.models import ProgramBudget
from tests.support.programs import new_applicant_with_pesantren, open_program, sanitren_draft

OVERRUN = {
    "id": "Pagu anggaran tahun {year} tidak mencukupi: sisa Rp0.",
    "en": "The {year} budget ceiling is not sufficient: Rp0 remaining.",
}


@pytest.fixture
def exhausted(db_session, programs):
    """A SANITREN draft whose fiscal year's ceiling is fully reserved."""
    open_program("sanitren")
    user, org = new_applicant_with_pesantren()
    application = sanitren_draft(user, org)
    row = db.session.scalar(sa.select(ProgramBudget).where(
        ProgramBudget.program_key == "sanitren",
        ProgramBudget.fiscal_year == application.fiscal_year))
    row.reserved = row.ceiling
    db.session.flush()
    return user, application


def _overrun(user, application) -> effects.EffectError:
    defn = budget_definition(application)
    with pytest.raises(effects.EffectError) as caught:
        effects.reserve_budget(defn, application, None, Decision(fields={}), user)
    assert isinstance(caught.value.__cause__, budget.BudgetExceeded)
    return caught.value


def budget_definition(application):
    from app.applications.workflow import definition_of

    return definition_of(application)


def test_budget_overrun_at_reservation_reads_in_the_current_language(exhausted,
                                                                     compiled_catalog):
    user, application = exhausted
    refused = _overrun(user, application)
    year = application.fiscal_year
    # raised once; each reader gets its own language (the re-raise kept the lazy message)
    with force_locale("en"):
        assert refused.message == OVERRUN["en"].format(year=year)
        assert str(refused) == OVERRUN["en"].format(year=year)
        assert str(refused.__cause__) == OVERRUN["en"].format(year=year)
    with force_locale("id"):
        assert str(refused) == OVERRUN["id"].format(year=year)
    assert type(refused.message) is str and type(str(refused)) is str


def test_pickled_and_json_encoded_refusals_carry_plain_text(exhausted, compiled_catalog):
    user, application = exhausted
    refused = _overrun(user, application)
    with force_locale("en"):
        copy = pickle.loads(pickle.dumps(refused))
        body = json.dumps({"detail": refused.message})
    assert type(copy) is effects.EffectError
    assert type(copy.lazy) is str and copy.message == OVERRUN["en"].format(
        year=application.fiscal_year)
    assert json.loads(body)["detail"] == copy.message


def test_refusal_keeps_its_field_and_plain_messages_still_work():
    refused = StaffRefused("Pesan biasa.", "nik")
    assert (refused.message, str(refused), refused.field) == ("Pesan biasa.", "Pesan biasa.", "nik")
    copy = pickle.loads(pickle.dumps(refused))
    assert (type(copy), copy.message, copy.field) == (StaffRefused, "Pesan biasa.", "nik")


def test_cli_reads_a_refusal_in_indonesian(app, db_session):
    """No request in the CLI: the lazy message resolves to Indonesian instead of raising
    'Working outside of request context' from the locale selector."""
    result = app.test_cli_runner().invoke(args=[
        "create-user", "--email", "petugas@contoh.id", "--name", "Petugas", "--role", "reviewer",
        "--agency", "TIDAKADA", "--password", "Pesantren-Bersih-2026",
    ])
    assert result.exit_code == 1, result.output
    assert "OPD dengan kode TIDAKADA tidak dikenal." in result.output
