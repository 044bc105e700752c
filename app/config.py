"""Configuration from environment variables with safe defaults.

The embedded default (no environment at all) is a SQLite file and generated keys in ``instance/``,
which is what ``make run`` uses. Production sets ``SIBANTU_PROFILE=production`` and every secret.
"""

from __future__ import annotations

import base64
import os
import secrets
from pathlib import Path
from typing import Any

KEY_FILES = {
    "SECRET_KEY": ("secret_key", lambda: secrets.token_urlsafe(48)),
    "PII_ENCRYPTION_KEY": ("pii_encryption_key", lambda: _b64key()),
    "PII_INDEX_KEY": ("pii_index_key", lambda: _b64key()),
}
REQUIRED_IN_PRODUCTION = (
    "SECRET_KEY",
    "PII_ENCRYPTION_KEY",
    "PII_INDEX_KEY",
    "DATABASE_URL",
    "REDIS_URL",
)


def _b64key() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _instance_key(instance_path: Path, name: str) -> str:
    """Read a generated key from ``instance/``, creating it (mode 0600) on first use."""
    filename, make = KEY_FILES[name]
    path = instance_path / filename
    if not path.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(make())
    return path.read_text().strip()


#: written by ``flask accounts calibrate-hash``; PASSWORD_HASH_PARAMS in the environment wins
HASH_PARAMS_FILE = "password_hash_params"
DEFAULT_HASH_PARAMS = "m=19456,t=2,p=1"  # OWASP's first argon2id recommendation


def _hash_params(instance: Path) -> str:
    if os.environ.get("PASSWORD_HASH_PARAMS"):
        return os.environ["PASSWORD_HASH_PARAMS"].strip()
    path = instance / HASH_PARAMS_FILE
    return path.read_text().strip() if path.exists() else DEFAULT_HASH_PARAMS


def load_config(instance_path: str) -> dict[str, Any]:
    instance = Path(instance_path)
    profile = os.environ.get("SIBANTU_PROFILE", "development")
    production = profile == "production"
    if production:
        missing = [name for name in REQUIRED_IN_PRODUCTION if not os.environ.get(name)]
        if missing:
            raise RuntimeError(f"production profile needs environment variables: {missing}")
    redis_url = os.environ.get("REDIS_URL") or None
    config: dict[str, Any] = {
        "PROFILE": profile,
        "SQLALCHEMY_DATABASE_URI": _database_url(instance),
        "SQLALCHEMY_ENGINE_OPTIONS": _engine_options(),
        "REDIS_URL": redis_url,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        "SESSION_COOKIE_NAME": "sibantu_session",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "SESSION_IDLE_MINUTES": int(os.environ.get("SESSION_IDLE_MINUTES", "30")),
        "SESSION_ABSOLUTE_HOURS": int(os.environ.get("SESSION_ABSOLUTE_HOURS", "12")),
        "PREFERRED_URL_SCHEME": "https" if production else "http",
        "WTF_CSRF_TIME_LIMIT": 8 * 3600,
        "RATELIMIT_STORAGE_URI": redis_url or "memory://",
        # Redis down: count in memory per process (one warning per outage), never fail a request
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        "RATELIMIT_STORAGE_OPTIONS": _redis_timeouts() if redis_url else {},
        "RATELIMIT_HEADERS_ENABLED": True,
        "LOGIN_RATE_LIMIT": os.environ.get("LOGIN_RATE_LIMIT", "5 per minute"),
        "BABEL_DEFAULT_LOCALE": "id",
        "BABEL_DEFAULT_TIMEZONE": "Asia/Jakarta",
        "LANGUAGES": ("id", "en"),
        "PASSWORD_RESET_MAX_AGE": int(os.environ.get("PASSWORD_RESET_MAX_AGE", "3600")),
        "MAIL_BACKEND": os.environ.get("MAIL_BACKEND", "smtp" if production else "file"),
        "MAIL_SERVER": os.environ.get("MAIL_SERVER", "localhost"),
        "MAIL_PORT": int(os.environ.get("MAIL_PORT", "25")),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME") or None,
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD") or None,
        "MAIL_USE_TLS": _env_bool("MAIL_USE_TLS", False),
        "MAIL_DEFAULT_SENDER": os.environ.get(
            "MAIL_DEFAULT_SENDER", "SIBANTU <noreply@tangerangkab.go.id>"
        ),
        "MAIL_FILE_DIR": os.environ.get("MAIL_FILE_DIR", str(instance / "mail")),
        "WA_GATEWAY_URL": os.environ.get("WA_GATEWAY_URL") or None,
        "WA_GATEWAY_TOKEN": os.environ.get("WA_GATEWAY_TOKEN") or None,
        # where document bytes live: "db" (shared by every host) or "folder" (UPLOAD_DIR)
        "DOCUMENT_STORAGE": os.environ.get("DOCUMENT_STORAGE", "db"),
        "UPLOAD_DIR": os.environ.get("UPLOAD_DIR", str(instance / "uploads")),
        "MAX_CONTENT_LENGTH": int(os.environ.get("MAX_UPLOAD_MB", "20")) * 1024 * 1024,
        "UPLOAD_MAX_PIXELS": int(os.environ.get("UPLOAD_MAX_PIXELS", "50000000")),
        # ClamAV's clamd (a socket path or tcp://host:port): uploads are scanned when set
        "CLAMD_SOCKET": os.environ.get("CLAMD_SOCKET") or None,
        "CLAMD_TIMEOUT": float(os.environ.get("CLAMD_TIMEOUT", "30")),
        # how often beat rescans the uploads kept while clamd was out of reach
        "CLAMD_RESCAN_SECONDS": float(os.environ.get("CLAMD_RESCAN_SECONDS", "300")),
        "AUDIT_SIGNING_KEY": os.environ.get("AUDIT_SIGNING_KEY") or None,
        "AUDIT_PUBLIC_KEY": os.environ.get("AUDIT_PUBLIC_KEY") or None,
        "AUDIT_CHECKPOINT_DIR": os.environ.get("AUDIT_CHECKPOINT_DIR") or None,
        # the hour (Asia/Jakarta) at which beat has the daily audit checkpoint signed, at :30
        "AUDIT_CHECKPOINT_HOUR": int(os.environ.get("AUDIT_CHECKPOINT_HOUR", "1")),
        "PROGRAMS_DIR": os.environ.get("PROGRAMS_DIR") or None,
        "PASSWORD_HASH_PARAMS": _hash_params(instance),
        "SERVER_NAME_FOR_LINKS": os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:5000"),
    }
    if config["DOCUMENT_STORAGE"] not in ("db", "folder"):
        raise RuntimeError("DOCUMENT_STORAGE must be 'db' or 'folder'")
    for name in KEY_FILES:
        config[name] = os.environ.get(name) or _instance_key(instance, name)
    return config


def _redis_timeouts() -> dict[str, float]:
    """An unreachable Redis host must cost a request half a second, not a TCP timeout."""
    return {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}
def _engine_options() -> dict[str, Any]:
    """``DATABASE_POOLER=transaction``: a pooler in transaction mode (PgBouncer) sits between
    us and PostgreSQL, so consecutive transactions may run on different server connections;
    psycopg must not prepare statements server-side (they would live on one of them only)."""
    options: dict[str, Any] = {"pool_pre_ping": True}
    if os.environ.get("DATABASE_POOLER") == "transaction":
        options["connect_args"] = {"prepare_threshold": None}
    return options


def _database_url(instance: Path) -> str:
    url = os.environ.get("DATABASE_URL")
    if not url:
        instance.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{instance / 'sibantu.db'}"
    if url.startswith("postgres://"):
        url = "postgresql://" + url.removeprefix("postgres://")
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return url
