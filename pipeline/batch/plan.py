"""What a batch does with each input before parsing any: which inputs there are, what their outputs are
called, and which are skipped (unchanged, moved, copies), parsed, or recorded beside another's output.

Nothing here parses a file; ``plan_batch`` touches no file at all.
"""

from __future__ import annotations

import glob
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from pipeline.batch.records import BatchError, Record
from pipeline.emit import SCHEMA_VERSION
from pipeline.fingerprint import code_digest
from pipeline.read import SUFFIXES
from pipeline.version import __version__

# How many hex digits of the path hash name an output; more when two inputs would collide.
DEFAULT_HASH_DIGITS = 8


@dataclass(frozen=True)
class Task:
    """One output to make: the input parsed for it, its content's SHA-256 and the output's file name."""

    path: Path
    sha256: str
    output: str


def pipeline_version() -> str:
    """The version a rerun compares: package, schema and a digest of the code and rule data.

    ``0.2.0+schema1.0.0+code3f9a0c1b7d2e``: any change to a module, a rule or word
    list, the NER model or a schema changes it, so a rerun after an upgrade redoes
    the files (``pipeline.fingerprint``).
    """
    return f"{__version__}+schema{SCHEMA_VERSION}+code{code_digest()}"


def default_workers() -> int:
    """The CPUs this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def _pdfs_under(folder: Path) -> list[Path]:
    """The files under a folder with a suffix of a kind the pipeline reads (PDF, OFD, DOCX, DOC, WPS, HTML)."""
    return sorted(p for p in folder.rglob("*") if p.suffix.lower() in SUFFIXES and p.is_file())


def has_pdfs(folder: Path) -> bool:
    """Whether ``expand_inputs`` finds a file to parse under a folder: pdfs/2017/a.PDF, a.docx count."""
    return any(p.suffix.lower() in SUFFIXES and p.is_file() for p in folder.rglob("*"))


def expand_inputs(inputs: Iterable[str | Path]) -> list[Path]:
    """Turn files, folders and glob patterns into a sorted list of absolute files.

    Args:
        inputs: e.g. ``["samples/zhengzhengban-2017-30.pdf", "corpus/", "2017/**/*.pdf"]``;
            a file is taken whatever its suffix, a folder gives every ``*.pdf``
            under it (any case), a glob gives the files and folders it matches.

    Returns:
        Every input once, resolved (symbolic links followed), in path order.

    Raises:
        BatchError: an input that is neither a file, a folder nor a glob matching something.
    """
    found: set[Path] = set()
    for item in inputs:
        p = Path(item)
        if p.is_dir():
            found.update(_pdfs_under(p))
        elif p.is_file():
            found.add(p)
        elif glob.has_magic(str(item)):
            matches = [Path(m) for m in glob.glob(str(item), recursive=True)]
            if not matches:
                raise BatchError(f"{item}: the pattern matches nothing")
            for m in matches:
                found.update(_pdfs_under(m) if m.is_dir() else [m] if m.is_file() else [])
        else:
            raise BatchError(f"{item}: no such file or folder")
    return sorted({p.resolve() for p in found})


def output_name(path: Path, sha256: str, digits: int = DEFAULT_HASH_DIGITS) -> str:
    """The output file name of an input: its stem and the start of its content's SHA-256.

    Args:
        path: an input path, e.g. /data/郑州/郑政办-30.pdf.
        sha256: the SHA-256 of its content, in hex.
        digits: how many hex digits to keep.

    Returns:
        e.g. ``郑政办-30-0d3c9a7e.json``.
    """
    return f"{path.stem}-{sha256[:digits]}.json"


def assign_outputs(inputs: Mapping[Path, str], taken: Mapping[str, str] | None = None) -> dict[Path, str]:
    """Name the output of every input, lengthening the hash of inputs whose names collide.

    Args:
        inputs: input path -> SHA-256 of its content.
        taken: output names already in the folder (lower-cased) -> the SHA-256 they hold.

    Returns:
        input path -> output name; inputs of equal content and stem share a name.
    """
    taken = dict(taken or {})
    names: dict[Path, str] = {}
    for digits in (DEFAULT_HASH_DIGITS, 16, 64):
        groups: dict[str, set[str]] = {}
        for p, sha in inputs.items():
            if p not in names:
                groups.setdefault(output_name(p, sha, digits).casefold(), set()).add(sha)
        for p, sha in inputs.items():
            if p in names:
                continue
            key = output_name(p, sha, digits).casefold()
            if digits == 64 or (len(groups[key]) == 1 and taken.get(key, sha) == sha):
                names[p] = output_name(p, sha, digits)
    return names


@dataclass(frozen=True)
class BatchPlan:
    """What a run does with each input before parsing any: ``plan_batch``'s answer.

    ``skipped`` are finished at once (unchanged, or moved / renamed / copied from
    content the folder holds); ``todo`` are parsed, one task per output;
    ``copies`` names, per output, the further inputs of the same content recorded with it.
    """

    skipped: tuple[tuple[Path, Record], ...]
    todo: tuple[Task, ...]
    copies: dict[str, list[Path]]


def plan_batch(shas: Mapping[Path, str], state: Mapping[str, Record], version: str, *,
               exists: Callable[[str], bool], force: bool = False, retry_failed: bool = False) -> BatchPlan:
    """Decide, without touching a file, which inputs are skipped, parsed, or recorded as copies.

    Args:
        shas: every readable input -> the SHA-256 of its content, in input order.
        state: the manifest's last record per input path (``read_manifest``).
        version: this run's pipeline version; records of another are redone.
        exists: whether an output name is a file in the folder (``(out / name).is_file()``).
        force: redo unchanged inputs.
        retry_failed: redo unchanged inputs that failed.

    Returns:
        The plan: /in/a.pdf unchanged since an ok run -> skipped; /new/a.pdf, the same
        content moved -> skipped with the output it has; b.pdf and its copy b2.pdf, new ->
        one task for b's output and b2 among its ``copies``.
    """
    # what the folder already holds, by content: a moved or renamed input is found here
    by_sha: dict[str, Record] = {}
    for old in state.values():
        if old.sha256 and old.version == version and old.outcome == "ok" and old.output and exists(old.output):
            by_sha.setdefault(old.sha256, old)
    taken = {r.output.casefold(): r.sha256 or "" for r in state.values() if r.output}
    names = assign_outputs({p: sha for p, sha in shas.items() if sha not in by_sha}, taken)
    skipped: list[tuple[Path, Record]] = []
    todo: list[Task] = []
    copies: dict[str, list[Path]] = {}  # output -> further inputs of the same content, recorded with it
    for path, sha in shas.items():
        prev = state.get(str(path))
        if prev and not force and prev.sha256 == sha and prev.version == version:
            outcome = prev.outcome
            kept = outcome == "ok" and prev.output is not None and exists(prev.output)
            if kept or (outcome == "failed" and not retry_failed):
                skipped.append((path, replace(prev, status="skipped", seconds=0.0, previous=outcome)))
                continue
        same = by_sha.get(sha)
        if same is not None and not force:  # moved, renamed or copied: the output stands
            skipped.append((path, replace(same, path=str(path), status="skipped", seconds=0.0, previous="ok")))
            continue
        name = same.output if same is not None and same.output else names[path]
        if name in copies:
            copies[name].append(path)
            continue
        copies[name] = []
        todo.append(Task(path, sha, name))
    return BatchPlan(tuple(skipped), tuple(todo), copies)


def result_record(path: Path, task: Task, result: Mapping[str, Any], version: str) -> Record:
    """The manifest record of ``path`` (the task's input or a copy of it) once its task has a result."""
    seconds = round(float(result.get("seconds", 0.0)), 3)
    if result.get("status") == "ok":
        return Record(str(path), task.sha256, "ok", output=task.output, pages=result.get("pages"), seconds=seconds,
                      targets=result.get("targets"), dates=result.get("dates"),
                      references=result.get("references"), entities=result.get("entities"),
                      page_quality=result.get("page_quality"), format=result.get("format"), version=version)
    return Record(str(path), task.sha256, "failed", result.get("error") or "failed", seconds=seconds,
                  format=result.get("format"), version=version)


def retired_output(old: str | None, new: str | None, path: Path, records: Iterable[Record]) -> str | None:
    """The output of older content of ``path`` to delete once it has ``new``: ``old``, unless another input's
    record names it (a copy elsewhere still stands on it) or it is ``new`` itself; else None."""
    if not old or old == new:
        return None
    if any(r.output == old and r.path != str(path) for r in records):
        return None
    return old

