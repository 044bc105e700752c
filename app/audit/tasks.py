"""Scheduled audit work. Beat runs ``daily_checkpoint`` once a day (wired with the other tasks)."""

from __future__ import annotations

from celery import shared_task
from flask import current_app

from app.audit.operations import make_checkpoint
from app.audit.outside import write_to_directory
from app.extensions import db


@shared_task(name="audit.daily_checkpoint", ignore_result=True)
def daily_checkpoint() -> dict | None:
    """Sign the chain head and commit the checkpoint; needs an app context (the Celery Task class
    provides one). Ids and hashes only in the return value: JSON-safe for any result backend.

    With ``AUDIT_CHECKPOINT_DIR`` set, the signed line is also written there, after the commit
    (mount a directory the database administrator cannot reach: another host, a WORM share)."""
    checkpoint = make_checkpoint()
    db.session.commit()
    if checkpoint is None:
        return None
    made = {"seq": checkpoint.seq, "head_hash": checkpoint.head_hash, "key_id": checkpoint.key_id}
    directory = current_app.config.get("AUDIT_CHECKPOINT_DIR")
    if directory:
        made["file"] = str(write_to_directory(directory, checkpoint))
    return made
