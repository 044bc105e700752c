"""The roles SIBANTU knows. Staff roles are always held *at an agency*."""

from app.common.identifiers import N_

APPLICANT = "applicant"
VILLAGE_OPERATOR = "village_operator"
SCHOOL_OPERATOR = "school_operator"
REVIEWER = "reviewer"
APPROVER = "approver"
FINANCE = "finance"
AUDITOR = "auditor"
ADMIN = "admin"

ROLES = (APPLICANT, VILLAGE_OPERATOR, SCHOOL_OPERATOR, REVIEWER, APPROVER, FINANCE, AUDITOR, ADMIN)
AGENCY_ROLES = (REVIEWER, APPROVER, FINANCE, AUDITOR)
STAFF_ROLES = (*AGENCY_ROLES, ADMIN)

ROLE_LABELS = {  # Indonesian msgids, translated where shown (N_ only marks them for extraction)
    APPLICANT: N_("Pemohon"),
    VILLAGE_OPERATOR: N_("Operator desa/kelurahan"),
    SCHOOL_OPERATOR: N_("Operator sekolah"),
    REVIEWER: N_("Verifikator"),
    APPROVER: N_("Pejabat berwenang"),
    FINANCE: N_("Bendahara / BPKAD"),
    AUDITOR: N_("Auditor"),
    ADMIN: N_("Administrator"),
}
