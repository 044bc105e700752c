"""SIBANTU workflow engine: program definitions as data, a pure planner, declarative rules.

Knows nothing about Flask or SQLAlchemy; see ``workflows/README.md``.
"""

from . import guards as _builtin_guards  # noqa: F401  (registers the built-in guards)
from ._reader import AGENCY as AGENCY_CODE_PATTERN
from .constants import ROLES
from .context import Actor, TransitionContext
from .engine import (
    Plan,
    Task,
    allowed_transitions,
    field_value_ok,
    plan_transition,
    rubric_score,
)
from .errors import DefinitionError, Problem, TransitionDenied
from .facts import FACT_LABELS, lookup
from .loading import DEFINITIONS_DIR, load_definition, load_definitions
from .model import (
    DocumentRequirement,
    FieldSpec,
    ProgramDefinition,
    Rule,
    Stage,
    Text,
    Transition,
)
from .parsing import parse_definition
from .registry import EFFECTS, GUARDS, guard
from .rules import RuleResult, eligibility_ok, evaluate_rules

__all__ = [
    "AGENCY_CODE_PATTERN",
    "DEFINITIONS_DIR",
    "EFFECTS",
    "FACT_LABELS",
    "GUARDS",
    "ROLES",
    "Actor",
    "DefinitionError",
    "DocumentRequirement",
    "FieldSpec",
    "Plan",
    "Problem",
    "ProgramDefinition",
    "Rule",
    "RuleResult",
    "Stage",
    "Task",
    "Text",
    "Transition",
    "TransitionContext",
    "TransitionDenied",
    "allowed_transitions",
    "eligibility_ok",
    "evaluate_rules",
    "field_value_ok",
    "guard",
    "load_definition",
    "load_definitions",
    "lookup",
    "parse_definition",
    "plan_transition",
    "rubric_score",
]
