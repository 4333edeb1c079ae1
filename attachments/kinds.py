"""The kinds of file staff may attach, each recognised by its first bytes
and its name's ending, never by what the browser says it is. Anything else
is refused: a file we cannot name is not one we serve back."""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

ZIP = b"PK\x03\x04"


class FileKind(models.TextChoices):
    PDF = "pdf", _("PDF document")
    PNG = "png", _("PNG image")
    JPEG = "jpeg", _("JPEG photo")
    TEXT = "text", _("Text")
    CSV = "csv", _("CSV spreadsheet")
    DOCX = "docx", _("Word document")
    XLSX = "xlsx", _("Excel spreadsheet")
    ODT = "odt", _("OpenDocument text")
    ODS = "ods", _("OpenDocument spreadsheet")


@dataclass(frozen=True)
class Kind:
    endings: tuple[str, ...]
    magic: bytes | None  # None: text, checked as UTF-8 without control characters
    content_type: str


KINDS = {
    FileKind.PDF: Kind((".pdf",), b"%PDF-", "application/pdf"),
    FileKind.PNG: Kind((".png",), b"\x89PNG\r\n\x1a\n", "image/png"),
    FileKind.JPEG: Kind((".jpg", ".jpeg"), b"\xff\xd8\xff", "image/jpeg"),
    FileKind.TEXT: Kind((".txt",), None, "text/plain; charset=utf-8"),
    FileKind.CSV: Kind((".csv",), None, "text/csv; charset=utf-8"),
    FileKind.DOCX: Kind((".docx",), ZIP, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    FileKind.XLSX: Kind((".xlsx",), ZIP, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    FileKind.ODT: Kind((".odt",), ZIP, "application/vnd.oasis.opendocument.text"),
    FileKind.ODS: Kind((".ods",), ZIP, "application/vnd.oasis.opendocument.spreadsheet"),
}
ALLOWED_ENDINGS = ", ".join(ending for kind in KINDS.values() for ending in kind.endings)


def _is_text(head: bytes) -> bool:
    try:
        text = head.decode("utf-8-sig")
    except UnicodeDecodeError:
        # The first bytes may end inside a character: look again without them.
        try:
            text = head[:-3].decode("utf-8-sig")
        except UnicodeDecodeError:
            return False
    return not any(ord(char) < 32 and char not in "\t\r\n" for char in text)


def kind_of(name: str, head: bytes) -> FileKind | None:
    """The kind of a file from its name and its first bytes, or None when
    the two do not agree on one we take."""
    lowered = name.lower()
    for file_kind, kind in KINDS.items():
        if not lowered.endswith(kind.endings):
            continue
        if kind.magic is None and _is_text(head):
            return file_kind
        if kind.magic is not None and head.startswith(kind.magic):
            return file_kind
    return None
