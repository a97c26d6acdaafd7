"""Command line: the only place that prints or picks exit codes.

Exit codes: 0 success, 1 a processing or validation failure (one line on
stderr), 2 a usage error.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import shutil
import signal
import sys
import tempfile
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn

from pipeline import emit
from pipeline.columns import FORMATS, TABLES, ExportError
from pipeline.emit import (
    OutputError,
    ValidationFailed,
    check_invariants,
    dumps,
    output_target,
    to_dict,
    validate,
    write_atomic,
)
from pipeline.extract import DEFAULT_ENGINE, ENGINES
from pipeline.fingerprint import code_digest
from pipeline.outputs import MANIFEST, is_output_folder
from pipeline.pages import PdfError, TimeLimitError
from pipeline.pdf_bytes import check_input
from pipeline.process import gc_paused
from pipeline.run import parse_file
from pipeline.version import __version__

# The commands' own modules (batch, review, xref; export, which loads pandas; tqdm) are imported by
# the command that uses them: all at once they add about 80 ms to every start (without pandas;
# pandas alone about 600 ms), measured with -X importtime and `python -m pipeline --help`.

# Seconds a parse runs before its page bar appears (on a terminal): a long OCR, not every file.
DEFAULT_PROGRESS_DELAY = 2.0
# Seconds a parse may run (as batch's --timeout); the library's own limit per file is longer.
DEFAULT_PARSE_TIMEOUT = 300.0


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # usage errors exit 2 with one line
        self.print_usage(sys.stderr)
        print(f"{self.prog}: error: {message}", file=sys.stderr)
        raise SystemExit(2)


def _fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 1


def _to_stdout(output: str | None) -> bool:
    return output in (None, "-")


@contextmanager
def _time_limit(seconds: float | None, path: str) -> Iterator[None]:
    """Raise ``TimeLimitError`` in the main thread after ``seconds`` (0 or None: no limit), as batch's --timeout."""
    if not seconds or not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum: int, frame: object) -> None:
        raise TimeLimitError(f"{path}: over the time limit of {seconds:g} s (raise it with --timeout)")

    old = signal.signal(signal.SIGALRM, expire)
    # then again every second: a library's ``except Exception`` may swallow one
    signal.setitimer(signal.ITIMER_REAL, seconds, 1.0)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


@contextmanager
def _stdin_file(name: str) -> Iterator[str]:
    """``name``, or for ``-`` a temporary copy of standard input named ``stdin`` (its ``source.file``)."""
    if name != "-":
        yield name
        return
    with tempfile.TemporaryDirectory(prefix="pipeline-") as tmp:
        path = Path(tmp) / "stdin"
        with open(path, "wb") as f:
            shutil.copyfileobj(sys.stdin.buffer, f)
        yield str(path)


class _PageBar:
    """Pages (or documents) read so far, on stderr when it is a terminal, shown only once it runs long (OCR)."""

    def __init__(self, name: str, enabled: bool = True, unit: str = "page") -> None:
        self.bar: Any = None
        self.ocr = 0
        if enabled and sys.stderr.isatty():
            from tqdm import tqdm  # about 40 ms: only on a terminal

            self.bar = tqdm(desc=name, unit=unit, file=sys.stderr, delay=DEFAULT_PROGRESS_DELAY, leave=False,
                            dynamic_ncols=True)

    def __call__(self, page: Any) -> None:
        if self.bar is None:
            return
        if getattr(page, "quality", None) == "ocr":
            self.ocr += 1
            self.bar.set_postfix_str(f"{self.ocr} by OCR", refresh=False)
        self.bar.update(1)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def _switched_off(name: str) -> bool:
    """Whether an environment variable turns a feature off: PIPELINE_OCR=0 (or off, no, false)."""
    return os.environ.get(name, "1").strip().lower() in ("0", "off", "no", "false")


def _ocr_option(args: argparse.Namespace) -> bool | None:
    """OCR off with ``--no-ocr`` or ``PIPELINE_OCR=0``; None leaves it on (the library's default)."""
    return False if args.no_ocr or _switched_off("PIPELINE_OCR") else None


def _native_option() -> bool:
    """The C module unless ``PIPELINE_NO_C`` is set to anything but 0 (the Python code, the same output)."""
    return os.environ.get("PIPELINE_NO_C", "") in ("", "0")


def cmd_parse(args: argparse.Namespace) -> int:
    bar = _PageBar(Path(args.file).name, enabled=not args.quiet)
    try:
        if args.file != "-":
            check_input(args.file, what="file")
        if not _to_stdout(args.output):
            output_target(args.output)  # a fault on the output side costs nothing
    except (PdfError, OutputError) as e:
        bar.close()
        return _fail(str(e))
    path = args.file
    try:
        with _time_limit(args.timeout, args.file), _stdin_file(args.file) as path, gc_paused():
            doc = parse_file(path, engine=args.engine, password=args.password, ner_model=args.ner_model,
                             ocr=_ocr_option(args), progress=bar, native=_native_option())
            data = to_dict(doc)
            validate(data)
    except PdfError as e:
        return _fail(str(e).replace(path, "-") if args.file == "-" else str(e))
    except ValidationFailed as e:
        return _fail(f"{args.file}: output fails the schema at {e}")
    finally:
        bar.close()
    text = dumps(data)
    if _to_stdout(args.output):
        sys.stdout.write(text)
    else:
        try:
            write_atomic(args.output, text)
        except OutputError as e:
            return _fail(str(e))
        except OSError as e:
            return _fail(f"{args.output}: cannot write: {e.strerror or e}")
    for w in doc.warnings:
        print(f"warning: {args.file}: {w}", file=sys.stderr)
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    try:
        size = check_input(args.file, what="JSON output")
    except PdfError as e:
        return _fail(str(e))
    limit = emit.DEFAULT_MAX_JSON_BYTES  # read when called: a test lowers it
    if size > limit:
        return _fail(f"{args.file}: {size:,} bytes, over the limit of {limit >> 20} MB for an output")
    try:
        data = json.loads(Path(args.file).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as e:
        return _fail(f"{args.file}: cannot read: {e}")
    except json.JSONDecodeError as e:
        return _fail(f"{args.file}: not JSON: {e}")
    except RecursionError:
        return _fail(f"{args.file}: not a pipeline output (JSON nested too deeply)")
    try:
        validate(data)
        check_invariants(data)
    except ValidationFailed as e:
        return _fail(f"{args.file}: {e}")
    except RecursionError:
        return _fail(f"{args.file}: not a pipeline output (JSON nested too deeply)")
    print(f"{args.file}: valid")
    return 0


def _folder_problem(folder: str) -> str | None:
    """Why an output folder cannot be written, checked before the work, or None."""
    path = Path(folder)
    probe = path
    while not probe.exists():  # the folders that will be created
        probe = probe.parent
    if not probe.is_dir():
        return f"{folder}: cannot write: {probe} is not a folder"
    if not os.access(probe, os.W_OK | os.X_OK):
        return f"{folder}: cannot write: permission denied in {probe}"
    return None


def cmd_batch(args: argparse.Namespace) -> int:
    from pipeline.batch import BatchError, ProgressBar, format_failures, format_summary, run_batch

    problem = _folder_problem(args.outdir)
    if problem:
        return _fail(problem)
    bar = ProgressBar(sys.stderr, enabled=not args.quiet)
    try:
        report = run_batch(args.inputs, args.outdir, workers=args.workers, timeout=args.timeout or None,
                           force=args.force, retry_failed=args.retry_failed, scheduler=args.scheduler,
                           progress=bar, review=args.review, ner_model=args.ner_model,
                           ocr=_ocr_option(args), native=_native_option())
    except BatchError as e:
        if e.report is not None and not args.quiet:
            print(format_summary(e.report), file=sys.stderr)
        return _fail(str(e))
    # --quiet silences the bar and the table, never the failures
    summary = format_failures(report) if args.quiet else format_summary(report)
    if summary:
        print(summary, file=sys.stderr)
    return 1 if report.failures else 0


def cmd_export(args: argparse.Namespace) -> int:
    from pipeline.export import export_table

    notes: list[str] = []
    fmt = f".{args.format}" if args.format else None
    try:
        if args.to != "-":
            output_target(args.to)
        n = export_table(args.outdir, args.to, table=args.table, fmt=fmt, notes=notes)
    except (ExportError, OutputError) as e:
        _warn(notes)
        return _fail(str(e))
    _warn(notes)
    print(f"{'stdout' if args.to == '-' else args.to}: {n} {args.table} rows", file=sys.stderr)
    return 0


def _warn(notes: Sequence[str]) -> None:
    for note in notes:
        print(f"warning: {note}", file=sys.stderr)


def cmd_review(args: argparse.Namespace) -> int:
    from pipeline.review import ReviewError, write_review

    try:
        check_input(args.file, what="PDF or JSON output")
        if args.pdf:
            check_input(args.pdf)
        output_target(args.output)
        _, warning = write_review(args.file, args.output, pdf=args.pdf, scale=args.scale, password=args.password,
                                  ocr=False if _switched_off("PIPELINE_OCR") else None, native=_native_option())
    except (ReviewError, PdfError, OutputError) as e:
        return _fail(str(e))
    except OSError as e:
        return _fail(f"{args.output}: cannot write: {e.strerror or e}")
    if warning:
        print(f"warning: {warning}", file=sys.stderr)
    print(args.output, file=sys.stderr)
    return 0


def _scale(text: str) -> float:
    try:
        n = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not 0.25 <= n <= 6:
        raise argparse.ArgumentTypeError(f"must be between 0.25 and 6: {text}")
    return n


def cmd_xref(args: argparse.Namespace) -> int:
    from pipeline.xref import XrefError, check_corpus, format_summary, read_corpus, write_report

    notes: list[str] = []
    try:
        sources = _xref_corpus(args.corpus, args.output, workers=args.workers, quiet=args.quiet)
        bar = _PageBar("reading", enabled=not args.quiet, unit="document")
        try:
            docs = read_corpus(sources, notes, progress=bar)
        finally:
            bar.close()
        _warn(notes)
        report = check_corpus(docs, source=" ".join(args.corpus))
        write_report(report, args.output)
    except XrefError as e:
        _warn(notes)
        return _fail(str(e))
    except OSError as e:
        return _fail(f"{args.output}: cannot write: {e.strerror or e}")
    print(format_summary(report))
    print(f"wrote {Path(args.output) / 'report.json'}, edges.csv, graph.html", file=sys.stderr)
    return 1 if args.strict and report.count("error") else 0


def _xref_corpus(inputs: Sequence[str], outdir: str, workers: int | None = None,
                 quiet: bool = False) -> list[Path]:
    """The parse outputs to read: folders of outputs and JSON files as given, PDFs parsed into OUTDIR/parsed.

    A folder holding a batch manifest is a folder of outputs. Any other folder is
    read for its ``*.json`` (what is no parse output, a ``meta.json``, is skipped
    with a note) and parsed for its PDFs (``run_batch``), both when it holds both;
    any other file or glob match is parsed first.
    """
    from pipeline.batch import BatchError, ProgressBar, has_pdfs, run_batch
    from pipeline.xref import XrefError

    sources: list[Path] = []
    to_parse: list[str] = []
    for item in inputs:
        matches = sorted(glob.glob(item, recursive=True)) if glob.has_magic(item) else [item]
        if not matches:
            raise XrefError(f"{item}: the pattern matches nothing")
        for m in matches:
            p = Path(m)
            if not p.exists():
                raise XrefError(f"{m}: no such file or folder")
            if p.is_dir():
                reads = is_output_folder(p)
                if reads:
                    sources.append(p)
                if not reads or (not (p / MANIFEST).is_file() and has_pdfs(p)):
                    to_parse.append(m)  # PDFs beside foreign or parsed JSON are parsed all the same
            elif p.suffix.lower() == ".json":
                sources.append(p)
            else:
                to_parse.append(m)
    if to_parse:
        parsed = Path(outdir) / "parsed"
        try:
            report = run_batch(to_parse, parsed, workers=workers,
                               progress=ProgressBar(sys.stderr, enabled=not quiet),
                               ocr=False if _switched_off("PIPELINE_OCR") else None, native=_native_option())
        except BatchError as e:
            raise XrefError(str(e)) from None
        for rec in report.failures:
            print(f"warning: {rec.error}", file=sys.stderr)
        if any(r.outcome == "ok" for r in report.records):
            sources.append(parsed)
    if not sources:
        raise XrefError(f"{' '.join(inputs)}: no parse outputs (*.json) and no PDFs")
    return sources


def _positive_int(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if n < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1: {n}")
    return n


def _seconds(text: str) -> float:
    try:
        n = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if n < 0:
        raise argparse.ArgumentTypeError(f"must not be negative: {text}")
    return n


class _VersionAction(argparse.Action):
    """``--version``: the digest of the installed code is computed only when asked for (it reads every file)."""

    def __call__(self, parser, namespace, values, option_string=None) -> None:
        print(f"policy-pipeline {__version__} (code {code_digest()})")
        parser.exit()


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="policy-pipeline", description="Chinese policy PDFs (公文) to structured JSON.")
    p.add_argument("--version", action=_VersionAction, nargs=0, help="show the version and the code digest, then exit")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)

    sp = sub.add_parser("parse", help="parse one policy file (PDF, OFD, DOCX, DOC, WPS, HTML) into JSON",
                        description="Parse one policy file into a schema-valid JSON document. The kind is told "
                                    "by the file's bytes: PDF, OFD, DOCX, DOC or WPS (through LibreOffice), or "
                                    "a saved portal page (HTML).",
                        epilog="example: python -m pipeline parse samples/zhengzhengban-2017-30.pdf -o out/z.json")
    sp.add_argument("file", help="the file: PDF, OFD, DOCX, DOC, WPS or HTML; - reads it from standard input")
    sp.add_argument("-o", "--output", help="write here instead of stdout (- for stdout); a symlink is written "
                                           "through, a device, FIFO or folder refused")
    sp.add_argument("--timeout", type=_seconds, default=DEFAULT_PARSE_TIMEOUT,
                    help=f"seconds before the parse stops with an error; 0: no limit (default: {DEFAULT_PARSE_TIMEOUT:g})")
    sp.add_argument("--engine", choices=sorted(ENGINES), default=DEFAULT_ENGINE, help="extraction engine")
    sp.add_argument("--password", help="user password of an encrypted PDF")
    sp.add_argument("--ner-model", action="store_true",
                    help="also run the trained NER model after the entity rules (spaCy; slower)")
    sp.add_argument("--no-ocr", action="store_true",
                    help="leave pages without a usable text layer unreadable instead of reading them with Tesseract")
    sp.add_argument("-q", "--quiet", action="store_true",
                    help="no page bar (shown on a terminal when a parse runs over 2 s, e.g. OCR of a scan)")
    sp.set_defaults(func=cmd_parse)

    sv = sub.add_parser("validate", help="check a JSON output against the schema",
                        description="Validate a JSON document against schemas/document.schema.json.",
                        epilog="example: python -m pipeline validate out/zhengzhengban-2017-30.json")
    sv.add_argument("file", help="the JSON file")
    sv.set_defaults(func=cmd_validate)

    sb = sub.add_parser("batch", help="parse many PDFs into a folder, in parallel",
                        description="Parse files, folders (recursively: *.pdf *.ofd *.docx *.doc *.wps *.html *.htm) and globs into OUTDIR: one JSON "
                                    "per input named <stem>-<8 hex of the SHA-256 of its content>.json, "
                                    "every input recorded in OUTDIR/manifest.jsonl. A rerun skips inputs whose "
                                    "content and pipeline version are unchanged, wherever they moved. Exit 1 when "
                                    "any input failed; 130 on Ctrl-C.",
                        epilog="example: python -m pipeline batch samples/ 'archive/**/*.pdf' -o out/ --workers 4")
    sb.add_argument("inputs", nargs="+", metavar="INPUT", help="files (any kind the pipeline reads), folders or glob patterns")
    sb.add_argument("-o", "--outdir", required=True, help="the output folder (created if missing)")
    sb.add_argument("--workers", type=_positive_int, help="worker processes (default: the number of CPUs)")
    sb.add_argument("--timeout", type=_seconds, default=300.0,
                    help="seconds per file before its worker is killed and the file marked failed; 0: no limit "
                         "(default: 300)")
    sb.add_argument("--force", action="store_true", help="redo inputs that are unchanged since the last run")
    sb.add_argument("--retry-failed", action="store_true", help="redo unchanged inputs that failed last time")
    sb.add_argument("--scheduler", metavar="tcp://HOST:PORT", help="run on this Dask distributed scheduler")
    sb.add_argument("-q", "--quiet", action="store_true",
                    help="no progress bar and no summary table; failures are still printed")
    sb.add_argument("--ner-model", action="store_true",
                    help="also run the trained NER model after the entity rules (spaCy; slower)")
    sb.add_argument("--no-ocr", action="store_true",
                    help="leave pages without a usable text layer unreadable instead of reading them with Tesseract")
    sb.add_argument("--review", action="store_true",
                    help="also write a review page <name>.html beside each JSON and OUTDIR/index.html linking them")
    sb.set_defaults(func=cmd_batch)

    se = sub.add_parser("export", help="export a batch folder as a table (CSV, Parquet, JSONL, Excel)",
                        description="Flatten the JSON documents of a batch folder into one table. The suffix of "
                                    "--to picks the format; CSV is UTF-8 with a BOM so Excel reads the Chinese.",
                        epilog="example: python -m pipeline export out/ --to targets.csv --table targets; "
                               "python -m pipeline export out/ --to - --format jsonl | jq .indicator")
    se.add_argument("outdir", help="a folder written by `pipeline batch` (or holding parse outputs)")
    se.add_argument("--to", required=True, metavar="FILE",
                    help="the table file: .csv, .parquet, .jsonl or .xlsx; - for standard output (CSV by default)")
    se.add_argument("--format", choices=[f.lstrip(".") for f in FORMATS],
                    help="the format, instead of the suffix of --to (e.g. --to - --format jsonl)")
    se.add_argument("--table", default="targets",
                    choices=TABLES,
                    help="which table (default: targets)")
    se.set_defaults(func=cmd_export)

    sx = sub.add_parser("xref", help="cross-check the references of a corpus",
                        description="Resolve every reference of every document of a corpus against the corpus "
                                    "(by normalised 发文字号 and title) and report unresolved citations, number/title "
                                    "mismatches, inconsistent citations, citations of later documents, duplicate and "
                                    "malformed numbers and self-citations. Writes OUTDIR/report.json, edges.csv and "
                                    "graph.html; prints a summary.",
                        epilog="example: python -m pipeline xref out/ -o out/xref --strict")
    sx.add_argument("corpus", nargs="+", metavar="CORPUS",
                    help="batch folders and .json files, read as they are; other folders, read for their *.json and "
                         "parsed for their PDFs; PDFs and globs, parsed first (into OUTDIR/parsed); any mix")
    sx.add_argument("-o", "--output", required=True, metavar="OUTDIR", help="the report folder (created if missing)")
    sx.add_argument("--strict", action="store_true", help="exit 1 when any error-level finding exists")
    sx.add_argument("--workers", type=_positive_int, help="worker processes when parsing PDFs (default: the CPUs)")
    sx.add_argument("-q", "--quiet", action="store_true",
                    help="no progress bars (parsing PDFs, reading a big corpus); warnings are still printed")
    sx.set_defaults(func=cmd_xref)

    sr = sub.add_parser("review", help="draw the pages with every extracted item outlined, as one HTML file",
                        description="Write a self-contained HTML review page: each page as printed with a "
                                    "coloured box over every target, quantity, date, reference and entity, the "
                                    "section tree as an outline and the extracted tables beside the pages. A JSON "
                                    "output finds its PDF beside it (the file name in source.file), else through "
                                    "the batch manifest beside it (the input it records, taken only when that "
                                    "file's SHA-256 is the JSON's source.sha256); else give --pdf.",
                        epilog="example: python -m pipeline review samples/zhengzhengban-2017-30.pdf -o review.html")
    sr.add_argument("file", help="a PDF (parsed first) or a JSON output of `parse`/`batch`")
    sr.add_argument("-o", "--output", required=True, help="the HTML file to write")
    sr.add_argument("--pdf", help="the PDF of a JSON output, when it is not beside it")
    sr.add_argument("--scale", type=_scale, default=1.5, help="pixels per PDF point of the page images (default: 1.5)")
    sr.add_argument("--password", help="user password of an encrypted PDF")
    sr.set_defaults(func=cmd_review)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "export" and not args.format and args.to != "-":
        if Path(args.to).suffix.lower() not in FORMATS:
            parser.error(f"--to {args.to}: the suffix must be one of {', '.join(FORMATS)}, or give --format")
    try:
        return int(args.func(args))
    except KeyboardInterrupt:  # what was half-written is gone (temporary files removed as the stack unwound)
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as e:  # a bug of ours: one line for the user, the traceback on request
        if os.environ.get("PIPELINE_DEBUG"):
            raise
        where = f"{args.file}: " if getattr(args, "file", None) else ""
        return _fail(f"{where}internal error ({type(e).__name__}: {str(e)[:200]}); set PIPELINE_DEBUG=1 for details")


if __name__ == "__main__":
    sys.exit(main())
