"""The schema is the single definition of the output: the model and it must agree."""

import dataclasses
import json
import re
import types
from typing import Union, get_args, get_origin, get_type_hints

import pytest
from conftest import ROOT, SAMPLES
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline import model, schema
from pipeline.emit import to_dict, validate

SCHEMA = json.loads((ROOT / "schemas" / "document.schema.json").read_text(encoding="utf-8"))
DEFS = SCHEMA["$defs"]

# --- the typed model against the schema, every class reachable from Document, types included ------------

_SCALARS = {str: "string", int: "integer", float: "number", bool: "boolean"}


def _plain(value, like=None):
    """A model default as it is written: tuples become lists, pairs an object (``like`` one)."""
    if isinstance(like, dict):
        return dict(value)
    return [_plain(v) for v in value] if isinstance(value, (tuple, list)) else value


def _default(f: dataclasses.Field):
    if f.default is not dataclasses.MISSING:
        return f.default
    if f.default_factory is not dataclasses.MISSING:
        return f.default_factory()
    return dataclasses.MISSING


def _split_none(hint) -> tuple[bool, object]:
    """``int | None`` -> (True, int); ``str`` -> (False, str)."""
    if get_origin(hint) in (Union, types.UnionType):
        rest = [a for a in get_args(hint) if a is not type(None)]
        assert len(rest) == 1, f"one type and None only: {hint}"
        return len(rest) < len(get_args(hint)), rest[0]
    return False, hint


def _check_value(hint, node: dict, where: str, seen: set) -> list[str]:
    """What differs between a field's type and the schema node it is written to."""
    node = schema.resolve(node)
    allowed = schema.json_types(node)
    nullable, base = _split_none(hint)
    if nullable != ("null" in allowed):
        return [f"{where}: the model {'allows' if nullable else 'never gives'} None, the schema allows {sorted(allowed)}"]
    allowed -= {"null"}
    args = get_args(base)
    if dataclasses.is_dataclass(base):
        if allowed != {"object"}:
            return [f"{where}: {base.__name__} is written as an object, the schema says {sorted(allowed)}"]
        return _check_class(base, node, where, seen)
    if get_origin(base) is tuple and args[-1] is Ellipsis and get_origin(args[0]) is tuple and allowed == {"object"}:
        # pairs written as an object (metadata.extra: (("主办", "市商务局"),) -> {"主办": "市商务局"})
        key, value = get_args(args[0])
        if key is not str:
            return [f"{where}: object keys are strings, the model's pairs start with {key}"]
        return _check_value(value, node["additionalProperties"], f"{where}{{}}", seen)
    if get_origin(base) is tuple:
        if allowed != {"array"}:
            return [f"{where}: a tuple is written as an array, the schema says {sorted(allowed)}"]
        if args[-1] is Ellipsis:
            return _check_value(args[0], node["items"], f"{where}[]", seen)
        if not node.get("minItems") == node.get("maxItems") == len(args):
            return [f"{where}: the model has {len(args)} items, the schema {node.get('minItems')}..{node.get('maxItems')}"]
        problems = []
        for i, arg in enumerate(args):
            item = node["prefixItems"][i] if i < len(node.get("prefixItems", ())) else node["items"]
            problems += _check_value(arg, item, f"{where}[{i}]", seen)
        return problems
    if base not in _SCALARS:
        return [f"{where}: no JSON type for {base}"]
    if allowed != {_SCALARS[base]}:
        return [f"{where}: the model's {base.__name__} is {_SCALARS[base]}, the schema says {sorted(allowed)}"]
    return []


def _check_class(cls, node: dict, where: str, seen: set, extra: frozenset = frozenset()) -> list[str]:
    """A dataclass against an object node: closed, the same names, each field's type, and what absence means."""
    seen.add(cls)
    node = schema.resolve(node)
    props = schema.properties(node)
    required = schema.required(node)
    hints = get_type_hints(cls, vars(model))
    fields = [f for f in dataclasses.fields(cls)]
    names = {f.name for f in fields} | extra
    problems = []
    if not (node.get("additionalProperties") is False or node.get("unevaluatedProperties") is False):
        problems.append(f"{where}: the schema lets an output carry keys the model does not write")
    if names != set(props):
        problems.append(f"{where} ({cls.__name__}): only in the model {sorted(names - set(props))}, "
                        f"only in the schema {sorted(set(props) - names)}")
    for f in fields:
        if f.name not in props:
            continue
        problems += _check_value(hints[f.name], props[f.name], f"{where}.{f.name}", seen)
        default = _default(f)
        if "enum" in props[f.name] and default is not dataclasses.MISSING and default not in props[f.name]["enum"]:
            problems.append(f"{where}.{f.name}: the model's default {default!r} is none of the schema's values")
        if f.name in required:
            continue
        # an output may lack it (written before the field existed): the schema says what that means,
        # and the model's default is the same value
        if default is dataclasses.MISSING:
            problems.append(f"{where}.{f.name}: optional in the schema, no default in the model")
        elif "default" not in props[f.name]:
            problems.append(f"{where}.{f.name}: optional in the schema, which gives no default ({default!r} in the model)")
        elif _plain(default, props[f.name]["default"]) != props[f.name]["default"]:
            problems.append(f"{where}.{f.name}: default {props[f.name]['default']!r} in the schema, {default!r} in the model")
    return problems


def _reachable(cls, found: set) -> set:
    """Every dataclass a class's fields hold, at any depth."""
    found.add(cls)
    stack = list(get_type_hints(cls, vars(model)).values())
    while stack:
        hint = stack.pop()
        if dataclasses.is_dataclass(hint):
            if hint not in found:
                _reachable(hint, found)
        else:
            stack.extend(a for a in get_args(hint) if a is not Ellipsis)
    return found


def test_schema_and_model_agree_for_every_class_field_and_type():
    seen: set = set()
    problems = _check_class(model.Document, SCHEMA, "$", seen, extra=frozenset({"schema_version"}))
    assert problems == []
    assert seen == _reachable(model.Document, set())
    # the walk reaches every class the output is made of, nested ones included
    assert {model.Source, model.PageInfo, model.Metadata, model.DocNumber, model.Section, model.ParaPos,
            model.Quantity, model.Normalized, model.DateMention, model.Reference, model.Entity, model.Task} <= seen


MISMATCHES = [  # (a class, its fields as another model might have them, the schema node, the problem named)
    ("int | None", "integer", "allows None"),
    ("int", ["integer", "null"], "never gives None"),
    ("float", "integer", "the model's float is number"),
    ("tuple[str, ...]", "string", "a tuple is written as an array"),
]


@pytest.mark.parametrize(("hint", "kind", "problem"), MISMATCHES, ids=[m[0] + ":" + str(m[1]) for m in MISMATCHES])
def test_schema_check_names_a_type_mismatch(hint, kind, problem):
    (found,) = _check_value(eval(hint), {"type": kind}, "$.x", set())
    assert problem in found


def test_schema_check_names_a_missing_field_and_a_missing_default():
    @dataclasses.dataclass
    class Pair:
        value: float
        unit: str = "元"

    node = {"type": "object", "additionalProperties": False, "required": ["value"],
            "properties": {"value": {"type": "number"}, "unit": {"type": "string"}, "note": {"type": "string"}}}
    problems = _check_class(Pair, node, "$.n", set())
    assert any("only in the schema ['note']" in p for p in problems)
    node["properties"]["unit"] = {"enum": ["万元", "亿元"], "default": "元"}
    assert any("default '元' is none of the schema's values" in p for p in _check_class(Pair, node, "$.n", set()))
    assert any("$.n.unit: optional in the schema, which gives no default" in p for p in problems)


def test_schema_item_lists_are_the_lists_of_traceable_items():
    assert schema.item_lists() == ("targets", "quantities", "dates", "references", "entities", "tasks")


def test_schema_has_id_and_version():
    assert SCHEMA["$id"] and SCHEMA["$schema"].endswith("2020-12/schema")
    from pipeline.emit import SCHEMA_VERSION

    assert SCHEMA["properties"]["schema_version"]["const"] == SCHEMA_VERSION


# --- the two validators (jsonschema-rs answers, jsonschema explains) ----------------

GOLDEN = json.loads((ROOT / "tests" / "golden" / "zhengzhengban-2017-30.json").read_text(encoding="utf-8"))


def _broken(path: tuple, value) -> dict:
    data = json.loads(json.dumps(GOLDEN))
    node = data
    for key in path[:-1]:
        node = node[key]
    if value is _DELETE:
        del node[path[-1]]
    else:
        node[path[-1]] = value
    return data


_DELETE = object()
BROKEN = [
    (("metadata", "issue_date"), "2017-13-45", "$.metadata.issue_date"),
    (("metadata", "issue_date"), "2017年5月9日", "$.metadata.issue_date"),
    (("pages", 0, "quality"), "fine", "$.pages[0].quality"),
    (("targets", 0, "span"), [5], "$.targets[0].span"),
    (("targets", 0, "page"), "1", "$.targets[0].page"),
    (("entities", 0, "label"), "THING", "$.entities[0].label"),
    (("schema_version",), "0.0.1", "$.schema_version"),
    (("metadata",), _DELETE, "$"),
    (("surprise",), 1, "$"),
]


def test_validators_accept_the_golden_document():
    from pipeline.emit import fast_validator, validate, validator

    assert fast_validator().is_valid(GOLDEN)
    assert validator().is_valid(GOLDEN)
    validate(GOLDEN)


@pytest.mark.parametrize(("path", "value", "where"), BROKEN, ids=[b[2] + ":" + str(b[1])[:12] for b in BROKEN])
def test_validators_agree_and_name_the_path(path, value, where):
    from pipeline.emit import ValidationFailed, fast_validator, validate, validator

    data = _broken(path, value)
    assert not fast_validator().is_valid(data)
    assert not validator().is_valid(data)
    with pytest.raises(ValidationFailed, match="^" + re.escape(where) + "[:.\\[ ]"):
        validate(data)


# --- the serialiser against the schema: what to_dict writes validates and has exactly the schema's keys ------


def _key_problems(value, node: dict, where: str) -> list[str]:
    """Objects in ``value`` whose keys are not exactly the properties the schema gives them, at any depth."""
    node = schema.resolve(node)
    if isinstance(value, dict):
        props = schema.properties(node)
        if not props:  # an object of free keys (metadata.extra)
            return [p for k, v in value.items() for p in _key_problems(v, node["additionalProperties"], f"{where}.{k}")]
        problems = [] if set(value) == set(props) else [
            f"{where}: keys not in the schema {sorted(set(value) - set(props))}, missing {sorted(set(props) - set(value))}"]
        return problems + [p for k, v in value.items() if k in props for p in _key_problems(v, props[k], f"{where}.{k}")]
    if isinstance(value, list):
        prefix = node.get("prefixItems", ())
        return [p for i, v in enumerate(value)
                for p in _key_problems(v, prefix[i] if i < len(prefix) else node.get("items", {}), f"{where}[{i}]")]
    return []


def _written_as_defined(doc) -> None:
    data = to_dict(doc)
    validate(data)
    assert _key_problems(data, SCHEMA, "$") == []


@pytest.mark.parametrize("pdf", SAMPLES, ids=lambda p: p.stem)
def test_schema_to_dict_of_the_sample_has_exactly_the_schema_keys(pdf, sample_docs):
    _written_as_defined(sample_docs[pdf.stem])


def test_schema_to_dict_of_every_fixture_has_exactly_the_schema_keys(fixture_docs):
    for name, (_, doc) in fixture_docs.items():
        data = to_dict(doc)
        validate(data)
        assert _key_problems(data, SCHEMA, "$") == [], name


def _strategy(hint, node: dict) -> st.SearchStrategy:
    """Values of a field's type that the schema node accepts: a property test of the serialiser."""
    node = schema.resolve(node)
    nullable, base = _split_none(hint)
    if nullable:
        return st.none() | _strategy(base, node)
    args = get_args(base)
    if dataclasses.is_dataclass(base):
        props = schema.properties(node)
        hints = get_type_hints(base, vars(model))
        return st.builds(base, **{f.name: _strategy(hints[f.name], props[f.name]) for f in dataclasses.fields(base)})
    if get_origin(base) is tuple and args[-1] is Ellipsis:
        if get_origin(args[0]) is tuple and "additionalProperties" in node:  # pairs written as an object
            return st.dictionaries(st.text(max_size=4), st.text(max_size=4), max_size=2).map(lambda d: tuple(d.items()))
        return st.lists(_strategy(args[0], node["items"]), max_size=2).map(tuple)
    if get_origin(base) is tuple:
        prefix = node.get("prefixItems", ())
        return st.tuples(*(_strategy(a, prefix[i] if i < len(prefix) else node["items"]) for i, a in enumerate(args)))
    if "enum" in node:
        return st.sampled_from([v for v in node["enum"] if v is not None])
    if base is str:
        if "pattern" in node:
            return st.from_regex(node["pattern"], fullmatch=True)
        if node.get("format") == "date":
            return st.dates().map(lambda d: d.isoformat())
        return st.text(max_size=6)
    if base is bool:
        return st.booleans()
    if base is int:
        return st.integers(min_value=node.get("minimum", -(2**31)), max_value=2**31)
    return st.floats(allow_nan=False, allow_infinity=False, width=32)


_DOCUMENTS = _strategy(model.Document, {k: v for k, v in SCHEMA.items() if k != "properties"}
                       | {"properties": {k: v for k, v in SCHEMA["properties"].items() if k != "schema_version"}})


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(_DOCUMENTS)
def test_schema_to_dict_of_any_model_document_is_valid_with_exactly_the_schema_keys(doc):
    _written_as_defined(doc)


def test_schema_to_dict_of_every_other_generated_input_has_exactly_the_schema_keys(fixture_pdf, tmp_path):
    """The other inputs the tests generate: every front page layout, and each fixture as DOCX, OFD and a web page
    (items placed by paragraph, not page)."""
    from pipeline.run import parse_file
    from tests.fixtures import FIXTURE_NAMES, frontpages
    from tests.fixtures.formats import LAYOUTS, typeset_pages, write_docx, write_ofd, write_portal_html

    paths = [frontpages.write_layout(build(), tmp_path / f"front-{name}.pdf")
             for name, build in frontpages.LAYOUTS.items()]
    for i, name in enumerate(n for n in FIXTURE_NAMES if not n.endswith("encrypted")):
        paras = fixture_pdf(name).expected.paragraphs
        paths += [write_docx(paras, tmp_path / f"{name}.docx"), write_ofd(typeset_pages(paras), tmp_path / f"{name}.ofd"),
                  write_portal_html(paras, tmp_path / f"{name}.html", LAYOUTS[i % len(LAYOUTS)])]
    for path in paths:
        data = to_dict(parse_file(path))
        validate(data)
        assert _key_problems(data, SCHEMA, "$") == [], path.name
