"""`flask demo-data` builds a living system through the real operations, and is idempotent."""

import sqlalchemy as sa

from app.accounts.models import User
from app.applications.models import Application
from app.extensions import db


def test_demo_data_twice(committing_app):
    runner = committing_app.test_cli_runner()
    first = runner.invoke(args=["demo-data"])
    assert first.exit_code == 0, first.output
    assert (
        "Demo-Sibantu-2026" in first.output
        and "verifikator.kemenag@demo.sibantu.id" in first.output
    )
    second = runner.invoke(args=["demo-data"])
    assert second.exit_code == 0, second.output
    with committing_app.app_context():
        stages = db.session.execute(sa.select(Application.program_key, Application.stage)).all()
        users = db.session.scalar(sa.select(sa.func.count(User.id)))
        db.session.remove()
    assert {key for key, _ in stages} == {"sanitren", "guru_ngaji", "kembangku", "beasiswa_mbr"}
    assert len(stages) == 14 and len({s for _, s in stages}) >= 10
    assert users == 18
