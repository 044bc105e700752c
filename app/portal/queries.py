"""Read-only views of applications for the applicant: checklist, blockers, timeline, dashboard."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa

from app.accounts.models import User
from app.accounts.roles import SCHOOL_OPERATOR
from app.agencies.models import Agency
from app.applications import workflow
from app.applications.eligibility import precheck
from app.applications.grounds import grounds_by_decision
from app.applications.models import (
    CLOSED_OUTCOMES,
    Application,
    Disbursement,
    Document,
    Report,
    StageTask,
)
from app.applications.permissions import nominating_office_clause
from app.applications.queries import applicant_kind as applicant_kind
from app.applications.queries import open_task as open_task
from app.applications.queries import party_of as party_of
from app.applications.queries import proposal_documents as proposal_documents
from app.applications.queries import uploadable_documents as uploadable_documents
from app.common.i18n import jakarta_today
from app.common.paging import Page, paged
from app.db import utcnow
from app.extensions import db
from app.organizations.models import Membership, Organization, Person
from app.programs.labels import role_label
from app.programs.models import Program
from app.programs.registry import registry
from workflows import ProgramDefinition, Stage
from workflows.guards import documents_due
from workflows.model import AllOf, AnyOf, Condition, Not

# ---------------------------------------------------------------- programs


@dataclass(frozen=True)
class Period:
    opens: date
    closes: date
    is_open: bool

    def contains(self, day: date) -> bool:
        return self.is_open and self.opens <= day <= self.closes


def period_of(defn: ProgramDefinition) -> Period:
    """The admin-managed window on the Program row if set, else the definition's window."""
    program = db.session.get(Program, defn.key)
    opens = (program.window_opens if program and program.window_opens else defn.window.opens)
    closes = (program.window_closes if program and program.window_closes else defn.window.closes)
    return Period(opens, closes, program.is_open if program else True)


# ---------------------------------------------------------------- eligibility


def rule_facts(check: Any) -> list[str]:
    """Every fact a rule's check reads (walks all/any/not)."""
    if isinstance(check, Condition):
        return [check.fact]
    if isinstance(check, AllOf | AnyOf):
        return [f for item in check.items for f in rule_facts(item)]
    if isinstance(check, Not):
        return rule_facts(check.item)
    return []


def where_to_fix(defn: ProgramDefinition, rule_key: str) -> list[str]:
    """Where the applicant can change what a rule reads: ``answers:<field>``, ``org:<field>``…"""
    rule = next((r for r in defn.eligibility if r.key == rule_key), None)
    if rule is None:
        return []
    places = []
    for fact in rule_facts(rule.check):
        scope, _, name = fact.partition(".")
        if scope in ("answers", "org", "person") and name not in ("kind", "has_bank_account"):
            places.append(f"{scope}:{name}")
        elif name == "has_bank_account":
            places.append(f"{scope}:bank")
        elif scope == "register":
            places.append(f"register:{name}")
    return list(dict.fromkeys(places))


def eligibility_report(defn: ProgramDefinition, application: Application) -> list[dict]:
    """Each rule passed/failed/unknown with its reason, hint and where to fix it."""
    results = precheck(defn, application)
    for result in results:
        result["fix"] = where_to_fix(defn, result["key"])
    return results


def preview_application(defn: ProgramDefinition, party: Organization | Person) -> Application:
    """A transient application (never added to the session) for a pre-check before a draft."""
    is_org = isinstance(party, Organization)
    return Application(
        program_key=defn.key, definition_version=defn.version, stage=defn.initial_stage,
        fiscal_year=defn.budget_year(window_opens=period_of(defn).opens) or jakarta_today().year,
        organization_id=party.id if is_org else None, person_id=None if is_org else party.id,
        answers={},
    )


# ---------------------------------------------------------------- documents


def current_files(application: Application) -> dict[str, list[Document]]:
    """Every current file per document type (several where the definition's ``max_files``
    allows), oldest first."""
    files: dict[str, list[Document]] = {}
    rows = db.session.scalars(sa.select(Document).where(
        Document.application_id == application.id, Document.is_current.is_(True))
        .order_by(Document.id))
    for document in rows:
        files.setdefault(document.doc_type, []).append(document)
    return files


def current_documents(application: Application) -> dict[str, Document]:
    rows = db.session.scalars(sa.select(Document).where(
        Document.application_id == application.id, Document.is_current.is_(True)))
    return {d.doc_type: d for d in rows}


def earlier_versions(application: Application) -> dict[str, int]:
    rows = db.session.execute(
        sa.select(Document.doc_type, sa.func.count()).where(
            Document.application_id == application.id, Document.is_current.is_(False))
        .group_by(Document.doc_type))
    return dict(rows.all())


def missing_documents(defn: ProgramDefinition, application: Application) -> list:
    have = set(current_documents(application))
    due = documents_due(defn, application.stage, applicant_kind(application))
    return [d for d in due if d.type not in have]


# ---------------------------------------------------------------- timeline


def agency_names() -> dict[int, Agency]:
    return {a.id: a for a in db.session.scalars(sa.select(Agency))}


def handler_name(task: StageTask | None) -> str | None:
    """Who works the open task, as the applicant reads it: its agency, or the role of a task
    without one (the school's operator)."""
    if task is None:
        return None
    if task.agency_id is None:
        return role_label(task.role) if task.role else None
    agency = db.session.get(Agency, task.agency_id)
    return agency.name if agency else None


def _label(text: Any, lang: str) -> str:
    if text is None:
        return ""
    return getattr(text, lang, None) or text.id


def upcoming_stages(defn: ProgramDefinition, application: Application) -> list[Stage]:
    """The usual path from here to completion (no returns, rejections or corrections)."""
    start = application.stage
    path: list[Stage] = []
    if start in defn.revision_stages and application.returned_from:
        start = application.returned_from
        path.append(defn.stage(start))
    seen = {application.stage, start}
    key = start
    while True:
        nxt = next((t.to for t in defn.transitions
                    if t.from_stage == key and defn.has_stage(t.to) and t.to not in seen
                    and t.to not in defn.revision_stages
                    and defn.stage(t.to).outcome in (None, "completed")), None)
        if nxt is None:
            return path
        seen.add(nxt)
        path.append(defn.stage(nxt))
        key = nxt


def _decided_by(agency: Agency | None, role: str | None, applicant_label: str) -> str:
    """Who took a step, as the applicant reads it: the agency, the school (a school operator's
    confirmation has no agency), else the applicant's side."""
    if agency is not None:
        return agency.name
    return role_label(role) if role == SCHOOL_OPERATOR else applicant_label


def timeline(application: Application, lang: str, applicant_label: str) -> list[dict]:
    defn = workflow.definition_of(application)
    agencies = agency_names()
    items = []
    grounds = grounds_by_decision(defn, application, lang, applicant=True)
    for decision in application.decisions:
        transition = defn.find_transition(decision.from_stage, decision.action)
        agency = agencies.get(decision.agency_id)
        items.append({
            "title": _label(transition.label if transition else None, lang) or decision.action,
            "time": decision.created_dt,
            "actor": _decided_by(agency, decision.actor_role, applicant_label),
            "note": decision.reason,
            "grounds": grounds.get(decision.id),
        })
    stage = defn.stage(application.stage)
    task = open_task(application)
    state = "done" if stage.terminal else "current"
    in_revision = stage.key in defn.revision_stages
    items.append({"title": _label(stage.name, lang), "state": state, "time": None,
                  "actor": handler_name(task), "note": None,
                  "due": task.due_dt if task else (
                      application.revision_deadline if in_revision else None)})
    if not stage.terminal:
        items += [{"title": _label(s.name, lang), "state": "upcoming", "time": None,
                   "actor": None, "note": None} for s in upcoming_stages(defn, application)]
    return items


def disbursements(application: Application) -> list[dict]:
    defn = workflow.definition_of(application)
    rows = db.session.scalars(sa.select(Disbursement).where(
        Disbursement.application_id == application.id)
        .order_by(Disbursement.tranche_no, Disbursement.attempt))
    tranches = defn.funding.tranches
    return [{"row": d, "label": tranches[d.tranche_no - 1].label
             if 0 < d.tranche_no <= len(tranches) else str(d.tranche_no)} for d in rows]


def reports(application: Application) -> list[Report]:
    return list(db.session.scalars(sa.select(Report).where(
        Report.application_id == application.id).order_by(Report.due_date)))


# ---------------------------------------------------------------- dashboard


def my_organizations(user: User) -> list[Organization]:
    return list(db.session.scalars(
        sa.select(Organization).join(Membership, Membership.organization_id == Organization.id)
        .where(Membership.user_id == user.id).order_by(Organization.name)))


def mine_clause(user: User) -> sa.ColumnElement[bool]:
    """The applications a user follows as the applicant's side: their own, their
    organizations', and what their office nominated (``nominating_office_clause``)."""
    orgs = sa.select(Membership.organization_id).where(Membership.user_id == user.id)
    return sa.or_(Application.owner_user_id == user.id, Application.organization_id.in_(orgs),
                  nominating_office_clause(user))


#: ``not Application.is_closed`` as a WHERE clause
_OPEN = sa.or_(Application.outcome.is_(None), Application.outcome.not_in(CLOSED_OUTCOMES))


def my_applications(user: User, page: int | None = 1) -> Page:
    """The user's applications, newest first, one page at a time."""
    return paged(sa.select(Application).where(mine_clause(user))
                 .order_by(Application.id.desc()), page)


def office_nominations(user: User, program_key: str, *, stage: str | None = None,
                       page: int | None = 1) -> Page:
    """What the user's office nominated for a program, newest first, every one reachable page
    by page; ``stage`` narrows it to one stage."""
    query = sa.select(Application).where(Application.program_key == program_key,
                                         nominating_office_clause(user))
    if stage:
        query = query.where(Application.stage == stage)
    return paged(query.order_by(Application.id.desc()), page)


def office_stage_counts(user: User, program_key: str) -> dict[str, int]:
    """How many of the office's nominations for a program stand at each stage."""
    return dict(db.session.execute(
        sa.select(Application.stage, sa.func.count()).where(
            Application.program_key == program_key, nominating_office_clause(user))
        .group_by(Application.stage)).all())


def awaiting_me(user: User, limit: int) -> tuple[list[tuple[Application, ProgramDefinition,
                                                                  dict]], int]:
    """The open applications of the user's side where the applicant acts now, however old (the
    dashboard's recent page is not where a correction may hide), and how many there are: the
    stages are read from each application's pinned definition; corrections first (they have a
    deadline), then other steps, then drafts, newest first within each, ``limit`` of them."""
    where = sa.and_(mine_clause(user), _OPEN)
    versions = db.session.execute(
        sa.select(Application.program_key, Application.definition_version).where(where)
        .distinct()).all()
    pinned: dict[tuple[str, int], ProgramDefinition] = {}
    at_stage, ranks = [], []
    for key, version in versions:
        defn = registry().pinned(key, version)
        stages = [s.key for s in defn.stages if s.actor == "applicant" and not s.terminal]
        if not stages:
            continue
        pinned[(key, version)] = defn
        this = sa.and_(Application.program_key == key, Application.definition_version == version)
        at_stage.append(sa.and_(this, Application.stage.in_(stages)))
        corrections = [s for s in stages if s in defn.revision_stages]
        if corrections:
            ranks.append((sa.and_(this, Application.stage.in_(corrections)), 0))
        ranks.append((sa.and_(this, Application.stage == defn.initial_stage), 2))
    if not pinned:
        return [], 0
    query = sa.select(Application).where(where, sa.or_(*at_stage))
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0
    rows = db.session.scalars(query.order_by(sa.case(*ranks, else_=1), Application.id.desc())
                              .limit(limit))
    found = [(a, pinned[(a.program_key, a.definition_version)]) for a in rows]
    return [(a, defn, need) for a, defn in found
            if (need := needs_action(user, a)) is not None], total


def stage_tone(defn: ProgramDefinition, application: Application) -> str:
    stage = defn.stage(application.stage)
    if stage.terminal:
        return {"completed": "success", "approved": "success", "rejected": "danger"}.get(
            stage.outcome or "", "neutral")
    if stage.key == defn.initial_stage:
        return "neutral"
    if stage.actor == "applicant":
        return "warning"
    return "info"


def needs_action(user: User, application: Application) -> dict | None:
    """What the applicant should do now, if anything: continue, fix, sign, report…"""
    if application.is_closed:
        return None
    defn = workflow.definition_of(application)
    stage = defn.stage(application.stage)
    if stage.actor != "applicant":
        return None
    if stage.key == defn.initial_stage:
        kind = "draft"
    elif stage.key in defn.revision_stages:
        kind = "revision"
    else:
        kind = "action"
    return {"kind": kind, "stage": stage, "deadline": application.revision_deadline}


def due_reports(user: User) -> list[tuple[Application, Report]]:
    """Every report due (or sent back) on the user's side's applications, however old."""
    rows = db.session.execute(
        sa.select(Application, Report).join(Report, Report.application_id == Application.id)
        .where(mine_clause(user), Report.status.in_(("due", "returned")))
        .order_by(Report.due_date))
    return [(application, report) for application, report in rows]


def is_overdue(moment: datetime | date | None) -> bool:
    if moment is None:
        return False
    if isinstance(moment, datetime):
        return moment < utcnow()
    return moment < jakarta_today()
