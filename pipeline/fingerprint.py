"""What the installed pipeline is made of, as one short digest: code, rule data, model, schemas.

A batch reruns an input when this changes, so an upgrade that changes a rule
(a word in ``data/target_cues.json``) or a line of code redoes every file,
though ``__version__`` stays the same.
"""

from __future__ import annotations

import hashlib
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable

from pipeline.loader import schema_dir, schemas_inside_package

# Not part of what the pipeline computes: caches and the compiled twin of
# ``_speedups.c`` (whose source is counted; a rebuild gives the same output).
_SKIPPED_DIRS = frozenset({"__pycache__"})
_SKIPPED_SUFFIXES = (".pyc", ".so", ".pyd")


def _files(root: Traversable, prefix: str = "") -> list[tuple[str, Traversable]]:
    """Every file under ``root`` as (relative path, file), sorted by path."""
    out: list[tuple[str, Traversable]] = []
    for entry in root.iterdir():
        name = f"{prefix}{entry.name}"
        if entry.is_dir():
            if entry.name not in _SKIPPED_DIRS:
                out.extend(_files(entry, f"{name}/"))
        elif not entry.name.endswith(_SKIPPED_SUFFIXES):
            out.append((name, entry))
    return sorted(out, key=lambda item: item[0])


def _schema_files() -> list[tuple[str, Traversable]]:
    """The schemas: inside the package when installed from a wheel, else beside it in the repository."""
    if schemas_inside_package():
        return []  # already walked with the package
    repo = schema_dir()
    return [(f"schemas/{p.name}", p) for p in sorted(repo.iterdir(), key=lambda p: p.name) if p.name.endswith(".json")] if repo.is_dir() else []


@cache
def code_digest() -> str:
    """The first 12 hex digits of the SHA-256 over the package's files and the schemas: 3f9a0c1b7d2e."""
    h = hashlib.sha256()
    for name, entry in _files(resources.files("pipeline")) + _schema_files():
        h.update(name.encode("utf-8") + b"\0")
        h.update(entry.read_bytes())
        h.update(b"\0")
    return h.hexdigest()[:12]
