"""The benchmark database: fresh, migrated, reference data, and generated users and drafts.

Everything is built through the real operations (the tests' factories in tests/support), in
this process, on the same database and upload directory the gunicorn workers then serve.
"""

from __future__ import annotations

import base64
import os
import secrets
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.audit_verify import PG, create_database, drop_database

PASSWORD = "Rahasia-Kuat-2026"  # noqa: S105  (scratch database only)


def _key() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()


#: the bench's own Redis database (broker and rate-limit counters of the servers it starts)
BENCH_REDIS = "redis://127.0.0.1:6379/13"


def _forget_rate_limits(url: str) -> None:
    """The bench's users have the same e-mails in every run, and the login limit per e-mail
    (20 an hour) outlives a run in Redis: a second run within the hour would be refused at its
    logins. Only the limiter's keys of the bench's own database are removed."""
    import redis

    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=1)
        keys = list(client.scan_iter("LIMITS:*", count=1000))
        if keys:
            client.delete(*keys)
    except redis.RedisError:
        pass  # no Redis: the servers count in memory, fresh with each run


@dataclass
class BenchDatabase:
    """A scratch database and the environment a gunicorn serving it needs."""

    name: str = field(default_factory=lambda: f"sibantu_bench_run_{os.getpid()}")
    url: str = ""
    directory: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="sibantu-b-")))
    env: dict[str, str] = field(default_factory=dict)
    app: Any = None
    hash_params: Any = None
    hash_timings: dict[str, float] = field(default_factory=dict)

    def __enter__(self) -> BenchDatabase:
        from flask_migrate import upgrade

        from app import create_app

        self.hash_params, self.hash_timings = calibrated_hash()
        self.url = create_database(self.name)
        _forget_rate_limits(BENCH_REDIS)
        plain = self.url.replace("postgresql+psycopg://", "postgresql://", 1)
        self.env = {
            "DATABASE_URL": plain, "REDIS_URL": BENCH_REDIS,
            "SECRET_KEY": secrets.token_hex(24), "PII_ENCRYPTION_KEY": _key(),
            "PII_INDEX_KEY": _key(), "UPLOAD_DIR": str(self.directory / "uploads"),
            "MAIL_BACKEND": "file", "MAIL_FILE_DIR": str(self.directory / "mail"),
            "LOGIN_RATE_LIMIT": "100000 per minute", "SIBANTU_PROFILE": "development",
            "PASSWORD_HASH_PARAMS": str(self.hash_params),
        }
        config = {"SQLALCHEMY_DATABASE_URI": self.url, "UPLOAD_DIR": self.env["UPLOAD_DIR"],
                  "MAIL_BACKEND": "memory", "REDIS_URL": None, "NOTIFY_EMBEDDED": "off",
                  "PASSWORD_HASH_PARAMS": str(self.hash_params),
                  **{k: self.env[k] for k in ("SECRET_KEY", "PII_ENCRYPTION_KEY",
                                              "PII_INDEX_KEY")}}
        self.app = create_app(config)
        with self.app.app_context():
            upgrade()
            from app.demo import ensure_reference_data
            from app.extensions import db

            ensure_reference_data()
            db.session.commit()
        return self

    def __exit__(self, *exc) -> None:
        from app.extensions import db

        with self.app.app_context():
            db.session.remove()
            db.engine.dispose()
        drop_database(self.name)

    def server_env(self) -> dict[str, str]:
        return dict(self.env)


#: what ``flask accounts calibrate-hash`` allows by default: one password check on this host
HASH_BUDGET_SECONDS = 0.1


def calibrated_hash():
    """The argon2id set ``flask accounts calibrate-hash`` would choose here, with its timings:
    the bench's users are hashed with it and the servers verify with it (the instance file of
    whoever runs the bench is not read)."""
    from app.accounts.passwords import DEFAULT, calibrate

    chosen, timings = calibrate(HASH_BUDGET_SECONDS, rounds=3)
    return chosen or DEFAULT, {str(p): round(s * 1000, 1) for p, s in timings.items()}


def open_sanitren(app) -> None:
    from tests.support.programs import open_program

    with app.app_context():
        open_program("sanitren", ceiling=10**15)


def submit_drafts(app, owners: int, per_owner: int) -> list[tuple[str, list[int]]]:
    """``owners`` applicants, each with ``per_owner`` complete SANITREN drafts (one pesantren
    each, answers filled, every proposal document attached), ready to be submitted."""
    from tests.support.factories import create_applicant
    from tests.support.programs import make_pesantren, sanitren_draft

    result = []
    with app.app_context():
        for n in range(owners):
            owner = create_applicant(f"submit{n}@bench.id")
            ids = [sanitren_draft(owner, make_pesantren(owner)).id for _ in range(per_owner)]
            result.append((owner.email, ids))
    return result


def load_users(app, applicants: int, reviewers: int) -> dict[str, Any]:
    """Applicants with a registered pesantren each, Kemenag reviewers, and what to upload."""
    from app.programs.registry import registry
    from tests.support.factories import create_applicant, create_staff
    from tests.support.programs import fake_file, make_pesantren

    with app.app_context():
        people = []
        for n in range(applicants):
            owner = create_applicant(f"load{n}@bench.id")
            people.append((owner.email, make_pesantren(owner).id))
        staff = [create_staff("reviewer", "KEMENAG", email=f"rev{n}@bench.id").email
                 for n in range(reviewers)]
        defn = registry().current("sanitren")
        files = [(d.type, *fake_file(d.accept)) for d in defn.documents
                 if d.stage is None and d.mandatory
                 and (not d.applicant_kinds or "pesantren" in d.applicant_kinds)]
        transition = defn.find_transition("admin_verification", "verify")
        checklist = [f"{spec.name}__{item.key}" for spec in transition.requires_fields
                     for item in spec.items]
    return {"applicants": people, "reviewers": staff, "files": files, "checklist": checklist}


__all__ = ["PASSWORD", "PG", "BenchDatabase", "load_users", "open_sanitren", "submit_drafts"]
