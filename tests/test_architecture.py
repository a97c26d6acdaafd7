"""The package's shape, checked: imports go one way, modules stay short, native code stays small,
and the environment is read only at the command line."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parent.parent / "pipeline"
MAX_MODULE_LINES = 800
MAX_NATIVE_LINES = 500

# modules that may touch os.environ, and why; every other module takes options
ENVIRONMENT_AT = {
    "pipeline.cli": "the edge: reads PIPELINE_* into options",
    "pipeline.ocr": "passes a copy of the environment, one thread limit added, to the tesseract child it starts",
    "pipeline.batch.pool": "sets the numeric libraries' thread limits in the worker processes it starts, not in its caller",
}


def _modules() -> dict[str, Path]:
    mods = {}
    for path in PKG.rglob("*.py"):
        parts = path.relative_to(PKG.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        mods[name] = path
    for path in PKG.rglob("*.c"):  # a C extension is a module of its own, pipeline/_speedups.c -> pipeline._speedups
        mods[".".join(path.relative_to(PKG.parent).with_suffix("").parts)] = path
    return mods


MODULES = _modules()
PY_MODULES = sorted((n, p) for n, p in MODULES.items() if p.suffix == ".py")


def _imports(name: str, path: Path, mods: dict[str, Path]) -> set[str]:
    """The package modules ``name`` imports anywhere in its file, functions included.

    ``from pipeline import ocr`` is an import of ``pipeline.ocr``, not of the package's ``__init__``.
    """
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    if path.suffix != ".py":
        return found
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            for alias in node.names:
                sub = f"{module}.{alias.name}"
                found.add(sub if sub in mods else module)
    return {m for m in found if m in mods and m != name}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                found.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_architecture_no_import_cycle():
    graph = {name: _imports(name, path, MODULES) for name, path in MODULES.items()}
    assert _cycles(graph) == []


@pytest.mark.parametrize("path", sorted(PKG.rglob("*.py")), ids=lambda p: str(p.relative_to(PKG)))
def test_architecture_module_length(path):
    n = len(path.read_text(encoding="utf-8").splitlines())
    assert n <= MAX_MODULE_LINES, f"{path.name} has {n} lines"


def test_architecture_native_code_small():
    n = sum(len(p.read_text(encoding="utf-8").splitlines()) for p in PKG.rglob("*.c"))
    assert n <= MAX_NATIVE_LINES


@pytest.mark.parametrize("name,path", PY_MODULES, ids=[n for n, _ in PY_MODULES])
def test_architecture_environment_read_at_the_edge(name, path):
    text = path.read_text(encoding="utf-8")
    uses = "os.environ" in text or "getenv" in text
    assert not uses or name in ENVIRONMENT_AT, f"{name} reads the environment; take an option instead"


# the modules that own their process, the only ones that may change its state (pipeline.process)
PROCESS_OWNERS = ("pipeline.cli", "pipeline.batch.pool")


@pytest.mark.parametrize("name,path", PY_MODULES, ids=[n for n, _ in PY_MODULES])
def test_architecture_process_state_left_alone(name, path):
    text = path.read_text(encoding="utf-8")
    if name != "pipeline.process":
        assert not any(f"gc.{f}" in text for f in ("disable", "freeze", "set_threshold")), name
    if name not in PROCESS_OWNERS:
        assert "pipeline.process" not in _imports(name, path, MODULES), name
