"""Command line: the only place that prints or picks exit codes.

Exit codes: 0 success, 1 a processing or validation failure (one line on
stderr), 2 a usage error.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from pipeline import __version__
from pipeline.emit import ValidationFailed, dumps, to_dict, validate, write_atomic
from pipeline.extract import DEFAULT_ENGINE, ENGINES, PdfError


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # usage errors exit 2 with one line
        self.print_usage(sys.stderr)
        print(f"{self.prog}: error: {message}", file=sys.stderr)
        raise SystemExit(2)


def _fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 1


def cmd_parse(args: argparse.Namespace) -> int:
    from pipeline.run import parse_pdf

    try:
        doc = parse_pdf(args.file, engine=args.engine, password=args.password)
        data = to_dict(doc)
        validate(data)
    except PdfError as e:
        return _fail(str(e))
    except ValidationFailed as e:
        return _fail(f"{args.file}: output fails the schema at {e}")
    text = dumps(data)
    if args.output:
        write_atomic(args.output, text)
    else:
        sys.stdout.write(text)
    for w in doc.warnings:
        print(f"warning: {args.file}: {w}", file=sys.stderr)
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    try:
        data = json.loads(Path(args.file).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as e:
        return _fail(f"{args.file}: cannot read: {e}")
    except json.JSONDecodeError as e:
        return _fail(f"{args.file}: not JSON: {e}")
    try:
        validate(data)
    except ValidationFailed as e:
        return _fail(f"{args.file}: {e}")
    print(f"{args.file}: valid")
    return 0


def cmd_batch(args: argparse.Namespace) -> int:
    from pipeline.batch import BatchError, ProgressBar, format_summary, run_batch

    bar = ProgressBar(sys.stderr, enabled=not args.quiet)
    try:
        report = run_batch(args.inputs, args.outdir, workers=args.workers, timeout=args.timeout or None,
                           force=args.force, retry_failed=args.retry_failed, scheduler=args.scheduler,
                           progress=bar)
    except BatchError as e:
        return _fail(str(e))
    if not args.quiet:
        print(format_summary(report), file=sys.stderr)
    return 1 if report.failures else 0


def cmd_export(args: argparse.Namespace) -> int:
    from pipeline.export import ExportError, export_table

    try:
        n = export_table(args.outdir, args.to, table=args.table)
    except ExportError as e:
        return _fail(str(e))
    print(f"{args.to}: {n} {args.table} rows", file=sys.stderr)
    return 0


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


def _export_file(text: str) -> str:
    from pipeline.export import FORMATS

    if Path(text).suffix.lower() not in FORMATS:
        raise argparse.ArgumentTypeError(f"{text}: the suffix must be one of {', '.join(sorted(FORMATS))}")
    return text


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="pipeline", description="Chinese policy PDFs (公文) to structured JSON.")
    p.add_argument("--version", action="version", version=f"pipeline {__version__}")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)

    sp = sub.add_parser("parse", help="parse one PDF into JSON",
                        description="Parse one policy PDF into a schema-valid JSON document.",
                        epilog="example: python -m pipeline parse samples/zhengzhengban-2017-30.pdf -o out/z.json")
    sp.add_argument("file", help="the PDF")
    sp.add_argument("-o", "--output", help="write here instead of stdout")
    sp.add_argument("--engine", choices=sorted(ENGINES), default=DEFAULT_ENGINE, help="extraction engine")
    sp.add_argument("--password", help="user password of an encrypted PDF")
    sp.set_defaults(func=cmd_parse)

    sv = sub.add_parser("validate", help="check a JSON output against the schema",
                        description="Validate a JSON document against schemas/document.schema.json.",
                        epilog="example: python -m pipeline validate out/zhengzhengban-2017-30.json")
    sv.add_argument("file", help="the JSON file")
    sv.set_defaults(func=cmd_validate)

    sb = sub.add_parser("batch", help="parse many PDFs into a folder, in parallel",
                        description="Parse files, folders (recursively, *.pdf) and globs into OUTDIR: one JSON "
                                    "per input named <stem>-<8 hex of the SHA-256 of its absolute path>.json, "
                                    "every input recorded in OUTDIR/manifest.jsonl. A rerun skips inputs whose "
                                    "content and pipeline version are unchanged. Exit 1 when any input failed.",
                        epilog="example: python -m pipeline batch samples/ 'archive/**/*.pdf' -o out/ --workers 4")
    sb.add_argument("inputs", nargs="+", metavar="INPUT", help="PDF files, folders or glob patterns")
    sb.add_argument("-o", "--outdir", required=True, help="the output folder (created if missing)")
    sb.add_argument("--workers", type=_positive_int, help="worker processes (default: the number of CPUs)")
    sb.add_argument("--timeout", type=_seconds, default=300.0,
                    help="seconds per file before its worker is killed and the file marked failed; 0: no limit "
                         "(default: 300)")
    sb.add_argument("--force", action="store_true", help="redo inputs that are unchanged since the last run")
    sb.add_argument("--retry-failed", action="store_true", help="redo unchanged inputs that failed last time")
    sb.add_argument("--scheduler", metavar="tcp://HOST:PORT", help="run on this Dask distributed scheduler")
    sb.add_argument("-q", "--quiet", action="store_true", help="no progress bar and no summary")
    sb.set_defaults(func=cmd_batch)

    se = sub.add_parser("export", help="export a batch folder as a table (CSV, Parquet, JSONL, Excel)",
                        description="Flatten the JSON documents of a batch folder into one table. The suffix of "
                                    "--to picks the format; CSV is UTF-8 with a BOM so Excel reads the Chinese.",
                        epilog="example: python -m pipeline export out/ --to targets.csv --table targets")
    se.add_argument("outdir", help="a folder written by `pipeline batch` (or holding parse outputs)")
    se.add_argument("--to", required=True, type=_export_file, metavar="FILE",
                    help="the table file: .csv, .parquet, .jsonl or .xlsx")
    se.add_argument("--table", default="targets",
                    choices=("targets", "quantities", "dates", "references", "entities", "documents"),
                    help="which table (default: targets)")
    se.set_defaults(func=cmd_export)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except KeyboardInterrupt:
        return _fail("interrupted")
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
