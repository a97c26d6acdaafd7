"""Where a batch's files are parsed: local worker processes of its own, or a Dask cluster.

Each local worker is a process that parses one file at a time; a worker that
crashes (segfault, out of memory) or overruns the per-file timeout is killed
and replaced, and that input alone is marked failed. On a cluster the client
reads each file and ships its bytes; results come back to the client.
Both call ``done(task, result)`` once per task, in the order tasks finish.
"""

from __future__ import annotations

import ctypes
import multiprocessing as mp
import os
import signal
import time
from collections import deque
from collections.abc import Callable, Sequence
from functools import partial
from multiprocessing.connection import wait as wait_ready
from typing import Any

from pipeline.batch.job import DEFAULT_WORKER_MEMORY, Handler, convert, convert_bytes, failure, guarded, one_line
from pipeline.batch.plan import Task
from pipeline.batch.records import BatchError
from pipeline.entities import load_nlp
from pipeline.process import gc_paused

# Seconds a new worker process may take to start (imports) before its first file's timeout runs.
DEFAULT_STARTUP_GRACE = 120.0
# Seconds to wait for a Dask scheduler to answer.
DEFAULT_CONNECT_TIMEOUT = 30.0
# What a worker sends when it takes a file.
STARTED = "started"
# Workers that die this many times in a row before taking a file cannot start
# at all (a broken install): stop instead of looping.
MAX_STARTUP_DEATHS = 3
# The numeric libraries' own thread pools, held to one thread in a worker: the pool is the parallelism.
THREAD_LIMITS = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}

Done = Callable[[Task, dict[str, Any]], None]


# --- a local worker ----------------------------------------------------------------------


def _die_with_parent(parent: int) -> None:
    """Have the kernel kill this worker when the batch that started it dies (Linux ``PR_SET_PDEATHSIG``).

    Elsewhere, or should the parent already be gone, the worker's pipe closes
    and it exits at its next file; a worker busy on a long file would
    otherwise run on, orphaned, after a ``kill -9`` of the batch.
    """
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # the parent died before the call
        os._exit(1)


def _limit_memory(limit: int) -> None:
    """Cap this process's address space at ``limit`` bytes (no-op where ``resource`` is missing)."""
    try:
        import resource  # POSIX only

        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        if soft == resource.RLIM_INFINITY or soft > limit:
            resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (ImportError, ValueError, OSError):
        pass


def _settle_process(parent: int | None, memory: int | None, log: str | None) -> None:
    """Set up a new worker process: tied to its parent, its memory capped, Ctrl-C ignored, output to the log,
    the thread limits in its environment (a process of the batch's own; the caller's is left alone)."""
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
    for var, value in THREAD_LIMITS.items():
        os.environ.setdefault(var, value)


def _worker_main(conn: Any, handler: Handler, log: str | None = None, parent: int | None = None,
                 memory: int | None = DEFAULT_WORKER_MEMORY) -> None:
    """A worker process: parse each path the pipe sends, say ``STARTED`` first, send the result; stop at None."""
    _settle_process(parent, memory, log)
    # the pipeline's modules came with this function; the NER model is loaded here when asked for,
    # so spaCy and the model load before the first file's timeout starts
    options = handler.keywords if isinstance(handler, partial) and handler.func is convert else {}
    if options.get("ner_model"):
        load_nlp()
    while True:
        try:
            path = conn.recv()
        except (EOFError, OSError):
            return
        if path is None:
            return
        conn.send(STARTED)  # the file's timeout runs from here, not from the process start
        with gc_paused():  # the worker owns its process (pipeline.process)
            result = guarded(handler, path)
        conn.send(result)


class _Worker:
    """A process that parses one file at a time, fed through a pipe."""

    def __init__(self, ctx: Any, handler: Handler, log: str | None = None) -> None:
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_worker_main, args=(child, handler, log, os.getpid()), daemon=True,
                                name="pipeline-batch")
        self.proc.start()
        child.close()
        self.task: Task | None = None
        self.deadline = float("inf")
        self.started = False  # the worker said it took its current file

    def give(self, task: Task, timeout: float | None) -> None:
        self.task = task
        self.started = False
        # until the worker says it started the file, allow for the process starting up
        self.deadline = time.monotonic() + DEFAULT_STARTUP_GRACE + timeout if timeout else float("inf")
        try:
            self.conn.send(str(task.path))
        except OSError:  # the worker died idle: its sentinel reports it as a crash
            pass

    def receive(self, timeout: float | None) -> tuple[dict[str, Any] | None, bool]:
        """The result the worker sent, if any, and whether it said just now that it started its file."""
        result: dict[str, Any] | None = None
        said_started = False
        try:
            while result is None and self.conn.poll():
                msg = self.conn.recv()
                if msg == STARTED:
                    self.started = said_started = True
                    self.deadline = time.monotonic() + timeout if timeout else float("inf")
                else:
                    result = msg
        except (EOFError, OSError):
            result = None
        return result, said_started

    def how_it_died(self) -> str:
        """``killed by signal 9`` or ``exit code 1``, once the process is gone."""
        self.proc.join(1.0)
        code = self.proc.exitcode
        return f"killed by signal {-code}" if code is not None and code < 0 else f"exit code {code}"

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


def _look_at(w: _Worker, ready: set[Any], timeout: float | None) -> tuple[dict[str, Any] | None, bool, bool]:
    """What became of a busy worker's file since the last look: (result, lost, said_started).

    ``result`` is None while the file runs; ``lost`` says the worker crashed or overran
    ``timeout`` and must be replaced; ``said_started`` that it just took its file.
    """
    assert w.task is not None
    if w.conn in ready or w.proc.sentinel in ready:
        result, said_started = w.receive(timeout)
        if result is not None or w.proc.is_alive():
            return result, False, said_started  # a result, or it only said it started
        return failure(f"{w.task.path}: worker crashed ({w.how_it_died()})"), True, said_started
    if time.monotonic() >= w.deadline:
        return failure(f"{w.task.path}: timed out after {timeout:g} s", timeout or 0.0), True, False
    return None, False, False


def _wait_for_busy(pool: Sequence[_Worker]) -> set[Any]:
    """Block until a busy worker sends, dies, or reaches its deadline; give the pipes and sentinels ready."""
    busy = [w for w in pool if w.task]
    next_deadline = min(w.deadline for w in busy)
    wait_for = None if next_deadline == float("inf") else max(0.0, next_deadline - time.monotonic())
    return set(wait_ready([w.conn for w in busy] + [w.proc.sentinel for w in busy], wait_for))


def _close_pool(pool: Sequence[_Worker]) -> None:
    """Tell idle workers to stop and wait for them; kill busy ones."""
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


def run_local(tasks: Sequence[Task], workers: int, timeout: float | None, handler: Handler, done: Done,
              log: str | None = None) -> None:
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
            ready = _wait_for_busy(pool)
            for i, w in enumerate(pool):
                task = w.task
                if task is None:
                    continue
                result, lost, said_started = _look_at(w, ready, timeout)
                if said_started:
                    startup_deaths = 0
                if result is None:
                    continue
                if not lost:
                    w.task = None
                    done(task, result)
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
        _close_pool(pool)


# --- a Dask cluster ------------------------------------------------------------------------


def _connect(scheduler: str) -> tuple[Any, Callable[..., Any]]:
    """A Dask client of ``scheduler`` once a worker has joined it, and ``distributed.wait``;
    BatchError when that cannot be."""
    try:
        from distributed import Client, wait  # imported only by a run with --scheduler: it is slow to import
    except ImportError:
        raise BatchError("--scheduler needs dask.distributed: pip install 'distributed==2026.8.0'") from None
    try:
        client = Client(scheduler, timeout=DEFAULT_CONNECT_TIMEOUT)
    except (OSError, TimeoutError) as e:
        raise BatchError(f"cannot reach the Dask scheduler at {scheduler}: {one_line(str(e))}") from None
    try:
        client.wait_for_workers(1, timeout=DEFAULT_STARTUP_GRACE)
    except TimeoutError:
        client.close()
        raise BatchError(f"no Dask worker joined the scheduler at {scheduler} "
                         f"within {DEFAULT_STARTUP_GRACE:g} s") from None
    return client, wait


def _dask_result(fut: Any, task: Task) -> dict[str, Any]:
    """The result of a finished Dask task; BatchError when the cluster, not the file, failed."""
    try:
        return fut.result()  # type: ignore[no-any-return]
    except Exception as e:
        if type(e).__name__ != "KilledWorker":
            # convert_bytes never raises: this is the cluster failing, not the file
            raise BatchError(f"the Dask cluster failed: {type(e).__name__}: "
                             f"{one_line(str(e), 200)}") from None
        return failure(f"{task.path}: worker crashed (every worker that tried it died)")


def _submit(client: Any, queue: deque[Task], inflight: dict[Any, tuple[Task, float]], slots: int,
            timeout: float | None, handler: Handler | None, done: Done) -> None:
    """Send queued tasks, each with the file's bytes, until ``slots`` are in flight; an unreadable file is done."""
    while queue and len(inflight) < slots:
        task = queue.popleft()
        try:
            data = task.path.read_bytes()
        except OSError as e:
            done(task, failure(f"{task.path}: cannot read: {e.strerror}"))
            continue
        fut = client.submit(convert_bytes, str(task.path), data, handler, pure=False,
                            key=f"pipeline-{task.output}-{task.sha256[:12]}-{time.time_ns()}")
        inflight[fut] = (task, time.monotonic() + timeout if timeout else float("inf"))


def _collect(wait: Callable[..., Any], inflight: dict[Any, tuple[Task, float]], timeout: float | None,
             done: Done) -> None:
    """Wait (``distributed.wait``) for the first task in flight to finish or overrun ``timeout``;
    report every one that has."""
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
            result = _dask_result(fut, task)
        elif now >= deadline:
            fut.cancel()
            result = failure(f"{task.path}: timed out after {timeout:g} s", timeout or 0.0)
        else:
            continue
        del inflight[fut]
        done(task, result)


def run_dask(tasks: Sequence[Task], scheduler: str, timeout: float | None, handler: Handler | None,
             done: Done) -> int:
    """Run tasks on the Dask cluster at ``scheduler``, keeping one task in flight per worker thread.

    Returns:
        The worker threads the cluster had last, for the summary.
    """
    client, wait = _connect(scheduler)
    with client:
        queue = deque(tasks)
        inflight: dict[Any, tuple[Task, float]] = {}
        slots = 1
        while queue or inflight:
            slots = max(1, sum(client.nthreads().values()))  # workers may join or leave during the run
            _submit(client, queue, inflight, slots, timeout, handler, done)
            if inflight:
                _collect(wait, inflight, timeout, done)
        return slots
