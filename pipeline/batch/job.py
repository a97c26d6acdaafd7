"""One input file -> its validated JSON text and counts, as a dict that says ok or why it failed; never raises.

``convert`` runs in a batch worker (``pipeline.batch.pool``) and ``convert_bytes`` on a Dask worker,
which gets the file's bytes instead of its path.
"""

from __future__ import annotations

import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pipeline.emit import ValidationFailed, dumps, to_dict, validate
from pipeline.pages import EncryptedPdfError, PdfError
from pipeline.read import sniff
from pipeline.run import parse_file

# What parses one file instead of ``convert``: path -> result dict (tests inject failures with one).
Handler = Callable[[str], dict[str, Any]]
# The item lists counted in the manifest.
COUNTED = ("targets", "dates", "references", "entities")
# Address space a local worker may map (``RLIMIT_AS``): a hostile file that
# makes PDFium or Tesseract allocate without bound fails alone with a
# MemoryError or a crash instead of taking the machine's memory.
DEFAULT_WORKER_MEMORY = 3 << 30


def one_line(text: str, limit: int = 300) -> str:
    """An error message on one line of at most ``limit`` characters: "x.pdf:\n  bad" -> "x.pdf: bad"."""
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def failure(message: str, seconds: float = 0.0) -> dict[str, Any]:
    """The result of a file that failed: {"status": "failed", "error": "x.pdf: timed out after 300 s", …}."""
    return {"status": "failed", "error": one_line(message), "seconds": seconds}


def convert(path: str, ner_model: bool = False, ocr: bool | None = None, native: bool = True) -> dict[str, Any]:
    """Parse one PDF into its validated JSON text; never raises.

    Args:
        path: e.g. samples/zhengzhengban-2017-30.pdf.
        ner_model: also run the trained NER model (``parse --ner-model``).
        ocr: False leaves pages without a text layer unreadable (``--no-ocr``);
            None is on (the CLI reads ``PIPELINE_OCR`` into it).
        native: False parses with the Python code, not the C module (``PIPELINE_NO_C``).

    Returns:
        ``{"status": "ok", "text": <JSON>, "pages": 17, "targets": 25, …, "seconds": 1.9}``
        or ``{"status": "failed", "error": "x.pdf: not a PDF (no %PDF- header)", "seconds": 0.0}``.
    """
    t0 = time.perf_counter()
    kind = sniff(path)
    try:
        data = to_dict(parse_file(path, ner_model=ner_model, ocr=ocr, native=native))
        validate(data)
        text = dumps(data)
    except EncryptedPdfError as e:  # batch takes no password: say what to do instead
        message = str(e).replace("; give --password", "")
        return {**failure(f"{message}; batch reads no encrypted files: parse it alone with --password, or decrypt "
                           f"it first (qpdf --decrypt --password=PW in.pdf out.pdf)", time.perf_counter() - t0),
                "format": kind}
    except PdfError as e:
        return {**failure(str(e), time.perf_counter() - t0), "format": kind}
    except ValidationFailed as e:
        return {**failure(f"{path}: output fails the schema at {e}", time.perf_counter() - t0), "format": kind}
    except MemoryError:
        return {**failure(f"{path}: over the memory limit of {DEFAULT_WORKER_MEMORY >> 30} GB per file",
                           time.perf_counter() - t0), "format": kind}
    except Exception as e:  # a bug on one file must not stop the batch
        return {**failure(f"{path}: internal error: {type(e).__name__}: {e}", time.perf_counter() - t0),
                "format": kind}
    out = {"status": "ok", "text": text, "pages": data["source"]["pages"], "seconds": time.perf_counter() - t0}
    out.update({k: len(data.get(k) or ()) for k in COUNTED})
    out["page_quality"] = dict(Counter(p["quality"] for p in data["pages"]))
    out["format"] = data["source"].get("format", "pdf")
    return out


def guarded(handler: Handler, path: str) -> dict[str, Any]:
    t0 = time.perf_counter()
    try:
        out = handler(path)
    except BaseException as e:  # a handler that raises, even SystemExit, fails its file only
        return failure(f"{path}: internal error: {type(e).__name__}: {e}", time.perf_counter() - t0)
    out.setdefault("seconds", time.perf_counter() - t0)
    return out


def convert_bytes(path: str, data: bytes, handler: Handler | None = None) -> dict[str, Any]:
    """Parse a PDF given as bytes (a Dask task), written to a temporary folder under its own file name.

    Args:
        path: the input's path on the client, /data/郑政办-30.pdf: its name is kept, so the
            output's ``source.file`` is the same as a local run's, and errors name it.
        data: the file's bytes.
        handler: run instead of ``convert``.
    """
    with tempfile.TemporaryDirectory(prefix="pipeline-") as tmp:
        copy = Path(tmp) / Path(path).name
        copy.write_bytes(data)
        out = guarded(handler or convert, str(copy))
    if out.get("error"):  # name the input, not the temporary copy
        out["error"] = out["error"].replace(str(copy), path)
    return out
