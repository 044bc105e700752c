"""Flask-Login wiring: the session cookie holds a server-side session token (see sessions.py)."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from app.accounts.passwords import configured_params
from app.accounts.sessions import load_session_user
from app.extensions import login_manager


def init_app(app: Flask) -> None:
    configured_params(app.config)  # a mistyped PASSWORD_HASH_PARAMS stops the start, not a login
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Silakan masuk terlebih dahulu.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"
    login_manager.user_loader(load_session_user)
