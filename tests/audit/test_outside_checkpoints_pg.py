"""Checkpoints kept outside the database (issue 15, item 5): what a superuser's rewrite of the
chain *and* of ``audit_checkpoints`` cannot hide from ``flask audit verify --checkpoint FILE``.

Chain (as in test_tampering_pg): events 1..12, a signed checkpoint at 12, events 13..20; here a
second checkpoint at 20 is made with ``flask audit checkpoint --output FILE``.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.audit.chain import event_hash
from app.audit.models import AuditEvent
from app.audit.tasks import daily_checkpoint
from app.extensions import db
from tests.audit.conftest import append_events
from tests.audit.test_tampering_pg import as_superuser, fields_of

pytestmark = pytest.mark.postgres


@pytest.fixture
def chain_app(pg_app, tmp_path):
    """The chain, and the outside file holding both checkpoints (12 exported, 20 appended)."""
    outside = tmp_path / "checkpoints.txt"
    runner = pg_app.test_cli_runner()
    with pg_app.app_context():
        append_events(12)
        db.session.commit()
    assert runner.invoke(args=["audit", "checkpoint"]).exit_code == 0
    exported = runner.invoke(args=["audit", "checkpoint-export", "-o", str(outside)])
    assert exported.exit_code == 0, exported.output
    with pg_app.app_context():
        append_events(8, action="test.later")
        db.session.commit()
    made = runner.invoke(args=["audit", "checkpoint", "--output", str(outside)])
    assert made.exit_code == 0 and made.output.startswith("checkpoint seq=20 "), made.output
    pg_app.config["OUTSIDE"] = outside
    return pg_app


def verify(app, *paths):
    args = ["audit", "verify"]
    for path in paths:
        args += ["--checkpoint", str(path)]
    return app.test_cli_runner().invoke(args=args)


def rewrite_from(app, first: int) -> None:
    """Events ``first``..20 rewritten with every hash recomputed (a self-consistent chain)."""
    with app.app_context():
        db.session.execute(sa.text("SET LOCAL session_replication_role = replica"))
        prev_hash = db.session.get(AuditEvent, first - 1).hash
        for event in db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.seq >= first).order_by(AuditEvent.seq)
        ):
            event.reason = "ditulis ulang"
            event.prev_hash = prev_hash
            event.hash = prev_hash = event_hash(fields_of(event))
            db.session.flush()
        db.session.commit()


def test_the_outside_file_holds_what_checkpoint_printed_and_verifies(chain_app):
    lines = chain_app.config["OUTSIDE"].read_text().splitlines()
    assert [line.split()[1] for line in lines] == ["seq=12", "seq=20"]
    result = verify(chain_app, chain_app.config["OUTSIDE"])
    assert result.exit_code == 0, result.output
    assert "4 checkpoints verified, 2 of them outside copies" in result.output


def test_tail_rewritten_after_the_last_checkpoint_and_its_row_deleted(chain_app):
    """Today undetected: 13..20 rewritten, the checkpoint row at 20 deleted, the chain and the
    remaining checkpoint (12) agree. The outside copy of checkpoint 20 disagrees."""
    rewrite_from(chain_app, 13)
    as_superuser(chain_app, "DELETE FROM audit_checkpoints WHERE seq = 20")
    assert verify(chain_app).exit_code == 0  # what the database alone can tell
    result = verify(chain_app, chain_app.config["OUTSIDE"])
    assert result.exit_code == 1
    assert "BROKEN at seq 20: hash differs from signed outside checkpoint" in result.output
    assert "checkpoints.txt:2" in result.output


def test_chain_rewritten_and_every_checkpoint_row_deleted(chain_app):
    """Today undetected: 10..20 rewritten and ``audit_checkpoints`` emptied."""
    rewrite_from(chain_app, 10)
    as_superuser(chain_app, "DELETE FROM audit_checkpoints")
    assert verify(chain_app).exit_code == 0
    result = verify(chain_app, chain_app.config["OUTSIDE"])
    assert result.exit_code == 1
    assert "BROKEN at seq 12: hash differs from signed outside checkpoint" in result.output


def test_a_deleted_checkpoint_row_alone_is_reported(chain_app):
    as_superuser(chain_app, "DELETE FROM audit_checkpoints WHERE seq = 12")
    result = verify(chain_app, chain_app.config["OUTSIDE"])
    assert result.exit_code == 1
    assert "BROKEN at seq 12: signed outside checkpoint" in result.output
    assert "missing from audit_checkpoints (row deleted)" in result.output


def test_tail_cut_with_its_checkpoints(chain_app):
    as_superuser(chain_app, "DELETE FROM audit_events WHERE seq > 15",
                 "DELETE FROM audit_checkpoints WHERE seq = 20")
    assert verify(chain_app).exit_code == 0
    result = verify(chain_app, chain_app.config["OUTSIDE"])
    assert result.exit_code == 1
    assert "BROKEN at seq 16: chain ends at seq 15 but a signed checkpoint names seq 20" in (
        result.output)


def test_a_forged_outside_line_does_not_verify(chain_app, tmp_path):
    forged = tmp_path / "forged.txt"
    line = chain_app.config["OUTSIDE"].read_text().splitlines()[0]
    forged.write_text(line[:-4] + ("0000" if not line.endswith("0000") else "1111") + "\n")
    result = verify(chain_app, forged)
    assert result.exit_code == 1
    assert "signature does not verify with the pinned key" in result.output


@pytest.mark.parametrize("text", ["checkpoint seq=12 head_hash=abc\n", "hello\n", "# only\n"])
def test_an_unreadable_outside_file_is_a_usage_error(chain_app, tmp_path, text):
    bad = tmp_path / "bad.txt"
    bad.write_text(text)
    result = verify(chain_app, bad)
    assert result.exit_code == 2 and "--checkpoint" in result.output


def test_the_daily_task_writes_the_signed_line_to_the_checkpoint_directory(chain_app, tmp_path):
    directory = tmp_path / "outside"
    chain_app.config["AUDIT_CHECKPOINT_DIR"] = str(directory)
    with chain_app.app_context():
        append_events(3)
        db.session.commit()
        made = daily_checkpoint()
    files = sorted(directory.glob("*.txt"))
    assert [f.name.split("-")[1] for f in files] == ["000000000023"]
    assert made["file"] == str(files[0])
    assert verify(chain_app, directory).exit_code == 0
    rewrite_from(chain_app, 21)
    as_superuser(chain_app, "DELETE FROM audit_checkpoints WHERE seq = 23")
    result = verify(chain_app, directory)
    assert result.exit_code == 1 and "BROKEN at seq 23" in result.output
