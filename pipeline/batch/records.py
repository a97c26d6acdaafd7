"""What a batch keeps on disk and reports: one ``Record`` per input in ``manifest.jsonl``, the folder lock,
and the ``BatchReport`` of a run.

The manifest is appended one flushed, fsynced line per finished input and compacted atomically when the
run ends; ``pipeline.outputs.read_manifest_records`` is its one reader.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

from pipeline import emit
from pipeline.outputs import MANIFEST, read_manifest_records, record_outcome

# The lock file that keeps two batches out of one output folder.
LOCK = ".batch.lock"


class BatchError(Exception):
    """A batch that cannot run at all; the message is one line for the user.

    ``report`` holds what was done before it stopped (a full disk), for the summary.
    """

    def __init__(self, message: str, report: BatchReport | None = None) -> None:
        super().__init__(message)
        self.report = report


@dataclass(frozen=True)
class Record:
    """What became of one input: one line of ``manifest.jsonl``.

    ``previous`` is set on skipped inputs: the status (ok or failed) of the run
    whose result stands, whose ``output``, ``error``, ``pages`` and counts are
    carried over.
    """

    path: str
    sha256: str | None
    status: str  # ok / failed / skipped
    error: str | None = None
    output: str | None = None
    pages: int | None = None
    seconds: float = 0.0
    targets: int | None = None
    dates: int | None = None
    references: int | None = None
    entities: int | None = None
    page_quality: dict[str, int] | None = None  # pages by text-layer quality: {"ok": 15, "unreadable": 2}
    format: str | None = None  # what the file is, told by its bytes: pdf / ofd / docx / doc / wps / html
    version: str | None = None
    previous: str | None = None

    @property
    def outcome(self) -> str:
        """ok or failed: the standing result, looking through a skip."""
        return record_outcome({"status": self.status, "previous": self.previous}) or "failed"

    def to_line(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False) + "\n"

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Record:
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})


def read_manifest(outdir: str | Path) -> dict[str, Record]:
    """The last record of every input in ``OUTDIR/manifest.jsonl``, by absolute path.

    Read by ``pipeline.outputs.read_manifest_records``, the one reader and its one
    rule for output names: a record naming a file outside the folder keeps no output.
    """
    state: dict[str, Record] = {}
    for key, data in (read_manifest_records(outdir) or {}).items():
        try:
            state[key] = Record.from_json(data)
        except TypeError:
            continue
    return state


class ManifestWriter:
    """Appends records one line at a time, each flushed to disk before the next file counts as done."""

    def __init__(self, path: Path) -> None:
        self.f = open(path, "ab")  # noqa: SIM115 - closed in close()
        if self.f.tell() > 0:
            with open(path, "rb") as r:
                r.seek(-1, os.SEEK_END)
                if r.read(1) != b"\n":  # a line cut by a crash: start a fresh one
                    self._write(b"\n")

    def _write(self, data: bytes) -> None:
        self.f.write(data)
        self.f.flush()
        os.fsync(self.f.fileno())

    def append(self, rec: Record) -> None:
        try:
            self._write(rec.to_line().encode("utf-8"))
        except OSError as e:
            raise OSError(e.errno, e.strerror, self.f.name) from None

    def close(self) -> None:
        self.f.close()


def compact_manifest(outdir: Path, ordered: Sequence[Record]) -> None:
    """Rewrite the manifest atomically with one line per input: this run's first, then older ones."""
    state = read_manifest(outdir)
    mine = {r.path for r in ordered}
    shas = {r.sha256 for r in ordered if r.sha256}
    # an input moved or renamed: its old path is gone and this run recorded its content under the new one
    rest = [state[p] for p in sorted(state)
            if p not in mine and not (state[p].sha256 in shas and not Path(p).exists())]
    emit.write_atomic(outdir / MANIFEST, "".join(r.to_line() for r in [*ordered, *rest]))


class FolderLock:
    """An exclusive lock on the output folder, so two batches never write it at once."""

    def __init__(self, outdir: Path) -> None:
        self.f = open(outdir / LOCK, "a")  # noqa: SIM115 - closed in release()
        try:
            import fcntl  # POSIX only

            fcntl.flock(self.f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except ImportError:  # no fcntl (Windows): no lock
            pass
        except OSError:
            self.f.close()
            raise BatchError(f"{outdir}: another batch is writing to this folder") from None

    def release(self) -> None:
        self.f.close()


def remove_leftovers(outdir: Path) -> None:
    """Delete temporary files a killed run left (``emit.write_atomic`` names them ``.<name>.*.tmp``)."""
    for tmp in outdir.glob(".*.tmp"):
        tmp.unlink(missing_ok=True)


@dataclass(frozen=True)
class BatchReport:
    """The records of one run, in input order, and its wall-clock time."""

    records: tuple[Record, ...]
    seconds: float
    workers: int
    outdir: str

    def count(self, status: str) -> int:
        return sum(1 for r in self.records if r.status == status)

    @property
    def pages(self) -> int:
        """Pages parsed in this run (skipped inputs not counted)."""
        return sum(r.pages or 0 for r in self.records if r.status == "ok")

    @property
    def failures(self) -> tuple[Record, ...]:
        """Inputs without an output: failed now, or skipped because they failed before unchanged."""
        return tuple(r for r in self.records if r.outcome == "failed")

