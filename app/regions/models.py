from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db

LEVELS = ("kabupaten", "kecamatan", "desa", "kelurahan")


class Region(db.Model):
    """An official area code (Kepmendagri).

    ``36.03`` is the regency, ``36.03.01`` a kecamatan, ``36.03.01.2003`` a desa.
    """

    __tablename__ = "regions"
    __table_args__ = (sa.CheckConstraint(f"level IN {LEVELS!r}", name="level_known"),)

    code: Mapped[str] = mapped_column(sa.String(13), primary_key=True)
    level: Mapped[str] = mapped_column(sa.String(10))
    name: Mapped[str] = mapped_column(sa.String(120))
    parent_code: Mapped[str | None] = mapped_column(
        sa.ForeignKey("regions.code"), index=True, default=None
    )

    @property
    def kecamatan_code(self) -> str:
        return self.code[:8]

    def __repr__(self) -> str:
        return f"<Region {self.code} {self.name}>"
