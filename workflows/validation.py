"""Checks across sections: references between stages, transitions, documents and registries,
and the shape of the stage graph (reachability, a way out of every stage)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from . import constants as c
from ._reader import Reader, join
from .form_model import Form
from .model import (
    Agreement,
    Amount,
    DocumentRequirement,
    FiscalYear,
    Funding,
    OncePer,
    ProgramDefinition,
    Stage,
    Text,
    Transition,
    Window,
    Withdrawal,
)
from .parse_agreements import check_agreements
from .registry import EFFECTS, GUARDS

Located = tuple[str, Any]


@dataclass
class Parsed:
    """Sections as parsed, each None (or missing from its list) where it failed."""

    key: str | None
    version: int | None
    name: Text | None
    purpose: Text | None
    agencies: tuple[str, ...]
    applicant_kinds: tuple[str, ...]
    form: Form | None
    window: Window | None
    fiscal_year: FiscalYear | None
    funding: Funding | None
    amount: Amount | None
    budget: Any
    quota: Any
    groups: tuple[str, ...]
    once_per: tuple[OncePer, ...]
    documents: tuple[tuple[str, DocumentRequirement], ...]
    eligibility: tuple[Any, ...]
    initial_stage: str | None
    stages: tuple[tuple[str, Stage | None], ...]
    transitions: tuple[tuple[str, Transition | None], ...]
    withdrawal: Withdrawal | None
    agreements: tuple[tuple[str, Agreement], ...] = ()
    nomination: Any = None
    by_key: dict[str, tuple[str, Stage]] = field(default_factory=dict)

    def good_stages(self) -> list[tuple[str, Stage]]:
        return [(p, s) for p, s in self.stages if s is not None]

    def good_transitions(self) -> list[tuple[str, Transition]]:
        return [(p, t) for p, t in self.transitions if t is not None]

    def complete(self) -> bool:
        return all(s for _, s in self.stages) and all(t for _, t in self.transitions)

    def build(self) -> ProgramDefinition:
        return ProgramDefinition(
            key=self.key,
            version=self.version,
            name=self.name,
            purpose=self.purpose,
            agencies=self.agencies,
            applicant_kinds=self.applicant_kinds,
            form=self.form,
            window=self.window,
            fiscal_year=self.fiscal_year,
            funding=self.funding,
            amount=self.amount,
            budget=self.budget,
            initial_stage=self.initial_stage,
            stages=tuple(s for _, s in self.stages),
            transitions=tuple(t for _, t in self.transitions),
            documents=tuple(d for _, d in self.documents),
            eligibility=self.eligibility,
            quota=self.quota,
            groups=self.groups,
            once_per=self.once_per,
            withdrawal=self.withdrawal,
            agreements=tuple(a for _, a in self.agreements),
            nomination=self.nomination,
        )


def validate(r: Reader, p: Parsed, known_agencies: Collection[str] | None) -> None:
    _index_stages(r, p)
    _check_stage_agencies(r, p, known_agencies)
    _check_initial(r, p)
    _check_documents(r, p)
    _check_transitions(r, p)
    _check_revisions(r, p)
    _check_submissions(r, p)
    _check_withdrawal(r, p)
    _check_money(r, p)
    _check_repeat(r, p)
    check_agreements(r, p.agreements, set(p.by_key), {d.type for _, d in p.documents})
    if p.complete() and not r.problems:
        _check_graph(r, p)


def _index_stages(r: Reader, p: Parsed) -> None:
    for path, stage in p.good_stages():
        if stage.key in p.by_key:
            first = p.by_key[stage.key][0]
            r.error(join(path, "key"), f"duplicate stage key {stage.key!r} (first at {first})")
        else:
            p.by_key[stage.key] = (path, stage)


def _check_stage_agencies(r: Reader, p: Parsed, known: Collection[str] | None) -> None:
    for path, stage in p.good_stages():
        if stage.agency is None:
            continue
        where = join(path, "agency")
        if known is not None and stage.agency not in known:
            r.error(where, f"unknown agency {stage.agency!r}; known: {', '.join(sorted(known))}")
        elif stage.agency not in p.agencies:
            r.error(where, f"agency {stage.agency!r} is not listed in the program's agencies")


def _check_initial(r: Reader, p: Parsed) -> None:
    if p.initial_stage is None or not p.complete():
        return
    if p.initial_stage not in p.by_key:
        r.error("initial_stage", f"unknown stage {p.initial_stage!r}")
    elif not p.by_key[p.initial_stage][1].is_applicant_stage:
        r.error("initial_stage", "the initial stage must be an applicant stage (actor: applicant)")


def _check_stage_ref(r: Reader, p: Parsed, key: str | None, path: str) -> Stage | None:
    if key is None:
        return None
    if key not in p.by_key:
        if p.complete():
            known = ", ".join(p.by_key)
            r.error(path, f"unknown stage {key!r}; stages are: {known}")
        return None
    return p.by_key[key][1]


def _check_documents(r: Reader, p: Parsed) -> None:
    for path, doc in p.documents:
        _check_stage_ref(r, p, doc.stage, join(path, "stage"))
        for kind in doc.applicant_kinds:
            if kind not in p.applicant_kinds:
                r.error(join(path, "applicant_kinds"), f"{kind!r} is not in applicant_kinds")


# --- transitions ----------------------------------------------------------------------------


def _check_transitions(r: Reader, p: Parsed) -> None:
    seen: dict[tuple[str, str], str] = {}
    doc_types = {d.type for _, d in p.documents}
    for index, (path, t) in enumerate(p.good_transitions()):
        pair = (t.from_stage, t.action)
        if pair in seen:
            message = f"duplicate transition: action {t.action!r} from stage {t.from_stage!r}"
            r.error(path, f"{message} is defined twice (transitions[{seen[pair]}] and [{index}])")
        seen.setdefault(pair, str(index))
        _check_transition(r, p, path, t, doc_types)


def _check_transition(r: Reader, p: Parsed, path: str, t: Transition, doc_types: set[str]) -> None:
    source = _check_stage_ref(r, p, t.from_stage, join(path, "from"))
    if t.to != c.RETURNED_FROM:
        _check_stage_ref(r, p, t.to, join(path, "to"))
    if t.action == c.WITHDRAW:
        r.error(
            join(path, "action"), "'withdraw' is implicit: list it in the stage's applicant_may"
        )
    if source is not None and source.terminal:
        r.error(join(path, "from"), f"terminal stage {source.key!r} cannot have transitions")
    _check_roles(r, path, t, source)
    _check_names(r, join(path, "guards"), t.guards, GUARDS, "guard")
    _check_names(r, join(path, "effects"), t.effects, EFFECTS, "effect")
    for i, doc in enumerate(t.requires_documents):
        if doc not in doc_types:
            r.error(join(join(path, "requires_documents"), i), f"unknown document type {doc!r}")


def _check_names(
    r: Reader, path: str, names: tuple[str, ...], registry: Collection[str], what: str
) -> None:
    for index, name in enumerate(names):
        if name not in registry:
            known = ", ".join(sorted(registry))
            r.error(join(path, index), f"unknown {what} {name!r}; registered: {known}")


def _check_roles(r: Reader, path: str, t: Transition, source: Stage | None) -> None:
    where = join(path, "roles")
    if not t.roles:
        r.error(where, "a transition needs at least one role (nothing is allowed by default)")
        return
    if "auditor" in t.roles:
        r.error(where, "auditors read and verify; they never fire transitions")
    if source is None or source.terminal:
        return
    if source.actor == "agency":
        allowed = c.AGENCY_ROLES | {"admin", "applicant"}
        place = f"agency stage {source.key!r}"
    else:
        allowed = c.OPERATOR_ROLES | {"applicant"}
        place = f"{source.actor} stage {source.key!r} (no agency)"
    for role in t.roles:
        if role not in allowed and role != "auditor":
            r.error(where, f"role {role!r} cannot act at {place}")


def _check_revisions(r: Reader, p: Parsed) -> None:
    """A stage whose way back is @returned_from is a revision stage: entering it needs a
    reason and a deadline, and it must be the applicant's turn there."""
    revisions = {t.from_stage for _, t in p.good_transitions() if t.to == c.RETURNED_FROM}
    for key in revisions:
        stage = p.by_key.get(key)
        if stage is not None and not stage[1].is_applicant_stage:
            r.error(
                stage[0],
                f"stage {key!r} returns with @returned_from, so it must be an applicant stage",
            )
    for path, t in p.good_transitions():
        if t.to in revisions:
            _check_return(r, path, t)


def _check_submissions(r: Reader, p: Parsed) -> None:
    """``submits: true`` hands the application in: only from a stage where the applicant edits
    it, never straight to a terminal stage, and the initial stage must have one."""
    if not p.complete():
        return
    for path, t in p.good_transitions():
        if not t.submits:
            continue
        source, target = p.by_key.get(t.from_stage), p.by_key.get(t.to)
        if source is not None and "edit" not in source[1].applicant_may:
            r.error(join(path, "submits"),
                    f"only a stage where the applicant may edit can submit ({t.from_stage!r})")
        if target is not None and target[1].terminal:
            r.error(join(path, "submits"), "a submission cannot end in a terminal stage")
    initial = p.initial_stage
    if initial in p.by_key and not any(
        t.submits for _, t in p.good_transitions() if t.from_stage == initial
    ):
        r.error("transitions", f"no transition from the initial stage {initial!r} has "
                "submits: true (the application would never be submitted)")


def _check_return(r: Reader, path: str, t: Transition) -> None:
    if not t.reason_required:
        r.error(join(path, "reason_required"), "returning for revision must require a reason")
    deadline = t.field(c.DEADLINE_FIELD)
    if deadline is None or deadline.type != "date" or not deadline.required:
        r.error(
            join(path, "requires_fields"),
            "returning for revision must require a date field named 'deadline'",
        )


def _check_withdrawal(r: Reader, p: Parsed) -> None:
    listing = [path for path, s in p.good_stages() if c.WITHDRAW in s.applicant_may]
    if p.withdrawal is None:
        if listing:
            r.error("withdrawal", f"{listing[0]} lists withdraw, so withdrawal.to is required")
        return
    if not listing and p.complete():
        r.error("withdrawal", "no stage lists withdraw in applicant_may")
    target = _check_stage_ref(r, p, p.withdrawal.to, "withdrawal.to")
    if target is not None and target.outcome != "withdrawn":
        r.error("withdrawal.to", f"{target.key!r} must be a terminal stage with outcome withdrawn")
    _check_names(r, "withdrawal.effects", p.withdrawal.effects, EFFECTS, "effect")


# --- money and repeats ----------------------------------------------------------------------


def _check_money(r: Reader, p: Parsed) -> None:
    if p.funding is None:
        return
    for index, tranche in enumerate(p.funding.tranches):
        path = join(join("funding.tranches", index), "paid_at")
        stage = _check_stage_ref(r, p, tranche.paid_at, path)
        if stage is not None and stage.actor != "agency":
            r.error(path, f"tranche is paid by staff: {stage.key!r} must be an agency stage")
    amounts = [t.amount for t in p.funding.tranches if t.amount is not None]
    if not amounts or p.amount is None:
        return
    if p.amount.rule != "fixed":
        r.error("funding.tranches", "tranche amounts need a fixed amount; use percents")
    elif sum(amounts) != p.amount.value:
        r.error(
            "funding.tranches",
            f"tranche amounts add up to {sum(amounts)}, but amount.value is {p.amount.value}",
        )


def _check_repeat(r: Reader, p: Parsed) -> None:
    needs_school_year = any(o.scope == "school_year" for o in p.once_per)
    if needs_school_year and p.fiscal_year and p.fiscal_year.school_year_start_month is None:
        r.error(
            "fiscal_year.school_year_start_month",
            "required when a repeat policy has scope school_year",
        )


# --- graph ----------------------------------------------------------------------------------


def _edges(p: Parsed) -> dict[str, set[str]]:
    edges: dict[str, set[str]] = {key: set() for key in p.by_key}
    senders: dict[str, set[str]] = {key: set() for key in p.by_key}
    for _, t in p.good_transitions():
        if t.to in senders:
            senders[t.to].add(t.from_stage)
    for _, t in p.good_transitions():
        targets = senders[t.from_stage] if t.to == c.RETURNED_FROM else {t.to}
        edges[t.from_stage] |= targets
    for key, (_, stage) in p.by_key.items():
        if p.withdrawal and c.WITHDRAW in stage.applicant_may:
            edges[key].add(p.withdrawal.to)
    return edges


def _reachable(edges: dict[str, set[str]], start: str) -> set[str]:
    seen, todo = {start}, [start]
    while todo:
        for nxt in edges.get(todo.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def _check_graph(r: Reader, p: Parsed) -> None:
    edges = _edges(p)
    start = p.initial_stage
    reached = _reachable(edges, start)
    for key, (path, _) in p.by_key.items():
        if key not in reached:
            r.error(path, f"stage {key!r} cannot be reached from the initial stage {start!r}")
    terminals = {key for key, (_, s) in p.by_key.items() if s.terminal}
    for key, (path, stage) in p.by_key.items():
        if not stage.terminal and not (_reachable(edges, key) & terminals):
            r.error(path, f"stage {key!r} is not terminal but has no way out to a terminal stage")
    completed = {k for k in terminals if p.by_key[k][1].outcome == "completed"}
    if not completed & reached:
        r.error("stages", "no terminal stage with outcome 'completed' can be reached")
