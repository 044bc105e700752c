"""Reminder sweeps: each reminder goes out once per due event."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from app.common.i18n import JAKARTA
from app.db import utcnow
from app.extensions import db
from app.notifications import reminders
from app.notifications.models import Notification
from tests.notifications.factories import make_world


@pytest.fixture
def world(db_session, programs):
    return make_world()


def sent_to(template: str) -> list[int]:
    query = sa.select(Notification.recipient_user_id).where(
        Notification.template == template, Notification.channel == "inapp"
    ).order_by(Notification.recipient_user_id)
    return list(db.session.scalars(query))


def test_an_overdue_task_reminds_its_reviewers_once(world):
    world.task.due_dt = utcnow() - timedelta(hours=1)
    db.session.commit()
    assert reminders.sweep()["task_overdue"] == 1
    assert reminders.sweep()["task_overdue"] == 0
    assert sent_to("task_overdue") == [world.reviewer.id]
    assert world.task.reminded_dt is not None
    assert sent_to("overdue_escalation") == []  # not late enough to escalate


def test_a_long_overdue_task_is_escalated_to_the_agency_head_once(world):
    world.task.due_dt = utcnow() - timedelta(days=3)
    world.task.claimed_by_user_id = world.reviewer.id
    db.session.commit()
    first, second = reminders.sweep(), reminders.sweep()
    assert (first["task_escalated"], second["task_escalated"]) == (1, 0)
    assert sent_to("overdue_escalation") == [world.head.id]
    assert sent_to("task_overdue") == [world.reviewer.id]


def sent_back(world, *, days: int, stage: str = "revision") -> None:
    """The application was returned by DISKOPUM's verification; deadline ``days`` from today."""
    world.application.stage, world.application.returned_from = stage, "admin_verification"
    world.application.revision_deadline = (utcnow().astimezone(JAKARTA).date()
                                           + timedelta(days=days))
    db.session.commit()


def test_a_near_revision_deadline_reminds_the_applicant_once(world):
    sent_back(world, days=1)
    assert reminders.sweep()["revision_due"] == 1
    assert reminders.sweep()["revision_due"] == 0
    assert sent_to("revision_due") == [world.owner.id]
    assert sent_to("revision_lapsed") == []


def test_a_passed_revision_deadline_is_told_to_the_agency_that_sent_it_back_once(world):
    sent_back(world, days=-1)
    first, second = reminders.sweep(), reminders.sweep()
    assert (first["revision_lapsed"], second["revision_lapsed"]) == (1, 0)
    assert sent_to("revision_lapsed") == [world.reviewer.id]
    assert sent_to("revision_due") == []  # the applicant's reminder was for before the date
    assert world.application.stage == "revision"  # the date itself moves nothing


@pytest.mark.parametrize("days", [1, -1])
def test_after_the_resubmission_neither_reminder_goes_out(world, days):
    # returned_from and the deadline stay on the row; the stage says it is back with the agency
    sent_back(world, days=days, stage="admin_verification")
    result = reminders.sweep()
    assert (result["revision_due"], result["revision_lapsed"]) == (0, 0)


def test_a_deadline_older_than_the_window_is_left_alone(world):
    sent_back(world, days=-30)
    assert reminders.sweep()["revision_lapsed"] == 0


def test_a_report_is_reminded_before_and_flagged_after_its_due_date_once_each(world):
    assert reminders.sweep()["report_due"] == 1
    later = utcnow() + timedelta(days=10)
    assert reminders.sweep(later)["report_overdue"] == 1
    assert reminders.sweep(later)["report_overdue"] == 0
    assert sent_to("report_due") == sent_to("report_overdue") == [world.owner.id]


def test_a_submitted_report_is_not_reminded(world):
    world.report.status = "submitted"
    db.session.commit()
    assert reminders.sweep(utcnow() + timedelta(days=10))["report_overdue"] == 0


def at_jakarta(hour: int) -> datetime:
    return datetime.now(JAKARTA).replace(hour=hour, minute=5)


def test_the_daily_digest_goes_out_once_a_day_from_the_digest_hour(world):
    assert reminders.send_daily_digests(at_jakarta(6)) == 0
    assert reminders.send_daily_digests(at_jakarta(8)) == 1  # the reviewer has one open task
    assert reminders.send_daily_digests(at_jakarta(9)) == 0
    [row] = db.session.scalars(sa.select(Notification).where(
        Notification.template == "daily_digest", Notification.channel == "inapp"))
    assert row.recipient_user_id == world.reviewer.id
    assert row.context["counts"] == {"open": 1, "overdue": 0, "school": 0}
    assert row.context["worklist"] == "staff.queue"
