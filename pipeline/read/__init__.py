"""Files that are not PDF -> what the pipeline reads: positioned characters or styled paragraphs.

A file's kind is told by its bytes, never its name (``sniff``): ``%PDF-``;
a zip holding ``OFD.xml`` (OFD, GB/T 33190) or ``word/document.xml``
(DOCX); an OLE compound file holding a ``WordDocument`` stream (a Word 97
``.doc``, or a WPS Writer ``.wps``, which is the same binary format); markup
opening like a web page (HTML). Each kind has one reader:

* OFD (``pipeline.read.ofd``): pages of positioned characters with sizes,
  fonts, colours and rules, like a PDF engine's, so cleanup and the red
  版头 rules work as for PDF; items carry page and box.
* DOCX (``pipeline.read.docx``): paragraphs with their styles, numbering,
  tables and text boxes; DOC and WPS go through LibreOffice (``soffice
  --headless --convert-to docx``) first (``pipeline.read.office``).
* HTML (``pipeline.read.html``): a saved government portal page: the
  labelled block (索引号, 发文机关, 发文字号, 成文日期, 标题) as metadata, the
  article as paragraphs; navigation, share buttons and link lists dropped.

Paragraph formats have no pages: ``pipeline.read.paras.clean_paragraphs``
makes their clean text, each block remembering its source paragraph, so
items carry ``para`` (paragraph and offset) instead of page and box.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from pipeline.read.base import (
    CFB_MAGIC,
    DEFAULT_SNIFF_BYTES,
    FORMATS,
    HTML_OPENINGS,
    SUFFIXES,
    FormatError,
    Reading,
    sniff,
    unknown_kind_message,
)
from pipeline.read.docx import read_docx
from pipeline.read.html import read_html
from pipeline.read.ofd import read_ofd
from pipeline.read.office import convert_to_docx

__all__ = [
    "CFB_MAGIC", "DEFAULT_SNIFF_BYTES", "FORMATS", "HTML_OPENINGS", "SUFFIXES",
    "FormatError", "Reading", "read_other", "sniff", "unknown_kind_message",
]


def read_other(path: str | Path, kind: str) -> Reading:
    """Read a file that is not a PDF with the reader of its kind.

    Args:
        path: the file.
        kind: what ``sniff`` said of it: ofd, docx, doc, wps or html.

    Raises:
        FormatError: an unknown kind, a damaged file, or LibreOffice missing
            for a .doc/.wps (``x.doc: reading a DOC file needs LibreOffice …``).
    """
    path = Path(path)
    if kind == "ofd":
        return Reading("ofd", "ofd", pages=tuple(read_ofd(path)))
    if kind == "docx":
        return Reading("docx", "docx", paragraphs=tuple(read_docx(path)))
    if kind in ("doc", "wps"):
        with tempfile.TemporaryDirectory(prefix="pipeline-office-") as tmp:
            docx = convert_to_docx(path, Path(tmp), kind)
            return Reading(kind, "docx", paragraphs=tuple(read_docx(docx, name=path)))
    if kind == "html":
        try:
            paragraphs, labels = read_html(path)
        except RecursionError:  # thousands of unclosed elements: no portal page nests so deep
            raise FormatError(f"{path}: web page nested too deeply to read") from None
        return Reading("html", "html", paragraphs=tuple(paragraphs), labels=labels)
    raise FormatError(unknown_kind_message(path))
