"""What a batch tells people: a progress bar while it runs, a table and the failures when it ends."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import IO, Any, Protocol

from tqdm import tqdm

from pipeline.batch.records import BatchReport, Record
from pipeline.outputs import MANIFEST


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
