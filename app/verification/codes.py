"""Verification codes of issued documents (the SK and the agreements of one award).

The code is the award decision's id plus a keyed digest of it, so codes cannot be guessed or
enumerated and nothing needs storing: ``12-k3m9x2q7ad``. The public page looks the decision up,
re-hashes its audit event and states what the letter states, without personal data.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass

import segno
import sqlalchemy as sa
from flask import current_app

from app.accounts.models import User
from app.applications.models import Decision
from app.audit.chain import GENESIS_HASH, HASHED_FIELDS, event_hash
from app.audit.models import AuditEvent
from app.extensions import db

PATH = "/verifikasi/"


def _digest(decision_id: int) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    mac = hmac.new(key, f"sibantu-verify:{decision_id}".encode(), hashlib.sha256).digest()
    return base64.b32encode(mac[:10]).decode().lower()[:12]


def code_of(decision: Decision) -> str:
    return f"{decision.id}-{_digest(decision.id)}"


def decision_for(code: str) -> Decision | None:
    """The decision a code names, or None for a malformed, forged or unknown code."""
    head, _, digest = code.partition("-")
    if not head.isdigit() or len(head) > 18 or not digest:
        return None
    if not hmac.compare_digest(digest, _digest(int(head))):
        return None
    return db.session.get(Decision, int(head))


def url_of(decision: Decision) -> str:
    base = current_app.config.get("SERVER_NAME_FOR_LINKS", "").rstrip("/")
    return f"{base}{PATH}{code_of(decision)}"


def qr_data_uri(url: str) -> str:
    """An SVG QR code as a ``data:`` URI (pure Python, no network), for the PDF printer."""
    return segno.make(url, error="m").svg_data_uri(scale=3, border=2)


@dataclass(frozen=True)
class Signer:
    name: str
    title: str
    nip: str


def signer_of(decision: Decision) -> Signer:
    user = db.session.get(User, decision.actor_user_id)
    if user is None:
        return Signer("", "", "")
    return Signer(user.full_name, user.job_title or "", user.nip or "")


def event_intact(decision: Decision) -> bool:
    """The decision's audit event still hashes to its stored hash and links to its predecessor."""
    if decision.audit_seq is None:
        return False
    event = db.session.get(AuditEvent, decision.audit_seq)
    if event is None or event.object_id != str(decision.application_id):
        return False
    previous = GENESIS_HASH
    if event.seq > 1:
        previous = db.session.scalar(
            sa.select(AuditEvent.hash).where(AuditEvent.seq == event.seq - 1)
        )
    fields = {name: getattr(event, name) for name in HASHED_FIELDS}
    return event_hash(fields) == event.hash and event.prev_hash == previous
