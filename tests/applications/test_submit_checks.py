"""What the submit path records, and how much it asks of the database.

The duplicate checks keep ``application_identifiers`` up to date incrementally (only what
changed is written) and read the other applications sharing an identifier in one query; the
facts are gathered once per transition. These tests pin the behaviour that optimisation must
keep, and a statement budget so that a change adding round trips to every submission is noticed.
"""

import pytest
import sqlalchemy as sa

from app.applications.models import ApplicationIdentifier, DuplicateFlag
from app.extensions import db
from app.organizations.models import BankAccount
from tests.support.factories import create_staff
from tests.support.programs import (
    act,
    add_bank_account,
    attach_for_stage,
    blind,
    new_applicant_with_pesantren,
    open_program,
    sanitren_draft,
)

#: statements one SANITREN submission (``submission.submit``: the applicant's kind, then
#: ``workflow.fire``) may issue. History: 22 in ``fire`` alone when written; 16 after parties and
#: account in one query, no open-task look-up at a stage without tasks, the agency id looked up
#: inside the task INSERT, and the audit lock+head and event+link as one call each; then the
#: kind read from the same parties query as the facts (not a second party load) and no clearing
#: of duplicate flags on an application never checked before. The test's SAVEPOINT counts.
#: SQLite (``make test`` without PostgreSQL) writes the audit event and the decision's link
#: separately: one more.
SUBMIT_STATEMENT_BUDGET = {"postgresql": 16, "sqlite": 17}


@pytest.fixture
def reviewers(db_session, programs):
    open_program("sanitren")
    return {"kemenag": create_staff("reviewer", "KEMENAG")}


def identifiers(application) -> set[tuple[str, str]]:
    return set(db.session.execute(
        sa.select(ApplicationIdentifier.kind, ApplicationIdentifier.value_bidx)
        .where(ApplicationIdentifier.application_id == application.id)).tuples())


def flags(application) -> list[tuple[str, int, bool]]:
    return list(db.session.execute(
        sa.select(DuplicateFlag.kind, DuplicateFlag.other_application_id, DuplicateFlag.blocking)
        .where(DuplicateFlag.application_id == application.id)).tuples())


def test_submission_records_each_identifier_once(reviewers):
    user, org = new_applicant_with_pesantren()
    application = sanitren_draft(user, org)
    act(application, "submit", user)
    account = db.session.scalar(sa.select(BankAccount).where(
        BankAccount.organization_id == org.id, BankAccount.is_current.is_(True)))
    assert identifiers(application) == {("nspp", blind(org.nspp, "nspp")),
                                        ("bank", account.number_bidx)}


def test_shared_bank_account_is_flagged_and_the_flag_follows_a_corrected_account(reviewers):
    first_user, first_org = new_applicant_with_pesantren(bank_number="0012345678901")
    first = sanitren_draft(first_user, first_org)
    act(first, "submit", first_user)

    user, org = new_applicant_with_pesantren(bank_number="0012345678901")
    second = sanitren_draft(user, org)
    act(second, "submit", user)
    assert flags(second) == [("bank", first.id, False)]  # a reviewer's look, not a block

    act(second, "return", reviewers["kemenag"], reason="Rekening atas nama orang lain")
    old = db.session.scalar(sa.select(BankAccount).where(
        BankAccount.organization_id == org.id, BankAccount.is_current.is_(True)))
    old.is_current = False
    new = add_bank_account(organization=org, holder=org.name, number="0098765432109")
    db.session.commit()
    attach_for_stage(second, user, types=("legal_basis",))
    act(second, "resubmit", user)

    assert ("bank", new.number_bidx) in identifiers(second)
    assert ("bank", old.number_bidx) not in identifiers(second)
    assert flags(second) == []
    # the first application's own record is untouched by the second's changes
    assert ("bank", old.number_bidx) in identifiers(first)


def test_a_withdrawn_application_no_longer_blocks_a_new_one(reviewers):
    user, org = new_applicant_with_pesantren()
    first = sanitren_draft(user, org)
    act(first, "submit", user)
    act(first, "withdraw", user, reason="Salah mengisi")
    again = sanitren_draft(user, org)
    act(again, "submit", user)
    assert again.stage == "admin_verification"
    assert flags(again) == []


def test_submit_stays_within_its_statement_budget(reviewers):
    from app.applications import submission

    user, org = new_applicant_with_pesantren()
    warm = sanitren_draft(user, org)
    act(warm, "submit", user)
    act(warm, "withdraw", user, reason="Uji")
    application = sanitren_draft(user, org)
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        statements.append(statement.split(None, 3)[:3])

    engine = db.session.get_bind()
    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        submission.submit(application, user)
        db.session.flush()
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)
    db.session.commit()
    assert application.stage == "admin_verification"
    budget = SUBMIT_STATEMENT_BUDGET[engine.dialect.name]
    assert len(statements) <= budget, (
        f"{len(statements)} statements (budget {budget}): "
        + "; ".join(" ".join(s) for s in statements))
