"""Document -> dict, validated against ``schemas/document.schema.json``, written atomically.

The one serialiser of the output. Nothing is written that fails the schema.
Validation runs twice over: ``jsonschema-rs`` (compiled, in Rust) answers
whether a document is valid in well under a millisecond; only a document it
rejects goes through ``jsonschema``, whose error names the JSON path.
"""

from __future__ import annotations

import dataclasses
import json
import os
import stat
import tempfile
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema_rs

from pipeline.model import Document
from pipeline.schema import document_schema, item_lists

# The version every output carries: the schema's own (its schema_version const), read from it.
SCHEMA_VERSION: str = document_schema()["properties"]["schema_version"]["const"]


class ValidationFailed(Exception):
    """The output breaks the schema; the message names the JSON path."""


class OutputError(Exception):
    """An output path that cannot or must not be written; the message is one line for the user."""


_KINDS = ((stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"), (stat.S_ISFIFO, "a FIFO"),
          (stat.S_ISSOCK, "a socket"), (stat.S_ISDIR, "a directory"))


def output_target(path: str | Path) -> Path:
    """Take an output path and give the regular file to write, or raise ``OutputError``.

    The policy, checked before any work so a fault costs nothing: only a
    regular file (existing or new) is written. A symlink is written through
    (its target is replaced, the link stays); a device (``/dev/null``), FIFO,
    socket or directory is refused, as is a folder that cannot be written.
    ``-`` (stdout) is the caller's to handle.

    Example: ``output_target("out/link.json")`` -> ``out/t.json`` when link.json -> t.json;
    ``output_target("/dev/null")`` raises ``/dev/null: not a regular file (a character device); …``.
    """
    path = Path(path)
    target = Path(os.path.realpath(path))
    try:
        st = os.stat(target)
    except FileNotFoundError:
        st = None
    except OSError as e:
        raise OutputError(f"{path}: cannot write: {e.strerror}") from None
    if st is not None:
        for test, kind in _KINDS:
            if test(st.st_mode):
                hint = "give a file name inside it" if kind == "a directory" else "use - for stdout"
                raise OutputError(f"{path}: not a regular file ({kind}); write to a regular file or {hint}")
        if not os.access(target, os.W_OK):
            raise OutputError(f"{path}: cannot write: permission denied (the file is read-only)")
    folder = target.parent
    while not folder.exists():  # the folders write_atomic will create
        folder = folder.parent
    if not folder.is_dir():
        raise OutputError(f"{path}: cannot write: {folder} is not a folder")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OutputError(f"{path}: cannot write: permission denied in {folder}")
    return target


@cache
def fast_validator() -> Any:
    """The Rust validator (``jsonschema_rs``), built once per process, formats checked."""
    return jsonschema_rs.Draft202012Validator(document_schema(), validate_formats=True)


@cache
def validator() -> Any:
    """The Python validator (``jsonschema``), built once per process: the one that explains errors."""
    # imported only to explain a rejected output: it adds about 120 ms to every start (-X importtime)
    from jsonschema import Draft202012Validator, FormatChecker

    Draft202012Validator.check_schema(document_schema())
    return Draft202012Validator(document_schema(), format_checker=FormatChecker())


_SCALARS = (str, int, float, bool, type(None))
# a dataclass type -> its field names, read once
_FIELDS: dict[type, tuple[str, ...]] = {}


def _plain(value: Any) -> Any:
    # scalars are tested inline, before a call: most values are scalars
    kind = type(value)
    if kind in _SCALARS:
        return value
    if kind is tuple or kind is list:
        return [v if type(v) in _SCALARS else _plain(v) for v in value]
    names = _FIELDS.get(kind)
    if names is None:
        if not dataclasses.is_dataclass(value) or isinstance(value, type):
            return [_plain(v) for v in value] if isinstance(value, (list, tuple)) else value
        names = _FIELDS[kind] = tuple(f.name for f in dataclasses.fields(value))
    out = {}
    for name in names:
        v = getattr(value, name)
        out[name] = v if type(v) in _SCALARS else _plain(v)
    return out


def to_dict(doc: Document) -> dict[str, Any]:
    """Serialise a document to the schema's form: tuples to lists, pairs to objects."""
    out = _plain(doc)
    out = {"schema_version": SCHEMA_VERSION, **out}
    out["metadata"]["extra"] = dict(doc.metadata.extra)
    return out


def validate(data: dict[str, Any]) -> None:
    """Raise ``ValidationFailed`` naming the JSON path of the first error."""
    if fast_validator().is_valid(data):
        return
    errors = sorted(validator().iter_errors(data), key=lambda e: list(e.absolute_path))
    if errors:
        e = errors[0]
        path = "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in e.absolute_path)
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        raise ValidationFailed(f"{path}: {e.message[:200]}{more}")
    # the two validators disagree: trust the stricter one, and say so
    raise ValidationFailed("$: rejected by jsonschema-rs, accepted by jsonschema (a validator bug)")


# ``validate`` reads a JSON output whole: one larger than this is refused before
# it is read (the sample's output is 6 KB a page: a 1,000-page document's about 6 MB).
DEFAULT_MAX_JSON_BYTES = 128 << 20


def _spans(value: Any, path: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every object under ``value`` that carries a ``span``, with its JSON path."""
    if isinstance(value, dict):
        if isinstance(value.get("span"), list):
            yield path, value
        for k, v in value.items():
            if isinstance(v, (dict, list)):
                yield from _spans(v, f"{path}.{k}")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            if isinstance(v, (dict, list)):
                yield from _spans(v, f"{path}[{i}]")


def invariant_errors(data: dict[str, Any]) -> list[str]:
    """Take a schema-valid output and give what breaks the README's promises beyond the schema.

    Checked: every ``span`` (and section ``heading``) lies in ``text`` with
    start <= end; an item's ``text == text[span[0]:span[1]]``; every ``page``
    is one of ``pages``; ``source.pages == len(pages)`` and pages are numbered
    1..n; every section ``parent`` names an earlier section and every item's
    ``section`` names a section.

    Example: a target with ``span`` [10, 4] gives ``["$.targets[0].span: [10, 4] is reversed"]``.
    """
    errors: list[str] = []
    text = data.get("text") or ""
    pages = data.get("pages") or []
    n = len(pages)
    if (data.get("source") or {}).get("pages") != n:
        errors.append(f"$.source.pages: {(data.get('source') or {}).get('pages')} but {n} pages listed")
    numbers = [p.get("number") for p in pages]
    if numbers != list(range(1, n + 1)):
        errors.append("$.pages: not numbered 1..n in order")
    for path, obj in _spans(data, "$"):
        for key in ("span", "heading"):
            span = obj.get(key)
            if key == "heading" and span is None:
                continue
            if not (isinstance(span, list) and len(span) == 2 and all(type(v) is int for v in span)):
                errors.append(f"{path}.{key}: not a pair of offsets")
                continue
            a, b = span
            if a > b:
                errors.append(f"{path}.{key}: {span} is reversed")
            elif a < 0 or b > len(text):
                errors.append(f"{path}.{key}: {span} lies outside the text ({len(text)} characters)")
        if "text" in obj and isinstance(obj.get("span"), list) and len(obj["span"]) == 2:
            a, b = obj["span"]
            if isinstance(a, int) and isinstance(b, int) and 0 <= a <= b <= len(text) and text[a:b] != obj["text"]:
                errors.append(f"{path}.text: {str(obj['text'])[:40]!r} is not text[{a}:{b}] "
                              f"({text[a:b][:40]!r})")
        page = obj.get("page")
        if page is not None and not (type(page) is int and 1 <= page <= n):
            errors.append(f"{path}.page: {page} is not a page of the document (1-{n})")
    seen: set[Any] = set()
    for i, s in enumerate(data.get("sections") or []):
        parent = s.get("parent")
        if parent is not None and parent not in seen:
            errors.append(f"$.sections[{i}].parent: {parent!r} names no earlier section")
        seen.add(s.get("id"))
    for key in item_lists():  # every list of traceable items, tasks too
        for i, item in enumerate(data.get(key) or []):
            sec = item.get("section") if isinstance(item, dict) else None
            if sec is not None and sec not in seen:
                errors.append(f"$.{key}[{i}].section: {sec!r} names no section")
    return errors


def check_invariants(data: dict[str, Any]) -> None:
    """Raise ``ValidationFailed`` with the first of ``invariant_errors`` (and how many more)."""
    errors = invariant_errors(data)
    if errors:
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        raise ValidationFailed(f"{errors[0]}{more}")


def dumps(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


# Characters that end or confuse a <script> element (</script>, <!--, <script)
# or a JavaScript string (U+2028, U+2029): escaped so JSON placed in a page
# parses the same for any text a document holds.
_SCRIPT_UNSAFE = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026",
                                "\u2028": "\\u2028", "\u2029": "\\u2029"})


def script_json(value: Any) -> str:
    """Take a JSON-able value and give JSON safe inside an HTML ``<script>`` element.

    Example: ``{"text": "<!--<script>"}`` -> ``{"text": "\\u003c!--\\u003cscript\\u003e"}``;
    ``JSON.parse`` gives the same text back.
    """
    return json.dumps(value, ensure_ascii=False).translate(_SCRIPT_UNSAFE)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_atomic(path: str | Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file and a rename, so a
    reader never sees half a file, even if the process is killed.

    The path goes through ``output_target`` first: a symlink is written
    through, a device, FIFO or directory is never replaced (``OutputError``).
    """
    path = output_target(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; outputs are for others to read too
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_document(doc: Document, path: str | Path) -> dict[str, Any]:
    """Validate and write one document; nothing is written when it fails."""
    data = to_dict(doc)
    validate(data)
    write_atomic(path, dumps(data))
    return data
