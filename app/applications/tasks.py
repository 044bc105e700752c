"""Scheduled document work. Beat sends ``documents.rescan_pending`` (wired with the other
sweeps in app/notifications/celery_app.py); the worker imports this module by name."""

from __future__ import annotations

from celery import shared_task

from app.applications.documents import rescan_pending as rescan


@shared_task(name="documents.rescan_pending", ignore_result=True)
def rescan_pending() -> dict[str, int]:
    """Scan the uploads kept as pending while clamd was out of reach (a no-op without it)."""
    return rescan()
