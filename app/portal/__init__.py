"""Applicant portal: program pages, profiles, eligibility pre-check, forms, uploads, status, LPJ.

The blueprints live in ``blueprint.py``; importing the route modules registers their routes.
"""

from app.portal import apply_views, operator_views, profile_views, views  # noqa: F401
