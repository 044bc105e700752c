"""The roles SIBANTU knows. Staff roles are always held *at an agency*."""

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

ROLE_LABELS = {
    APPLICANT: "Pemohon",
    VILLAGE_OPERATOR: "Operator desa/kelurahan",
    SCHOOL_OPERATOR: "Operator sekolah",
    REVIEWER: "Verifikator",
    APPROVER: "Pejabat berwenang",
    FINANCE: "Bendahara / BPKAD",
    AUDITOR: "Auditor",
    ADMIN: "Administrator",
}
