"""Numbered pages of a list: the page asked for (the nearest one when out of range) and the
count, for lists people page through (the portal's, the finance officer's)."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from app.extensions import db

#: rows to a page unless a list says otherwise
PAGE_SIZE = 50


@dataclass(frozen=True)
class Page:
    items: list
    number: int
    pages: int
    total: int


def paged(query: sa.Select, number: int | None, size: int = PAGE_SIZE, *,
          rows: bool = False) -> Page:
    """Page ``number`` (from 1) of ``query``, newest or oldest first as the query orders it.
    ``rows``: the items are whole result rows (several entities) rather than scalars."""
    total = db.session.scalar(
        sa.select(sa.func.count()).select_from(query.order_by(None).subquery())) or 0
    pages = max(1, -(-total // size))
    number = min(max(1, number or 1), pages)
    window = query.limit(size).offset((number - 1) * size)
    items = list(db.session.execute(window).all() if rows else db.session.scalars(window))
    return Page(items, number, pages, total)
