"""Fixtures for the applicant portal tests."""

from __future__ import annotations

import pytest

from tests.conftest import post_form
from tests.support.factories import PASSWORD, create_applicant, create_staff
from tests.support.programs import open_program


def login(client, user):
    response = post_form(client, "/masuk", {"email": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return response


def fresh(obj):
    """The row again: each client request ends the test's session (the client pops its context)."""
    from app.extensions import db

    return db.session.get(type(obj), obj.id)


@pytest.fixture
def uploads(app, tmp_path, monkeypatch):
    """Uploaded files go to a temporary directory outside the web root when the store is a
    folder (``folder_uploads``); the default store is the database."""
    monkeypatch.setitem(app.config, "UPLOAD_DIR", str(tmp_path / "uploads"))
    return tmp_path / "uploads"


@pytest.fixture
def folder_uploads(app, uploads, monkeypatch):
    """Documents stored as files under ``uploads`` (``DOCUMENT_STORAGE=folder``)."""
    monkeypatch.setitem(app.config, "DOCUMENT_STORAGE", "folder")
    return uploads


@pytest.fixture
def sanitren(db_session, programs, uploads):
    open_program("sanitren")


@pytest.fixture
def applicant(sanitren):
    return create_applicant(name="KH. Abdul Malik")


@pytest.fixture
def kemenag(sanitren):
    return create_staff("reviewer", "KEMENAG")
