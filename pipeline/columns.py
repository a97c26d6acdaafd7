"""The export's tables and their columns, taken from the schema: names, order and dtypes.

One table per list of traceable items in the schema (``targets``,
``quantities``, ``dates``, ``references``, ``entities``, ``tasks``) and
``documents``. An item table's columns are its schema definition's
properties, in order, flattened: a fixed-length array into its named parts
(the schema's ``x-export`` ``parts``: ``span`` -> ``span_start``,
``span_end``), an object into one column per key (``normalized`` ->
``normalized_value``, ``normalized_unit``; a key ``text`` keeps the
object's name: ``doc_number``), a list into one joined cell. The dtype
follows the JSON type: integer -> Int64, number -> float64, boolean ->
boolean, a string of format date -> datetime64, anything else -> str.

What the schema cannot say is in the small tables below, each entry
checked against the schema by ``tests/test_export.py``: the document
columns every row starts with, renamed fields, columns worked out from an
item, and the documents table's order. No pandas here: the command line
reads the table names without paying for it.
"""

from __future__ import annotations

from functools import cache

from pipeline import schema

DATETIME = "datetime64[us]"
# What a table file may be, by suffix.
FORMATS = (".csv", ".parquet", ".jsonl", ".xlsx")
TABLES = (*schema.item_lists(), "documents")

# The columns every row starts with: the output's file name without .json (郑政办-30-1a899f7d),
# four of the document's metadata (a path in the output), and, in item tables, the headings above the item.
DOCUMENT_ID = "document_id"
DOCUMENT_FROM = {
    "document_number": "metadata.doc_number.text",
    "document_title": "metadata.title",
    "document_issuer": "metadata.issuer",
    "document_date": "metadata.issue_date",
}
SECTION_PATH = "section_path"  # 三、主要任务 / （三）扩大对外贸易

# Item fields whose names say too little in a table, and what their columns are called, by table
# ("*": every item table): section is the id of the item's section (s2.1) beside section_path;
# a target's year is the year its value is for (到2025年 -> 2025), not the document's; task is the
# id of the task that holds a quantity (t3), and a task's own id is its task_id.
RENAMED: dict[str, dict[str, str]] = {
    "*": {"section": "section_id"},
    "targets": {"year": "target_year", "task": "task_id"},
    "quantities": {"year": "target_year", "task": "task_id"},
    "tasks": {"id": "task_id"},
}
# Columns worked out from an item, by table: placed after the property named, with their dtypes.
# dates: the days a mention's value covers (2017 -> 2017-01-01 … 2017-12-31); tasks: the days its deadline covers.
DERIVED: dict[str, tuple[str, dict[str, str]]] = {
    "dates": ("kind", {"date_start": DATETIME, "date_end": DATETIME}),
    "tasks": ("deadline", {"deadline_start": DATETIME, "deadline_end": DATETIME}),
}
# The documents table: after the document columns, these properties in this order (paths in the
# output), then a count of each list named in COUNTED and the warnings. Every other property of
# source and metadata is in DOCUMENTS_LEFT_OUT with the reason (a test holds the two lists to the schema).
DOCUMENTS_FROM = (
    "source.file", "source.sha256", "source.pages", "source.engine", "source.format",
    "metadata.doc_number.agency_code", "metadata.doc_number.year", "metadata.doc_number.serial",
    "metadata.doc_type", "metadata.issuers", "metadata.recipients", "metadata.signer", "metadata.signatories",
    "metadata.body_title", "metadata.attachments", "metadata.cc", "metadata.printer", "metadata.print_date",
    "metadata.copy_number", "metadata.secrecy", "metadata.urgency", "metadata.note", "metadata.extra",
    "metadata.flags",
)
COUNTED = ("sections", "targets", "quantities", "dates", "references", "entities")
DOCUMENTS_LEFT_OUT = {
    "metadata.doc_number_written": "where the document's own 发文字号 is printed (text, span, page, box): "
                                   "read from the JSON by xref and the review page, not a column of a table",
}


class ExportError(Exception):
    """An export that cannot be made; the message is one line for the user."""


def node_at(path: str) -> schema.Node:
    """The schema node of a path in the output: ``"metadata.doc_number.year"`` -> ``{"type": ["integer", "null"]}``."""
    node: schema.Node = schema.document_schema()
    for key in path.split("."):
        node = schema.properties(node)[key]
    return node


def dtype(node: schema.Node) -> str:
    """The column dtype of a scalar schema node: ``{"type": ["integer", "null"]}`` -> ``"Int64"``."""
    kinds = schema.json_types(node) - {"null"}
    if kinds == {"integer"}:
        return "Int64"
    if kinds == {"number"}:
        return "float64"
    if kinds == {"boolean"}:
        return "boolean"
    if kinds == {"string"} and schema.resolve(node).get("format") == "date":
        return DATETIME
    return "str"  # text, an enum, a list joined, an object of free keys as JSON


def parts(node: schema.Node) -> tuple[str, ...]:
    """The named parts of a fixed-length array: the span's ``("start", "end")``; ``()`` for any other node."""
    return tuple(schema.resolve(node).get("x-export", {}).get("parts", ()))


def keys(node: schema.Node) -> tuple[str, ...]:
    """The keys of an object with fixed properties (``normalized`` -> ``("value", "unit")``); ``()`` otherwise."""
    return tuple(schema.properties(node)) if "object" in schema.json_types(node) else ()


def column_name(name: str, key: str) -> str:
    """The column of an object's key: ``doc_number`` + ``year`` -> ``doc_number_year``; its ``text`` keeps the name."""
    return name if key == "text" else f"{name}_{key}"


def flat_columns(name: str, node: schema.Node) -> dict[str, str]:
    """The columns and dtypes one property becomes: ``span`` -> ``{"span_start": "Int64", "span_end": "Int64"}``."""
    node = schema.resolve(node)
    named = parts(node)
    if named:
        prefix = node.get("prefixItems", ())
        return {f"{name}_{p}": dtype(prefix[i] if i < len(prefix) else node["items"]) for i, p in enumerate(named)}
    props = schema.properties(node) if keys(node) else {}
    if props:
        return {column_name(name, k): dtype(sub) for k, sub in props.items()}
    return {name: dtype(node)}


@cache
def item_shapes() -> dict[str, tuple[str, tuple[str, ...]]]:
    """How each item property is flattened, over every item list: ``{"span": ("parts", ("start", "end")),
    "normalized": ("keys", ("value", "unit")), …}`` (properties flattened the same way wherever they occur)."""
    shapes: dict[str, tuple[str, tuple[str, ...]]] = {}
    for table in schema.item_lists():
        for name, node in item_properties(table).items():
            if parts(node):
                shapes[name] = ("parts", parts(node))
            elif keys(node):
                shapes[name] = ("keys", keys(node))
    return shapes


def item_properties(table: str) -> dict[str, schema.Node]:
    """The schema properties of one item table's items, in order: ``item_properties("entities")`` ->
    text, span, page, bbox, para, label, source."""
    return schema.properties(schema.document_schema()["properties"][table]["items"])


def renamed(table: str) -> dict[str, str]:
    """The item fields a table renames: ``renamed("targets")["year"]`` -> ``"target_year"``."""
    return {**RENAMED["*"], **RENAMED.get(table, {})}


def _head() -> dict[str, str]:
    return {DOCUMENT_ID: "str", **{col: dtype(node_at(path)) for col, path in DOCUMENT_FROM.items()}}


Path = tuple[str | int, ...]  # keys and array positions into an output: ("metadata", "doc_number", "year")


def flat_paths(column: str, path: Path, node: schema.Node) -> list[tuple[str, str, Path]]:
    """A property flattened all the way down, as (column, dtype, path) triples.

    Example: ``flat_paths("doc_number", ("metadata", "doc_number"), node)`` ->
    ``[("doc_number", "str", (…, "text")), ("doc_number_agency_code", "str", (…, "agency_code")), …]``;
    a span inside an object gives ``…_span_start`` / ``…_span_end`` at positions 0 and 1.
    """
    node = schema.resolve(node)
    named = parts(node)
    if named:
        prefix = node.get("prefixItems", ())
        return [(f"{column}_{p}", dtype(prefix[i] if i < len(prefix) else node["items"]), (*path, i))
                for i, p in enumerate(named)]
    if keys(node):
        return [triple for key, sub in schema.properties(node).items()
                for triple in flat_paths(column_name(column, key), (*path, key), sub)]
    return [(column, dtype(node), path)]


@cache
def documents_columns() -> tuple[tuple[str, str, Path], ...]:
    """The documents table after its head, as (column, dtype, path), from ``DOCUMENTS_FROM``.

    Example: ``documents_columns()[7]`` -> ``("doc_number_serial", "Int64", ("metadata", "doc_number", "serial"))``.
    """
    return tuple(triple for text in DOCUMENTS_FROM
                 for triple in flat_paths("_".join(text.split(".")[1:]), tuple(text.split(".")), node_at(text)))


@cache
def _columns(table: str) -> dict[str, str]:
    if table == "documents":
        return {**_head(), **{column: kind for column, kind, _ in documents_columns()},
                **{f"n_{name}": "Int64" for name in COUNTED}, "warnings": "str"}
    names = renamed(table)
    after, derived = DERIVED.get(table, ("", {}))
    out = {**_head(), SECTION_PATH: "str"}
    for name, node in item_properties(table).items():
        cols = flat_columns(name, node)
        out.update({names.get(col, col): kind for col, kind in cols.items()})
        if name == after:
            out.update(derived)
    return out


def columns(table: str) -> dict[str, str]:
    """The known columns of a table and their dtypes, in order.

    Args:
        table: one of ``TABLES``, e.g. "targets".

    Returns:
        e.g. ``{"document_id": "str", …, "value": "float64", "target_year": "Int64", …}``.
    """
    if table not in TABLES:
        raise ExportError(f"unknown table {table!r}; choose from {', '.join(TABLES)}")
    return dict(_columns(table))

