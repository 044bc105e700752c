"""Celery entry point.

``celery -A worker worker -Q notifications,sweeps --without-gossip --without-mingle`` (see
app/notifications/README.md, "Redis down and the worker") and ``celery -A worker beat`` (one or
more: they share a lock in Redis, see app/notifications/beat.py).
"""

from app import create_app

flask_app = create_app()
celery_app = flask_app.extensions["celery"]
