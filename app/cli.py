"""Registers the command-line commands of every domain on ``flask``."""

from __future__ import annotations

from flask import Flask

from app.accounts.cli import accounts_cli, create_user
from app.agencies.cli import agencies_cli
from app.api.cli import api_cli
from app.applications.cli import documents_cli
from app.audit.cli import audit_cli
from app.auditor.cli import COMMANDS as auditor_commands
from app.demo import demo_data
from app.notifications.cli import notifications_cli
from app.programs.cli import programs_cli
from app.regions.cli import regions_cli
from app.registers.cli import registers_cli


def init_app(app: Flask) -> None:
    for command in auditor_commands:
        audit_cli.add_command(command)
    for command in (
        accounts_cli, agencies_cli, api_cli, audit_cli, create_user, demo_data, documents_cli,
        notifications_cli, programs_cli, regions_cli, registers_cli,
    ):
        app.cli.add_command(command)
