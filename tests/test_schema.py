"""The schema is the single definition of the output: the model and it must agree."""

import dataclasses
import json
import re

import pytest
from conftest import ROOT

from pipeline import model

SCHEMA = json.loads((ROOT / "schemas" / "document.schema.json").read_text(encoding="utf-8"))
DEFS = SCHEMA["$defs"]

PAIRS = [
    (model.Quantity, "quantity"),
    (model.DateMention, "date"),
    (model.Reference, "reference"),
    (model.Entity, "entity"),
    (model.Task, "task"),
    (model.Section, "section"),
    (model.Metadata, "metadata"),
    (model.DocNumber, "doc_number"),
]


@pytest.mark.parametrize(("cls", "name"), PAIRS, ids=[p[1] for p in PAIRS])
def test_schema_model_fields_agree(cls, name):
    props = set(DEFS[name]["properties"])
    fields = {f.name for f in dataclasses.fields(cls)}
    assert fields == props, (fields - props, props - fields)


def test_schema_document_fields_agree():
    fields = {f.name for f in dataclasses.fields(model.Document)} | {"schema_version"}
    assert fields == set(SCHEMA["properties"])
    page_fields = {f.name for f in dataclasses.fields(model.PageInfo)}
    assert page_fields == set(SCHEMA["properties"]["pages"]["items"]["properties"])


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
