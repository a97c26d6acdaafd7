"""Sections: marker and title rules as phrase tables, and one generated document per way real
documents broke the tree (tables of contents, 章 with 节, decimal clauses, numbering running on across
parts, 专栏 boxes, tables, unmarked headings, attachments, footnotes, a text layer that lost its brackets).

Each generated document is checked against the tree written here by hand: (marker, title, parent marker).
"""

import datetime as dt

import pytest

from pipeline.clean import clean_text
from pipeline.sections import _ATTACHMENT, _TOC_LINE, heading_title, match_marker, segment_sections
from pipeline.structure import read_metadata
from tests.fixtures.pdfgen import Article, Chapter, DocSpec, Heading, PageBreak, Para, Table, render
from tests.layout import LEFT, SIZE, TOP, layout, line_chars

# --- markers --------------------------------------------------------------------

MARKER_CASES = [
    ("一、总体思路", ("cn", "一、", 1)),
    ("十六、保障措施", ("cn", "十六、", 16)),
    ("（一）加快向国家中心城市迈进", ("cn_paren", "（一）", 1)),
    ("(十二)强化考核", ("cn_paren", "(十二)", 12)),
    ("1.完善居住证制度", ("num", "1.", 1)),
    ("2．加强管理", ("num", "2．", 2)),
    ("3、推进改革", ("num", "3、", 3)),
    ("16.2025年按不低于8%增幅提高基础养老金", ("num", "16.", 16)),
    ("（1）年龄", ("num_paren", "（1）", 1)),
    ("①提高效率", ("circled", "①", 1)),
    ("第一章 总则", ("chapter", "第一章", 1)),
    ("第一章　总　则", ("chapter", "第一章", 1)),
    ("第十二条 依照本办法", ("article", "第十二条", 12)),
    ("第十三条第一类产品实行备案管理", ("article", "第十三条", 13)),
    ("第二条中华人民共和国境内的单位", ("article", "第二条", 2)),
    ("第二节 机动车驾驶人", ("subchapter", "第二节", 2)),
    ("第一百零八条 罚则", ("article", "第一百零八条", 108)),
    ("第一编 总则", ("part", "第一编", 1)),
    # decimal clauses of technical guides: the depth is the kind
    ("4.1医疗器械不良事件监测工作领导小组", ("dec2", "4.1", 1)),
    ("4.1.2审核批准企业建立的工作制度。", ("dec3", "4.1.2", 2)),
    ("2.2.10 产品批号：按批号管理的产品必须填写。", ("dec3", "2.2.10", 10)),
    ("2.2.12UDI：医疗器械产品唯一标识", ("dec3", "2.2.12", 12)),
    # a guide's top clause set as GB/T 1.1 does, number and space, reads as 1. (the form 1.1 cites)
    ("1 范围", ("num", "1.", 1)),
    ("4\u3000管理制度", ("num", "4.", 4)),
    ("2 个工作日内完成。", None),
    ("1 加快建设 市发展改革委", None),
    ("0 引言", None),
    # a text layer that lost the opening bracket gives it back
    ("一）加强组织领导。", ("cn_paren", "（一）", 1)),
    ("十二）强化考核", ("cn_paren", "（十二）", 12)),
    # negatives: numbers and words that only look like markers
    ("2017年，力争建成运营", None),
    ("1.2万人次", None),
    ("1.5亿元用于", None),
    ("2.5%的增幅", None),
    ("2.0版本", None),
    ("一是强化联动机制", None),
    ("依照本办法第十二条规定", None),
    ("第十二条规定的情形", None),
    ("第十二条、第十三条", None),
    ("第十二条第一款规定", None),
    ("十三五期间", None),
    ("（郑发〔2016〕35号）", None),
    ("第二十三届中国郑州", None),
    ("2025.1.1-2025.12.31", None),
    ("一）", None),
]


@pytest.mark.parametrize(("text", "expected"), MARKER_CASES)
def test_sections_match_marker(text, expected):
    assert match_marker(text) == expected


# --- titles ---------------------------------------------------------------------

TITLE_CASES = [
    ("cn", "主要任务", "主要任务"),
    ("cn_paren", "强化组织领导。坚持党政同责。", "强化组织领导"),
    # an inline title runs to the first 。 whatever its length and commas
    ("cn_paren", "聚焦全方位扩大国内需求，着力促消费扩投资。全面落实…", "聚焦全方位扩大国内需求，着力促消费扩投资"),
    ("cn_paren", "财政拨款收入：是本级财政取得的拨款。", "财政拨款收入：是本级财政取得的拨款"),
    ("cn_paren", "工作目标：", "工作目标"),
    ("dec3", "报告日期：指填报的确切时间，由系统自动生成。", "报告日期：指填报的确切时间，由系统自动生成"),
    ("chapter", "　总　则", "总则"),
    ("chapter", "质量管理", "质量管理"),
    ("subchapter", " 基本要求", "基本要求"),
    ("article", "　为了规范管理，制定本办法。", None),
    ("article", "（目的和依据）为了规范管理，制定本办法。", None),
    ("cn_paren", "", None),
]


@pytest.mark.parametrize(("kind", "rest", "title"), TITLE_CASES)
def test_sections_heading_title(kind, rest, title):
    assert heading_title(kind, rest)[0] == title


TOC_LINE_CASES = [
    ("一、总体要求……………………3", True),
    ("4.1医疗器械不良事件监测工作领导小组.............5", True),
    ("第一章 总则 ........ 1", True),
    ("专栏1构筑文物安全防护体系.................... 9", True),
    ("一、总体要求", False),
    ("到2025年，增长3.5%。", False),
    ("预算数1,720.00", False),
]


@pytest.mark.parametrize(("text", "is_toc"), TOC_LINE_CASES)
def test_sections_toc_line(text, is_toc):
    assert bool(_TOC_LINE.search(text)) == is_toc


ATTACHMENT_CASES = [
    ("附件", True),
    ("附件1", True),
    ("附件 2：", True),
    ("附　件", True),
    ("附件三", True),
    ("附件l", True),
    ("附件：1.医疗器械注册申报资料要求", False),
    ("附件1.《注册人医疗器械不良事件报告表》填报说明", False),
    ("附件材料应当齐全。", False),
]


@pytest.mark.parametrize(("text", "starts"), ATTACHMENT_CASES)
def test_sections_attachment_line(text, starts):
    assert bool(_ATTACHMENT.match(text)) == starts


# --- generated documents, one per failure kind --------------------------------------

_P = "各单位要提高认识，加强协调，落实责任，确保各项工作按期完成。"


def _spec(body):
    return DocSpec(issuers=("东川市人民政府办公室",), doc_number="东政办〔2024〕9号",
                   title_lines=("东川市人民政府办公室关于做好有关工作的通知",), doc_type="通知",
                   recipients=("各区人民政府",), issue_date=dt.date(2024, 5, 6), body=tuple(body))


LAYOUTS = {
    # 目录 with dot leaders and page numbers, its entries repeated later as headings
    "toc_dot_leaders": (
        [Para("目　录"), Para("一、总体要求……………………1"), Para("（一）工作目标……………………1"),
         Para("二、主要任务……………………2"), PageBreak(),
         Heading("一、", "总体要求"), Heading("（一）", "工作目标", body=_P), Heading("二、", "主要任务"), Para(_P)],
        [("一、", "总体要求", None), ("（一）", "工作目标", "一、"), ("二、", "主要任务", None)],
    ),
    # a regulation's 目录 without leaders: the chapters listed, then the same chapters as headings
    "toc_regulation": (
        [Para("目　录"), Para("第一章　总　则"), Para("第二章　管理措施"), Para("第三章　附　则"),
         Chapter("第一章", "总　则"), Article("第一条", "为了加强管理，制定本办法。"),
         Chapter("第二章", "管理措施"), Article("第二条", "有关部门应当依法履行职责。"),
         Chapter("第三章", "附　则"), Article("第三条", "本办法自发布之日起施行。")],
        [("第一章", "总则", None), ("第一条", None, "第一章"), ("第二章", "管理措施", None),
         ("第二条", None, "第二章"), ("第三章", "附则", None), ("第三条", None, "第三章")],
    ),
    # a 目录 whose entries end in page numbers without leaders
    "toc_page_numbers": (
        [Para("目　录"), Para("第一章　总则　1"), Para("第二章　附则　2"), PageBreak(),
         Chapter("第一章", "总　则"), Article("第一条", "为了加强管理，制定本办法。"),
         Chapter("第二章", "附　则"), Article("第二条", "本办法自发布之日起施行。")],
        [("第一章", "总则", None), ("第一条", None, "第一章"), ("第二章", "附则", None), ("第二条", None, "第二章")],
    ),
    # a chapter's marker and title on two centred lines: the title's line closes no tree
    "chapter_title_below": (
        [Para("为了加强管理，制定本办法。"), Chapter("第一章", ""), Chapter("总　则", ""),
         Article("第一条", "本办法适用于本市行政区域。"), Article("第二条", "有关部门应当依法履行职责。")],
        [("第一章", "总则", None), ("第一条", None, "第一章"), ("第二条", None, "第一章")],
    ),
    # 编/章/节/条: a 节 is its own heading under its 章, also when a line carries both; an article's
    # bracketed title is dropped; 项 （一）（二） inside an article and cross-references are no headings
    "chapters_sections_articles": (
        [Chapter("第一章", "总　则"),
         Article("第一条", "（目的和依据）为了规范质量管理，根据有关法律法规，制定本办法。"),
         Article("第二条", "申请人应当提交下列材料："),
         Para("（一）申请书；"), Para("（二）产品技术要求；"),
         Chapter("第二章", "质量管理"), Chapter("第一节", "基本要求"),
         Article("第三条", "注册人应当建立质量管理体系，依照本办法第二条的规定提交材料。"),
         Para("第三章　监督检查　第一节　一般规定"),
         Article("第四条", "监督管理部门应当依法开展检查。")],
        [("第一章", "总则", None), ("第一条", None, "第一章"), ("第二条", None, "第一章"),
         ("第二章", "质量管理", None), ("第一节", "基本要求", "第二章"), ("第三条", None, "第一节"),
         ("第三章", "监督检查", None), ("第一节", "一般规定", "第三章"), ("第四条", None, "第一节")],
    ),
    # a technical guide's decimal clauses: 1. / 4.1 / 4.1.1, a clause's title up to its first 。;
    # (1) (2) inside a clause are its items
    "decimal_clauses": (
        [Para("1.适用范围"), Para("本指南适用于开展监测工作的注册人。"),
         Para("2.管理制度"), Para("2.1监测工作领导小组"),
         Para("2.1.1成立由企业负责人为组长的监测领导小组，全面领导监测工作。其成员应当包括有关部门。"),
         Para("2.1.2严重伤害，是指有下列情况之一者："), Para("（1）危及生命；"), Para("（2）导致永久性伤害。"),
         Para("2.2监测记录管理"), Para("2.2.1应当指定人员负责管理监测记录。"),
         Para("3.相关说明"), Para("3.1定义和缩略词")],
        [("1.", "适用范围", None), ("2.", "管理制度", None), ("2.1", "监测工作领导小组", "2."),
         ("2.1.1", "成立由企业负责人为组长的监测领导小组，全面领导监测工作", "2.1"),
         ("2.1.2", "严重伤害，是指有下列情况之一者", "2.1"),
         ("2.2", "监测记录管理", "2."), ("2.2.1", "应当指定人员负责管理监测记录", "2.2"),
         ("3.", "相关说明", None), ("3.1", "定义和缩略词", "3.")],
    ),
    # a guide set as GB/T 1.1 does: top clauses as number, space, title in 黑体 (read as 1. 2.), then 2.1 …
    "decimal_clauses_gbt": (
        [Heading("1\u3000", "范围", level=1), Para("本文件规定了监测工作的要求。"),
         Heading("2\u3000", "管理要求", level=1), Para("2.1 一般要求"),
         Para("2.1.1 注册人应当建立监测制度，配备专职人员。制度应当覆盖全部产品。"),
         Para("2.1.2 注册人应当保存监测记录。"), Para("2.2 记录管理"), Para("2.2.1 记录应当完整准确。")],
        [("1.", "范围", None), ("2.", "管理要求", None), ("2.1", "一般要求", "2."),
         ("2.1.1", "注册人应当建立监测制度，配备专职人员", "2.1"), ("2.1.2", "注册人应当保存监测记录", "2.1"),
         ("2.2", "记录管理", "2."), ("2.2.1", "记录应当完整准确", "2.2")],
    ),
    # the same in the body face: the top clauses are known by their 2.1 below; 1.2 … without a 1.
    "decimal_clauses_plain": (
        [Para("1.1 本文件规定了监测工作的要求。"), Para("1.2 本文件适用于注册人。"),
         Para("2\u3000管理要求"), Para("2.1 一般要求"), Para("2.1.1 注册人应当建立监测制度。"),
         Para("3\u3000记录"), Para("3.1 记录应当完整准确。")],
        [("1.1", "本文件规定了监测工作的要求", None), ("1.2", "本文件适用于注册人", None),
         ("2.", "管理要求", None), ("2.1", "一般要求", "2."), ("2.1.1", "注册人应当建立监测制度", "2.1"),
         ("3.", "记录", None), ("3.1", "记录应当完整准确", "3.")],
    ),
    # numbering that runs on across parts: （一）（二） under 一、, （三）（四） under 二、; 1.–3. likewise,
    # and inline titles with commas, up to the first 。
    "running_numbering": (
        [Heading("一、", "总体要求"),
         Heading("（一）", "聚焦扩大国内需求，着力促消费扩投资", body="全面落实各项政策措施。"),
         Heading("（二）", "强化组织领导", body=_P),
         Heading("二、", "主要任务"),
         Heading("（三）", "加快设施建设", body=_P),
         Para("1.加大信贷支持力度。支持金融机构增加贷款投放。"), Para("2.创新金融服务模式。推广线上服务。"),
         Heading("（四）", "健全运行机制", body=_P),
         Para("3.推动企业上市融资。加强上市后备企业培育。"),
         Heading("三、", "保障措施"), Para(_P)],
        [("一、", "总体要求", None), ("（一）", "聚焦扩大国内需求，着力促消费扩投资", "一、"),
         ("（二）", "强化组织领导", "一、"), ("二、", "主要任务", None), ("（三）", "加快设施建设", "二、"),
         ("1.", "加大信贷支持力度", "（三）"), ("2.", "创新金融服务模式", "（三）"),
         ("（四）", "健全运行机制", "二、"), ("3.", "推动企业上市融资", "（四）"), ("三、", "保障措施", None)],
    ),
    # 1. 2. … numbered on through the parts, straight under 一、 二、
    "running_numbering_direct": (
        [Heading("一、", "加大金融支持"), Para("1.加大信贷支持力度。支持金融机构增加贷款投放。"),
         Para("2.创新金融服务模式。推广线上服务。"), Heading("二、", "支持科技创新"),
         Para("3.支持重大平台建设。对新认定的平台给予奖励。"), Para("4.全面开展创新创业。举办创新创业大赛。"),
         Heading("三、", "保障措施"), Para("5.强化组织实施。各地要制定具体措施。")],
        [("一、", "加大金融支持", None), ("1.", "加大信贷支持力度", "一、"), ("2.", "创新金融服务模式", "一、"),
         ("二、", "支持科技创新", None), ("3.", "支持重大平台建设", "二、"), ("4.", "全面开展创新创业", "二、"),
         ("三、", "保障措施", None), ("5.", "强化组织实施", "三、")],
    ),
    # a 专栏 box: its rows restart at 1. and are no headings; the next heading keeps its parent
    "box_rows": (
        [Heading("一、", "主要任务"), Para("1.加强安全制度建设。落实安全责任制。"),
         Para("2.提升安全监管水平。落实日常巡查。"),
         Para("专栏1　文物安全防护工程"), Para("1.文物平安工程：实施安全防护工程全覆盖。"),
         Para("2.执法能力提升工程：开展执法人员培训。"),
         Para("3.强化行政执法力度。完善执法监督机制。"), Heading("二、", "保障措施"), Para(_P)],
        [("一、", "主要任务", None), ("1.", "加强安全制度建设", "一、"), ("2.", "提升安全监管水平", "一、"),
         ("3.", "强化行政执法力度", "一、"), ("二、", "保障措施", None)],
    ),
    # table rows (一、财政拨款收入 in a cell, 序号 1 2) are no headings
    "table_rows": (
        [Heading("一、", "收支预算"), Para("收支预算如下表。"),
         Table(("项目", "预算数"), (("一、财政拨款收入", "371.5"), ("二、事业收入", "0"), ("三、其他收入", "0"))),
         Table(("序号", "任务", "责任单位"), (("1", "加快建设", "市发展改革委"), ("2", "强化保障", "市财政局"))),
         Heading("二、", "绩效目标"), Para(_P)],
        [("一、", "收支预算", None), ("二、", "绩效目标", None)],
    ),
    # an unmarked heading (第一部分 …) is no section, and the tree starts again at the top level after it
    "unmarked_headings": (
        [Chapter("第一部分", "主要职能"), Para("1、贯彻执行国家有关方针政策。"), Para("2、完成交办的其他任务。"),
         Chapter("第二部分", "名词解释"), Heading("（一）", "财政拨款收入：是从本级财政取得的拨款", body="包括一般公共预算拨款。"),
         Heading("（二）", "事业收入：指事业单位开展业务活动取得的收入", body="不含经营收入。")],
        [("1、", "贯彻执行国家有关方针政策", None), ("2、", "完成交办的其他任务", None),
         ("（一）", "财政拨款收入：是从本级财政取得的拨款", None),
         ("（二）", "事业收入：指事业单位开展业务活动取得的收入", None)],
    ),
    # an attachment starts a tree of its own: its headings are roots, numbered from the start
    "attachment_tree": (
        [Heading("一、", "总体要求"), Heading("（一）", "工作目标", body=_P), Heading("二、", "主要任务"),
         Heading("（二）", "加快建设", body=_P), PageBreak(), Para("附件1"),
         Heading("一、", "申报条件"), Heading("（一）", "基本条件", body=_P), Heading("二、", "申报程序"), Para(_P)],
        [("一、", "总体要求", None), ("（一）", "工作目标", "一、"), ("二、", "主要任务", None),
         ("（二）", "加快建设", "二、"), ("一、", "申报条件", None), ("（一）", "基本条件", "一、"),
         ("二、", "申报程序", None)],
    ),
}


@pytest.fixture(scope="module")
def layout_docs(tmp_path_factory):
    """Every layout above rendered to a PDF and parsed, once: {name: Document}."""
    from pipeline import parse_pdf

    out = tmp_path_factory.mktemp("section_layouts")
    docs = {}
    for name, (body, _) in LAYOUTS.items():
        path = out / f"{name}.pdf"
        render(_spec(body), path, name)
        docs[name] = parse_pdf(path, ocr=False)
    return docs


def _tree(sections):
    by_id = {s.id: s for s in sections}
    return [(s.marker, s.title, by_id[s.parent].marker if s.parent else None) for s in sections if s.kind != "item"]


@pytest.mark.parametrize("name", list(LAYOUTS))
def test_sections_layout_tree(name, layout_docs):
    assert _tree(layout_docs[name].sections) == LAYOUTS[name][1]


@pytest.mark.parametrize("name", list(LAYOUTS))
def test_sections_spans_hold_their_headings(name, layout_docs):
    doc = layout_docs[name]
    for s in doc.sections:
        assert doc.text[s.heading[0]:s.heading[1]].startswith(s.marker.lstrip("（")[:1]) or s.marker.startswith("（")
        assert s.span[0] <= s.heading[0] <= s.heading[1] <= s.span[1]


# --- in-memory layouts: small print and broken text layers ---------------------------


def _sections_of(pages):
    ct = clean_text(pages)
    _, cur = read_metadata(ct)
    return _tree(segment_sections(ct, cur.start, cur.end, cur.skip))


def test_sections_footnote_markers_are_no_headings():
    pages = layout(["一、总体要求", "到2025年，全市数字经济核心产业增加值达到480亿元②。", "二、主要任务", _P])
    # footnotes in 5号 under the body: ② and ③ open lines, in small print
    notes = [*line_chars("②数据来源：市统计局。", LEFT, TOP + 20 * 28.9, size=10.5),
             *line_chars("③按可比价格计算。", LEFT, TOP + 20.6 * 28.9, size=10.5)]
    pages[0] = type(pages[0])(pages[0].number, pages[0].width, pages[0].height, pages[0].chars + tuple(notes))
    assert _sections_of(pages) == [("一、", "总体要求", None), ("二、", "主要任务", None)]


def test_sections_broken_text_layer_brackets():
    pages = layout(["一、总体要求", "一）加强组织领导。成立工作专班。", "二）强化督促检查。定期通报进展。", "二、保障措施"])
    assert _sections_of(pages) == [("一、", "总体要求", None), ("（一）", "加强组织领导", "一、"),
                                   ("（二）", "强化督促检查", "一、"), ("二、", "保障措施", None)]


def test_sections_enumeration_inside_a_paragraph_is_no_heading():
    # 26 characters fill the first line after its indent, so "2、" opens the second line of the paragraph
    first = "主要任务包括以下几个方面内容：1、建设道路交通设施；"
    assert len(first) == 26
    pages = layout(["一、主要任务", first + "2、完善公共服务体系；3、加强管理。", "二、保障措施"])
    assert _sections_of(pages) == [("一、", "主要任务", None), ("二、", "保障措施", None)]


def test_sections_centred_title_closes_the_tree():
    size = SIZE
    pages = layout(["1.贯彻执行国家有关方针政策。", "2.完成交办的其他任务。"])
    heading = "名词解释"
    x0 = LEFT + (28 * size - len(heading) * size) / 2
    extra = line_chars(heading, x0, TOP + 3 * 28.9, size=18)
    more = line_chars("（一）财政拨款收入：是从本级财政取得的拨款。", LEFT + 2 * size, TOP + 4 * 28.9)
    pages[0] = type(pages[0])(pages[0].number, pages[0].width, pages[0].height, pages[0].chars + tuple(extra + more))
    assert _sections_of(pages) == [("1.", "贯彻执行国家有关方针政策", None), ("2.", "完成交办的其他任务", None),
                                   ("（一）", "财政拨款收入：是从本级财政取得的拨款", None)]


def test_sections_page_repeating_the_page_before_is_read_once():
    # a spreadsheet export: page 2 holds page 1's list again before its own text
    intro = "本单位是主管全区产业经济的区政府工作部门，主要职能包括以下方面。"
    items = ["1、贯彻执行国家和本市有关方针政策。", "2、制订相关发展战略和年度计划。", "3、负责运行的监测和分析。"]
    first = layout([intro, *items])[0]
    second = layout([intro, *items, "4、完成区政府交办的其他任务。"])[0]
    pages = [first, type(second)(2, second.width, second.height, second.chars)]
    assert _sections_of(pages) == [("1、", "贯彻执行国家和本市有关方针政策", None),
                                   ("2、", "制订相关发展战略和年度计划", None),
                                   ("3、", "负责运行的监测和分析", None), ("4、", "完成区政府交办的其他任务", None)]


def test_sections_title_on_the_line_under_a_bare_marker():
    pages = layout(["一、总体要求", "（一）", "加强组织领导", "成立工作专班，统筹推进各项工作。", "第二章", "附则"])
    assert _sections_of(pages)[:2] == [("一、", "总体要求", None), ("（一）", "加强组织领导", "一、")]


def test_sections_chapter_title_on_its_own_centred_line():
    def centred(text, row):
        return line_chars(text, LEFT + (28 * SIZE - len(text) * SIZE) / 2, TOP + row * 28.9)

    base = layout([_P + _P])[0]  # two full lines: the measure the centred lines stand in
    title = "东川市城市管理办法"
    chars = [*line_chars(title, LEFT + (28 * SIZE - len(title) * 22) / 2, TOP - 60, size=22),
             *centred("第一章", 3), *centred("总　则", 4.6),
             *line_chars("第一条　本办法适用于本市行政区域。", LEFT + 2 * SIZE, TOP + 6 * 28.9),
             *line_chars("第二条　有关部门应当依法履行职责。", LEFT + 2 * SIZE, TOP + 7 * 28.9)]
    pages = [type(base)(1, base.width, base.height, base.chars + tuple(chars))]
    assert _sections_of(pages) == [("第一章", "总则", None), ("第一条", None, "第一章"), ("第二条", None, "第一章")]


def test_sections_footnote_in_body_size_is_no_heading():
    # a web print sets its notes in the body size: the mark inside the sentence above tells them
    first = layout(["一、总体要求", "到2025年，全市数字经济核心产业增加值达到480亿元①。", "①数据来源：市统计局。"])[0]
    second = layout(["二、主要任务", "①提高效率。优化流程。", "②降低成本。压缩开支。"])[0]
    pages = [first, type(second)(2, second.width, second.height, second.chars)]
    assert _sections_of(pages) == [("一、", "总体要求", None), ("二、", "主要任务", None),
                                   ("①", "提高效率", "二、"), ("②", "降低成本", "二、")]


def test_sections_cross_reference_at_a_wrapped_line_start_is_no_heading():
    first = "第二条\u3000违反本办法规定的，由有关部门分别依照本市办法"
    assert len(first) == 26  # fills the first line after its indent: 第三条 opens the second
    pages = layout(["第一条\u3000本办法所称公共自行车，是指政府投资建设的自行车。", first + "第三条规定予以处罚。",
                    "第三条\u3000本办法自发布之日起施行。"])
    assert _sections_of(pages) == [("第一条", None, None), ("第二条", None, None), ("第三条", None, None)]


def test_sections_large_wrapped_line_is_no_unmarked_heading():
    # OCR sizes a line from its height: a paragraph's first line read as 18 pt, filled to the right margin and
    # leaving a 《 open, is the paragraph's line, not a heading that would close the tree above it
    para = "根据《关于促进中部地区崛起规划的批复》和《关于中原城市群发展规划的批复》，编制行动纲要。"
    pages = layout(["一、主要任务", "（一）加快建设枢纽。", para, "（二）完善开放平台。"])
    rows = sorted({round(c.top, 1) for c in pages[0].chars})
    first = rows[2]  # the paragraph's first line
    chars = tuple(c._replace(size=18.0, top=c.bottom - 18.0) if round(c.top, 1) == first else c
                  for c in pages[0].chars)
    pages[0] = type(pages[0])(pages[0].number, pages[0].width, pages[0].height, chars)
    assert _sections_of(pages) == [("一、", "主要任务", None), ("（一）", "加快建设枢纽", "一、"),
                                   ("（二）", "完善开放平台", "一、")]
