"""Hostile-file checks for uploads: a real parse, not just the leading bytes.

* PDF: pypdf must open it, find at least one page, and find no JavaScript, launch or
  other active actions, no embedded files, and no HTML/script riding along (a polyglot).
  The bytes are stored as sent (a signed PDF must stay byte-exact).
* JPEG/PNG: the header's size is checked against ``UPLOAD_MAX_PIXELS`` before anything is
  decoded; the image is then decoded by Pillow and re-encoded, which drops EXIF, comments and
  any trailing payload. The EXIF geotag and capture time (the field survey needs them) are
  kept as data in the document's meta (``{"exif": {"lat", "lon", "taken"}}``).

Each refusal raises ``FileRefused`` with an Indonesian message saying why.
"""

from __future__ import annotations

import io
import re
import warnings
from dataclasses import dataclass, field
from typing import Any

from flask_babel import lazy_gettext as _l
from PIL import ExifTags, Image, ImageOps, JpegImagePlugin, PngImagePlugin, UnidentifiedImageError
from pypdf import PdfReader
from pypdf.errors import PyPdfError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

from app.common.errors import Refusal

DEFAULT_MAX_PIXELS = 50_000_000  # a 50-megapixel phone photo; 60000x60000 is 3.6 gigapixels
#: PDF actions that run something or send data on their own
ACTIVE_ACTIONS = {"/JavaScript", "/Launch", "/ImportData", "/SubmitForm", "/RichMediaExecute"}
ACTIVE_KEYS = {"/JS", "/JavaScript"}
EMBEDDED = {"/EmbeddedFiles", "/EmbeddedFile", "/RichMedia"}
MARKUP = re.compile(rb"<\s*(?:script|html|body|iframe|svg|object|embed)\b", re.IGNORECASE)
#: the format plugins themselves: ``Image.open`` would refuse a bomb before we can say its size
PLUGINS = {"jpg": ("JPEG", JpegImagePlugin.JpegImageFile),
           "png": ("PNG", PngImagePlugin.PngImageFile)}


class FileRefused(Refusal):
    """The content is not a safe file of its claimed type; the message says why."""


@dataclass(frozen=True)
class CheckedFile:
    content: bytes  # what to store: the original PDF, or the re-encoded image
    meta: dict[str, Any] = field(default_factory=dict)


def check_file(extension: str, content: bytes, *, max_pixels: int = DEFAULT_MAX_PIXELS
               ) -> CheckedFile:
    """Parse ``content`` as ``extension`` (pdf, jpg, png) or raise ``FileRefused``."""
    if extension == "pdf":
        check_pdf(content)
        return CheckedFile(content)
    return reencode_image(extension, content, max_pixels)


# --- PDF -----------------------------------------------------------------------------------


def check_pdf(content: bytes) -> None:
    if MARKUP.search(content):
        raise FileRefused(_l("Berkas PDF ditolak: berisi HTML atau skrip."))
    reader = _open_pdf(content)
    found = _active_content(reader)
    if found == "embedded":
        raise FileRefused(_l("Berkas PDF ditolak: berisi lampiran berkas tersemat."))
    if found:
        raise FileRefused(
            _l("Berkas PDF ditolak: berisi JavaScript atau perintah yang berjalan sendiri.")
        )


def _open_pdf(content: bytes) -> PdfReader:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = PdfReader(io.BytesIO(content), strict=False)
            if reader.is_encrypted:
                raise FileRefused(_l("Berkas PDF ditolak: terkunci kata sandi."))
            pages = len(reader.pages)
    except FileRefused:
        raise
    except (PyPdfError, ValueError, TypeError, KeyError, AttributeError, IndexError,
            RecursionError, OSError) as exc:
        raise FileRefused(_l("Berkas PDF rusak atau tidak dapat dibuka.")) from exc
    if pages < 1:
        raise FileRefused(_l("Berkas PDF tidak memiliki halaman."))
    return reader


def _active_content(reader: PdfReader) -> str | None:
    """"active" or "embedded" for the first such thing reachable from the trailer, else None."""
    seen: set[tuple[int, int]] = set()
    stack: list[Any] = [reader.trailer]
    try:
        while stack:
            found = _inspect(stack.pop(), stack, seen)
            if found:
                return found
    except (PyPdfError, ValueError, TypeError, KeyError, AttributeError, RecursionError,
            OSError) as exc:
        raise FileRefused(_l("Berkas PDF rusak atau tidak dapat dibuka.")) from exc
    return None


def _inspect(node: Any, stack: list[Any], seen: set[tuple[int, int]]) -> str | None:
    if isinstance(node, IndirectObject):
        ref = (node.idnum, node.generation)
        if ref in seen:
            return None
        seen.add(ref)
        node = node.get_object()
    if isinstance(node, DictionaryObject):
        keys = set(node.keys())
        if keys & EMBEDDED or node.get("/Subtype") == NameObject("/FileAttachment"):
            return "embedded"
        if keys & ACTIVE_KEYS or str(node.get("/S", "")) in ACTIVE_ACTIONS:
            return "active"
        stack.extend(value for key, value in node.items() if key != "/Parent")
    elif isinstance(node, ArrayObject):
        stack.extend(node)
    return None


# --- images --------------------------------------------------------------------------------


def reencode_image(extension: str, content: bytes, max_pixels: int) -> CheckedFile:
    fmt, plugin = PLUGINS[extension]
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = plugin(io.BytesIO(content))
            if image.width * image.height > max_pixels:
                raise FileRefused(_l(
                    "Gambar ditolak: ukuran %(width)s×%(height)s piksel melebihi batas "
                    "%(limit)s megapiksel.", width=image.width, height=image.height,
                    limit=max_pixels // 1_000_000,
                ))
            image.load()
            meta = _kept_exif(image)
            image = ImageOps.exif_transpose(image)
            out = io.BytesIO()
            _save(image, fmt, out)
        except FileRefused:
            raise
        except (UnidentifiedImageError, Image.DecompressionBombError,
                Image.DecompressionBombWarning, OSError, ValueError, SyntaxError,
                EOFError) as exc:
            raise FileRefused(_l("Gambar rusak atau tidak dapat dibaca.")) from exc
    return CheckedFile(out.getvalue(), {"exif": meta} if meta else {})


def _save(image: Image.Image, fmt: str, out: io.BytesIO) -> None:
    if fmt == "JPEG":
        if image.mode not in ("RGB", "L", "CMYK"):
            image = image.convert("RGB")
        image.save(out, "JPEG", quality=90, optimize=True)
        return
    if image.mode not in ("1", "L", "LA", "P", "RGB", "RGBA", "I", "I;16"):
        image = image.convert("RGBA")
    image.save(out, "PNG", optimize=True)


def _kept_exif(image: Image.Image) -> dict[str, Any]:
    """The geotag (decimal degrees) and capture time, the only EXIF the survey needs."""
    try:
        exif = image.getexif()
        gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
        details = exif.get_ifd(ExifTags.IFD.Exif)
    except (KeyError, ValueError, TypeError, OSError):
        return {}
    kept: dict[str, Any] = {}
    lat = _degrees(gps.get(ExifTags.GPS.GPSLatitude), gps.get(ExifTags.GPS.GPSLatitudeRef))
    lon = _degrees(gps.get(ExifTags.GPS.GPSLongitude), gps.get(ExifTags.GPS.GPSLongitudeRef))
    if lat is not None and lon is not None and abs(lat) <= 90 and abs(lon) <= 180:
        kept["lat"], kept["lon"] = lat, lon
    taken = details.get(ExifTags.Base.DateTimeOriginal) or exif.get(ExifTags.Base.DateTime)
    if isinstance(taken, str) and taken.strip():
        kept["taken"] = taken.strip()[:32]
    return kept


def _degrees(value: Any, ref: Any) -> float | None:
    try:
        degrees, minutes, seconds = (float(part) for part in value)
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    result = degrees + minutes / 60 + seconds / 3600
    if str(ref).strip().upper() in ("S", "W"):
        result = -result
    return round(result, 6)
