"""Reading parse outputs back: the one reader of output folders, used by export, xref and review.

A folder of outputs is what ``pipeline batch`` writes (JSON files listed in
``manifest.jsonl``) or any folder of ``*.json`` written by ``pipeline parse``.
Everything read is checked, because a folder holds what people and other
tools put there:

* a file is taken only when it is JSON, an object, and valid against the
  schema (``emit.validate``); anything else (an xref ``report.json``, a table,
  ``[1,2,3]``, a truncated file) is skipped with a one-line note naming it,
  and the others are read;
* a path named by data is never followed out of the folder: a manifest
  record's ``output`` must be a plain file name inside it
  (``../victim/planted.json`` is ignored with a note), and a listed file that
  is a symbolic link to somewhere outside the folder is skipped;
* the same PDF twice (equal ``source.sha256``) is one document.

Notes go into a list the caller passes; the CLI prints them as warnings.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.emit import ValidationFailed, validate

MANIFEST = "manifest.jsonl"
# Bigger files are not parse outputs of a policy document (the largest real ones are a few MB).
DEFAULT_MAX_BYTES = 512 * 1024 * 1024


class NotAnOutput(Exception):
    """A file that is not a parse output; the message is one line naming it."""


@dataclass(frozen=True)
class Output:
    """One parse output read back: its file, its id (the file's stem) and its data."""

    path: Path
    id: str
    data: dict[str, Any]


def _kind_of_foreign(data: Any) -> str:
    if isinstance(data, dict) and "findings" in data and "edges" in data:
        return "an xref report, not a parse output"
    if isinstance(data, dict):
        return "not a parse output (no schema_version)"
    return f"not a parse output (a JSON {type(data).__name__}, not an object)"


def read_output(path: str | Path, max_bytes: int = DEFAULT_MAX_BYTES) -> dict[str, Any]:
    """Take a JSON file and give its parse output, checked against the schema.

    Example: out/郑政办-30-1a899f7d.json -> {"schema_version": "1.0.0", "source": {…}, …}.

    Raises:
        NotAnOutput: unreadable, not JSON, cut short, too deep, or not valid
            against the schema: "x.json: not JSON (Expecting ',' delimiter: line 9 column 3)".
    """
    path = Path(path)
    try:
        if path.stat().st_size > max_bytes:
            raise NotAnOutput(f"{path}: over {max_bytes // 2**20} MB, not a parse output")
        raw = path.read_bytes()
    except OSError as e:
        raise NotAnOutput(f"{path}: cannot read: {e.strerror or e}") from None
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as e:
        if e.start >= len(raw) - 3:  # cut inside the last character
            raise NotAnOutput(f"{path}: not JSON, or cut short (ends inside a character)") from None
        raise NotAnOutput(f"{path}: not JSON (not UTF-8 text)") from None
    except json.JSONDecodeError as e:
        raise NotAnOutput(f"{path}: not JSON, or cut short ({e.msg}: line {e.lineno} column {e.colno})") from None
    except RecursionError:
        raise NotAnOutput(f"{path}: JSON nested too deeply") from None
    if not isinstance(data, dict) or "schema_version" not in data or ("findings" in data and "edges" in data):
        raise NotAnOutput(f"{path}: {_kind_of_foreign(data)}")
    try:
        validate(data)
    except ValidationFailed as e:
        raise NotAnOutput(f"{path}: not a valid parse output (at {e})") from None
    except RecursionError:
        raise NotAnOutput(f"{path}: JSON nested too deeply") from None
    return data


def _inside(folder: Path, name: str) -> Path | None:
    """``folder/name`` when name is a plain file name whose file (links followed) stays in ``folder``."""
    if not name or name in (".", "..") or "/" in name or "\\" in name or "\0" in name:
        return None
    path = folder / name
    try:
        if path.resolve().parent != folder.resolve():
            return None
    except (OSError, RuntimeError):  # a link loop
        return None
    return path


def plain_output_name(name: object) -> bool:
    """Whether a manifest's ``output`` is a plain ``*.json`` file name: no folder, no ``..``, no hidden file.

    The one rule for a name read from a manifest; a file opened by it is also checked with
    ``_inside`` (a link out of the folder is not followed).
    """
    return (isinstance(name, str) and name.endswith(".json") and not name.startswith(".")
            and "/" not in name and "\\" not in name and "\0" not in name)


def record_outcome(rec: dict[str, Any]) -> str | None:
    """ok or failed: a manifest record's standing result, looking through a skip."""
    return rec.get("previous") if rec.get("status") == "skipped" else rec.get("status")


def read_manifest_records(folder: str | Path, notes: list[str] | None = None) -> dict[str, dict[str, Any]] | None:
    """The one reader of a batch manifest: the last record of every input, by input path, as written.

    Lines that do not parse (a last line cut short by a crash) are ignored; a
    record whose ``output`` is no plain file name (``../victim/x.json``) keeps its
    other fields with ``output`` None, and a note says so.

    Args:
        folder: a batch folder, e.g. out/ holding out/manifest.jsonl.
        notes: receives a line for every output name refused, or a manifest that cannot be read.

    Returns:
        ``{"/data/郑政办-30.pdf": {"path": …, "sha256": …, "status": "ok", "output": "郑政办-30-0d3c9a7e.json", …}}``,
        or None when the folder has no manifest (or it cannot be read).
    """
    notes = [] if notes is None else notes
    path = Path(folder) / MANIFEST
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as e:
        notes.append(f"{path}: cannot read: {e.strerror or e}")
        return None
    last: dict[str, dict[str, Any]] = {}
    for line in raw.split(b"\n"):
        try:
            rec = json.loads(line)
        except (ValueError, RecursionError):
            continue  # a line cut by a crash
        if not isinstance(rec, dict) or not isinstance(rec.get("path"), str):
            continue
        out = rec.get("output")
        if out is not None and not plain_output_name(out):
            notes.append(f"{path}: the record of {rec['path']} names an output outside the folder ({out!r}); "
                         f"ignored")
            rec = {**rec, "output": None}  # data never names a file outside the folder
        last[rec["path"]] = rec
    return last


def manifest_outputs(folder: Path, notes: list[str]) -> list[str] | None:
    """The output names a batch manifest lists as ok (last record per input), or None without a manifest."""
    had = len(notes)
    records = read_manifest_records(folder, notes)
    if records is None:
        if len(notes) > had:
            notes[-1] += "; reading every *.json instead"
        return None
    return sorted({rec["output"]: None for rec in records.values()
                   if record_outcome(rec) == "ok" and rec.get("output") is not None})


def list_outputs(folder: str | Path, notes: list[str] | None = None) -> list[Path]:
    """The files of an output folder to read: those its manifest lists as ok, else every ``*.json``.

    Args:
        folder: e.g. out/, written by ``pipeline batch`` or holding ``parse -o`` outputs.
        notes: receives a line for every record or file passed over.

    Returns:
        Paths in name order, each inside ``folder``: out/郑政办-30-1a899f7d.json.
    """
    notes = [] if notes is None else notes
    root = Path(folder)
    names = manifest_outputs(root, notes)
    if names is None:
        names = sorted(p.name for p in root.glob("*.json") if not p.name.startswith("."))
    paths = []
    for name in names:
        path = _inside(root, name)
        if path is None:
            notes.append(f"{root / name}: a link to outside the folder; skipped")
        elif path.is_file():
            paths.append(path)
        elif path.exists():
            notes.append(f"{path}: not a regular file; skipped")
    return paths


def is_output_folder(folder: str | Path) -> bool:
    """Whether a folder holds parse outputs to read (a manifest or ``*.json``) rather than PDFs to parse."""
    root = Path(folder)
    return (root / MANIFEST).is_file() or any(not p.name.startswith(".") for p in root.glob("*.json"))


def read_outputs(sources: Iterable[str | Path], notes: list[str] | None = None) -> Iterator[Output]:
    """Read parse outputs from folders and files, skipping with a note what is not one.

    Args:
        sources: output folders and JSON files, e.g. ``["out/", "more/x.json"]``.
        notes: receives one line per file skipped: "out/report.json: an xref report, not a parse output".

    Yields:
        ``Output`` values in the order given (a folder's in name order), each PDF
        (by ``source.sha256``) once.
    """
    notes = [] if notes is None else notes
    seen: dict[str, Path] = {}
    for source in sources:
        src = Path(source)
        if src.is_dir():
            files = list_outputs(src, notes)
        elif src.is_file():
            files = [src]
        else:
            notes.append(f"{src}: no such file or folder")
            continue
        for path in files:
            try:
                data = read_output(path)
            except NotAnOutput as e:
                notes.append(f"{e}; skipped")
                continue
            sha = str((data.get("source") or {}).get("sha256"))  # the schema requires it
            if sha in seen and os.path.realpath(seen[sha]) != os.path.realpath(path):
                notes.append(f"{path}: the same PDF as {seen[sha].name} (sha256 {sha[:8]}…); read once")
                continue
            if sha in seen:
                continue
            seen[sha] = path
            yield Output(path, path.stem, data)
