from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db


class Agency(db.Model):
    """A regional agency (OPD). Rows are data: seeded from ``data/agencies.csv``, added and
    renamed with ``flask agencies`` or the admin page."""

    __tablename__ = "agencies"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(20), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))

    def __repr__(self) -> str:
        return f"<Agency {self.code}>"
