"""SIBANTU next to a published Flask grant service: MHCLG's funding-service (UK government).

    git clone https://github.com/communitiesuk/funding-service bench/peer/funding-service
    python -m bench.peer [--peer-dir DIR] [--env-file FILE] [--requests 400]

The clone is the user's (never vendored here; ``bench/peer/funding-service`` is git-ignored).
The script installs it into its own virtualenv inside the clone, gives it a scratch PostgreSQL
database, runs its migrations and serves it with the same gunicorn settings as SIBANTU. Then the
matching requests (``PAIRS``: the health check, and a template page a visitor who is not signed
in sees) alternate between the two in rounds, and each ratio (SIBANTU / peer requests per second,
median round) is written to ``bench/results/latest.json`` under ``results.peer``.

When the peer cannot be set up here (no clone, no internet for its dependencies, a failed
migration), the result says which step failed and why, ``available`` is false, and the rest of
``make bench`` runs on.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

REPOSITORY = "https://github.com/communitiesuk/funding-service"
DEFAULT_DIR = Path(__file__).resolve().parent / "funding-service"
#: (name, SIBANTU path, peer path): the same kind of request on both sides
PAIRS = (
    ("health", "/healthz", "/healthcheck"),
    ("visitor_page", "/", "/access/sign-in"),
)


def unavailable(step: str, why: str) -> dict[str, Any]:
    note = f"peer not set up ({step}): {why}"
    print(f"  {note}", flush=True)
    return {"available": False, "step": step, "note": note, "met": None}


def locate(peer_dir: str | None) -> Path | None:
    path = Path(peer_dir or os.environ.get("PEER_DIR") or DEFAULT_DIR)
    return path if (path / "app" / "__init__.py").exists() else None


def install(clone: Path) -> tuple[Path | None, str]:
    """The clone's own virtualenv with the clone and gunicorn installed (pip, from the
    registry): its dependencies never enter SIBANTU's environment."""
    venv = clone / ".venv-sibantu-bench"
    python = venv / "bin" / "python"
    if not python.exists():
        done = subprocess.run([sys.executable, "-m", "venv", str(venv)], capture_output=True,
                              text=True)
        if done.returncode:
            return None, done.stderr[-400:]
    done = subprocess.run([str(python), "-m", "pip", "install", "--quiet", "-e", str(clone),
                           "gunicorn"], capture_output=True, text=True, cwd=clone)
    if done.returncode:
        return None, (done.stdout + done.stderr).strip()[-400:]
    return python, ""


def peer_env(clone: Path, database_url: str, env_file: str | None) -> dict[str, str]:
    """The clone's example settings (``.env.example``), then the user's ``--env-file``, then the
    scratch database; FLASK_APP pointing at its factory."""
    env: dict[str, str] = {}
    for path in (clone / ".env.example", Path(env_file) if env_file else None):
        if path and path.exists():
            for line in path.read_text().splitlines():
                if "=" in line and not line.lstrip().startswith("#"):
                    key, value = line.split("=", 1)
                    env[key.strip()] = value.strip().strip('"').strip("'")
    plain = database_url.replace("postgresql+psycopg://", "postgresql://", 1)
    env.update({"DATABASE_URL": plain, "SQLALCHEMY_DATABASE_URI": plain,
                "FLASK_APP": "app:create_app()", "FLASK_ENV": env.get("FLASK_ENV", "local")})
    return env
