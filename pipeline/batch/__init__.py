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

import time
from collections.abc import Iterator, Sequence
from functools import partial
from pathlib import Path
from typing import Any

from pipeline import emit
from pipeline.batch.job import DEFAULT_WORKER_MEMORY, Handler, convert
from pipeline.batch.plan import (
    BatchPlan,
    Task,
    assign_outputs,
    default_workers,
    expand_inputs,
    has_pdfs,
    output_name,
    pipeline_version,
    plan_batch,
    result_record,
    retired_output,
)
from pipeline.batch.pool import run_dask, run_local
from pipeline.batch.records import (
    BatchError,
    BatchReport,
    FolderLock,
    ManifestWriter,
    Record,
    compact_manifest,
    read_manifest,
    remove_leftovers,
)
from pipeline.batch.summary import Progress, ProgressBar, format_failures, format_summary
from pipeline.outputs import MANIFEST, list_outputs
from pipeline.review import write_batch_reviews
from pipeline.run import sha256_of

__all__ = [
    "DEFAULT_TIMEOUT",
    "DEFAULT_WORKER_MEMORY",
    "LOG",
    "MANIFEST",
    "BatchError",
    "BatchPlan",
    "BatchReport",
    "FolderLock",
    "Progress",
    "ProgressBar",
    "Record",
    "assign_outputs",
    "convert",
    "default_workers",
    "expand_inputs",
    "format_failures",
    "format_summary",
    "has_pdfs",
    "iter_outputs",
    "output_name",
    "pipeline_version",
    "plan_batch",
    "read_manifest",
    "result_record",
    "retired_output",
    "run_batch",
]

# Where local workers' standard output and error go (library warnings, model loading).
LOG = "batch.log"
# Seconds one file may take before its worker is killed and the file marked failed.
DEFAULT_TIMEOUT = 300.0


class _Run:
    """One run's bookkeeping: every record written to the manifest as it comes, and outputs written or retired.

    ``state`` is the manifest as the run found it; ``records`` what this run has recorded, by input.
    """

    def __init__(self, out: Path, version: str, progress: Progress | None) -> None:
        self.out = out
        self.version = version
        self.progress = progress
        self.state = read_manifest(out)
        self.writer = ManifestWriter(out / MANIFEST)
        self.records: dict[Path, Record] = {}
        self.copies: dict[str, list[Path]] = {}

    def finish(self, rec: Record, path: Path) -> None:
        """Write one input's record to the manifest and tell the progress."""
        self.writer.append(rec)
        self.records[path] = rec
        if self.progress:
            self.progress.update(rec)

    def plan(self, paths: Sequence[Path], force: bool, retry_failed: bool) -> BatchPlan:
        """Hash every input (one that cannot be read fails here), plan the run and record the skipped inputs."""
        shas: dict[Path, str] = {}
        for path in paths:
            try:
                shas[path] = sha256_of(path)
            except OSError as e:
                self.finish(Record(str(path), None, "failed", f"{path}: cannot read: {e.strerror}",
                                   version=self.version), path)
        plan = plan_batch(shas, self.state, self.version, exists=lambda name: (self.out / name).is_file(),
                          force=force, retry_failed=retry_failed)
        for path, rec in plan.skipped:
            self.finish(rec, path)
        self.copies = plan.copies
        return plan

    def done(self, task: Task, result: dict[str, Any]) -> None:
        """A task's result: write its output (or remove an older one), record its input and copies,
        and delete outputs of their older content no other input stands on."""
        target = self.out / task.output
        if result.get("status") == "ok":
            try:
                emit.write_atomic(target, result["text"])
            except OSError as e:  # name the output, not the input (a full disk, a read-only folder)
                raise OSError(e.errno, e.strerror, str(target)) from None
        else:
            target.unlink(missing_ok=True)  # an output of older content must not outlive it
        for path in (task.path, *self.copies.get(task.output, ())):
            rec = result_record(path, task, result, self.version)
            self.finish(rec, path)
            prev = self.state.get(str(path))
            old = retired_output(prev.output if prev else None, rec.output, path,
                                 [*self.state.values(), *self.records.values()])
            if old:
                (self.out / old).unlink(missing_ok=True)

    def ordered(self, paths: Sequence[Path]) -> list[Record]:
        """This run's records in input order."""
        return [self.records[p] for p in paths if p in self.records]


def _output_folder(outdir: str | Path) -> Path:
    """The output folder, made if missing; BatchError when it is a file or cannot be made."""
    out = Path(outdir)
    if out.exists() and not out.is_dir():
        raise BatchError(f"{out}: exists and is not a folder; give a folder for the outputs")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise BatchError(f"{out}: cannot make the output folder: {e.strerror or e}") from None
    return out


def _execute(todo: Sequence[Task], n_workers: int, scheduler: str | None, timeout: float | None,
             handler: Handler | None, run: _Run) -> int:
    """Parse the tasks locally or on the cluster; give the workers used (a cluster's may differ)."""
    if todo and scheduler:
        return run_dask(todo, scheduler, timeout, handler, run.done)
    if todo:
        run_local(todo, n_workers, timeout, handler or convert, run.done, log=str(run.out / LOG))
    return n_workers


def run_batch(inputs: Sequence[str | Path], outdir: str | Path, *, workers: int | None = None,
              timeout: float | None = DEFAULT_TIMEOUT, force: bool = False, retry_failed: bool = False,
              scheduler: str | None = None, progress: Progress | None = None,
              handler: Handler | None = None, review: bool = False, ner_model: bool = False,
              ocr: bool | None = None, native: bool = True) -> BatchReport:
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
        native: False parses with the Python code instead of the C module (the same output,
            so no file is redone for it; the CLI reads ``PIPELINE_NO_C`` into it).

    Returns:
        The run's records in input order and its wall time.

    Raises:
        BatchError: an input does not exist, another batch holds ``outdir``, the
            scheduler cannot be reached, or workers cannot start.
    """
    t0 = time.monotonic()
    paths = expand_inputs(inputs)
    out = _output_folder(outdir)
    lock = FolderLock(out)
    run: _Run | None = None
    n_workers = workers or default_workers()
    try:
        remove_leftovers(out)
        version = pipeline_version() + ("+ner-model" if ner_model else "") + ("+no-ocr" if ocr is False else "")
        if handler is None and (ner_model or ocr is not None or not native):
            handler = partial(convert, ner_model=ner_model, ocr=ocr, native=native)  # a partial pickles to workers
        run = _Run(out, version, progress)
        if progress:
            progress.start(len(paths))
        plan = run.plan(paths, force, retry_failed)
        try:
            n_workers = _execute(plan.todo, n_workers, scheduler, timeout, handler, run)
            ordered = run.ordered(paths)
            compact_manifest(out, ordered)
        except OSError as e:  # the output side failed: stop, say where, and report what was done
            where = e.filename or out / MANIFEST
            ordered = run.ordered(paths)
            done_so_far = BatchReport(tuple(ordered), time.monotonic() - t0, n_workers, str(out))
            raise BatchError(f"{where}: cannot write: {e.strerror or e}; stopped after {len(ordered)} of "
                             f"{len(paths)} inputs (free space or fix the folder, then rerun to resume)",
                             report=done_so_far) from None
        if review:
            write_batch_reviews(out, ordered)
    finally:
        if run:
            run.writer.close()
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
