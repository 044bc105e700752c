"""Small valid files for the demo data and the tests (uploads are parsed: fakes do not pass)."""

from __future__ import annotations

import io

from PIL import Image
from pypdf import PdfWriter


def blank_pdf() -> bytes:
    """A one-page, empty A4 PDF."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def tiny_image(fmt: str = "JPEG", size: tuple[int, int] = (8, 8), **save: object) -> bytes:
    """A small green picture as JPEG or PNG; ``save`` goes to Pillow (e.g. ``exif=``)."""
    out = io.BytesIO()
    Image.new("RGB", size, (40, 140, 60)).save(out, fmt, **save)
    return out.getvalue()
