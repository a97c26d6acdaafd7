"""What the format readers share: the kinds a file may be, telling them apart by their bytes, the
error a reader raises and the value it gives (``Reading``).

The readers (``pipeline.read.ofd``, ``docx``, ``office``, ``html``) import this module, and the
package's dispatch (``pipeline.read.read_other``) imports them: imports go one way.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.model import Paragraph, RawPage
from pipeline.pages import PdfError

# Every kind ``sniff`` names, PDF first.
FORMATS = ("pdf", "ofd", "docx", "doc", "wps", "html")
# The suffixes a folder given to ``batch`` is searched for (a file named on the command line is read whatever its name).
SUFFIXES = (".pdf", ".ofd", ".docx", ".doc", ".wps", ".html", ".htm", ".shtml", ".xhtml")
# Bytes read to tell the kind.
DEFAULT_SNIFF_BYTES = 4096
# The OLE compound file signature of Word 97-2003 and WPS Writer files.
CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Markup that opens a web page, looked for near the start of the file (case folded).
HTML_OPENINGS = (b"<!doctype html", b"<html", b"<head", b"<body", b"<meta", b"<title")


class FormatError(PdfError):
    """A file of a kind the pipeline cannot read, or a reader that cannot go on; one line for the user."""


@dataclass(frozen=True)
class Reading:
    """What a reader gives: pages (OFD) or paragraphs (DOCX, HTML), and labelled metadata (HTML).

    ``labels`` maps metadata fields to the values a web page states beside
    the text: ``{"issuer": "东川市人民政府办公室", "doc_number": "东政办〔2023〕12号"}``.
    """

    format: str
    engine: str
    pages: tuple[RawPage, ...] | None = None
    paragraphs: tuple[Paragraph, ...] | None = None
    labels: dict[str, str] = field(default_factory=dict)


def _zip_kind(path: Path) -> str | None:
    try:
        with zipfile.ZipFile(path) as z:
            names = set(z.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    if "OFD.xml" in names or "ofd.xml" in {n.lower() for n in names}:
        return "ofd"
    if "word/document.xml" in names or any(n.lower() == "word/document.xml" for n in names):
        return "docx"
    return None


def _cfb_kind(path: Path, suffix: str) -> str | None:
    """A Word-format compound file: ``doc``, or ``wps`` when WPS wrote it (its name or its producer says so)."""
    data = path.read_bytes()
    stream = "WordDocument".encode("utf-16-le")
    if stream not in data:
        return None
    # WPS Writer writes the Word binary format; its summary names the producer
    made_by_wps = any(sig in data for sig in ("WPS Office".encode("utf-16-le"), b"WPS Office", b"Kingsoft"))
    return "wps" if suffix == ".wps" or made_by_wps else "doc"


def sniff(path: str | Path) -> str:
    """Tell a file's kind from its bytes.

    Args:
        path: any file, e.g. 东政办〔2023〕12号.wps, whatever its name says.

    Returns:
        One of ``FORMATS``, or ``"unknown"``. An empty or unreadable file is
        ``"pdf"``, so the PDF reader gives its usual one-line error.
    """
    path = Path(path)
    try:
        with open(path, "rb") as f:
            head = f.read(DEFAULT_SNIFF_BYTES)
    except OSError:
        return "pdf"
    if not head or b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(path) or "unknown"
    if head.startswith(CFB_MAGIC):
        return _cfb_kind(path, path.suffix.lower()) or "unknown"
    low = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if low.startswith(b"\xff\xfe") or low.startswith(b"\xfe\xff"):  # UTF-16 with a BOM
        low = head.decode("utf-16", "ignore").lstrip("\ufeff \t\r\n").encode("ascii", "ignore").lower()
    # markup from the first character (<!DOCTYPE, <html, <?xml, <!-- …) with a page's tags near the start;
    # a JSON or text file that quotes a tag is no page
    if low.startswith(b"<") and any(tag in low for tag in HTML_OPENINGS):
        return "html"
    return "unknown"


def unknown_kind_message(path: str | Path) -> str:
    """The one line for a file of no kind the pipeline reads (a password-protected Office file said as such)."""
    try:
        with open(path, "rb") as f:
            head = f.read(1 << 20)
    except OSError:
        head = b""
    if head.startswith(CFB_MAGIC) and "EncryptedPackage".encode("utf-16-le") in head:
        return f"{path}: a password-protected Word file; save it without a password and try again"
    return (f"{path}: not a PDF (no %PDF- header), nor an OFD, DOCX, DOC, WPS or HTML file "
            f"(told by content, not by name)")
