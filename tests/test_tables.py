"""Tables in the clean text and the targets their cells set."""

from pathlib import Path

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


# --- generated layouts: a ruled indicator table over a page break, a 专栏 box --------

# a CJK TrueType font to draw the picture with (Debian fonts-wqy-zenhei, installed by make)
WQY = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"

# (group cell, indicator lines, value, attribute): a 十四五 plan's 主要指标 as printed, long
# indicators wrapped over lines with the value centred beside them
INDICATOR_ROWS = [
    ("", ["文物保护单位增加数量"], "≥50", "约束性"),
    ("", ["编制保护规划数量（国家级、", "省级、专题专项）"], "≥20", "约束性"),
    ("安全", ["重点文物保护单位防火防", "盗设施建设率（%）"], "100", "预期性"),
    ("", ["博物馆数量"], "≥260", "预期性"),
    ("", ["博物馆年接待观众数量（万人", "次）"], "4000", "预期性"),
    ("", ["社会教育活动数量（场次）"], "≥10000", "预期性"),
    ("", ["新增国家级奖项"], "3-5", "预期性"),
    ("", ["省级层面培训人员（人次）"], "≥1000", "约束性"),
]
# what the table gives: (a word of the indicator, value, value_max, unit, comparator)
INDICATOR_TARGETS = [
    ("文物保护单位增加数量", 50, None, "", ">="),
    ("编制保护规划数量", 20, None, "", ">="),
    ("防火防盗设施建设率", 100, None, "%", "="),
    ("博物馆数量", 260, None, "", ">="),
    ("博物馆年接待观众数量", 4000, None, "万人次", "="),
    ("社会教育活动数量", 10000, None, "场次", ">="),
    ("新增国家级奖项", 3, 5, "", "between"),
    ("省级层面培训人员", 1000, None, "人次", ">="),
]


def _plan_with_table(path, rows_on_first_page=5, as_image=False):
    """Write a two-page plan: body text, the 主要指标 table (header 指标 | 2025年 | 属性, a group
    column, wrapped indicators) running over the page break, then a 专栏 box.

    With ``as_image`` the table is drawn into a picture placed on the page (the text around
    it stays a text layer), as plans printed from a word processor often hold it."""
    from reportlab.pdfgen import canvas

    from tests.fixtures.pdfgen import register_font

    font = register_font(None)
    c = canvas.Canvas(str(path), pagesize=(595.28, 841.89))
    size, pitch = 14.0, 26.0
    cols = (80.0, 150.0, 390.0, 460.0, 520.0)  # group | 指标 | 2025年 | 属性

    def text(s, x, top, sz=size):
        c.setFont(font, sz)
        c.drawString(x, 841.89 - top - sz * 0.88, s)

    def centred(s, x0, x1, top):
        text(s, (x0 + x1 - len(s) * size) / 2, top)

    text("某市文化事业发展“十四五”规划", 150, 70, 20)
    text("一、发展目标", 80, 120, 16)
    text("到2025年，文化事业发展水平显著提升，主要指标如下。", 112, 150, 16)
    top = 200.0
    centred("“十四五”时期文化事业发展主要指标", cols[0], cols[-1], top)
    top += 36

    def header(top):
        centred("指标", cols[0], cols[2], top + 6)
        centred("2025年", cols[2], cols[3], top + 6)
        centred("属性", cols[3], cols[4], top + 6)
        return top + pitch + 6

    def row(r, top):
        group, lines, value, attr = r
        h = pitch * len(lines) + 6
        for k, ln in enumerate(lines):
            text(ln, cols[1] + 6, top + 6 + k * pitch)
        mid = top + (h - size) / 2
        centred(value, cols[2], cols[3], mid)
        centred(attr, cols[3], cols[4], mid)
        if group:
            centred(group, cols[0], cols[1], mid)
        c.setLineWidth(0.5)
        c.line(cols[0], 841.89 - top - h, cols[-1], 841.89 - top - h)
        return top + h

    if as_image:
        return _image_table(c, path, font, top)
    top = header(top)
    for r in INDICATOR_ROWS[:rows_on_first_page]:
        top = row(r, top)
    c.showPage()
    top = 80.0
    for r in INDICATOR_ROWS[rows_on_first_page:]:
        top = row(r, top)
    top += 40
    text("二、重点任务", 80, top, 16)
    top += 40
    c.rect(80, 841.89 - top - 100, 440, 100)
    centred("专栏1　文物保护工程", 80, 520, top + 8)
    text("1.革命文物保护工程：完成40处革命文物保护修缮，", 90, top + 40)
    text("推进安全风险三级以上博物馆安防100%达标。", 90, top + 40 + pitch)
    c.showPage()
    c.save()
    return path


def _image_table(c, path, font, top):
    """The same table drawn as a picture (white, black text and rules) on the first page."""
    from PIL import Image, ImageDraw, ImageFont
    from reportlab.lib.utils import ImageReader

    scale = 4  # 288 dpi
    w, h = 440, 40 + 30 * len(INDICATOR_ROWS)
    img = Image.new("L", (w * scale, h * scale), 255)
    draw = ImageDraw.Draw(img)
    f = ImageFont.truetype(WQY, 13 * scale)
    xs = (0, 300, 370, 440)
    draw.text((10 * scale, 10 * scale), "指标", font=f, fill=0)
    draw.text((310 * scale, 10 * scale), "2025年", font=f, fill=0)
    draw.text((380 * scale, 10 * scale), "属性", font=f, fill=0)
    for i, (_, lines, value, attr) in enumerate(INDICATOR_ROWS):
        y = (40 + 30 * i) * scale
        draw.line((0, y - 6 * scale, w * scale, y - 6 * scale), fill=0, width=2)
        draw.text((10 * scale, y), "".join(lines), font=f, fill=0)
        draw.text((310 * scale, y), value, font=f, fill=0)
        draw.text((380 * scale, y), attr, font=f, fill=0)
    for x in xs:
        draw.line((x * scale, 0, x * scale, h * scale), fill=0, width=2)
    c.drawImage(ImageReader(img.convert("RGB")), 80, 841.89 - top - h, width=w, height=h)
    c.showPage()
    c.save()
    return path


@pytest.fixture(scope="module")
def table_plan(tmp_path_factory):
    from pipeline.run import parse_pdf

    path = _plan_with_table(tmp_path_factory.mktemp("tables") / "indicator_table_over_page_break.pdf")
    return parse_pdf(path, ocr=False)


def _found(targets, key, value, value_max, unit, comparator):
    return [t for t in targets if t.indicator and key in t.indicator and t.value == value
            and t.value_max == value_max and t.unit == unit and t.comparator == comparator]


@pytest.mark.parametrize(("key", "value", "value_max", "unit", "comparator"), INDICATOR_TARGETS)
def test_tables_indicator_table_over_page_break(table_plan, key, value, value_max, unit, comparator):
    got = _found(table_plan.targets, key, value, value_max, unit, comparator)
    assert len(got) == 1, [(t.indicator, t.value, t.unit, t.comparator) for t in table_plan.targets]
    (t,) = got
    assert t.source == "table" and t.year == 2025 and t.role == "target"
    assert table_plan.text[t.span[0]:t.span[1]] == t.text
    assert t.page in (1, 2) and t.bbox


def test_tables_indicator_table_has_no_extra_targets(table_plan):
    table = [t for t in table_plan.targets if t.source == "table"]
    assert len(table) == len(INDICATOR_TARGETS)
    assert not any(t.indicator and ("安全" == t.indicator[:2]) for t in table)  # the group cell is no indicator


@pytest.mark.parametrize(
    ("key", "value", "unit"),
    [("革命文物保护修缮", 40, "处"), ("安防", 100, "%")],
)
def test_tables_box_targets_take_the_plan_end(table_plan, key, value, unit):
    got = [t for t in table_plan.targets if t.indicator and key in t.indicator and t.value == value and t.unit == unit]
    assert len(got) == 1 and got[0].year == 2025 and got[0].source == "text"


# --- an indicator table pasted as a picture on a page with a text layer ----------------


@pytest.fixture(scope="module")
def image_table_plan(tmp_path_factory):
    from pipeline import ocr
    from pipeline.run import parse_pdf

    why = ocr.ocr_unavailable()
    if why:
        pytest.skip(why)
    if not Path(WQY).exists():
        pytest.skip(f"no {WQY} to draw the picture with")
    path = _plan_with_table(tmp_path_factory.mktemp("tables") / "indicator_table_as_image.pdf", as_image=True)
    return parse_pdf(path, ocr=True)


def test_tables_image_table_is_read_by_ocr(image_table_plan):
    page = image_table_plan.pages[0]
    assert page.quality == "ocr" and "1 image read by OCR" in page.quality_reason
    ocr_targets = [t for t in image_table_plan.targets if t.source == "ocr"]
    # OCR reads ≥ as > or >= and may lose a row: most cells, each from the picture's area
    found = [row for row in INDICATOR_TARGETS
             if any(row[0] in (t.indicator or "") and t.value == row[1] and t.unit == row[3] for t in ocr_targets)]
    assert len(found) >= len(INDICATOR_TARGETS) - 2, [(t.indicator, t.value) for t in ocr_targets]
    assert all(t.year == 2025 and t.page == 1 and t.bbox for t in ocr_targets)


def test_tables_text_pages_without_pictures_are_not_ocr(table_plan):
    assert all(p.quality == "ok" for p in table_plan.pages)
    assert not any(t.source == "ocr" for t in table_plan.targets)


# 序号 | 类别 | 指标 | 单位 | 2020年 | 2025年 | 属性: the base year's column is no target
WIDE_HEADER = ("序号", "类别", "指标", "单位", "2020年", "2025年", "属性")
WIDE_ROWS = [
    ("1", "经济", "数字经济核心产业增加值", "亿元", "320", "480", "预期性"),
    ("2", "", "研发经费投入增长", "%", "[8]", "≥10", "预期性"),
    ("3", "民生", "城镇新增就业", "万人", "5.2", "[25]", "约束性"),
    ("4", "", "每千人口拥有3岁以下婴幼儿托位数", "个", "1.8", "4.5", "预期性"),
]


def _wide_table_pdf(path):
    from reportlab.pdfgen import canvas

    from tests.fixtures.pdfgen import register_font

    font = register_font(None)
    c = canvas.Canvas(str(path), pagesize=(595.28, 841.89))
    xs = (50.0, 90.0, 135.0, 320.0, 370.0, 430.0, 485.0, 545.0)

    def cell(s, k, top, size=10.5):
        c.setFont(font, size)
        x = (xs[k] + xs[k + 1] - len(s) * size * (0.55 if s.isascii() else 1.0)) / 2
        c.drawString(x, 841.89 - top - size * 0.88, s)

    c.setFont(font, 16)
    c.drawString(150, 841.89 - 80 - 14, "某市数字经济发展规划（2021—2025年）")
    c.drawString(80, 841.89 - 130 - 14, "一、主要目标")
    top = 170.0
    for row in (WIDE_HEADER, *WIDE_ROWS):
        for k, s in enumerate(row):
            if s:
                cell(s, k, top)
        top += 24
    c.showPage()
    c.save()
    return path


def test_tables_wide_header_base_year_is_a_fact(tmp_path):
    from pipeline.run import parse_pdf

    doc = parse_pdf(_wide_table_pdf(tmp_path / "indicator_table_base_year.pdf"), ocr=False)
    cells = [q for q in doc.targets + doc.quantities if q.source == "table"]
    got = {(q.indicator, q.value, q.unit, q.year, q.role) for q in cells}
    assert ("数字经济核心产业增加值", 480, "亿元", 2025, "target") in got
    assert ("数字经济核心产业增加值", 320, "亿元", 2020, "fact") in got
    assert ("研发经费投入增长", 10, "%", 2025, "target") in got
    assert ("每千人口拥有3岁以下婴幼儿托位数", 4.5, "个", 2025, "target") in got
    assert not any(q.indicator in ("经济", "民生", "1", "2") for q in cells)
    assert [q for q in doc.targets if q.source == "table" and q.year == 2020] == []


@pytest.mark.parametrize(
    ("title", "roles"),
    [
        ("某市2025年部门预算", {"fact"}),  # a budget's columns report and set, they commit to nothing
        ("某市数字经济发展规划（2021—2025年）", {"target"}),
    ],
)
def test_tables_budget_columns_are_no_targets(title, roles):
    text = f"{title}\n一、总体情况\n按照有关要求，现将主要安排说明如下，请结合实际认真执行。\n项目\u3000单位\u30002025年预算数\n基本支出\u3000万元\u3000320\n项目支出\u3000万元\u3000180\n"
    qs = table_quantities(text, find_tables(text), [], None, title)
    assert qs and {q.role for q in qs} == roles


# which pictures on a page with a text layer may hold text: (box, text chars over it, read?)
PICTURES = [
    ((80, 236, 520, 506), 0, True),  # an indicator table pasted as a picture
    ((380, 600, 500, 720), 0, False),  # a seal: too narrow
    ((80, 60, 520, 80), 0, False),  # a rule or a banner: too low
    ((80, 236, 520, 506), 40, False),  # a background under text
]


@pytest.mark.parametrize(("box", "covered", "read"), PICTURES)
def test_tables_pictures_that_may_hold_text(box, covered, read):
    from pipeline.ocr_pages import text_image_boxes
    from pipeline.pages import make_char

    x0, top = box[0] + 5, box[1] + 5
    chars = [make_char("字", x0 + i % 20 * 10, top + i // 20 * 12, x0 + i % 20 * 10 + 9, top + i // 20 * 12 + 9,
                       9, "SimSun", "#000000") for i in range(covered)]
    assert (text_image_boxes([box], 595.28, chars) == [box]) == read


def test_tables_file_without_pictures_lists_nothing(table_plan, tmp_path):
    from pipeline.pdf_bytes import file_has_images

    path = _plan_with_table(tmp_path / "plan.pdf")
    assert not file_has_images(path)
    assert file_has_images(_plan_with_table(tmp_path / "plan_image.pdf", as_image=True)) or not Path(WQY).exists()


# a table row names a rate of change only with these words; other change verbs give the row's level
NAMES_GROWTH = [
    ("地区生产总值增长", True),
    ("城镇居民人均可支配收入增速", True),
    ("单位GDP能耗降低", True),
    ("研发投入增幅", True),
    ("主要污染物排放减少", False),
    ("社会投资增加", False),
    ("城乡收入差距缩小", False),
    ("数字经济占比提升", False),
    ("新增企业", False),
]


@pytest.mark.parametrize(("indicator", "growth"), NAMES_GROWTH)
def test_tables_row_names_growth(indicator, growth):
    from pipeline.tables import _names_growth

    assert _names_growth(indicator) is growth
