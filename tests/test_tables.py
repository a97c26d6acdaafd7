"""Tables in the clean text and the targets their cells set."""

import pytest

from pipeline.tables import find_tables, table_quantities

TABLE_TEXT = (
    "主要指标如下表：\n"
    "指标\u3000单位\u30002024年目标\u30002025年目标\n"
    "单位增加值能耗下降\u3000%\u30003\u30006\n"
    "绿色工厂\u3000家\u300025\u300040\n"
    "新能源汽车产量\u3000万辆\u30003.5\u30005\n"
    "二、重点任务"
)

TABLE_CASES = [
    (TABLE_TEXT, [4, 4, 4, 4]),
    ("东川市人民政府办公室\u30002024年3月27日印发", []),  # one field gap is a 版记 line, not a table
    ("主办：市商务局\u3000督办：市政府办公厅", []),
    ("甲\u3000乙\u3000丙\n丁\u3000戊", []),  # rows of different widths are no table
    ("", []),
]


@pytest.mark.parametrize(("text", "widths"), TABLE_CASES)
def test_tables_find(text, widths):
    tables = find_tables(text)
    assert [len(r) for t in tables for r in t.rows] == widths
    for t in tables:
        for row in t.rows:
            for cell in row:
                assert text[cell.span[0]:cell.span[1]] == cell.text


CELL_CASES = [
    ("单位增加值能耗下降", 3, "%", 2024, "growth"),
    ("单位增加值能耗下降", 6, "%", 2025, "growth"),
    ("绿色工厂", 25, "家", 2024, "level"),
    ("绿色工厂", 40, "家", 2025, "level"),
    ("新能源汽车产量", 3.5, "万辆", 2024, "level"),
    ("新能源汽车产量", 5, "万辆", 2025, "level"),
]


def test_tables_one_target_per_cell():
    qs = table_quantities(TABLE_TEXT, find_tables(TABLE_TEXT), [], 2024)
    got = [(q.indicator, q.value, q.unit, q.year, q.kind) for q in qs]
    assert got == CELL_CASES
    assert all(q.source == "table" and q.role == "target" for q in qs)
    assert all(TABLE_TEXT[q.span[0]:q.span[1]] == q.text for q in qs)
    assert qs[-1].normalized.value == 50000 and qs[-1].normalized.unit == "辆"


# a cell naming a plan period (十四五) is no figure; a tolerance (正负5) is the range -5 to 5
ODD_CELLS_TEXT = (
    "主要指标如下表：\n"
    "指标\u3000单位\u30002024年目标\u30002025年目标\n"
    "绿色工厂\u3000家\u3000十四五\u300040\n"
    "计量误差\u3000%\u3000正负5\u30003\n"
    "二、重点任务"
)


def test_tables_plan_name_and_tolerance_cells():
    qs = table_quantities(ODD_CELLS_TEXT, find_tables(ODD_CELLS_TEXT), [], 2024)
    got = [(q.indicator, q.value, q.value_max, q.unit, q.comparator) for q in qs]
    assert got == [("绿色工厂", 40, None, "家", "="), ("计量误差", -5, 5, "%", "between"), ("计量误差", 3, None, "%", "=")]


def test_tables_fixture_plan_targets_per_cell(fixture_docs):
    fx, doc = fixture_docs["plan_target_table_joint"]
    header, *rows = fx.expected.tables[0]
    table = [t for t in doc.targets if t.source == "table"]
    want = []
    for row in rows:
        for col, cell in enumerate(row[2:], start=2):
            want.append((row[0], float(cell), row[1], int(header[col][:4])))
    assert [(t.indicator, t.value, t.unit, t.year) for t in table] == want
    assert all(t.page == 2 and t.bbox for t in table)
