"""The pure workflow engine: who may fire which transition, and what firing it means.

``plan_transition`` checks everything and returns a ``Plan`` (target stage, effects, the task
to open) or raises ``TransitionDenied``. It changes nothing: the app applies the plan with an
``UPDATE ... WHERE stage = :seen`` and runs the listed effects.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from .constants import DEADLINE_FIELD, OPERATOR_ROLES, RETURNED_FROM
from .context import Actor, TransitionContext
from .errors import TransitionDenied
from .model import FieldSpec, ProgramDefinition, Stage, Text, Transition
from .registry import GUARDS
from .rule_values import as_date


@dataclass(frozen=True)
class Task:
    """Work the target stage opens for an agency (or operator) role, due in ``sla_days``."""

    agency: str | None
    role: str
    sla_days: int


@dataclass(frozen=True)
class Plan:
    transition: Transition
    from_stage: str
    to_stage: str
    effects: tuple[str, ...]
    task: Task | None
    outcome: str | None
    # Stage to remember as "returned from" (set when entering a revision stage, else None).
    returned_from: str | None = None


def _denied(code: str, id_: str, en: str) -> TransitionDenied:
    return TransitionDenied(code, {"id": id_, "en": en})


def plan_transition(
    defn: ProgramDefinition, action: str, actor: Actor, ctx: TransitionContext
) -> Plan:
    """Plan firing ``action`` from ``ctx.stage``, or raise ``TransitionDenied``."""
    stage = _current_stage(defn, ctx.stage)
    transition = defn.find_transition(stage.key, action)
    if transition is None:
        raise _denied(
            "unknown_action",
            f"Aksi '{action}' tidak tersedia pada tahap {stage.name.id}.",
            f"Action '{action}' is not available at stage {stage.name.en}.",
        )
    denial = _authorize(stage, transition, actor)
    if denial is not None:
        raise denial
    _check_reason(transition, ctx)
    _check_fields(transition, ctx)
    _check_documents(defn, transition, ctx)
    _check_guards(defn, transition, ctx)
    target = _target(defn, stage, transition, ctx)
    return Plan(
        transition=transition,
        from_stage=stage.key,
        to_stage=target.key,
        effects=transition.effects,
        task=task_for(target),
        outcome=target.outcome if target.terminal else None,
        returned_from=stage.key if target.key in defn.revision_stages else None,
    )


def allowed_transitions(
    defn: ProgramDefinition, stage: str | Stage, actor: Actor
) -> list[Transition]:
    """Transitions from ``stage`` whose roles and agency fit ``actor`` (guards not evaluated)."""
    key = stage.key if isinstance(stage, Stage) else stage
    if not defn.has_stage(key) or defn.stage(key).terminal:
        return []
    current = defn.stage(key)
    return [t for t in defn.transitions_from(key) if _authorize(current, t, actor) is None]


def task_for(stage: Stage) -> Task | None:
    if stage.terminal or stage.actor == "applicant" or stage.role is None:
        return None
    return Task(agency=stage.agency, role=stage.role, sla_days=stage.sla_days or 0)


def _current_stage(defn: ProgramDefinition, key: str) -> Stage:
    if not defn.has_stage(key):
        raise _denied(
            "unknown_stage",
            f"Tahap '{key}' tidak dikenal dalam program {defn.key} v{defn.version}.",
            f"Stage '{key}' is unknown in program {defn.key} v{defn.version}.",
        )
    stage = defn.stage(key)
    if stage.terminal:
        raise _denied(
            "terminal",
            f"Usulan sudah selesai ({stage.name.id}); tidak ada aksi lagi.",
            f"The application is closed ({stage.name.en}); no further action.",
        )
    return stage


# --- authorisation --------------------------------------------------------------------------


def _authorize(stage: Stage, transition: Transition, actor: Actor) -> TransitionDenied | None:
    """Denied by default: the actor must fit one of the transition's roles."""
    if actor.is_applicant:
        if "applicant" in transition.roles:
            return None
        return _denied(
            "separation_of_duties",
            "Pemohon tidak boleh memproses usulannya sendiri.",
            "An applicant may not process their own application.",
        )
    roles = [r for r in transition.roles if r != "applicant"]
    if not roles:
        return _denied(
            "role",
            "Hanya pemohon yang dapat melakukan aksi ini.",
            "Only the applicant may do this.",
        )
    if stage.actor == "agency":
        return _authorize_at_agency(stage, roles, actor)
    return _authorize_operator(roles, actor)


def _authorize_at_agency(stage: Stage, roles: list[str], actor: Actor) -> TransitionDenied | None:
    if any(actor.holds(role, stage.agency) for role in roles):
        return None
    wanted = ", ".join(roles)
    if any(actor.holds(role) for role in roles):
        return _denied(
            "agency",
            f"Tahap ini ditangani {stage.agency}; peran Anda ({wanted}) berada di instansi lain.",
            f"This stage belongs to {stage.agency}; your role ({wanted}) is at another agency.",
        )
    return _denied(
        "role",
        f"Aksi ini memerlukan peran {wanted} di {stage.agency}.",
        f"This action needs the role {wanted} at {stage.agency}.",
    )


def _authorize_operator(roles: list[str], actor: Actor) -> TransitionDenied | None:
    held = [r for r in roles if r in OPERATOR_ROLES and actor.holds(r)]
    if held and actor.nominated:
        return None
    wanted = ", ".join(roles)
    if held:
        return _denied(
            "role",
            "Anda bukan operator yang ditunjuk untuk usulan ini.",
            "You are not the operator named on this application.",
        )
    return _denied(
        "role", f"Aksi ini memerlukan peran {wanted}.", f"This action needs the role {wanted}."
    )


# --- requirements ---------------------------------------------------------------------------


def _check_reason(transition: Transition, ctx: TransitionContext) -> None:
    if transition.reason_required and not (ctx.reason or "").strip():
        raise _denied(
            "reason_required",
            f"Aksi '{transition.label.id}' wajib disertai alasan.",
            f"Action '{transition.label.en}' requires a reason.",
        )


def _blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    return isinstance(value, list | tuple | set | frozenset | Mapping) and not value


def _missing_fields(transition: Transition, fields: Mapping[str, Any]) -> list[Text]:
    missing: list[Text] = []
    for spec in transition.requires_fields:
        if spec.required and _blank(fields.get(spec.name)):
            missing.append(spec.label)
        elif spec.justification and _blank(fields.get(f"{spec.name}_justification")):
            missing.append(Text(f"{spec.label.id} (alasan)", f"{spec.label.en} (justification)"))
    return missing


def _check_fields(transition: Transition, ctx: TransitionContext) -> None:
    missing = _missing_fields(transition, ctx.fields)
    if missing:
        raise _denied(
            "fields_missing",
            "Isian wajib belum diisi: " + ", ".join(t.id for t in missing) + ".",
            "Required fields are missing: " + ", ".join(t.en for t in missing) + ".",
        )
    today = as_date(ctx.facts.get("today"))
    invalid = [
        spec.label
        for spec in transition.requires_fields
        if not _blank(ctx.fields.get(spec.name))
        and not field_value_ok(spec, ctx.fields[spec.name], today)
    ]
    if invalid:
        raise _denied(
            "fields_invalid",
            "Isian tidak valid: " + ", ".join(t.id for t in invalid) + ".",
            "Invalid fields: " + ", ".join(t.en for t in invalid) + ".",
        )
    _check_all_ticked(transition, ctx)


def _check_all_ticked(transition: Transition, ctx: TransitionContext) -> None:
    """A checklist marked ``all_checked`` passes only with every item ticked."""
    for spec in transition.requires_fields:
        value = ctx.fields.get(spec.name)
        if spec.all_checked and isinstance(value, Mapping):
            open_items = [i.label for i in spec.items if value.get(i.key) is not True]
            if open_items:
                raise _denied(
                    "checklist_incomplete",
                    f"{spec.label.id}: belum terpenuhi — "
                    + ", ".join(t.id for t in open_items)
                    + ". Kembalikan untuk perbaikan atau tolak bila tidak dapat dipenuhi.",
                    f"{spec.label.en}: not met — "
                    + ", ".join(t.en for t in open_items)
                    + ". Return for revision, or reject if it cannot be met.",
                )


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _in_bounds(spec: FieldSpec, value: int | float) -> bool:
    low_ok = spec.min is None or value >= spec.min
    return low_ok and (spec.max is None or value <= spec.max)


def _checklist_ok(spec: FieldSpec, value: Any) -> bool:
    if not isinstance(value, Mapping):
        return False
    keys = {item.key for item in spec.items}
    return set(value) == keys and all(isinstance(v, bool) for v in value.values())


def _geo_ok(value: Any) -> bool:
    if not isinstance(value, Mapping):
        return False
    lat, lon = value.get("lat"), value.get("lon")
    return _is_number(lat) and _is_number(lon) and -90 <= lat <= 90 and -180 <= lon <= 180


def field_value_ok(spec: FieldSpec, value: Any, today: date | None = None) -> bool:
    """Whether ``value`` fits the field's type and bounds."""
    kind = spec.type
    if kind == "text":
        return isinstance(value, str)
    if kind in ("number", "score"):
        return _is_number(value) and _in_bounds(spec, value)
    if kind == "money":
        whole = isinstance(value, int) and not isinstance(value, bool)
        return whole and value >= 0 and _in_bounds(spec, value)
    if kind == "date":
        day = as_date(value)
        future_ok = (
            spec.name != DEADLINE_FIELD or today is None or (day is not None and day > today)
        )
        return day is not None and future_ok
    if kind == "boolean":
        return isinstance(value, bool)
    if kind == "choice":
        return value in {item.key for item in spec.items}
    if kind == "checklist":
        return _checklist_ok(spec, value)
    if kind == "photo_geo":
        return _geo_ok(value)
    return False


def _check_documents(
    defn: ProgramDefinition, transition: Transition, ctx: TransitionContext
) -> None:
    missing = [d for d in transition.requires_documents if d not in ctx.documents]
    if not missing:
        return
    labels = [_doc_label(defn, d) for d in missing]
    raise _denied(
        "documents_missing",
        "Dokumen wajib belum dilampirkan: " + ", ".join(t.id for t in labels) + ".",
        "Required documents are not attached: " + ", ".join(t.en for t in labels) + ".",
    )


def _doc_label(defn: ProgramDefinition, doc_type: str) -> Text:
    doc = defn.document(doc_type)
    return doc.label if doc else Text(doc_type, doc_type)


def _check_guards(defn: ProgramDefinition, transition: Transition, ctx: TransitionContext) -> None:
    reasons: list[dict[str, str]] = []
    for name in transition.guards:
        fn = GUARDS.get(name)
        if fn is None:
            reasons.append(
                {"id": f"Pemeriksaan '{name}' tidak tersedia.", "en": f"Check '{name}' is missing."}
            )
            continue
        reason = fn(ctx, defn)
        if reason is not None:
            reasons.append(reason)
    if reasons:
        raise TransitionDenied("guard", reasons[0], reasons)


def _target(
    defn: ProgramDefinition, stage: Stage, transition: Transition, ctx: TransitionContext
) -> Stage:
    if transition.to != RETURNED_FROM:
        return defn.stage(transition.to)
    back = ctx.returned_from
    senders = {t.from_stage for t in defn.transitions if t.to == stage.key}
    if back not in senders:
        raise _denied(
            "returned_from",
            "Tahap asal pengembalian tidak diketahui; hubungi admin.",
            "The stage that returned this application is unknown; contact an administrator.",
        )
    return defn.stage(back)


def rubric_score(transition: Transition, fields: Mapping[str, Any]) -> float | None:
    """Weighted score 0-100 from the transition's weighted score fields, None if none apply."""
    scored = [f for f in transition.requires_fields if f.type == "score" and f.weight]
    if not scored or any(not _is_number(fields.get(f.name)) for f in scored):
        return None
    total = 0.0
    for spec in scored:
        low, high = spec.min or 0, spec.max or 1
        share = (fields[spec.name] - low) / (high - low) if high != low else 1.0
        total += (spec.weight or 0) * share
    return round(total, 2)
