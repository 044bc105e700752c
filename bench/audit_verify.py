"""Benchmark of the audit chain verifier (not a test).

    .venv/bin/python -m bench.audit_verify --events 1000000

Creates a scratch PostgreSQL database, migrates it, bulk-loads N pre-computed chained events with
COPY, signs a checkpoint, then times:
  * a baseline: the verifier's own streaming query with no hashing (what the database and the
    driver cost on their own);
  * ``verify_chain`` on the same rows (target: 50,000 events/s);
  * a decision-shaped transaction with and without its audit event (the cost of auditing).
The database is dropped at the end. Connection: PGHOST/PGPORT/PGUSER or the TEST_PG_* variables.
"""

from __future__ import annotations

import argparse
import base64
import os
import secrets
import statistics
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg
from psycopg import sql

from app.audit.chain import GENESIS_HASH, HASHED_FIELDS, encode_json, iso_utc, sha256_hex

TARGET = 50_000
PG = {
    "host": os.environ.get("PGHOST") or os.environ.get("TEST_PG_HOST", "127.0.0.1"),
    "port": int(os.environ.get("PGPORT") or os.environ.get("TEST_PG_PORT", "5432")),
    "user": os.environ.get("PGUSER") or os.environ.get("TEST_PG_USER", "postgres"),
}
ACTIONS = ("application.submitted", "decision.verify", "personal_data.read", "account.login")
COLUMNS = (*HASHED_FIELDS, "hash")


# --- scratch database ------------------------------------------------------------------------


def admin(statement: sql.Composable) -> None:
    with psycopg.connect(**PG, dbname="postgres", autocommit=True) as conn:
        conn.execute(statement)


def create_database(name: str) -> str:
    admin(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
    admin(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return f"postgresql+psycopg://{PG['user']}@{PG['host']}:{PG['port']}/{name}"


def drop_database(name: str) -> None:
    admin(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def make_app(url: str):
    from app import create_app

    def key() -> str:
        return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()

    return create_app({
        "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": secrets.token_hex(16),
        "MAIL_BACKEND": "memory",
        "PII_ENCRYPTION_KEY": key(), "PII_INDEX_KEY": key(),
        "AUDIT_SIGNING_KEY": base64.b64encode(secrets.token_bytes(32)).decode(),
    })


# --- bulk load -------------------------------------------------------------------------------


def summary_for(seq: int) -> dict[str, Any]:
    if seq % 4 == 1:
        return {"decision_id": seq, "number": f"GURU_NGAJI-2026-{seq:06d}",
                "from_stage": "review", "to_stage": "approval",
                "answers_digest": sha256_hex(b"a%d" % seq),
                "documents_digest": sha256_hex(b"d%d" % seq)}
    return {"number": f"GURU_NGAJI-2026-{seq:06d}", "stage": "review"}


def chained_rows(count: int) -> Iterator[tuple[Any, ...]]:
    """Events as the writer would have made them: same canonical JSON, same hash."""
    start, prev = datetime(2026, 1, 1, tzinfo=UTC), GENESIS_HASH
    for seq in range(1, count + 1):
        moment = start + timedelta(milliseconds=seq * 7)
        fields = {
            "seq": seq, "occurred_dt": iso_utc(moment), "actor_user_id": seq % 97 + 1,
            "actor_role": "reviewer", "agency_code": "KESRA", "program_key": "guru_ngaji",
            "action": ACTIONS[seq % 4], "object_type": "application", "object_id": str(seq // 3),
            "object_version": seq % 5 + 1, "summary": summary_for(seq),
            "reason": "Berkas lengkap dan sesuai" if seq % 4 == 1 else None,
            "request_id": f"{seq:016x}", "prev_hash": prev,
        }
        prev = sha256_hex(encode_json(fields).encode())
        yield (*[fields[name] for name in HASHED_FIELDS[:10]], encode_json(fields["summary"]),
               *[fields[name] for name in HASHED_FIELDS[11:]], prev)


def bulk_load(dbname: str, count: int) -> float:
    started = time.perf_counter()
    columns = sql.SQL(", ").join(sql.Identifier(c) for c in COLUMNS)
    copy_sql = sql.SQL("COPY audit_events ({}) FROM STDIN").format(columns)
    with psycopg.connect(**PG, dbname=dbname) as conn:
        with conn.cursor() as cursor, cursor.copy(copy_sql) as copy:
            for row in chained_rows(count):
                copy.write_row(row)
        conn.execute("ANALYZE audit_events")
    return time.perf_counter() - started


# --- timings ---------------------------------------------------------------------------------


def time_baseline(session, batch: int) -> tuple[int, float]:
    from app.audit.verify import event_rows

    started = time.perf_counter()
    count = sum(1 for _ in event_rows(session, batch))
    return count, time.perf_counter() - started


def time_verify(session, batch: int):
    from app.audit.verify import verify_chain

    started = time.perf_counter()
    result = verify_chain(session, batch=batch)
    return result, time.perf_counter() - started


def bench_setup():
    """An applicant's application and a reviewer, through the ordinary account operations."""
    from app.accounts import operations as accounts
    from app.applications.models import Application
    from app.demo import ensure_reference_data
    from app.extensions import db
    from app.organizations.models import Person

    ensure_reference_data()
    owner = accounts.register_applicant(full_name="Bench", email="bench@contoh.id",
                                        phone="081200000001", password="Rahasia-Kuat-2026")
    reviewer = accounts.create_staff_user(email="rev@contoh.id", full_name="Reviewer",
                                          password="Rahasia-Kuat-2026", role="reviewer",
                                          agency_code="KESRA")
    person = Person(full_name="Siti")
    db.session.add(person)
    db.session.flush()
    application = Application(
        number="BENCH-1", program_key="guru_ngaji", definition_version=_version("guru_ngaji"),
        fiscal_year=2026, stage="review", person_id=person.id, owner_user_id=owner.id,
        applicant_name="Siti", answers={"jumlah_santri": 12, "alamat": "Desa Uji"},
    )
    db.session.add(application)
    db.session.commit()
    return application.id, reviewer.id


def _version(key: str) -> int:
    from app.programs.registry import registry

    return registry().current(key).version


def decision_transaction(application_id: int, actor_id: int, audited: bool) -> None:
    """Move the application one stage under a stage guard, write the Decision, maybe audit it."""
    import sqlalchemy as sa

    from app.applications.models import Application, Decision
    from app.audit.operations import freeze, record_decision
    from app.extensions import db

    application = db.session.get(Application, application_id)
    seen, target = application.stage, "approval" if application.stage == "review" else "review"
    db.session.execute(
        sa.update(Application).where(Application.id == application_id, Application.stage == seen)
        .values(stage=target, version=Application.version + 1)
    )
    decision = Decision(application_id=application_id, from_stage=seen, to_stage=target,
                        action="verify", actor_user_id=actor_id, actor_role="reviewer",
                        reason="Berkas lengkap", **freeze(application))
    db.session.add(decision)
    db.session.flush()
    if audited:
        record_decision(decision, application, agency_code="KESRA")
    db.session.commit()


def time_transactions(rounds: int) -> tuple[float, float]:
    """Median milliseconds of one unaudited and one audited decision transaction."""
    application_id, actor_id = bench_setup()
    plain: list[float] = []
    audited: list[float] = []
    for n in range(rounds * 2):
        started = time.perf_counter()
        decision_transaction(application_id, actor_id, audited=bool(n % 2))
        (audited if n % 2 else plain).append((time.perf_counter() - started) * 1000)
    return statistics.median(plain), statistics.median(audited)


# --- main ------------------------------------------------------------------------------------


def run(events: int, batch: int, rounds: int, keep: bool) -> None:
    from flask_migrate import upgrade

    from app.audit.operations import make_checkpoint
    from app.extensions import db

    name = f"sibantu_bench_{os.getpid()}"
    app = make_app(create_database(name))
    try:
        with app.app_context():
            upgrade()
            db.engine.dispose()
        seconds = bulk_load(name, events)
        print(f"loaded {events:,} chained events with COPY in {seconds:.1f} s")
        with app.app_context():
            make_checkpoint()
            db.session.commit()
            report(*time_baseline(db.session, batch), *time_verify(db.session, batch))
            db.session.rollback()
            plain_ms, audited_ms = time_transactions(rounds)
            print(f"decision transaction: unaudited {plain_ms:.2f} ms, audited {audited_ms:.2f} ms "
                  f"(median of {rounds}), ratio {audited_ms / plain_ms:.2f}x")
            final, _ = time_verify(db.session, batch)
            print(f"verify again (the unaudited decisions must be reported): {final.describe()}")
            db.engine.dispose()
    finally:
        if not keep:
            drop_database(name)


def report(count: int, baseline_s: float, result, verify_s: float) -> None:
    rate = count / verify_s
    print(f"baseline (stream rows, no hashing): {count:,} rows in {baseline_s:.2f} s = "
          f"{count / baseline_s:,.0f} rows/s")
    print(f"verify_chain: {result.describe()}")
    print(f"verify_chain: {count:,} events in {verify_s:.2f} s = {rate:,.0f} events/s; "
          f"{rate / TARGET:.2f}x the {TARGET:,}/s target; "
          f"{verify_s / baseline_s:.2f}x the baseline's time")
    if not result.ok:
        raise SystemExit("the generated chain did not verify")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=5000, help="rows per fetch")
    parser.add_argument("--rounds", type=int, default=300, help="decision transactions each")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    args = parser.parse_args()
    run(args.events, args.batch, args.rounds, args.keep)


if __name__ == "__main__":
    main()
