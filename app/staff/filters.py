"""Choices for the queue filters and the bulk decision a filtered queue allows."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from app.accounts.models import User
from app.applications.permissions import WORK_ROLES
from app.common.i18n import rupiah as _rupiah
from app.db import utcnow
from app.extensions import db
from app.programs.registry import registry
from app.regions.models import Region
from forms.choices import options
from forms.staff import QueueFilterForm, bulk_capable, text
from workflows import Actor, ProgramDefinition, Transition, allowed_transitions

__all__ = ["bulk_transition", "fill_choices", "now", "rupiah", "stage_label", "text"]


def now() -> datetime:
    return utcnow()


def rupiah(value: int) -> str:
    return _rupiah(value)


def _work_pairs(user: User) -> set[tuple[str, str]]:
    return {(r.role, r.agency_code) for r in user.roles if r.role in WORK_ROLES and r.agency_code}


def my_programs(user: User) -> list[ProgramDefinition]:
    """Programs with a stage one of the user's (role, agency) pairs works at."""
    pairs = _work_pairs(user)
    return [
        d
        for d in registry().current_definitions()
        if any((s.role, s.agency) in pairs for s in d.stages)
    ]


def my_stages(user: User, program: str | None) -> list[tuple[str, Any]]:
    pairs, seen, stages = _work_pairs(user), set(), []
    for defn in my_programs(user):
        if program and defn.key != program:
            continue
        for stage in defn.stages:
            if (stage.role, stage.agency) in pairs and stage.key not in seen:
                seen.add(stage.key)
                stages.append((stage.key, stage.name))
    return stages


def stage_label(key: str, user: User | None = None) -> str:
    """A stage key's name, from the user's own programs first."""
    mine = my_programs(user) if user is not None else []
    for defn in [*mine, *registry().current_definitions()]:
        if defn.has_stage(key):
            return text(defn.stage(key).name)
    return key


def task_stage_name(application: Any, stage: str) -> str:
    defn = registry().pinned(application.program_key, application.definition_version)
    return text(defn.stage(stage).name) if defn.has_stage(stage) else stage


def region_names(codes: set[str]) -> dict[str, str]:
    if not codes:
        return {}
    rows = db.session.execute(sa.select(Region.code, Region.name).where(Region.code.in_(codes)))
    return dict(rows.tuples().all())


def fill_choices(form: QueueFilterForm, user: User, chosen: Any) -> None:
    every = [("", _("Semua"))]
    form.program.choices = options(every + [(d.key, text(d.name)) for d in my_programs(user)])
    form.tahap.choices = options(every + [(k, text(n)) for k, n in my_stages(user, chosen.program)])
    kecamatan = db.session.execute(
        sa.select(Region.code, Region.name).where(Region.level == "kecamatan").order_by(Region.name)
    ).all()
    form.kecamatan.choices = options(every + [(c, n) for c, n in kecamatan])
    desa = (
        db.session.execute(
            sa.select(Region.code, Region.name)
            .where(Region.parent_code == chosen.kecamatan)
            .order_by(Region.name)
        ).all()
        if chosen.kecamatan
        else []
    )
    form.desa.choices = options(every + [(c, n) for c, n in desa])


def bulk_transition(user: User, chosen: Any) -> Transition | None:
    """With a program and stage chosen: the simple decision the user may take on many at once."""
    if not chosen.program or not chosen.stage:
        return None
    defn = registry().current(chosen.program)
    if defn is None or not defn.has_stage(chosen.stage):
        return None
    actor = Actor(user_id=user.id, roles=user.role_pairs)
    for transition in allowed_transitions(defn, chosen.stage, actor):
        if bulk_capable(transition) and transition.roles and not transition.returns_to_sender:
            return transition
    return None
