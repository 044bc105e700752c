"""Staff workspace: queues, decisions, surveys, scoring, finance, dashboard.

The blueprint lives in ``blueprint.py``; importing the route modules registers their routes.
"""

from app.staff import (  # noqa: F401
    dashboard_views,
    finance_views,
    queue_views,
    register_views,
    school_views,
    views,
)
