"""Registers the command-line commands of every domain on ``flask``."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from app.accounts.cli import create_user
    from app.demo import demo_data
    from app.programs.cli import programs_cli
    from app.regions.cli import regions_cli

    for command in (create_user, demo_data, programs_cli, regions_cli):
        app.cli.add_command(command)
