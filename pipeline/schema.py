"""The one definition of the output, ``schemas/document.schema.json``, read once and walked.

``emit`` validates every output against it, ``export`` takes its tables,
columns and dtypes from it, and the tests check the typed model against it,
so none of them spells the fields again. Only ``#/$defs/NAME`` references
occur in it.

Example: ``properties(definition("quantity"))["unit"]`` ->
``{"type": "string", "description": "As written with its magnitude: 万人次, %, 个百分点"}``.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from pipeline.loader import schema_text

Node = dict[str, Any]
_JSON_TYPES = ((bool, "boolean"), (int, "integer"), (float, "number"), (str, "string"), (type(None), "null"))


@cache
def document_schema() -> Node:
    """The schema as parsed JSON, read once per process."""
    return json.loads(schema_text())


def definition(name: str) -> Node:
    """A node of ``$defs`` by name: ``definition("span")``."""
    return document_schema()["$defs"][name]


def resolve(node: Node) -> Node:
    """Take a node and give it with its ``$ref`` followed, the node's own keys (a description) kept over the definition's.

    Example: ``{"$ref": "#/$defs/span", "description": "The marker and title."}`` -> the span
    definition (``"type": "array"``, two offsets) with that description.
    """
    while isinstance(node, dict) and "$ref" in node:
        target = definition(node["$ref"].rsplit("/", 1)[1])
        node = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
    return node


def properties(node: Node) -> dict[str, Node]:
    """Take an object node and give its properties, resolved, in the schema's order, those of ``allOf`` included.

    A property given as ``true`` (so ``unevaluatedProperties`` lets through what
    ``allOf`` defines) is the definition ``allOf`` gives. Example: the quantity's
    ``text``, ``span``, ``page``, ``bbox`` and ``para`` come from ``traceable``.
    """
    node = resolve(node)
    inherited: dict[str, Node] = {}
    for part in node.get("allOf", ()):
        inherited.update(properties(part))
    own = {name: inherited.get(name, {}) if sub is True else resolve(sub)
           for name, sub in node.get("properties", {}).items()}
    return {**own, **{name: sub for name, sub in inherited.items() if name not in own}}


def required(node: Node) -> frozenset[str]:
    """The properties an object node requires, those of ``allOf`` included."""
    node = resolve(node)
    names = set(node.get("required", ()))
    for part in node.get("allOf", ()):
        names |= required(part)
    return frozenset(names)


def json_types(node: Node) -> frozenset[str]:
    """The JSON types a node allows: its ``type``, else the types of its ``enum`` or ``const`` values.

    Example: ``{"enum": ["ok", "repaired"]}`` -> ``{"string"}``; ``{"type": ["integer", "null"]}`` ->
    ``{"integer", "null"}``.
    """
    node = resolve(node)
    if "type" in node:
        kind = node["type"]
        return frozenset([kind] if isinstance(kind, str) else kind)
    values = node.get("enum", [node["const"]] if "const" in node else [])
    return frozenset(next(name for cls, name in _JSON_TYPES if isinstance(v, cls)) for v in values)


def is_traceable(node: Node) -> bool:
    """Whether an object node is an item that points into the text (it takes ``traceable``'s properties)."""
    return any(part.get("$ref") == "#/$defs/traceable" for part in resolve(node).get("allOf", ()))


def item_lists() -> tuple[str, ...]:
    """The document's lists of traceable items, in the schema's order.

    Example: ``("targets", "quantities", "dates", "references", "entities", "tasks")``.
    """
    return tuple(name for name, node in document_schema()["properties"].items()
                 if node.get("type") == "array" and is_traceable(node["items"]))
