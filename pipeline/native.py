"""The optional C module ``pipeline._speedups``, found once per process.

It reads a PDFium text page's characters in one C loop
(``pdfium_chars.scan_drawn``) and lists the page's objects; it screens a
page for overprinted glyphs (``pages.dedupe_overprint``) and sorts its
glyphs into rows (``clean.group_lines``), both over plain lists. Each has
Python code that gives the same results and runs when the module is missing.

A build records the SHA-256 of the ``_speedups.c`` it was compiled from
(``SOURCE_SHA256``). When the package holds a ``_speedups.c`` that differs
(the file was edited and not rebuilt), the module is stale and not used:
the Python code runs until ``python setup.py build_ext --inplace``.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

SOURCE = Path(__file__).with_name("_speedups.c")


def source_sha256(path: Path | None = None) -> str | None:
    """The SHA-256 of the C source (``SOURCE``, beside the package's modules), or None where it is not shipped (a wheel)."""
    try:
        return hashlib.sha256((path or SOURCE).read_bytes()).hexdigest()
    except OSError:
        return None


@cache
def speedups():
    """The C module ``pipeline._speedups``, or None when it was not built or is stale.

    Whether to use it is the caller's option (``parse_pdf(native=False)``); the
    Python code gives the same results.
    """
    try:
        from pipeline import _speedups  # type: ignore[attr-defined]
    except ImportError:
        return None
    source = source_sha256()
    if source is not None and getattr(_speedups, "SOURCE_SHA256", None) != source:
        return None  # built from another version of _speedups.c
    return _speedups
