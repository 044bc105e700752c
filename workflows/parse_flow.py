"""Parsing the flow sections of a definition: ``documents``, ``stages``, ``transitions`` (with the
fields a step asks for) and ``withdrawal``."""

from __future__ import annotations

from typing import Any

from . import constants as c
from ._reader import AGENCY, Reader, join
from .model import Choice, DocumentRequirement, FieldSpec, Stage, Transition, Withdrawal
from .parse_kind import kind_keys

# --- documents --------------------------------------------------------------------------------


def parse_documents(r: Reader, value: Any) -> tuple[tuple[str, DocumentRequirement], ...]:
    docs = []
    for index, item in enumerate(r.sequence(value, "documents")):
        doc = _document(r, item, join("documents", index))
        if doc is not None:
            docs.append((join("documents", index), doc))
    r.unique([(join(p, "type"), d.type) for p, d in docs], "document type")
    return tuple(docs)


def _document(r: Reader, value: Any, path: str) -> DocumentRequirement | None:
    optional = ("mandatory", "stage", "uploaded_by", "applicant_kinds", "max_files")
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
    max_files = r.integer(data.get("max_files", 1), join(path, "max_files"), minimum=1, maximum=20)
    if (doc_type is None or label is None or max_mb is None or uploader is None or not accept
            or max_files is None):
        return None
    mandatory = r.boolean(data.get("mandatory"), join(path, "mandatory"), True)
    return DocumentRequirement(doc_type, label, mandatory, accept, max_mb, stage, uploader, kinds,
                               max_files)


def _clean(r: Reader, read: Any, value: Any, path: str) -> Any:
    """``read`` the item, or None if reading it raised any problem (avoids cascades)."""
    before = len(r.problems)
    item = read(r, value, path)
    return item if len(r.problems) == before else None


# --- stages -----------------------------------------------------------------------------------


_STAGE_FIELDS = (
    "actor",
    "agency",
    "role",
    "sla_days",
    "applicant_may",
    "terminal",
    "outcome",
)


def parse_stages(r: Reader, value: Any) -> tuple[tuple[str, Stage | None], ...]:
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


# --- transitions ------------------------------------------------------------------------------


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


def parse_transitions(r: Reader, value: Any) -> tuple[tuple[str, Transition | None], ...]:
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


def parse_withdrawal(r: Reader, value: Any) -> Withdrawal | None:
    if value is None:
        return None
    data = r.mapping(value, "withdrawal", ("to",), ("reason_required", "effects"))
    if data is None:
        return None
    target = r.key(data.get("to"), "withdrawal.to")
    effects = r.names(data.get("effects"), "withdrawal.effects", what="effect")
    reason = r.boolean(data.get("reason_required"), "withdrawal.reason_required", False)
    return None if target is None else Withdrawal(target, reason, effects)
