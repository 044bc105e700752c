"""The applicant's bank correction on an application (agreement, or after a failed transfer).

The caller checks ``can_act_as_applicant`` and ``stage_allows_bank_correction``; this flushes
and never commits. The earlier account stays on record.
"""

from __future__ import annotations

from app.accounts.models import User
from app.applications.models import Application
from app.applications.queries import party_of
from app.organizations import operations as organizations
from app.organizations.models import BankAccount, Organization


def correct_bank_account(application: Application, user: User, *, bank_name: str, number: str,
                         holder_name: str) -> BankAccount:
    party = party_of(application)
    if isinstance(party, Organization):
        return organizations.set_bank_account(user, bank_name=bank_name, number=number,
                                              holder_name=holder_name, organization=party)
    return organizations.set_bank_account(user, bank_name=bank_name, number=number,
                                          holder_name=holder_name, person=party)
