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
import tempfile
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from pipeline.model import Document

SCHEMA_VERSION = "1.0.0"


class ValidationFailed(Exception):
    """The output breaks the schema; the message names the JSON path."""


def _schema_text() -> str:
    here = resources.files("pipeline").joinpath("schemas", "document.schema.json")
    if here.is_file():  # an installed wheel carries its own copy
        return here.read_text("utf-8")
    return (Path(__file__).resolve().parent.parent / "schemas" / "document.schema.json").read_text("utf-8")


@cache
def _schema() -> dict[str, Any]:
    return json.loads(_schema_text())


@cache
def fast_validator() -> Any:
    """The Rust validator (``jsonschema_rs``), built once per process, formats checked."""
    import jsonschema_rs

    return jsonschema_rs.Draft202012Validator(_schema(), validate_formats=True)


@cache
def validator() -> Any:
    """The Python validator (``jsonschema``), built once per process: the one that explains errors."""
    from jsonschema import Draft202012Validator, FormatChecker

    Draft202012Validator.check_schema(_schema())
    return Draft202012Validator(_schema(), format_checker=FormatChecker())


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


def dumps(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_atomic(path: str | Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file and a rename, so a
    reader never sees half a file, even if the process is killed."""
    path = Path(path)
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
