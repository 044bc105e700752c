"""Celery entry point.

``celery -A worker worker -Q notifications,sweeps`` and (exactly one) ``celery -A worker beat``.
"""

from app import create_app

flask_app = create_app()
celery_app = flask_app.extensions["celery"]
