"""Many PDFs -> one JSON each in an output folder, with a crash-safe manifest.

``run_batch(inputs, outdir)`` expands files, folders (recursively, ``*.pdf``)
and globs, parses every input in worker processes of its own (or on a Dask
cluster), and writes:

* ``OUTDIR/<stem>-<hash>.json`` for every input that parses: ``<stem>`` is
  the input's file name without ``.pdf`` and ``<hash>`` the first 8 hex
  digits of the SHA-256 of its content, so ``a/通知.pdf`` and ``b/通知.pdf``
  never collide unless they are the same file, and a file keeps its output
  wherever it moves: ``/data/郑州/郑政办-30.pdf`` -> ``郑政办-30-0d3c9a7e.json``.
  Two inputs whose names would still collide get 16, then 64 hex digits.
  Outputs are content-addressed: an input moved or renamed since the last run
  is recognised by its SHA-256 and not parsed again (the manifest records its
  new path beside the output it already has; a renamed input's output keeps
  the name it was first parsed under), and copies of one file share one output.
* ``OUTDIR/manifest.jsonl``: one JSON object per input (``Record``): path,
  sha256, status (ok / failed / skipped), error, pages, seconds and the
  counts of targets, dates, references and entities.

Crash safety: outputs are written through a temporary file and a rename;
the manifest gets one line per finished input, flushed and fsynced, and is
rebuilt on the next run from its last valid line per input (a line cut by
``kill -9`` is ignored). A rerun skips inputs whose SHA-256 and pipeline
version are unchanged (``force=True`` redoes them), so killing a batch at any
moment and running it again gives a complete result. An unchanged input that
failed is skipped too (``retry_failed=True`` redoes those only) but still
counts as failed, so a rerun exits as the run it repeats did. When the run
ends the manifest is compacted to one line per input, again atomically.

Isolation: each local worker is a process that parses one file at a time; a
worker that crashes (segfault, out of memory) or overruns the per-file
timeout is killed and replaced, and that input alone is marked failed. The
workers' standard output and error (library warnings) go to ``OUTDIR/batch.log``.

Distributed: with ``scheduler="tcp://host:8786"`` the same tasks run on a
Dask cluster. The client reads each PDF and ships its bytes, so workers need
no shared file system; results come back to the client, which writes outputs
and manifest exactly as a local run does::

    # on the scheduler machine
    dask scheduler --host 0.0.0.0 --port 8786
    # on every worker machine (same Python environment, pipeline installed)
    dask worker tcp://SCHEDULER:8786 --nworkers -1 --nthreads 1   # one single-threaded process per CPU
    # anywhere
    python -m pipeline batch pdfs/ -o out/ --scheduler tcp://SCHEDULER:8786

Every machine, the scheduler's included, needs the same environment with
the pipeline installed (``pip install .``): the scheduler unpickles the tasks.
A Dask worker thread cannot be interrupted, so on a cluster ``timeout``
marks the input failed and cancels its task but the worker keeps computing
until the parse returns; a worker process that dies is restarted by its
nanny, and a file that kills workers repeatedly is marked failed.
"""

from __future__ import annotations

import glob
import json
import multiprocessing as mp
import os
import signal
import tempfile
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, fields, replace
from functools import partial
from multiprocessing.connection import wait as wait_ready
from pathlib import Path
from typing import IO, Any, Protocol

from pipeline.outputs import MANIFEST, list_outputs, read_manifest_records, record_outcome

LOCK = ".batch.lock"
# Where local workers' standard output and error go (library warnings, model loading).
LOG = "batch.log"
# Seconds one file may take before its worker is killed and the file marked failed.
DEFAULT_TIMEOUT = 300.0
# Seconds a new worker process may take to start (imports) before its first file's timeout runs.
DEFAULT_STARTUP_GRACE = 120.0
# Seconds to wait for a Dask scheduler to answer.
DEFAULT_CONNECT_TIMEOUT = 30.0
# What a worker sends when it takes a file.
STARTED = "started"
# How many hex digits of the path hash name an output; more when two inputs would collide.
DEFAULT_HASH_DIGITS = 8
# The item lists counted in the manifest.
COUNTED = ("targets", "dates", "references", "entities")
# Workers that die this many times in a row before taking a file cannot start
# at all (a broken install): stop instead of looping.
MAX_STARTUP_DEATHS = 3

Handler = Callable[[str], dict[str, Any]]


class BatchError(Exception):
    """A batch that cannot run at all; the message is one line for the user.

    ``report`` holds what was done before it stopped (a full disk), for the summary.
    """

    def __init__(self, message: str, report: BatchReport | None = None) -> None:
        super().__init__(message)
        self.report = report


# Address space a local worker may map (``RLIMIT_AS``): a hostile file that
# makes PDFium or Tesseract allocate without bound fails alone with a
# MemoryError or a crash instead of taking the machine's memory.
DEFAULT_WORKER_MEMORY = 3 << 30


def _die_with_parent(parent: int) -> None:
    """Have the kernel kill this worker when the batch that started it dies (Linux ``PR_SET_PDEATHSIG``).

    Elsewhere, or should the parent already be gone, the worker's pipe closes
    and it exits at its next file; a worker busy on a long file would
    otherwise run on, orphaned, after a ``kill -9`` of the batch.
    """
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # the parent died before the call
        os._exit(1)


def _limit_memory(limit: int) -> None:
    """Cap this process's address space at ``limit`` bytes (no-op where ``resource`` is missing)."""
    try:
        import resource

        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        if soft == resource.RLIM_INFINITY or soft > limit:
            resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (ImportError, ValueError, OSError):
        pass


def pipeline_version() -> str:
    """The version a rerun compares: package, schema and a digest of the code and rule data.

    ``0.2.0+schema1.0.0+code3f9a0c1b7d2e``: any change to a module, a rule or word
    list, the NER model or a schema changes it, so a rerun after an upgrade redoes
    the files (``pipeline.fingerprint``).
    """
    from pipeline import __version__
    from pipeline.emit import SCHEMA_VERSION
    from pipeline.fingerprint import code_digest

    return f"{__version__}+schema{SCHEMA_VERSION}+code{code_digest()}"


def default_workers() -> int:
    """The CPUs this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


# --- inputs and names -------------------------------------------------------------


def _pdfs_under(folder: Path) -> list[Path]:
    """The files under a folder with a suffix of a kind the pipeline reads (PDF, OFD, DOCX, DOC, WPS, HTML)."""
    from pipeline.read import SUFFIXES

    return sorted(p for p in folder.rglob("*") if p.suffix.lower() in SUFFIXES and p.is_file())


def has_pdfs(folder: Path) -> bool:
    """Whether ``expand_inputs`` finds a file to parse under a folder: pdfs/2017/a.PDF, a.docx count."""
    from pipeline.read import SUFFIXES

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


# --- the manifest -------------------------------------------------------------------


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


class _ManifestWriter:
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


def _compact(outdir: Path, ordered: Sequence[Record]) -> None:
    """Rewrite the manifest atomically with one line per input: this run's first, then older ones."""
    from pipeline.emit import write_atomic

    state = read_manifest(outdir)
    mine = {r.path for r in ordered}
    shas = {r.sha256 for r in ordered if r.sha256}
    # an input moved or renamed: its old path is gone and this run recorded its content under the new one
    rest = [state[p] for p in sorted(state)
            if p not in mine and not (state[p].sha256 in shas and not Path(p).exists())]
    write_atomic(outdir / MANIFEST, "".join(r.to_line() for r in [*ordered, *rest]))


class _Lock:
    """An exclusive lock on the output folder, so two batches never write it at once."""

    def __init__(self, outdir: Path) -> None:
        self.f = open(outdir / LOCK, "a")  # noqa: SIM115 - closed in release()
        try:
            import fcntl

            fcntl.flock(self.f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except ImportError:  # no fcntl (Windows): no lock
            pass
        except OSError:
            self.f.close()
            raise BatchError(f"{outdir}: another batch is writing to this folder") from None

    def release(self) -> None:
        self.f.close()


def _remove_leftovers(outdir: Path) -> None:
    """Delete temporary files a killed run left (``emit.write_atomic`` names them ``.<name>.*.tmp``)."""
    for tmp in outdir.glob(".*.tmp"):
        tmp.unlink(missing_ok=True)


# --- one file -------------------------------------------------------------------------


def _one_line(text: str, limit: int = 300) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _failure(message: str, seconds: float = 0.0) -> dict[str, Any]:
    return {"status": "failed", "error": _one_line(message), "seconds": seconds}


def convert(path: str, ner_model: bool = False, ocr: bool | None = None) -> dict[str, Any]:
    """Parse one PDF into its validated JSON text; never raises.

    Args:
        path: e.g. samples/zhengzhengban-2017-30.pdf.
        ner_model: also run the trained NER model (``parse --ner-model``).
        ocr: False leaves pages without a text layer unreadable (``--no-ocr``);
            None follows ``PIPELINE_OCR``.

    Returns:
        ``{"status": "ok", "text": <JSON>, "pages": 17, "targets": 25, …, "seconds": 1.9}``
        or ``{"status": "failed", "error": "x.pdf: not a PDF (no %PDF- header)", "seconds": 0.0}``.
    """
    from pipeline.emit import ValidationFailed, dumps, to_dict, validate
    from pipeline.extract import EncryptedPdfError, PdfError
    from pipeline.read import sniff
    from pipeline.run import parse_file

    t0 = time.perf_counter()
    kind = sniff(path)
    try:
        data = to_dict(parse_file(path, ner_model=ner_model, ocr=ocr))
        validate(data)
        text = dumps(data)
    except EncryptedPdfError as e:  # batch takes no password: say what to do instead
        message = str(e).replace("; give --password", "")
        return {**_failure(f"{message}; batch reads no encrypted files: parse it alone with --password, or decrypt "
                           f"it first (qpdf --decrypt --password=PW in.pdf out.pdf)", time.perf_counter() - t0),
                "format": kind}
    except PdfError as e:
        return {**_failure(str(e), time.perf_counter() - t0), "format": kind}
    except ValidationFailed as e:
        return {**_failure(f"{path}: output fails the schema at {e}", time.perf_counter() - t0), "format": kind}
    except MemoryError:
        return {**_failure(f"{path}: over the memory limit of {DEFAULT_WORKER_MEMORY >> 30} GB per file",
                           time.perf_counter() - t0), "format": kind}
    except Exception as e:  # a bug on one file must not stop the batch
        return {**_failure(f"{path}: internal error: {type(e).__name__}: {e}", time.perf_counter() - t0),
                "format": kind}
    out = {"status": "ok", "text": text, "pages": data["source"]["pages"], "seconds": time.perf_counter() - t0}
    out.update({k: len(data.get(k) or ()) for k in COUNTED})
    out["page_quality"] = dict(Counter(p["quality"] for p in data["pages"]))
    out["format"] = data["source"].get("format", "pdf")
    return out


def _guarded(handler: Handler, path: str) -> dict[str, Any]:
    t0 = time.perf_counter()
    try:
        out = handler(path)
    except BaseException as e:  # a handler that raises, even SystemExit, fails its file only
        return _failure(f"{path}: internal error: {type(e).__name__}: {e}", time.perf_counter() - t0)
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
        out = _guarded(handler or convert, str(copy))
    if out.get("error"):  # name the input, not the temporary copy
        out["error"] = out["error"].replace(str(copy), path)
    return out


# --- progress -------------------------------------------------------------------------


class Progress(Protocol):
    def start(self, total: int) -> None: ...

    def update(self, rec: Record) -> None: ...

    def close(self) -> None: ...


class ProgressBar:
    """A progress bar with ETA (tqdm) on a terminal, told each record as it is written.

    ``37/120 |███▏      | 31% ok 35 failed 2 skipped 0  2.1 files/s  ETA 00:39``;
    draws nothing when ``stream`` is not a terminal or ``enabled`` is False.
    """

    def __init__(self, stream: IO[str], enabled: bool = True, unit: str = "file") -> None:
        self.stream = stream
        self.enabled = enabled and bool(getattr(stream, "isatty", lambda: False)())
        self.unit = unit
        self.counts = {"ok": 0, "failed": 0, "skipped": 0}
        self.bar: Any = None

    def start(self, total: int) -> None:
        if not self.enabled:
            return
        from tqdm import tqdm

        self.bar = tqdm(total=total, file=self.stream, unit=self.unit, dynamic_ncols=True, leave=True,
                        bar_format="{n_fmt}/{total_fmt} |{bar}| {percentage:3.0f}% {postfix} "
                                   "{rate_fmt}  ETA {remaining}")
        self._postfix()

    def _postfix(self) -> None:
        self.bar.set_postfix_str("  ".join(f"{k} {v}" for k, v in self.counts.items()), refresh=False)

    def update(self, rec: Record) -> None:
        self.counts[rec.status] = self.counts.get(rec.status, 0) + 1
        if self.bar is not None:
            self._postfix()
            self.bar.update(1)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


# --- the report -------------------------------------------------------------------------


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


def format_summary(report: BatchReport, max_errors: int = 20) -> str:
    """The table printed when a batch ends.

    Example::

        status    files   pages  seconds
        ok           12     140     23.1
        failed        3       -      0.4
        skipped       5      60        -
        total        20     200   wall 9.8 s, 14.3 pages/s, 1.2 files/s (4 workers)
    """
    rows = []
    for status in ("ok", "failed", "skipped"):
        recs = [r for r in report.records if r.status == status]
        pages = sum(r.pages or 0 for r in recs) if status != "failed" else None
        secs = sum(r.seconds for r in recs) if status != "skipped" else None
        rows.append((status, len(recs), pages, secs))
    out = [f"{'status':<8} {'files':>6} {'pages':>7} {'seconds':>8}"]
    for status, n, pages, secs in rows:
        out.append(f"{status:<8} {n:>6} {'-' if pages is None else pages:>7} "
                   f"{'-' if secs is None else f'{secs:.1f}':>8}")
    wall = report.seconds
    worked = report.count("ok") + report.count("failed")
    pps = report.pages / wall if wall > 0 else 0.0
    fps = worked / wall if wall > 0 else 0.0
    total_pages = sum(r.pages or 0 for r in report.records if r.outcome == "ok")
    out.append(f"{'total':<8} {len(report.records):>6} {total_pages:>7}   wall {wall:.1f} s, "
               f"{pps:.1f} pages/s, {fps:.2f} files/s ({report.workers} workers)")
    formats = Counter(r.format for r in report.records if r.format)  # every input, ok or not
    if len(formats) > 1 or set(formats) - {"pdf"}:
        out.append("formats  " + ", ".join(f"{k} {n}" for k, n in sorted(formats.items())))
    failures = format_failures(report, max_errors)
    return "\n".join([*out, failures] if failures else out)


def format_failures(report: BatchReport, max_errors: int = 20) -> str:
    """One line per input without an output (printed even with ``--quiet``), or "".

    Example: ``failed: /data/x.pdf: not a PDF (no %PDF- header)``.
    """
    out = []
    failures = report.failures
    for r in failures[:max_errors]:
        again = " (unchanged since it failed; --retry-failed or --force to redo)" if r.status == "skipped" else ""
        what = r.error if r.error and r.path in r.error else f"{r.path}: {r.error}"
        out.append(f"failed: {what}{again}")
    if len(failures) > max_errors:
        out.append(f"… and {len(failures) - max_errors} more failures in {Path(report.outdir) / MANIFEST}")
    return "\n".join(out)


# --- running ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Task:
    path: Path
    sha256: str
    output: str


def _worker_main(conn: Any, handler: Handler, log: str | None = None, parent: int | None = None,
                 memory: int | None = DEFAULT_WORKER_MEMORY) -> None:
    if parent is not None:
        _die_with_parent(parent)
    if memory:
        _limit_memory(memory)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    if log:  # libraries' chatter (warnings, model loading) goes to the log, not over the progress bar
        fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        os.dup2(fd, 1)
        os.dup2(fd, 2)
        os.close(fd)
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, "1")  # the pool is the parallelism: one thread per worker
    options = handler.keywords if isinstance(handler, partial) and handler.func is convert else {}
    if handler is convert or options:
        import pipeline.run  # noqa: F401 - import before the first file, not during it
    if options.get("ner_model"):
        from pipeline.entities import load_nlp

        load_nlp()  # spaCy and the model load before the first file's timeout starts
    while True:
        try:
            path = conn.recv()
        except (EOFError, OSError):
            return
        if path is None:
            return
        conn.send(STARTED)  # the file's timeout runs from here, not from the process start
        conn.send(_guarded(handler, path))


class _Worker:
    """A process that parses one file at a time, fed through a pipe."""

    def __init__(self, ctx: Any, handler: Handler, log: str | None = None) -> None:
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_worker_main, args=(child, handler, log, os.getpid()), daemon=True,
                                name="pipeline-batch")
        self.proc.start()
        child.close()
        self.task: _Task | None = None
        self.deadline = float("inf")
        self.started = False  # the worker said it took its current file

    def give(self, task: _Task, timeout: float | None) -> None:
        self.task = task
        self.started = False
        # until the worker says it started the file, allow for the process starting up
        self.deadline = time.monotonic() + DEFAULT_STARTUP_GRACE + timeout if timeout else float("inf")
        try:
            self.conn.send(str(task.path))
        except OSError:  # the worker died idle: its sentinel reports it as a crash
            pass

    def stop(self, grace: float = 2.0) -> None:
        try:
            self.conn.send(None)
        except OSError:
            pass
        self.proc.join(grace)
        if self.proc.is_alive():
            self.proc.kill()
            self.proc.join()
        self.conn.close()

    def kill(self) -> None:
        self.proc.kill()
        self.proc.join()
        self.conn.close()


def _run_local(tasks: Sequence[_Task], workers: int, timeout: float | None, handler: Handler,
               done: Callable[[_Task, dict[str, Any]], None], log: str | None = None) -> None:
    """Run tasks over ``workers`` processes, replacing any that crash or overrun ``timeout``.

    A worker that dies after taking a file (it says ``STARTED`` first) fails
    that file; one that dies before, while starting up, fails nothing: its
    file goes back in the queue, and ``MAX_STARTUP_DEATHS`` such deaths in a
    row stop the batch. The workers' standard output and error are appended
    to ``log`` when given.
    """
    ctx = mp.get_context("spawn")  # no inherited locks or threads; the same on every platform
    queue = deque(tasks)
    pool = [_Worker(ctx, handler, log) for _ in range(min(workers, len(tasks)))]
    startup_deaths = 0
    try:
        while queue or any(w.task for w in pool):
            for w in pool:
                if w.task is None and queue:
                    w.give(queue.popleft(), timeout)
            busy = [w for w in pool if w.task]
            next_deadline = min(w.deadline for w in busy)
            wait_for = None if next_deadline == float("inf") else max(0.0, next_deadline - time.monotonic())
            ready = set(wait_ready([w.conn for w in busy] + [w.proc.sentinel for w in busy], wait_for))
            for i, w in enumerate(pool):
                task = w.task
                if task is None:
                    continue
                result: dict[str, Any] | None = None
                if w.conn in ready or w.proc.sentinel in ready:
                    try:
                        while result is None and w.conn.poll():
                            msg = w.conn.recv()
                            if msg == STARTED:
                                w.started, startup_deaths = True, 0
                                w.deadline = time.monotonic() + timeout if timeout else float("inf")
                            else:
                                result = msg
                    except (EOFError, OSError):
                        result = None
                    if result is not None:
                        w.task = None
                        done(task, result)
                        continue
                    if w.proc.is_alive():
                        continue  # it only said it started
                    w.proc.join(1.0)
                    code = w.proc.exitcode
                    how = f"killed by signal {-code}" if code is not None and code < 0 else f"exit code {code}"
                    result = _failure(f"{task.path}: worker crashed ({how})")
                elif time.monotonic() >= w.deadline:
                    result = _failure(f"{task.path}: timed out after {timeout:g} s", timeout or 0.0)
                else:
                    continue
                w.kill()
                pool[i] = _Worker(ctx, handler, log)
                if w.started:
                    done(task, result)
                    continue
                startup_deaths += 1  # not the file's fault: it goes back in the queue
                if startup_deaths >= MAX_STARTUP_DEATHS:
                    raise BatchError(f"workers die while starting ({result['error'].split(': ', 1)[-1]}); "
                                     f"is the pipeline installed?")
                queue.appendleft(task)
    finally:
        for w in pool:
            if w.task is None:
                try:
                    w.conn.send(None)
                except OSError:
                    pass
        for w in pool:
            if w.task is None:
                w.stop()
            else:
                w.kill()


def _run_dask(tasks: Sequence[_Task], scheduler: str, timeout: float | None, handler: Handler | None,
              done: Callable[[_Task, dict[str, Any]], None]) -> int:
    """Run tasks on the Dask cluster at ``scheduler``, keeping one task in flight per worker thread."""
    try:
        from distributed import Client, wait
    except ImportError:
        raise BatchError("--scheduler needs dask.distributed: pip install 'distributed==2026.8.0'") from None
    try:
        client = Client(scheduler, timeout=DEFAULT_CONNECT_TIMEOUT)
    except (OSError, TimeoutError) as e:
        raise BatchError(f"cannot reach the Dask scheduler at {scheduler}: {_one_line(str(e))}") from None
    with client:
        try:
            client.wait_for_workers(1, timeout=DEFAULT_STARTUP_GRACE)
        except TimeoutError:
            raise BatchError(f"no Dask worker joined the scheduler at {scheduler} "
                             f"within {DEFAULT_STARTUP_GRACE:g} s") from None
        queue = deque(tasks)
        inflight: dict[Any, tuple[_Task, float]] = {}
        slots = 1
        while queue or inflight:
            slots = max(1, sum(client.nthreads().values()))  # workers may join or leave during the run
            while queue and len(inflight) < slots:
                task = queue.popleft()
                try:
                    data = task.path.read_bytes()
                except OSError as e:
                    done(task, _failure(f"{task.path}: cannot read: {e.strerror}"))
                    continue
                fut = client.submit(convert_bytes, str(task.path), data, handler, pure=False,
                                    key=f"pipeline-{task.output}-{task.sha256[:12]}-{time.time_ns()}")
                inflight[fut] = (task, time.monotonic() + timeout if timeout else float("inf"))
            if not inflight:
                continue
            next_deadline = min(d for _, d in inflight.values())
            wait_for = None if next_deadline == float("inf") else max(0.05, next_deadline - time.monotonic())
            try:
                finished, _ = wait(list(inflight), timeout=wait_for, return_when="FIRST_COMPLETED")
            except TimeoutError:
                finished = set()
            now = time.monotonic()
            for fut in list(inflight):
                task, deadline = inflight[fut]
                if fut in finished or fut.done():
                    try:
                        result = fut.result()
                    except Exception as e:
                        if type(e).__name__ != "KilledWorker":
                            # convert_bytes never raises: this is the cluster failing, not the file
                            raise BatchError(f"the Dask cluster failed: {type(e).__name__}: "
                                             f"{_one_line(str(e), 200)}") from None
                        result = _failure(f"{task.path}: worker crashed (every worker that tried it died)")
                elif now >= deadline:
                    fut.cancel()
                    result = _failure(f"{task.path}: timed out after {timeout:g} s", timeout or 0.0)
                else:
                    continue
                del inflight[fut]
                done(task, result)
        return slots


@dataclass(frozen=True)
class BatchPlan:
    """What a run does with each input before parsing any: ``plan_batch``'s answer.

    ``skipped`` are finished at once (unchanged, or moved / renamed / copied from
    content the folder holds); ``todo`` are parsed, one task per output;
    ``copies`` names, per output, the further inputs of the same content recorded with it.
    """

    skipped: tuple[tuple[Path, Record], ...]
    todo: tuple[_Task, ...]
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
    todo: list[_Task] = []
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
        todo.append(_Task(path, sha, name))
    return BatchPlan(tuple(skipped), tuple(todo), copies)


def result_record(path: Path, task: _Task, result: Mapping[str, Any], version: str) -> Record:
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


def run_batch(inputs: Sequence[str | Path], outdir: str | Path, *, workers: int | None = None,
              timeout: float | None = DEFAULT_TIMEOUT, force: bool = False, retry_failed: bool = False,
              scheduler: str | None = None, progress: Progress | None = None,
              handler: Handler | None = None, review: bool = False, ner_model: bool = False,
              ocr: bool | None = None) -> BatchReport:
    """Convert many PDFs into ``outdir``, one JSON each, every input accounted for in the manifest.

    Args:
        inputs: files, folders and globs, e.g. ``["samples/", "/data/2017/*.pdf"]``.
        outdir: where the JSON files and ``manifest.jsonl`` go (created if missing).
        workers: local worker processes; default: the CPUs available.
        timeout: seconds per file before its worker is killed (None or 0: no limit).
        force: redo inputs whose SHA-256 and pipeline version are unchanged.
        retry_failed: redo unchanged inputs that failed last time (ok ones stay skipped).
        scheduler: a Dask scheduler address, ``tcp://10.0.0.5:8786``, to run there instead.
        progress: told the total, then each record as it is written.
        handler: ``path -> result`` run per file instead of ``convert`` (tests inject
            failures with it); a module-level function, since it is sent to workers.
        review: also write a review page ``<name>.html`` beside each JSON and an
            ``index.html`` linking them (``pipeline.review.write_batch_reviews``).
        ner_model: also run the trained NER model; outputs made without it
            (or with it, when False) count as changed and are redone.
        ocr: False leaves pages without a text layer unreadable instead of
            OCR'ing them (``--no-ocr``); a change of it redoes files, as for ``ner_model``.

    Returns:
        The run's records in input order and its wall time.

    Raises:
        BatchError: an input does not exist, another batch holds ``outdir``, the
            scheduler cannot be reached, or workers cannot start.
    """
    from pipeline.emit import write_atomic
    from pipeline.run import sha256_of

    t0 = time.monotonic()
    paths = expand_inputs(inputs)
    out = Path(outdir)
    if out.exists() and not out.is_dir():
        raise BatchError(f"{out}: exists and is not a folder; give a folder for the outputs")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise BatchError(f"{out}: cannot make the output folder: {e.strerror or e}") from None
    lock = _Lock(out)
    writer: _ManifestWriter | None = None
    try:
        _remove_leftovers(out)
        version = pipeline_version() + ("+ner-model" if ner_model else "") + ("+no-ocr" if ocr is False else "")
        if handler is None and (ner_model or ocr is not None):
            handler = partial(convert, ner_model=ner_model, ocr=ocr)  # a partial pickles to workers
        state = read_manifest(out)
        writer = _ManifestWriter(out / MANIFEST)
        records: dict[Path, Record] = {}
        if progress:
            progress.start(len(paths))

        def finish(rec: Record, path: Path) -> None:
            assert writer is not None
            writer.append(rec)
            records[path] = rec
            if progress:
                progress.update(rec)

        shas: dict[Path, str] = {}
        for path in paths:
            try:
                shas[path] = sha256_of(path)
            except OSError as e:
                finish(Record(str(path), None, "failed", f"{path}: cannot read: {e.strerror}", version=version), path)
        plan = plan_batch(shas, state, version, exists=lambda name: (out / name).is_file(), force=force,
                          retry_failed=retry_failed)
        for path, rec in plan.skipped:
            finish(rec, path)

        def done(task: _Task, result: dict[str, Any]) -> None:
            target = out / task.output
            if result.get("status") == "ok":
                try:
                    write_atomic(target, result["text"])
                except OSError as e:  # name the output, not the input (a full disk, a read-only folder)
                    raise OSError(e.errno, e.strerror, str(target)) from None
            else:
                target.unlink(missing_ok=True)  # an output of older content must not outlive it
            for path in (task.path, *plan.copies.get(task.output, ())):
                rec = result_record(path, task, result, version)
                finish(rec, path)
                prev = state.get(str(path))
                old = retired_output(prev.output if prev else None, rec.output, path,
                                     [*state.values(), *records.values()])
                if old:
                    (out / old).unlink(missing_ok=True)

        todo = plan.todo
        n_workers = workers or default_workers()
        try:
            if todo and scheduler:
                n_workers = _run_dask(todo, scheduler, timeout, handler, done)
            elif todo:
                _run_local(todo, n_workers, timeout, handler or convert, done, log=str(out / LOG))
            ordered = [records[p] for p in paths if p in records]
            _compact(out, ordered)
        except OSError as e:  # the output side failed: stop, say where, and report what was done
            where = e.filename or out / MANIFEST
            ordered = [records[p] for p in paths if p in records]
            done_so_far = BatchReport(tuple(ordered), time.monotonic() - t0, n_workers, str(out))
            raise BatchError(f"{where}: cannot write: {e.strerror or e}; stopped after {len(ordered)} of "
                             f"{len(paths)} inputs (free space or fix the folder, then rerun to resume)",
                             report=done_so_far) from None
        if review:
            from pipeline.review import write_batch_reviews

            write_batch_reviews(out, ordered)
    finally:
        if writer:
            writer.close()
        if progress:
            progress.close()
        lock.release()
    return BatchReport(tuple(ordered), time.monotonic() - t0, n_workers, str(out))


def iter_outputs(outdir: str | Path) -> Iterator[Path]:
    """The JSON outputs of a batch folder: those its manifest lists as ok, else every ``*.json``.

    Only files inside the folder (``pipeline.outputs.list_outputs``); read them with
    ``pipeline.outputs.read_outputs``, which checks each.

    Yields:
        Paths in name order, e.g. out/郑政办-30-0d3c9a7e.json.
    """
    yield from list_outputs(outdir)
