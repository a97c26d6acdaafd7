"""The schema is the single definition of the output: the model and it must agree."""

import dataclasses
import json

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
