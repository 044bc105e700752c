"""Small helpers shared by the views of every domain."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import abort


def safe_next(target: str | None, default: str) -> str:
    """Only same-site relative paths are followed after login (no open redirects)."""
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    return target


def get_or_404(obj):
    if obj is None:
        abort(404)
    return obj


def require(allowed: bool, *, hide: bool = True) -> None:
    """Refuse access; by default as 404 so that ids of other people's objects reveal nothing."""
    if not allowed:
        abort(404 if hide else 403)
