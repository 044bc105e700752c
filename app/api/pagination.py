"""One cursor pagination for every list: ``?cursor=…&limit=…`` → ``{"items", "next_cursor"}``.

The cursor is an opaque keyset position (the last id or seq seen), never an offset: pages stay
stable while rows are appended and page 1,000 costs what page 1 costs.
"""

from __future__ import annotations

import base64
import binascii
from typing import Annotated

from pydantic import BaseModel, Field

from app.api.problems import ApiProblem

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
MAX_POSITION = 2**63 - 1

CursorParam = Annotated[str | None, Field(
    None, max_length=64, pattern=r"^[A-Za-z0-9_-]*$",
    description="Opaque cursor from the previous page's `next_cursor`",
)]
LimitParam = Annotated[int, Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="Page size")]


class PageQuery(BaseModel):
    cursor: CursorParam = None
    limit: LimitParam = DEFAULT_LIMIT


def encode(position: int | None) -> str | None:
    if position is None:
        return None
    return base64.urlsafe_b64encode(f"p{position}".encode()).decode().rstrip("=")


def decode(cursor: str | None) -> int | None:
    if not cursor:
        return None
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        text = ""
    if not (text.startswith("p") and text[1:].isdigit() and int(text[1:]) <= MAX_POSITION):
        raise ApiProblem(422, "Cursor tidak valid.", code="bad_cursor",
                         errors=[{"field": "cursor", "message": "unknown cursor"}])
    return int(text[1:])


def encode_text(position: str | None) -> str | None:
    """An opaque cursor around another module's own cursor text (e.g. the staff queue's)."""
    if position is None:
        return None
    return base64.urlsafe_b64encode(f"t{position}".encode()).decode().rstrip("=")


def decode_text(cursor: str | None) -> str | None:
    if not cursor:
        return None
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        text = ""
    if not text.startswith("t") or not text[1:].isprintable():
        raise ApiProblem(422, "Cursor tidak valid.", code="bad_cursor",
                         errors=[{"field": "cursor", "message": "unknown cursor"}])
    return text[1:]


def page_of(rows: list, limit: int, position) -> tuple[list, str | None]:
    """``rows`` fetched with ``limit + 1``: the page and the cursor of the next one."""
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, encode(position(rows[-1])) if more and rows else None
