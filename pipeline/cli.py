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
