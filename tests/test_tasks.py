"""Tasks and the bodies responsible for them: phrase tables per way of naming bodies, and whole documents."""

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.model import Normalized, Quantity
from pipeline.tasks import find_tasks, link_targets
from pipeline.tasks.bodies import full_names, split_bodies
from pipeline.tasks.deadlines import deadline_year, read_deadline
from pipeline.tasks.notes import find_notes, read_note
from pipeline.tasks.tables import read_header

# --- bodies: a list as written ------------------------------------------------------------------

BODY_LISTS = [
    ("省商务厅、财政厅、发展改革委", ["省商务厅", "财政厅", "发展改革委"]),
    ("省财政厅、自然资源厅、税务局等", ["省财政厅", "自然资源厅", "税务局"]),  # trailing 等 dropped
    ("市发展改革委、市财政局等相关部门", ["市发展改革委", "市财政局"]),
    ("市发展改革委、各有关单位", ["市发展改革委"]),  # names nobody in particular
    ("省有关单位，各市人民政府", ["省有关单位", "各市人民政府"]),  # a level keeps it a body
    ("省民政厅，各市、州、县人民政府", ["省民政厅", "各市、州、县人民政府"]),  # one name cut at 、
    ("各县（市、区）人民政府、省财政厅", ["各县（市、区）人民政府", "省财政厅"]),
    ("市发改委，各县区", ["市发改委", "各县区"]),
    ("市市场监管局福田局、区统计局", ["市市场监管局福田局", "区统计局"]),
    ("国家外汇管理局安徽省分局、中国出口信用保险公司安徽分公司", ["国家外汇管理局安徽省分局", "中国出口信用保险公司安徽分公司"]),
    ("", []),
    # negatives: not a list of bodies
    ("企业、个人", None),
    ("符合条件的小微企业", None),
    ("2023年底前", None),
]


@pytest.mark.parametrize(("written", "bodies"), BODY_LISTS)
def test_tasks_split_bodies(written, bodies):
    assert split_bodies(written) == bodies


FULL_NAMES = [
    (["省商务厅", "财政厅", "发展改革委"], ("省商务厅", "省财政厅", "省发展改革委")),
    (["市住建局", "市场监管局"], ("市住建局", "市市场监管局")),  # 市场 is no level
    (["区发展改革局", "城市管理局"], ("区发展改革局", "区城市管理局")),
    (["郑州市财政局", "税务局"], ("郑州市财政局", "郑州市税务局")),  # a place lends itself
    (["工业和信息化部", "发展改革委"], ("工业和信息化部", "发展改革委")),  # nothing to carry
    (["省地方金融监管局", "安徽证监局"], ("省地方金融监管局", "安徽证监局")),  # its own place
    (["国家发展改革委", "财政部"], ("国家发展改革委", "财政部")),  # a national name lends nothing
    (["省民政厅", "各市人民政府"], ("省民政厅", "各市人民政府")),
    (["定西高新区管委会", "市政府相关单位"], ("定西高新区管委会", "市政府相关单位")),  # 市政府 has its level
    (["东川高新区管委会", "财政局"], ("东川高新区管委会", "财政局")),  # a zone names its own place, lends nothing
    (["市商务局", "东川高新区管委会"], ("市商务局", "东川高新区管委会")),
]


@pytest.mark.parametrize(("units", "full"), FULL_NAMES)
def test_tasks_full_names_carry_the_level(units, full):
    assert full_names(units) == full


# --- notes: each way of naming bodies, positives and negatives ------------------------------------

# (words inside the note, lead, units, deadline_text)
NOTES = [
    # 责任单位：…
    ("责任单位：省税务局", [], ["省税务局"], None),
    ("责任单位：市发展改革委、市财政局，各县区政府", [], ["市发展改革委", "市财政局", "各县区政府"], None),
    # 责任单位 with 配合单位: the 责任单位 lead
    ("责任单位：省人力资源社会保障厅，配合单位：省财政厅", ["省人力资源社会保障厅"], ["省人力资源社会保障厅", "省财政厅"],
     None),
    ("责任单位：省有关单位，各市人民政府；配合单位：省数据资源局", ["省有关单位", "各市人民政府"],
     ["省有关单位", "各市人民政府", "省数据资源局"], None),
    # 牵头单位：…；配合单位：…；完成时限：…
    ("牵头单位：市商务局；配合单位：市财政局、各县区政府；完成时限：2023年6月底前", ["市商务局"],
     ["市商务局", "市财政局", "各县区政府"], "2023年6月底前"),
    ("牵头单位：市商务局，责任单位：各县区人民政府，市政府相关单位", ["市商务局"],
     ["市商务局", "各县区人民政府", "市政府相关单位"], None),
    ("【牵头单位】市卫生健康委【责任单位】各区政府", ["市卫生健康委"], ["市卫生健康委", "各区政府"], None),
    # X牵头，Y、Z按职责分工负责
    ("省住房城乡建设厅牵头，省财政厅、自然资源厅、税务局按职责分工负责", ["省住房城乡建设厅"],
     ["省住房城乡建设厅", "省财政厅", "自然资源厅", "税务局"], None),
    ("市工业和信息化局牵头，市财政局配合", ["市工业和信息化局"], ["市工业和信息化局", "市财政局"], None),
    ("由市教育局牵头负责", ["市教育局"], ["市教育局"], None),
    ("市发展改革委会同市财政局负责", ["市发展改革委"], ["市发展改革委", "市财政局"], None),
    # XX等负责 (no lead named)
    ("农业农村部、发展改革委、财政部等负责", [], ["农业农村部", "发展改革委", "财政部"], None),
    ("各省级人民政府负责", [], ["各省级人民政府"], None),
    # 列第一位者为牵头单位: the first body leads
    ("工业和信息化部、发展改革委、科技部等负责。列第一位者为牵头单位，下同", ["工业和信息化部"],
     ["工业和信息化部", "发展改革委", "科技部"], None),
    # （牵头） after a name
    ("责任单位：市发展改革委（牵头）、市财政局、市商务局", ["市发展改革委"], ["市发展改革委", "市财政局", "市商务局"], None),
    ("市教育局（牵头）、市财政局负责", ["市教育局"], ["市教育局", "市财政局"], None),
    # a time limit alone
    ("2023年6月底前完成", [], [], "2023年6月底前完成"),
    ("长期坚持", [], [], "长期坚持"),
]

NOT_NOTES = [
    "一",  # a marker
    "2021—2025年",  # a period, not a time limit
    "以下简称市发改委",
    "企业负责",  # no body
    "具体办法由市财政局另行制定。市税务局负责解释",  # sentences
    "含省财政厅",
    "试行",
]


@pytest.mark.parametrize(("inner", "lead", "units", "deadline"), NOTES)
def test_tasks_read_note(inner, lead, units, deadline):
    note = read_note(inner)
    assert note is not None
    assert (list(note.lead), list(note.units), note.deadline_text) == (lead, units, deadline)


@pytest.mark.parametrize("inner", NOT_NOTES)
def test_tasks_read_note_negatives(inner):
    assert read_note(inner) is None


def test_tasks_first_listed_leads_in_later_notes():
    text = ("（一）甲任务。（工业和信息化部、科技部等负责。列第一位者为牵头单位，下同）\n"
            "（二）乙任务。（农业农村部、工业和信息化部牵头负责）\n（三）丙任务。（各省级人民政府负责）")
    notes = find_notes(text)
    assert [n.lead for n in notes] == [("工业和信息化部",), ("农业农村部",), ("各省级人民政府",)]


# --- deadlines -------------------------------------------------------------------------------------

DEADLINES = [
    ("6月底前", 2023, "2023-06-30"),
    ("2023年6月底前", None, "2023-06-30"),
    ("年底前", 2023, "2023-12-31"),
    ("2024年12月31日前", 2023, "2024-12-31"),
    ("9月前", 2023, "2023-08-31"),
    ("2025年", 2023, "2025"),
    ("2025年底前完成", 2023, "2025-12-31"),
    ("上半年", 2023, "2023-06-30"),
    ("2023年第三季度", None, "2023-09-30"),
    ("2024年3月中旬", None, "2024-03-20"),
    ("长期坚持", 2023, None),
    ("持续推进", 2023, None),
    ("6月底前", None, None),  # no year to put it in
]


@pytest.mark.parametrize(("words", "year", "iso"), DEADLINES)
def test_tasks_read_deadline(words, year, iso):
    value, is_limit = read_deadline(words, year)
    assert is_limit and value == iso


@pytest.mark.parametrize("words", ["省商务厅", "加快推进", "13个", ""])
def test_tasks_read_deadline_negatives(words):
    assert read_deadline(words, 2023) == (None, False)


# --- tasks in a text --------------------------------------------------------------------------------

ITEMS_TEXT = (
    "一、稳定消费\n"
    "1.扩大汽车消费。年内新增充电桩500个。（责任单位：市发展改革委）支持二手车交易。（责任单位：市商务局，配合单位：市税务局）\n"
    "2.提升餐饮消费。举办美食节。\n"
    "全年举办活动100场以上。（市文化和旅游局牵头，各区政府按职责分工负责；2023年6月底前完成）\n"
    "二、优化环境\n"
    "（一）开展放心消费行动。\n"
    "（二）建设消费者权益服务站。\n"
    "牵头单位：市市场监管局，责任单位：各区政府\n"
    "三、保障措施\n"
    "（一）加强组织。（二）强化宣传。\n"
    "以上任务由市政府办公室牵头，各区政府、市有关部门负责落实。"
)


def _tasks(text, year=2023, targets=()):
    return [(t.text[:12], list(t.lead), list(t.units), t.deadline, t.source)
            for t in find_tasks(text, (), targets, year)]


def test_tasks_every_form_in_one_text():
    got = _tasks(ITEMS_TEXT)
    assert got == [
        ("扩大汽车消费。年内新增充", [], ["市发展改革委"], None, "note"),
        ("支持二手车交易。", ["市商务局"], ["市商务局", "市税务局"], None, "note"),
        ("提升餐饮消费。举办美食节", ["市文化和旅游局"], ["市文化和旅游局", "各区政府"], "2023-06-30", "note"),
        ("优化环境", ["市市场监管局"], ["市市场监管局", "各区政府"], None, "part"),  # a line after several items
        ("保障措施", ["市政府办公室"], ["市政府办公室", "各区政府", "市有关部门"], None, "part"),  # 以上任务由…
    ]


def test_tasks_spans_and_scopes():
    for t in find_tasks(ITEMS_TEXT):
        assert ITEMS_TEXT[t.span[0]:t.span[1]] == t.text
        assert t.scope[0] <= t.span[0] and t.span[1] <= t.scope[1]


def _target(text, sub, value):
    start = text.index(sub)
    return Quantity(text=sub, span=(start, start + len(sub)), indicator=None, value=value, value_max=None, unit="个",
                    normalized=Normalized(value, "个"), comparator="=", kind="level", year=None, modality=None,
                    section=None, sentence=sub)


def test_tasks_targets_get_their_task_and_bodies():
    targets = [_target(ITEMS_TEXT, "500个", 500), _target(ITEMS_TEXT, "100场", 100)]
    tasks = find_tasks(ITEMS_TEXT, (), targets, 2023)
    assert tasks[0].targets == (0,) and tasks[2].targets == (1,)
    _, linked = link_targets(tasks, targets)
    assert [(q.task, q.bodies) for q in linked] == [
        (tasks[0].id, ("市发展改革委",)), (tasks[2].id, ("市文化和旅游局", "各区政府"))]


def test_tasks_closing_note_covers_only_what_names_no_body():
    text = ("一、甲\n（一）乙任务。（责任单位：市财政局）\n（二）丙任务，新建10个。\n"
            "以上任务由市商务局牵头，各区政府负责落实。")
    targets = [_target(text, "10个", 10)]
    tasks = find_tasks(text, (), targets, 2023)
    assert [(t.text, t.units, t.source) for t in tasks] == [
        ("甲", ("市商务局", "各区政府"), "part"), ("乙任务。", ("市财政局",), "note")]
    assert link_targets(tasks, targets)[1][0].task == tasks[0].id  # 丙 names no body: the part's


@pytest.mark.parametrize("text", [
    "一、总体要求\n坚持问题导向，加强统筹协调。（以下简称市发改委）\n",
    "按照《城市更新行动计划（2023—2025年）》要求，推进改造。",
    "各地要明确责任单位，落实工作责任。",  # 责任单位 named, no body given
    "主办单位：市人民政府办公室\u3000承办单位：市数据局",  # a web page's footer
    "郑州市人民政府办公厅\n2017年3月13日",
])
def test_tasks_none_in_texts_without_notes(text):
    assert [t for t in find_tasks(text) if t.units] == []


# --- task tables -------------------------------------------------------------------------------------

HEADERS = [
    ("序号\u3000重点任务\u3000牵头单位\u3000配合单位\u3000完成时限", ["number", "task", "lead", "support", "deadline"]),
    ("序号\u3000重点任务\u3000牵头单位配合单位完成时限", ["number", "task", "lead", "support", "deadline"]),  # run together
    ("工作任务\u3000责任单位\u3000完成时间", ["task", "responsible", "deadline"]),
    # negatives: no task column, no body column, or other words
    ("序号\u3000指标\u3000单位\u30002025年目标", None),
    ("序号\u3000重点任务\u3000备注", None),
    ("牵头单位：市商务局", None),
]


@pytest.mark.parametrize(("line", "kinds"), HEADERS)
def test_tasks_read_table_header(line, kinds):
    got = read_header(line)
    assert (None if got is None else [k for _, _, k in got]) == kinds


TABLE_ROWS = tuple(
    (str(i),
     f"推进第{i}批老旧小区改造，\n年内开工{10 * i}个" if i % 3 == 0 else f"完善第{i}项社区服务设施",
     "市住建局",
     "市财政局、\n各区政府" if i % 4 == 0 else "市财政局\n各区政府" if i == 5 else "各区政府",
     "6月底前" if i % 2 else "长期坚持")
    for i in range(1, 13))


# a target table with a 责任单位 column: each row a task, its cells' targets tied to it
TARGET_ROWS = (("1", "新建充电桩", "个", "500", "市发展改革委"), ("2", "改造小区", "个", "120", "市住建局"))


@pytest.fixture(scope="module")
def task_table_doc(tmp_path_factory):
    """A 分工方案 whose task table runs over a page break, the header set again on the next page."""
    from pipeline import parse_pdf
    from tests.fixtures.pdfgen import DocSpec, Heading, Para, Table, render

    filler = "坚持以人民为中心，统筹推进城市更新，持续改善居住条件，提升城市品质，增强城市活力，让群众生活更方便、更舒心。"
    spec = DocSpec(
        issuers=("东川市人民政府办公室",), doc_number="东政办〔2024〕8号",
        title_lines=("东川市人民政府办公室关于印发", "城市更新重点任务分工方案的通知"), doc_type="通知",
        recipients=("各区人民政府", "市政府各部门"),
        body=(Para("现将城市更新重点任务分工方案印发给你们，请认真贯彻落实。"),
              Heading("一、", "总体要求"), *[Para(filler) for _ in range(5)],
              Heading("二、", "重点任务分工"),
              Table(header=("序号", "重点任务", "牵头单位", "配合单位", "完成时限"), rows=TABLE_ROWS,
                    col_fractions=(0.08, 0.42, 0.17, 0.17, 0.16), split=True),
              Heading("三、", "主要指标"),
              Table(header=("序号", "指标", "单位", "2025年目标", "责任单位"), rows=TARGET_ROWS,
                    col_fractions=(0.08, 0.2, 0.15, 0.22, 0.35)),
              Heading("四、", "保障措施"),
              Para("各责任单位要加强协调配合，确保各项任务按期完成。")),
        issue_date=dt.date(2024, 3, 1),
    )
    path = tmp_path_factory.mktemp("tasks") / "task_table_across_page_break.pdf"
    render(spec, path)
    return parse_pdf(path)


def test_tasks_target_table_rows_name_their_bodies(task_table_doc):
    doc = task_table_doc
    rows = [t for t in doc.tasks if t.source == "table"][len(TABLE_ROWS):]
    assert [(t.text, t.units) for t in rows] == [(r[1], (r[4],)) for r in TARGET_ROWS]
    cells = [q for q in doc.targets if q.source == "table"]
    assert [(q.value, q.bodies) for q in cells] == [(float(r[3]), (r[4],)) for r in TARGET_ROWS]


def test_tasks_table_across_a_page_break(task_table_doc):
    doc = task_table_doc
    tasks = [t for t in doc.tasks if t.source == "table"][:len(TABLE_ROWS)]
    assert len(tasks) == len(TABLE_ROWS)
    assert len({t.page for t in tasks}) == 2  # the rows run onto the next page
    for t, row in zip(tasks, TABLE_ROWS):
        first_line = row[1].split("\n")[0]
        assert t.text.startswith(first_line)
        support = row[3].replace("、\n", "、").replace("\n", "、").split("、")  # a name a line
        assert t.lead == ("市住建局",) and t.units == ("市住建局", *support)
        assert t.deadline == ("2024-06-30" if row[4] == "6月底前" else None)
        assert t.deadline_text == row[4]
        assert doc.text[t.span[0]:t.span[1]] == t.text and t.bbox is not None


def test_tasks_table_targets_belong_to_their_row(task_table_doc):
    doc = task_table_doc
    by_id = {t.id: t for t in doc.tasks}
    held = [q for q in doc.targets if q.task]
    assert held, "the rows' 年内开工N个 are targets"
    for q in held:
        task = by_id[q.task]
        assert task.scope[0] <= q.span[0] < task.scope[1]
        assert q.bodies == task.units_full
        assert doc.targets.index(q) in task.targets


# --- the sample ---------------------------------------------------------------------------------------


def test_tasks_sample_names_no_bodies(sample_docs):
    for doc in sample_docs.values():
        assert [t for t in doc.tasks if t.units or t.lead] == []
        assert all(q.task is None and q.bodies == () for q in doc.targets)


def test_tasks_note_lines_close_the_unit_the_next_heading_ends():
    text = ("一、甲部分\n（一）乙任务。\n牵头单位：市商务局\n（二）丙任务。\n牵头单位：市财政局\n"
            "二、丁部分\n（一）戊任务。\n（二）己任务。\n牵头单位：市教育局\n三、庚部分")
    got = [(t.text, t.lead, t.source) for t in find_tasks(text)]
    assert got == [("乙任务。", ("市商务局",), "note"), ("丙任务。", ("市财政局",), "note"),
                   ("丁部分", ("市教育局",), "part")]


@pytest.mark.parametrize(("text", "units"), [
    ("1.推进老旧小区改造。（市住建局、市财政局）", ("市住建局", "市财政局")),  # bodies alone after a sentence
    ("1.由市住房和城乡建设局（市住建局）负责推进。", ()),  # an abbreviation after a name
    ("1.推进改造。（责任单位：市住建局牵头，市财政局配合）", ("市住建局", "市财政局")),
    ("1.推进改造。（责任领导：张三；责任单位：市住建局）", ("市住建局",)),
])
def test_tasks_bare_and_mixed_notes(text, units):
    assert tuple(u for t in find_tasks(text) for u in t.units) == units


@pytest.mark.parametrize(("metadata", "text", "year"), [
    ({"issue_date": "2023-05-08"}, "", 2023),
    ({"doc_number": ("东政办〔2024〕8号", "东政办", 2024, 8)}, "", 2024),  # no date: the number's year
    ({"title": "东川市2025年城市更新工作要点"}, "", 2025),  # nor a number: the title's one year
    ({"title": "东川市城市更新工作方案"}, "", None),
])
def test_tasks_deadline_year(metadata, text, year):
    from pipeline.model import DocNumber, Metadata
    if "doc_number" in metadata:
        metadata = {**metadata, "doc_number": DocNumber(*metadata["doc_number"])}
    assert deadline_year(Metadata(**metadata), text) == year


def test_tasks_note_on_a_heading_line_covers_the_item():
    text = ("（一）加快推进充电设施建设（责任单位：市发展改革委）\n年内新建充电桩500个。\n"
            "（二）扩大消费（责任单位：市商务局）\n举办活动100场。")
    targets = [_target(text, "500个", 500), _target(text, "100场", 100)]
    tasks = find_tasks(text, (), targets, 2023)
    assert [(t.text, t.units, t.targets) for t in tasks] == [
        ("加快推进充电设施建设", ("市发展改革委",), (0,)), ("扩大消费", ("市商务局",), (1,))]


@pytest.mark.parametrize(("text", "units", "lead"), [
    ("1.推进甲。责任单位：市发改委。2.推进乙。责任单位：市住建局；配合单位：市财政局。",
     [("市发改委",), ("市住建局", "市财政局")], [(), ("市住建局",)]),  # unbracketed notes inside a paragraph
    ("1.推进甲。（国家发展改革委、财政部牵头，各地区各有关部门负责落实）",
     [("国家发展改革委", "财政部")], [("国家发展改革委", "财政部")]),  # nobody in particular dropped
    ("1.推进甲。（此项工作由市教育局牵头负责）", [("市教育局",)], [("市教育局",)]),
    ("1.推进甲。（市财政局和各县区政府负责）", [("市财政局", "各县区政府")], [()]),
])
def test_tasks_more_note_forms(text, units, lead):
    tasks = find_tasks(text)
    assert [t.units for t in tasks] == units and [t.lead for t in tasks] == lead


# --- the export table and the review page ---------------------------------------------------------------


@pytest.fixture(scope="module")
def task_table_outdir(task_table_doc, tmp_path_factory):
    import json

    from pipeline import to_dict

    out = tmp_path_factory.mktemp("tasks_out")
    (out / "fenggong-0a1b2c3d.json").write_text(json.dumps(to_dict(task_table_doc), ensure_ascii=False), "utf-8")
    return out


def test_tasks_export_table(task_table_outdir, tmp_path):
    from pipeline.export import load_table, read_table, write_table

    df = load_table(task_table_outdir, "tasks")
    assert len(df) == len(TABLE_ROWS) + len(TARGET_ROWS)
    first = df.iloc[0]
    assert first["document_number"] == "东政办〔2024〕8号" and first["section_path"].startswith("二、重点任务分工")
    assert first["lead"] == "市住建局" and first["units"] == "市住建局；各区政府"
    assert str(df["deadline_end"].dtype) == "datetime64[us]" and str(first["deadline_end"])[:10] == "2024-06-30"
    write_table(df, tmp_path / "tasks.csv", "tasks")
    assert read_table(tmp_path / "tasks.csv", "tasks")["units_full"].tolist() == df["units_full"].tolist()
    targets = load_table(task_table_outdir, "targets")
    assert targets["task_id"].notna().any() and "bodies" in targets.columns


def test_tasks_review_lists_tasks_linked_to_boxes(task_table_doc):
    from pipeline import to_dict
    from pipeline.review import PageImage, review_html

    data = to_dict(task_table_doc)
    images = [PageImage(p["number"], 10, 14, "image/jpeg", "") for p in data["pages"]]
    html = review_html(data, images)
    assert 'id="table-tasks"' in html
    for i in range(len(data["tasks"])):
        assert f'id="row-task-{i}"' in html and f'id="box-task-{i}"' in html
    assert "市住建局、各区政府" in html  # the bodies, beside the task


def test_tasks_first_listed_leads_when_said_once_for_all():
    text = ("各项任务的责任单位中，排在第一位的为牵头单位。\n"
            "1.甲任务。（责任单位：市发展改革委、市财政局）\n2.乙任务。（责任单位：市商务局）")
    assert [t.lead for t in find_tasks(text)] == [("市发展改革委",), ("市商务局",)]


def test_tasks_note_after_an_item_title_covers_the_item():
    text = "（一）推进充电设施建设。（牵头单位：市发展改革委）年内新建充电桩500个。\n（二）扩大消费。举办活动100场。"
    targets = [_target(text, "500个", 500), _target(text, "100场", 100)]
    tasks = find_tasks(text, (), targets, 2023)
    assert [(t.text, t.targets) for t in tasks] == [("推进充电设施建设。", (0,))]


@pytest.mark.parametrize(("text", "units", "deadline_text"), [
    ("1.推进甲。【责任单位：市商务局】", ("市商务局",), None),
    ("1.推进甲。（市商务局负责，每年12月底前）", ("市商务局",), "每年12月底前"),
    ("1.推进甲。（各县区党委和政府负责）", ("各县区党委和政府",), None),  # 政府 alone is no second body
])
def test_tasks_brackets_and_time_clauses(text, units, deadline_text):
    tasks = [t for t in find_tasks(text, (), (), 2023) if t.units]
    assert [(t.units, t.deadline_text) for t in tasks] == [(units, deadline_text)]


@pytest.mark.parametrize(("units", "full"), [
    (["省商务厅", "发展改革委", "公安厅"], ("省商务厅", "省发展改革委", "省公安厅")),  # 公安 is a county's short name
    (["福田区住建局", "教育局"], ("福田区住建局", "福田区教育局")),
])
def test_tasks_full_names_places(units, full):
    assert full_names(units) == full


@pytest.mark.parametrize(("text", "task"), [
    ("一、甲\n（一）推进乙。\n1.丙；\n2.丁。（责任单位：市商务局）\n（二）戊。", "推进乙。\n1.丙；\n2.丁。"),  # the whole （一）
    ("一、甲\n（一）乙。\n（二）丙。（责任单位：市商务局）\n二、丁", "丙。"),  # （一） names nobody
    ("一、甲\n（一）乙。（责任单位：市财政局）\n二、丙\n（二）丁。（责任单位：市商务局）", "丁。"),  # not the part 二、
])
def test_tasks_inline_note_closes_its_item(text, task):
    assert find_tasks(text)[-1].text == task


@pytest.mark.parametrize(("inner", "lead", "units"), [
    ("市教育局负责，市财政局配合做好资金保障", (), ("市教育局", "市财政局")),
    ("市发展改革委牵头抓总，各县区政府负责具体实施", ("市发展改革委",), ("市发展改革委", "各县区政府")),
])
def test_tasks_verbs_followed_by_what_bodies_do(inner, lead, units):
    note = read_note(inner)
    assert (note.lead, note.units) == (lead, units)


@pytest.mark.parametrize("inner", ["全市各级各部门要切实负责", "市商务局负责审核，审核通过后给予补贴"])
def test_tasks_verbs_in_sentences_are_no_notes(inner):
    assert read_note(inner) is None


# --- property: whatever bodies and forms an item list uses, each note gives its bodies back ------------------

_LEVELS = ["省", "市", "区"]
_DEPARTMENTS = ["发展改革委", "财政厅", "商务局", "教育局", "住房城乡建设厅", "卫生健康委", "文化和旅游厅", "税务局"]
_FORMS = [
    lambda b: f"（责任单位：{'、'.join(b)}）",
    lambda b: f"（{b[0]}牵头，{'、'.join(b[1:]) or b[0]}按职责分工负责）",
    lambda b: f"（牵头单位：{b[0]}；配合单位：{'、'.join(b[1:]) or b[0]}；完成时限：2024年6月底前）",
    lambda b: f"（{'、'.join(b)}等负责）",
]


@settings(max_examples=150, deadline=None)
@given(items=st.lists(st.tuples(st.sampled_from(_LEVELS),
                                st.lists(st.sampled_from(_DEPARTMENTS), min_size=1, max_size=4, unique=True),
                                st.integers(0, len(_FORMS) - 1)), min_size=1, max_size=6))
def test_tasks_property_each_note_gives_its_bodies(items):
    paras, want = ["一、重点任务"], []
    for n, (level, departments, form) in enumerate(items, start=1):
        bodies = [level + d for d in departments]
        paras.append(f"{n}.推进第{n}项工作，完善相关机制。{_FORMS[form](bodies)}")
        want.append(tuple(dict.fromkeys(bodies)))
    text = "\n".join(paras)
    tasks = find_tasks(text, (), (), 2023)
    assert [t.units for t in tasks] == want
    for t in tasks:
        assert text[t.span[0]:t.span[1]] == t.text and t.text.startswith("推进第")
        assert t.units_full == t.units  # every name here carries its level


def test_tasks_cli_exports_the_tasks_table(task_table_outdir, tmp_path):
    import subprocess
    import sys

    import pandas as pd
    from conftest import ROOT

    path = tmp_path / "tasks.csv"
    run = subprocess.run([sys.executable, "-m", "pipeline", "export", str(task_table_outdir), "--to", str(path),
                          "--table", "tasks"], cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    df = pd.read_csv(path, encoding="utf-8-sig")
    assert len(df) == len(TABLE_ROWS) + len(TARGET_ROWS) and df["lead"].iloc[0] == "市住建局"


def test_tasks_note_line_under_a_part_heading_covers_the_part():
    text = ("一、激发消费潜力\n牵头单位：市商务局，责任单位：各县区人民政府\n（一）发放消费券。年内发放500个。\n"
            "（二）举办活动。\n二、稳定就业\n（一）新增就业岗位。")
    targets = [_target(text, "500个", 500)]
    tasks = find_tasks(text, (), targets, 2023)
    assert [(t.text, t.source, t.targets) for t in tasks] == [("激发消费潜力", "part", (0,))]
    assert tasks[0].scope[1] == text.index("二、稳定就业")


@settings(max_examples=200, deadline=None)
@given(scopes=st.lists(st.tuples(st.integers(0, 60), st.integers(1, 40)), max_size=8),
       positions=st.lists(st.integers(0, 99), max_size=12))
def test_tasks_property_link_targets_picks_the_innermost_scope(scopes, positions):
    from pipeline.model import Task

    text = "甲" * 100
    tasks = [Task(id=f"t{k + 1}", text="甲", span=(a, a + 1), scope=(a, a + n), section=None, lead=(), units=("市商务局",),
                  units_full=("市商务局",), deadline=None, deadline_text=None, targets=(), source="note")
             for k, (a, n) in enumerate(scopes)]
    targets = [_target(text, "甲", 1) for _ in positions]
    targets = [Quantity(**{**t.__dict__, "span": (p, p + 1)}) for t, p in zip(targets, positions)]
    _, linked = link_targets(tasks, targets)
    for q, p in zip(linked, positions):
        holders = [t for t in tasks if t.scope[0] <= p < t.scope[1]]
        best = min(holders, key=lambda t: (t.scope[1] - t.scope[0], -t.scope[0]), default=None)
        assert q.task == (best.id if best else None)


_NOISE = "（）()【】：:，、；。\n\u3000 一二三四五六七八九十1234567890市省区局厅委牵头单位责任配合完成时限前底年月负责等有关部门各重点任务序号以上由"


@settings(max_examples=300, deadline=None)
@given(text=st.text(alphabet=_NOISE, max_size=150))
def test_tasks_property_any_text_gives_valid_spans(text):
    boxes = [(1 + i // 40, (i % 20) * 14.0, (i // 20) * 20.0, (i % 20) * 14.0 + 14, (i // 20) * 20.0 + 14)
             for i in range(len(text))]
    for t in find_tasks(text, (), (), 2023, boxes):
        assert 0 <= t.span[0] < t.span[1] <= len(text) and text[t.span[0]:t.span[1]] == t.text
