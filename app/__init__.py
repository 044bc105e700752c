"""SIBANTU — Sistem Informasi Bantuan Terpadu, Kabupaten Tangerang.

``create_app`` only wires subsystems together: no database queries, no migrations at start-up.
Its imports stay inside it on purpose: every ``app.*`` import runs this file first, and a script,
the worker or a test importing ``app.db`` should not load every blueprint, form and Celery.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask

ROOT = Path(__file__).resolve().parent.parent


def create_app(config: dict[str, Any] | None = None) -> Flask:
    app = Flask(
        __name__,
        # each host its own (SIBANTU_INSTANCE_DIR); nothing there is shared between hosts
        instance_path=os.environ.get("SIBANTU_INSTANCE_DIR") or str(ROOT / "instance"),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    from app.config import load_config

    app.config.update(load_config(app.instance_path))
    if config:
        app.config.update(config)

    from app import cli, web

    web.init_request_ids(app)  # first hook: every later hook's errors carry the request id
    _init_extensions(app)
    _register_blueprints(app)
    web.init_app(app)
    cli.init_app(app)
    return app


def _init_extensions(app: Flask) -> None:
    from app import models  # noqa: F401  (registers every table on the metadata)
    from app.accounts import login
    from app.applications.effects import bind_all as bind_effects
    from app.common import pii
    from app.extensions import babel, csrf, db, limiter, migrate
    from app.programs.labels import init_app as init_labels
    from app.programs.registry import init_app as init_programs

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    limiter.init_app(app)
    pii.init_app(app)
    login.init_app(app)
    from app.common.i18n import select_locale, select_timezone

    babel.init_app(
        app,
        locale_selector=select_locale,
        timezone_selector=select_timezone,
        default_translation_directories=str(ROOT / "translations"),
    )
    init_programs(app)
    init_labels(app)
    bind_effects()  # the handlers of the effects definitions name; refuses to start on a gap
    from app.notifications.celery_app import init_app as init_notifications

    init_notifications(app)


def _register_blueprints(app: Flask) -> None:
    from app.accounts.views import bp as accounts_bp
    from app.admin.agency_views import bp as admin_agencies_bp
    from app.admin.views import bp as admin_bp
    from app.api.blueprint import bp as api_bp
    from app.applications.views import bp as applications_bp
    from app.auditor.views import bp as audit_bp
    from app.health.views import bp as health_bp
    from app.main.views import bp as main_bp
    from app.notifications.views import bp as notifications_bp
    from app.organizations.views import bp as organizations_bp
    from app.portal.blueprint import bp as portal_bp
    from app.portal.blueprint import programs_bp
    from app.staff.blueprint import bp as staff_bp
    from app.staff.public import bp as transparency_bp
    from app.verification.views import bp as verification_bp

    for blueprint in (
        main_bp, accounts_bp, health_bp, organizations_bp, applications_bp, notifications_bp,
        portal_bp, programs_bp, staff_bp, admin_bp, admin_agencies_bp, audit_bp, api_bp,
        transparency_bp, verification_bp,
    ):
        app.register_blueprint(blueprint)
