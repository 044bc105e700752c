"""Request-wide behaviour in app/web.py that no single domain owns."""

from flask import Response, flash, get_flashed_messages, session

from app.web import MAX_FLASHES


def test_flashed_messages_kept_in_the_session_are_bounded(app):
    """A client that posts and never shows a page must not grow the session cookie forever."""
    with app.test_request_context("/"):
        for n in range(MAX_FLASHES + 3):
            flash(f"pesan {n}")
        app.process_response(Response())
        assert [m for _, m in session["_flashes"]] == [
            f"pesan {n}" for n in range(3, MAX_FLASHES + 3)]


def test_a_few_flashed_messages_are_all_shown(app):
    with app.test_request_context("/"):
        flash("satu")
        flash("dua")
        app.process_response(Response())
        assert get_flashed_messages() == ["satu", "dua"]
