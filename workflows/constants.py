"""Closed vocabularies of the definition schema."""

from __future__ import annotations

ROLES = frozenset(
    {
        "applicant",
        "village_operator",
        "school_operator",
        "reviewer",
        "approver",
        "finance",
        "auditor",
        "admin",
    }
)
# Roles held per area or school rather than per agency: their stages have no agency.
OPERATOR_ROLES = frozenset({"village_operator", "school_operator"})
# Roles that act at agency stages, always at the stage's agency.
AGENCY_ROLES = frozenset({"reviewer", "approver", "finance"})

MECHANISMS = frozenset(
    {"grant_tranches", "incentive_instalments", "scholarship", "revolving_loan", "in_kind"}
)
AMOUNT_RULES = frozenset({"fixed", "per_level", "range"})
QUOTA_LEVELS = frozenset({"kecamatan", "desa"})
IDENTIFIERS = frozenset({"nspp", "nik", "kk", "nisn", "npsn", "nib", "ahu", "npwp"})
REPEAT_SCOPES = frozenset({"ever", "fiscal_year", "school_year", "active", "awarded"})
FISCAL_YEAR_BASES = frozenset({"window_opens", "submitted", "decided"})
OUTCOMES = frozenset({"approved", "rejected", "withdrawn", "completed"})
APPLICANT_PERMISSIONS = frozenset({"edit", "upload", "withdraw", "comment", "correct_bank_account"})
FILE_TYPES = frozenset({"pdf", "jpg", "jpeg", "png"})
FIELD_TYPES = frozenset(
    {"text", "number", "money", "date", "boolean", "choice", "checklist", "score", "photo_geo"}
)
UPLOADERS = frozenset({"applicant", "agency"})
STAGE_ACTORS = frozenset({"applicant", "agency", "operator"})

RETURNED_FROM = "@returned_from"
WITHDRAW = "withdraw"
DEADLINE_FIELD = "deadline"
REGENCY_PREFIX = "36.03."
