"""Turning plain definition data (from YAML or a stored JSON snapshot) into a ProgramDefinition.

Parsing reads each section and records every problem it finds; ``validation`` then checks the
references between sections. Nothing is built unless the whole definition is sound.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from typing import Any

from . import constants as c
from . import legacy
from ._reader import AGENCY, Reader, join, show
from .errors import DefinitionError
from .model import (
    Amount,
    Budget,
    Choice,
    DocumentRequirement,
    FieldSpec,
    FiscalYear,
    Funding,
    LoanTerms,
    ProgramDefinition,
    Quota,
    Stage,
    Tranche,
    Transition,
    Window,
    Withdrawal,
)
from .parse_form import parse_form
from .parse_history import parse_groups, parse_once_per
from .parse_kind import kind_keys
from .parse_rules import parse_fact_name, parse_rules
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
)
AREA_CODES = {
    "kecamatan": re.compile(r"^36\.03\.\d{2}$"),
    "desa": re.compile(r"^36\.03\.\d{2}\.[12]\d{3}$"),
}


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
        funding=_funding(r, top.get("funding")),
        amount=_amount(r, top.get("amount")),
        budget=_budget(r, top.get("budget")),
        quota=_quota(r, top.get("quota")),
        groups=(groups := parse_groups(r, top.get("groups"))),
        once_per=parse_once_per(r, top.get("once_per"), groups),
        documents=_documents(r, top.get("documents")),
        eligibility=parse_rules(r, top.get("eligibility"), "eligibility"),
        initial_stage=r.key(top.get("initial_stage"), "initial_stage"),
        stages=_stages(r, top.get("stages")),
        transitions=_transitions(r, top.get("transitions")),
        withdrawal=_withdrawal(r, top.get("withdrawal")),
    )
    validate(r, p, known_agencies)
    return None if r.problems else p.build()


# --- header sections ------------------------------------------------------------------------


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


# --- money ----------------------------------------------------------------------------------


def _funding(r: Reader, value: Any) -> Funding | None:
    data = r.mapping(value, "funding", ("mechanism",), ("tranches", "loan"))
    if data is None:
        return None
    mechanism = r.choice(data.get("mechanism"), "funding.mechanism", c.MECHANISMS, "mechanism")
    tranches = _tranches(r, data.get("tranches"), mechanism)
    loan = _loan(r, data.get("loan"), mechanism)
    if mechanism is None or tranches is None:
        return None
    return Funding(mechanism, tranches, loan)


def _tranches(r: Reader, value: Any, mechanism: str | None) -> tuple[Tranche, ...] | None:
    path = "funding.tranches"
    needs = mechanism in ("grant_tranches", "incentive_instalments")
    items = r.sequence(value, path, required=needs)
    tranches = [_tranche(r, item, join(path, i)) for i, item in enumerate(items)]
    r.unique([(join(path, i), t.key) for i, t in enumerate(tranches) if t], "tranche key")
    if any(t is None for t in tranches):
        return None
    kinds = {t.percent is not None for t in tranches if t}
    if len(kinds) > 1:
        r.error(path, "give every tranche a percent, or every tranche an amount, not a mix")
        return None
    percents = [t.percent for t in tranches if t and t.percent is not None]
    if percents and sum(percents) != 100:
        r.error(path, f"tranche percents add up to {sum(percents)}, must be 100")
        return None
    return tuple(t for t in tranches if t)


def _tranche(r: Reader, value: Any, path: str) -> Tranche | None:
    data = r.mapping(value, path, ("key", "label"), ("percent", "amount", "paid_at"))
    if data is None:
        return None
    key = r.key(data.get("key"), join(path, "key"))
    label = r.text(data.get("label"), join(path, "label"))
    percent, amount = data.get("percent"), data.get("amount")
    if (percent is None) == (amount is None):
        r.error(path, "give either percent or amount (exactly one)")
        return None
    if percent is not None:
        percent = r.integer(percent, join(path, "percent"), minimum=1, maximum=100)
    if amount is not None:
        amount = r.money(amount, join(path, "amount"))
    paid_at = data.get("paid_at")
    if paid_at is not None:
        paid_at = r.key(paid_at, join(path, "paid_at"))
    if key is None or label is None or (percent is None and amount is None):
        return None
    return Tranche(key, label, percent, amount, paid_at)


def _loan(r: Reader, value: Any, mechanism: str | None) -> LoanTerms | None:
    if mechanism == "revolving_loan" and value is None:
        r.error("funding.loan", "a revolving loan needs loan terms")
        return None
    if value is None:
        return None
    if mechanism != "revolving_loan":
        r.error("funding.loan", "loan terms only apply to mechanism 'revolving_loan'")
        return None
    fields = ("annual_interest_percent", "grace_months", "term_months")
    data = r.mapping(value, "funding.loan", fields)
    if data is None:
        return None
    rate = r.number(data.get("annual_interest_percent"), "funding.loan.annual_interest_percent", 0)
    grace = r.integer(data.get("grace_months"), "funding.loan.grace_months", minimum=0)
    term = r.integer(data.get("term_months"), "funding.loan.term_months", minimum=1)
    if rate is None or grace is None or term is None:
        return None
    if grace >= term:
        r.error("funding.loan.grace_months", f"grace ({grace}) must be shorter than term ({term})")
        return None
    return LoanTerms(rate, grace, term)


_AMOUNT_FIELDS = {
    "fixed": ("value",),
    "per_level": ("level_fact", "levels"),
    "range": ("min", "max"),
}


def _amount(r: Reader, value: Any) -> Amount | None:
    optional = ("value", "level_fact", "levels", "min", "max")
    data = r.mapping(value, "amount", ("rule",), optional)
    if data is None:
        return None
    rule = r.choice(data.get("rule"), "amount.rule", c.AMOUNT_RULES, "amount rule")
    if rule is None:
        return None
    for name in optional:
        if name not in _AMOUNT_FIELDS[rule] and data.get(name) is not None:
            r.error(join("amount", name), f"not used with amount rule '{rule}'")
    for name in _AMOUNT_FIELDS[rule]:
        if data.get(name) is None:
            r.error(join("amount", name), f"required with amount rule '{rule}'")
    if rule == "fixed":
        return _fixed(r, data)
    if rule == "per_level":
        return _per_level(r, data)
    return _range(r, data)


def _fixed(r: Reader, data: dict[str, Any]) -> Amount | None:
    if data.get("value") is None:
        return None
    value = r.money(data["value"], "amount.value")
    return None if value is None else Amount("fixed", value=value)


def _per_level(r: Reader, data: dict[str, Any]) -> Amount | None:
    if data.get("levels") is None or data.get("level_fact") is None:
        return None
    fact = parse_fact_name(r, data["level_fact"], "amount.level_fact")
    levels = r.mapping(data["levels"], "amount.levels")
    if levels is None or fact is None:
        return None
    if not levels:
        r.error("amount.levels", "must name at least one level")
        return None
    parsed = {str(k): r.money(v, join("amount.levels", str(k))) for k, v in levels.items()}
    if any(v is None for v in parsed.values()):
        return None
    return Amount("per_level", level_fact=fact, levels=tuple(sorted(parsed.items())))


def _range(r: Reader, data: dict[str, Any]) -> Amount | None:
    if data.get("min") is None or data.get("max") is None:
        return None
    low = r.money(data["min"], "amount.min")
    high = r.money(data["max"], "amount.max")
    if low is None or high is None:
        return None
    if low > high:
        r.error("amount.min", f"min ({low}) is more than max ({high})")
        return None
    return Amount("range", min=low, max=high)


def _year(r: Reader, value: Any, path: str) -> int | None:
    if isinstance(value, str) and value.isdigit():
        value = int(value)
    return r.integer(value, path, minimum=2000, maximum=2100)


def _budget(r: Reader, value: Any) -> Budget | None:
    data = r.mapping(value, "budget", ("ceilings",))
    if data is None or data.get("ceilings") is None:
        return None
    ceilings = r.mapping(data["ceilings"], "budget.ceilings")
    if ceilings is None:
        return None
    if not ceilings:
        r.error("budget.ceilings", "give the ceiling of at least one fiscal year")
        return None
    pairs = []
    for year, amount in ceilings.items():
        path = join("budget.ceilings", str(year))
        pairs.append((_year(r, year, path), r.money(amount, path)))
    if any(y is None or a is None for y, a in pairs):
        return None
    return Budget(tuple(sorted(pairs)))


def _quota(r: Reader, value: Any) -> Quota | None:
    if value is None:
        return None
    data = r.mapping(value, "quota", ("per", "default"), ("overrides",))
    if data is None:
        return None
    per = r.choice(data.get("per"), "quota.per", c.QUOTA_LEVELS, "quota level")
    default = r.integer(data.get("default"), "quota.default", minimum=1)
    overrides = r.mapping(data.get("overrides") or {}, "quota.overrides") or {}
    pairs = [_override(r, code, n, per) for code, n in overrides.items()]
    if per is None or default is None or any(p is None for p in pairs):
        return None
    return Quota(per, default, tuple(sorted(p for p in pairs if p)))


def _override(r: Reader, code: Any, count: Any, per: str | None) -> tuple[str, int] | None:
    path = join("quota.overrides", str(code))
    if per is not None and not (isinstance(code, str) and AREA_CODES[per].match(code)):
        r.error(path, f"{show(code)} is not a {per} code of the regency (e.g. 36.03.01...)")
        return None
    n = r.integer(count, path, minimum=0)
    return None if n is None else (str(code), n)


# --- documents, stages, transitions ---------------------------------------------------------


def _documents(r: Reader, value: Any) -> tuple[tuple[str, DocumentRequirement], ...]:
    docs = []
    for index, item in enumerate(r.sequence(value, "documents")):
        doc = _document(r, item, join("documents", index))
        if doc is not None:
            docs.append((join("documents", index), doc))
    r.unique([(join(p, "type"), d.type) for p, d in docs], "document type")
    return tuple(docs)


def _document(r: Reader, value: Any, path: str) -> DocumentRequirement | None:
    optional = ("mandatory", "stage", "uploaded_by", "applicant_kinds")
    data = r.mapping(value, path, ("type", "label", "accept", "max_mb"), optional)
    if data is None:
        return None
    doc_type = r.key(data.get("type"), join(path, "type"))
    label = r.text(data.get("label"), join(path, "label"))
    accept = r.names(
        data.get("accept"),
        join(path, "accept"),
        allowed=c.FILE_TYPES,
        what="file type",
        required=True,
    )
    max_mb = r.integer(data.get("max_mb"), join(path, "max_mb"), minimum=1, maximum=50)
    stage = data.get("stage")
    stage = None if stage is None else r.key(stage, join(path, "stage"))
    uploader = r.choice(
        data.get("uploaded_by", "applicant"), join(path, "uploaded_by"), c.UPLOADERS, "uploader"
    )
    kinds = r.names(
        data.get("applicant_kinds"),
        join(path, "applicant_kinds"),
        allowed=kind_keys(),
        what="applicant kind",
    )
    if doc_type is None or label is None or max_mb is None or uploader is None or not accept:
        return None
    mandatory = r.boolean(data.get("mandatory"), join(path, "mandatory"), True)
    return DocumentRequirement(doc_type, label, mandatory, accept, max_mb, stage, uploader, kinds)


def _clean(r: Reader, read: Any, value: Any, path: str) -> Any:
    """``read`` the item, or None if reading it raised any problem (avoids cascades)."""
    before = len(r.problems)
    item = read(r, value, path)
    return item if len(r.problems) == before else None


_STAGE_FIELDS = (
    "actor",
    "agency",
    "role",
    "sla_days",
    "applicant_may",
    "terminal",
    "outcome",
)


def _stages(r: Reader, value: Any) -> tuple[tuple[str, Stage | None], ...]:
    items = r.sequence(value, "stages", required=True)
    return tuple(
        (join("stages", i), _clean(r, _stage, item, join("stages", i)))
        for i, item in enumerate(items)
    )


def _stage(r: Reader, value: Any, path: str) -> Stage | None:
    data = r.mapping(value, path, ("key", "name"), _STAGE_FIELDS)
    if data is None:
        return None
    key = r.key(data.get("key"), join(path, "key"))
    name = r.text(data.get("name"), join(path, "name"))
    may = r.names(
        data.get("applicant_may"),
        join(path, "applicant_may"),
        allowed=c.APPLICANT_PERMISSIONS,
        what="applicant permission",
    )
    if r.boolean(data.get("terminal"), join(path, "terminal"), False):
        shape = _terminal_shape(r, data, path)
    else:
        shape = _working_shape(r, data, path, may)
    if key is None or name is None or shape is None:
        return None
    return Stage(key=key, name=name, applicant_may=may, **shape)


def _terminal_shape(r: Reader, data: dict[str, Any], path: str) -> dict[str, Any] | None:
    for name in ("actor", "agency", "role", "sla_days", "applicant_may"):
        if data.get(name) not in (None, []):
            r.error(join(path, name), "a terminal stage takes no actor, agency, role or sla_days")
    outcome = data.get("outcome")
    if outcome is None:
        r.error(join(path, "outcome"), "a terminal stage needs an outcome")
        return None
    outcome = r.choice(outcome, join(path, "outcome"), c.OUTCOMES, "outcome")
    return None if outcome is None else {"actor": None, "terminal": True, "outcome": outcome}


def _stage_actor(r: Reader, data: dict[str, Any], path: str) -> str | None:
    actor = data.get("actor")
    if actor is not None:
        return r.choice(actor, join(path, "actor"), c.STAGE_ACTORS, "stage actor")
    return "operator" if data.get("role") in c.OPERATOR_ROLES else "agency"


def _working_shape(
    r: Reader, data: dict[str, Any], path: str, may: tuple[str, ...]
) -> dict[str, Any] | None:
    if data.get("outcome") is not None:
        r.error(join(path, "outcome"), "only a terminal stage (terminal: true) has an outcome")
    actor = _stage_actor(r, data, path)
    if actor == "applicant":
        for name in ("agency", "role", "sla_days"):
            if data.get(name) is not None:
                r.error(join(path, name), "an applicant stage takes no agency, role or sla_days")
        return {"actor": actor}
    if "edit" in may:
        r.error(join(path, "applicant_may"), "the applicant may only edit at an applicant stage")
    if actor == "agency":
        return _agency_shape(r, data, path)
    if actor == "operator":
        return _operator_shape(r, data, path)
    return None


def _agency_shape(r: Reader, data: dict[str, Any], path: str) -> dict[str, Any] | None:
    agency, role, sla = data.get("agency"), data.get("role"), data.get("sla_days")
    if agency is None:
        r.error(join(path, "agency"), "an agency stage needs an agency code")
    else:
        agency = r.string(agency, join(path, "agency"), AGENCY)
    if role is None:
        r.error(join(path, "role"), "an agency stage needs the role that acts on it")
    else:
        role = r.choice(role, join(path, "role"), c.AGENCY_ROLES, "agency role")
    sla = _sla(r, sla, path)
    if agency is None or role is None or sla is None:
        return None
    return {"actor": "agency", "agency": agency, "role": role, "sla_days": sla}


def _operator_shape(r: Reader, data: dict[str, Any], path: str) -> dict[str, Any] | None:
    if data.get("agency") is not None:
        r.error(join(path, "agency"), "an operator stage has no agency (operators act per area)")
    role = data.get("role")
    if role is None:
        r.error(join(path, "role"), "an operator stage needs an operator role")
    else:
        role = r.choice(role, join(path, "role"), c.OPERATOR_ROLES, "operator role")
    sla = _sla(r, data.get("sla_days"), path)
    if role is None or sla is None:
        return None
    return {"actor": "operator", "role": role, "sla_days": sla}


def _sla(r: Reader, value: Any, path: str) -> int | None:
    if value is None:
        r.error(join(path, "sla_days"), "a stage handled by staff needs sla_days")
        return None
    return r.integer(value, join(path, "sla_days"), minimum=1, maximum=365)


_TRANSITION_FIELDS = (
    "guards",
    "reason_required",
    "requires_fields",
    "requires_documents",
    "effects",
    "submits",
)


def transition_path(index: int, value: Any) -> str:
    """``transitions[draft.submit]`` when from and action are readable, else by index."""
    if isinstance(value, dict) and all(isinstance(value.get(k), str) for k in ("from", "action")):
        return f"transitions[{value['from']}.{value['action']}]"
    return join("transitions", index)


def _transitions(r: Reader, value: Any) -> tuple[tuple[str, Transition | None], ...]:
    items = r.sequence(value, "transitions", required=True)
    parsed = []
    for index, item in enumerate(items):
        path = transition_path(index, item)
        parsed.append((path, _clean(r, _transition, item, path)))
    return tuple(parsed)


def _transition(r: Reader, value: Any, path: str) -> Transition | None:
    required = ("from", "action", "to", "label", "roles")
    data = r.mapping(value, path, required, _TRANSITION_FIELDS)
    if data is None:
        return None
    source = r.key(data.get("from"), join(path, "from"))
    action = r.key(data.get("action"), join(path, "action"))
    target = data.get("to")
    if target != c.RETURNED_FROM:
        target = r.key(target, join(path, "to"))
    label = r.text(data.get("label"), join(path, "label"))
    roles = r.names(data.get("roles"), join(path, "roles"), allowed=c.ROLES, what="role")
    fields = _fields(r, data.get("requires_fields"), join(path, "requires_fields"))
    parts = (source, action, target, label, fields)
    if any(p is None for p in parts):
        return None
    return Transition(
        from_stage=source,
        action=action,
        to=target,
        label=label,
        roles=roles,
        guards=r.names(data.get("guards"), join(path, "guards"), what="guard"),
        reason_required=r.boolean(
            data.get("reason_required"), join(path, "reason_required"), False
        ),
        requires_fields=fields,
        requires_documents=r.names(
            data.get("requires_documents"), join(path, "requires_documents"), what="document type"
        ),
        effects=r.names(data.get("effects"), join(path, "effects"), what="effect"),
        submits=r.boolean(data.get("submits"), join(path, "submits"), False),
    )


def _fields(r: Reader, value: Any, path: str) -> tuple[FieldSpec, ...] | None:
    specs = [_field(r, v, join(path, i)) for i, v in enumerate(r.sequence(value, path))]
    if any(s is None for s in specs):
        return None
    r.unique([(join(path, i), s.name) for i, s in enumerate(specs) if s], "field name")
    weights = [s.weight for s in specs if s and s.weight is not None]
    if weights and sum(weights) != 100:
        r.error(path, f"score weights add up to {sum(weights)}, must be 100")
    return tuple(s for s in specs if s)


_FIELD_OPTIONAL = ("required", "items", "min", "max", "weight", "justification", "all_checked")


def _field(r: Reader, value: Any, path: str) -> FieldSpec | None:
    data = r.mapping(value, path, ("name", "label", "type"), _FIELD_OPTIONAL)
    if data is None:
        return None
    name = r.key(data.get("name"), join(path, "name"))
    label = r.text(data.get("label"), join(path, "label"))
    kind = r.choice(data.get("type"), join(path, "type"), c.FIELD_TYPES, "field type")
    items = _choices(r, data.get("items"), join(path, "items"), kind)
    bounds = [_bound(r, data.get(b), join(path, b), kind) for b in ("min", "max")]
    weight = data.get("weight")
    if weight is not None:
        weight = _weight(r, weight, join(path, "weight"), kind)
    if None not in bounds and bounds[0] > bounds[1]:
        r.error(join(path, "min"), f"min ({bounds[0]}) is more than max ({bounds[1]})")
    if kind == "score" and None in bounds:
        r.error(path, "a score field needs min and max")
    all_checked = r.boolean(data.get("all_checked"), join(path, "all_checked"), False)
    if all_checked and kind != "checklist":
        r.error(join(path, "all_checked"), f"all_checked applies only to checklists, not {kind}")
    if name is None or label is None or kind is None or items is None:
        return None
    return FieldSpec(
        name=name,
        label=label,
        type=kind,
        required=r.boolean(data.get("required"), join(path, "required"), True),
        items=items,
        min=bounds[0],
        max=bounds[1],
        weight=weight,
        justification=r.boolean(data.get("justification"), join(path, "justification"), False),
        all_checked=all_checked,
    )


def _bound(r: Reader, value: Any, path: str, kind: str | None) -> int | float | None:
    if value is None:
        return None
    if kind not in ("number", "money", "score"):
        r.error(path, f"bounds apply only to number, money and score fields, not {kind}")
        return None
    if kind == "money":
        return r.money(value, path, allow_zero=True)
    return r.number(value, path)


def _weight(r: Reader, value: Any, path: str, kind: str | None) -> int | None:
    if kind != "score":
        r.error(path, "only score fields carry a weight")
        return None
    return r.integer(value, path, minimum=1, maximum=100)


def _choices(r: Reader, value: Any, path: str, kind: str | None) -> tuple[Choice, ...] | None:
    needs = kind in ("choice", "checklist")
    if not needs:
        if value not in (None, []):
            r.error(path, "items apply only to choice and checklist fields")
        return ()
    choices = []
    for index, item in enumerate(r.sequence(value, path, required=True)):
        data = r.mapping(item, join(path, index), ("key", "label"))
        if data is None:
            continue
        item_path = join(path, index)
        key = r.key(data.get("key"), join(item_path, "key"))
        label = r.text(data.get("label"), join(item_path, "label"))
        if key and label:
            choices.append((item_path, Choice(key, label)))
    r.unique([(p, ch.key) for p, ch in choices], "item key")
    return tuple(ch for _, ch in choices)


def _withdrawal(r: Reader, value: Any) -> Withdrawal | None:
    if value is None:
        return None
    data = r.mapping(value, "withdrawal", ("to",), ("reason_required", "effects"))
    if data is None:
        return None
    target = r.key(data.get("to"), "withdrawal.to")
    effects = r.names(data.get("effects"), "withdrawal.effects", what="effect")
    reason = r.boolean(data.get("reason_required"), "withdrawal.reason_required", False)
    return None if target is None else Withdrawal(target, reason, effects)
