"""Imports every domain's models so that metadata (and Alembic) sees all tables."""

from app.accounts.models import RoleAssignment, User, UserSession
from app.agencies.models import Agency
from app.api.models import ApiToken, IdempotencyRecord
from app.applications.models import (
    Application,
    ApplicationIdentifier,
    Decision,
    Disbursement,
    Document,
    DocumentBlob,
    DuplicateFlag,
    Report,
    StageTask,
)
from app.audit.models import AuditCheckpoint, AuditEvent
from app.notifications.models import Notification
from app.organizations.models import BankAccount, Membership, Organization, Person
from app.programs.models import (
    BudgetReservation,
    Program,
    ProgramBudget,
    ProgramVersion,
    RegionQuota,
)
from app.regions.models import Region
from app.registers.models import RegisterCheck, RegisterEntry, RegisterImport

__all__ = [
    "Agency", "ApiToken", "Application", "ApplicationIdentifier", "AuditCheckpoint", "AuditEvent",
    "BankAccount", "BudgetReservation", "Decision", "Disbursement", "Document", "DocumentBlob",
    "DuplicateFlag",
    "IdempotencyRecord", "Membership", "Notification", "Organization", "Person", "Program",
    "ProgramBudget", "ProgramVersion", "Region", "RegionQuota", "RegisterCheck", "RegisterEntry",
    "RegisterImport",
    "Report", "RoleAssignment", "StageTask", "User", "UserSession",
]
