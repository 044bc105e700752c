"""Scheduled audit work. Beat runs ``daily_checkpoint`` once a day (wired with the other tasks)."""

from __future__ import annotations

from celery import shared_task

from app.audit.operations import make_checkpoint
from app.extensions import db


@shared_task(name="audit.daily_checkpoint", ignore_result=True)
def daily_checkpoint() -> dict | None:
    """Sign the chain head and commit the checkpoint; needs an app context (the Celery Task class
    provides one). Ids and hashes only in the return value: JSON-safe for any result backend."""
    checkpoint = make_checkpoint()
    db.session.commit()
    if checkpoint is None:
        return None
    return {"seq": checkpoint.seq, "head_hash": checkpoint.head_hash, "key_id": checkpoint.key_id}
