"""JSON API (/api/v1) for integration with other regional systems.

``blueprint`` holds the Blueprint and the operation registry; importing the resource modules
below registers their routes on it.
"""

from app.api import (  # noqa: F401  (route registration)
    account,
    applications,
    audit,
    bank_account,
    docs,
    documents,
    finance,
    nominations,
    programs,
    registers,
    review,
    statistics,
    transitions,
)
