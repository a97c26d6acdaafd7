"""The optional C module ``pipeline._speedups``, found once per process.

Its functions are C twins of per-character loops in the extraction and
cleanup stages (``extract_pdfium``, ``extract.dedupe_overprint``,
``clean.group_lines``); each stage keeps its Python code, which gives the
same results and runs when the module is missing.
"""

from __future__ import annotations

import os
from functools import cache


@cache
def speedups():
    """The C module ``pipeline._speedups``, or None.

    None when it was not built (no C compiler at install) or when
    ``PIPELINE_NO_C=1`` asks for the Python code, which gives the same results.
    """
    if os.environ.get("PIPELINE_NO_C", "") not in ("", "0"):
        return None
    try:
        from pipeline import _speedups  # type: ignore[attr-defined]
    except ImportError:
        return None
    return _speedups
