"""The one way the package reads its own files: rule and gazetteer data, and the output schema.

Every stage loads its data through these functions, so an installed wheel and
a checkout behave alike and each file is parsed once per process. Stages build
their typed tables from what these give (and cache those themselves).
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

_PACKAGE = resources.files("pipeline")
_REPO_SCHEMAS = Path(__file__).resolve().parent.parent / "schemas"


def data_file(name: str) -> Traversable:
    """A file under ``pipeline/data``: ``data_file("gazetteer/countries.txt")``."""
    entry = _PACKAGE.joinpath("data")
    for part in name.split("/"):
        entry = entry.joinpath(part)
    return entry


def data_text(name: str) -> str:
    """The text of a data file: ``data_text("gazetteer/central_orgs.txt")``.

    Not cached: the stages keep what they build from it (a 1 MB word list as a frozenset), not the text too.
    """
    return data_file(name).read_text(encoding="utf-8")


@cache
def data_json(name: str) -> Any:
    """A JSON data file, parsed once: ``data_json("reference_cues.json")["transmit_verbs"]``.

    Callers must not change what they get: the same object is handed to every caller (none does;
    the stages build their own typed, immutable tables from it).
    """
    return json.loads(data_text(name))


def data_lines(name: str) -> list[str]:
    """The non-blank lines of a text data file that are not ``#`` comments, stripped: countries.txt -> ['中国 中华人民共和国', ...]."""
    return [ln.strip() for ln in data_text(name).splitlines() if ln.strip() and not ln.startswith("#")]


def schema_dir() -> Traversable:
    """The folder of the output schemas: inside the package when installed from a wheel, else ``schemas/`` in the repository."""
    inside = _PACKAGE.joinpath("schemas")
    return inside if inside.is_dir() else _REPO_SCHEMAS


def schemas_inside_package() -> bool:
    """Whether the schemas travel inside the package (a wheel) rather than beside it (a checkout)."""
    return _PACKAGE.joinpath("schemas").is_dir()


def schema_text(name: str = "document.schema.json") -> str:
    """The text of one schema file: ``schema_text()`` is the document schema (``pipeline.schema`` keeps it parsed)."""
    return schema_dir().joinpath(name).read_text(encoding="utf-8")
