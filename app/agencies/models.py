from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db

#: The agencies SIBANTU knows by code; names are loaded by ``flask demo-data`` / migrations.
AGENCIES: dict[str, str] = {
    "BAPPEDA": "Badan Perencanaan Pembangunan Daerah",
    "KEMENAG": "Kantor Kementerian Agama Kabupaten Tangerang",
    "KESRA": "Sekretariat Daerah — Bagian Kesejahteraan Rakyat",
    "DISDIK": "Dinas Pendidikan",
    "DISKOPUM": "Dinas Koperasi dan Usaha Mikro",
    "BPKAD": "Badan Pengelolaan Keuangan dan Aset Daerah",
    "INSPEKTORAT": "Inspektorat Daerah",
}


class Agency(db.Model):
    __tablename__ = "agencies"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(20), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))

    def __repr__(self) -> str:
        return f"<Agency {self.code}>"
