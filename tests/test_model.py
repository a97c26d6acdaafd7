"""The model's helpers."""

from dataclasses import replace

import pytest

from pipeline.model import Block, DateMention, DocNumber, Normalized, Quantity, evolve

ITEMS = [
    (Block(span=(0, 0), page=1, size=16.0, color=None, bold=False, align="left", indent=2.0, n_lines=3, x0=72.0,
           top=100.0, x1=500.0, bottom=160.0), {"span": (10, 40)}),
    (DateMention(text="2017年", span=(3, 8), value="2017", kind="year"), {"page": 2, "bbox": (1.0, 2.0, 3.0, 4.0)}),
    (Quantity(text="2300万人次", span=(5, 12), indicator="旅客吞吐量", value=2300.0, value_max=None, unit="万人次",
              normalized=Normalized(23_000_000.0, "人次"), comparator=">=", kind="level", year=2020, modality="达到",
              section="s1", sentence="旅客吞吐量达到2300万人次"), {"page": 1, "bbox": None}),
    (DocNumber("郑发〔2016〕35号", "郑发", 2016, 35), {"serial": 36}),
]


@pytest.mark.parametrize(("obj", "changes"), ITEMS, ids=[type(o).__name__ for o, _ in ITEMS])
def test_model_evolve_is_replace(obj, changes):
    got = evolve(obj, **changes)
    assert got == replace(obj, **changes)
    assert type(got) is type(obj)
    assert evolve(obj) == obj
