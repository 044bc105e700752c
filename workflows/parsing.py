"""Turning plain definition data (from YAML or a stored JSON snapshot) into a ProgramDefinition.

Parsing reads each section and records every problem it finds; ``validation`` then checks the
references between sections. Nothing is built unless the whole definition is sound. This module
reads the header (key, agencies, window, fiscal year) and hands each other section to its parser:
``parse_money`` (funding, amount, budget, quota), ``parse_flow`` (documents, stages, transitions,
withdrawal), ``parse_form``, ``parse_rules`` and ``parse_history``.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from . import constants as c
from . import legacy
from ._reader import AGENCY, Reader, join
from .errors import DefinitionError
from .model import FiscalYear, ProgramDefinition, Window
from .parse_agreements import parse_agreements
from .parse_flow import parse_documents, parse_stages, parse_transitions, parse_withdrawal
from .parse_form import parse_form
from .parse_history import parse_groups, parse_once_per
from .parse_kind import kind_keys
from .parse_money import parse_amount, parse_budget, parse_funding, parse_quota
from .parse_nomination import check_nomination, parse_nomination
from .parse_rules import parse_rules
from .validation import Parsed, validate

REQUIRED = (
    "key",
    "version",
    "name",
    "purpose",
    "agencies",
    "applicant_kinds",
    "form",
    "window",
    "funding",
    "amount",
    "budget",
    "initial_stage",
    "stages",
    "transitions",
)


OPTIONAL = (
    "fiscal_year", "quota", "once_per", "groups", "documents", "eligibility", "withdrawal",
    "agreements", "nomination",
)


def parse_definition(
    data: dict[str, Any],
    *,
    source: str = "<dict>",
    known_agencies: Collection[str] | None = None,
) -> ProgramDefinition:
    """Build and validate a definition; raises DefinitionError listing every problem."""
    reader = Reader(source)
    definition = build(reader, legacy.upgrade(data), known_agencies)
    if reader.problems or definition is None:
        raise DefinitionError(reader.problems)
    return definition


def build(r: Reader, data: Any, known_agencies: Collection[str] | None) -> ProgramDefinition | None:
    top = r.mapping(data, "", REQUIRED, OPTIONAL)
    if top is None:
        return None
    p = Parsed(
        key=r.key(top.get("key"), "key"),
        version=r.integer(top.get("version"), "version", minimum=1),
        name=r.text(top.get("name"), "name"),
        purpose=r.text(top.get("purpose"), "purpose"),
        agencies=_agencies(r, top.get("agencies"), known_agencies),
        applicant_kinds=r.names(
            top.get("applicant_kinds"),
            "applicant_kinds",
            allowed=kind_keys(),
            what="applicant kind",
            required=True,
        ),
        form=parse_form(r, top.get("form")),
        window=_window(r, top.get("window")),
        fiscal_year=_fiscal_year(r, top.get("fiscal_year")),
        funding=parse_funding(r, top.get("funding")),
        amount=parse_amount(r, top.get("amount")),
        budget=parse_budget(r, top.get("budget")),
        quota=parse_quota(r, top.get("quota")),
        groups=(groups := parse_groups(r, top.get("groups"))),
        once_per=parse_once_per(r, top.get("once_per"), groups),
        documents=parse_documents(r, top.get("documents")),
        eligibility=parse_rules(r, top.get("eligibility"), "eligibility"),
        initial_stage=r.key(top.get("initial_stage"), "initial_stage"),
        stages=parse_stages(r, top.get("stages")),
        transitions=parse_transitions(r, top.get("transitions")),
        withdrawal=parse_withdrawal(r, top.get("withdrawal")),
        agreements=parse_agreements(r, top.get("agreements")),
        nomination=parse_nomination(r, top.get("nomination")),
    )
    validate(r, p, known_agencies)
    check_nomination(r, p.nomination, form=p.form, transitions=p.good_transitions(),
                     initial_stage=p.initial_stage, applicant_kinds=p.applicant_kinds)
    return None if r.problems else p.build()


# --- header sections --------------------------------------------------------------------------


def _agencies(r: Reader, value: Any, known: Collection[str] | None) -> tuple[str, ...]:
    codes = r.names(value, "agencies", pattern=AGENCY, what="agency", required=True)
    for index, code in enumerate(codes):
        if known is not None and code not in known:
            r.error(join("agencies", index), _unknown_agency(code, known))
    return codes


def _unknown_agency(code: str, known: Collection[str]) -> str:
    return f"unknown agency {code!r}; known agencies: {', '.join(sorted(known))}"


def _window(r: Reader, value: Any) -> Window | None:
    data = r.mapping(value, "window", ("opens", "closes"))
    if data is None:
        return None
    opens = r.date(data.get("opens"), "window.opens")
    closes = r.date(data.get("closes"), "window.closes")
    if opens is None or closes is None:
        return None
    if closes < opens:
        r.error("window.closes", f"window closes ({closes}) before it opens ({opens})")
        return None
    return Window(opens, closes)


def _fiscal_year(r: Reader, value: Any) -> FiscalYear | None:
    if value is None:
        return FiscalYear()
    fields = ("basis", "carry_over", "school_year_start_month")
    data = r.mapping(value, "fiscal_year", optional=fields)
    if data is None:
        return None
    basis = data.get("basis", "window_opens")
    basis = r.choice(basis, "fiscal_year.basis", c.FISCAL_YEAR_BASES, "fiscal year basis")
    month = data.get("school_year_start_month")
    if month is not None:
        month = r.integer(month, "fiscal_year.school_year_start_month", minimum=1, maximum=12)
    carry = r.boolean(data.get("carry_over"), "fiscal_year.carry_over", False)
    return None if basis is None else FiscalYear(basis, carry, month)
