"""Structure: section markers, 文种, body_title, lists, dates, and the sample's tree."""

import pytest

from pipeline.dateforms import find_full_date
from pipeline.structure import body_title_of, doc_type_of, split_list

DOC_TYPE_CASES = [
    ("郑州市人民政府办公厅关于印发郑州市2017年提升对外开放水平推进城市国际化实施方案的通知", "通知"),
    ("国务院关于中原城市群发展规划的批复", "批复"),
    ("东川市人民政府关于加强安全生产工作的意见", "意见"),
    ("东川市城市管理办法（试行）", "办法"),
    ("居住证暂行条例", "条例"),
    ("东川市2023年提升营商环境实施方案", "方案"),
    ("关于召开全市安全生产工作会议的函", "函"),
    ("东川市人民政府2024年政府信息公开工作年度报告", "报告"),
    ("东川市人民政府令", "命令"),
    ("东川市人民政府第5次常务会议纪要", "纪要"),
    ("某某工作情况", None),
]


@pytest.mark.parametrize(("title", "expected"), DOC_TYPE_CASES)
def test_structure_doc_type(title, expected):
    assert doc_type_of(title) == expected


BODY_TITLE_CASES = [
    ("东川市人民政府办公室关于印发东川市营商环境提升三年行动方案的通知", "东川市营商环境提升三年行动方案"),
    ("东川市人民政府关于转发省发展改革委关于加强节能工作的意见的通知", "省发展改革委关于加强节能工作的意见"),
    ("关于印发《东川市城市管理办法》的通知", "东川市城市管理办法"),
    ("东川市人民政府关于加强安全生产工作的通知", None),
    ("东川市人民政府关于加强安全生产工作的意见", None),
]


@pytest.mark.parametrize(("title", "expected"), BODY_TITLE_CASES)
def test_structure_body_title(title, expected):
    assert body_title_of(title) == expected


LIST_CASES = [
    ("各县（市、区）人民政府，市人民政府有关部门，各有关单位", ["各县（市、区）人民政府", "市人民政府有关部门", "各有关单位"]),
    ("市委各部门，郑州警备区。", ["市委各部门", "郑州警备区"]),
    ("各省、自治区、直辖市人民政府，国务院各部委、各直属机构",
     ["各省、自治区、直辖市人民政府", "国务院各部委、各直属机构"]),
    ("市发展改革委、市财政局、市商务局", ["市发展改革委", "市财政局", "市商务局"]),
    ("各区人民政府", ["各区人民政府"]),
]


@pytest.mark.parametrize(("text", "expected"), LIST_CASES)
def test_structure_split_list(text, expected):
    assert split_list(text) == expected


DATE_CASES = [
    ("2017年3月13日", "2017-03-13"),
    ("二〇一七年三月十三日", "2017-03-13"),
    ("二○二三年十二月三十一日", "2023-12-31"),
    ("2023年5月8日印发", "2023-05-08"),
    ("2017.3.13", "2017-03-13"),
    ("2017年13月1日", None),
    ("2017年", None),
    ("郑政办〔2017〕30号", None),
]


@pytest.mark.parametrize(("text", "expected"), DATE_CASES)
def test_structure_find_full_date(text, expected):
    found = find_full_date(text)
    assert (found[0] if found else None) == expected


def test_structure_sample_metadata(sample_docs):
    md = sample_docs["zhengzhengban-2017-30"].metadata
    assert md.issuer == "郑州市人民政府办公厅"
    assert md.doc_number.text == "郑政办〔2017〕30号"
    assert (md.doc_number.agency_code, md.doc_number.year, md.doc_number.serial) == ("郑政办", 2017, 30)
    assert md.doc_type == "通知"
    assert md.issue_date == "2017-03-13"
    assert md.print_date == "2017-03-13"
    assert md.body_title.endswith("实施方案")
    assert "no_doc_number" not in md.flags


def test_structure_sample_tree(sample_docs):
    secs = sample_docs["zhengzhengban-2017-30"].sections
    top = [s.marker for s in secs if s.level == 1]
    assert top == ["一、", "二、", "三、", "四、"]
    items = [s for s in secs if s.kind == "item"]
    assert items and all(s.title is None and s.marker.endswith("是") for s in items)


def _head_page(mark_color):
    from layout import HEIGHT, WIDTH, line_chars

    from pipeline.model import RawPage, Rule

    chars = (line_chars("东川市财政局文件", 157, 190, size=35, color=mark_color)
             + line_chars("东财〔2024〕5号", 218, 290, size=16)
             + line_chars("东川市财政局关于做好预算执行工作的通知", 88, 360, size=22)
             + line_chars("各区财政局：", 79, 420, size=16))
    return RawPage(1, WIDTH, HEIGHT, tuple(chars), (Rule(79, 320, 522, 321, "#de0000"),))


@pytest.mark.parametrize("mark_color", ["#de0000", "#000000"])  # a black copy still has its red rule
def test_structure_mark_found_by_colour_or_red_rule(mark_color):
    from pipeline.clean import clean_text
    from pipeline.structure import read_metadata

    md, _ = read_metadata(clean_text([_head_page(mark_color)]))
    assert md.issuer == "东川市财政局"
    assert md.doc_number.text == "东财〔2024〕5号"
    assert md.title == "东川市财政局关于做好预算执行工作的通知"
    assert md.recipients == ("各区财政局",)


def test_structure_own_number_written_where_the_head_prints_it():
    """The metadata says where the document's own 发文字号 is printed: text as written, span, page."""
    from pipeline.clean import clean_text
    from pipeline.structure import read_metadata

    ct = clean_text([_head_page("#de0000")])
    md, body = read_metadata(ct)
    written = md.doc_number_written
    assert written is not None and written.text == "东财〔2024〕5号" and written.page == 1
    assert ct.text[written.span[0]:written.span[1]] == written.text
    assert body.own_number == written.span  # a misread of it there is no reference


def test_structure_labelled_number_of_another_kind_is_written_nowhere():
    """A web page's labelled 发文字号 that is not the one the text prints has no place in the text."""
    from pipeline.clean import clean_text
    from pipeline.labels import apply_labels
    from pipeline.structure import read_metadata

    md, _ = read_metadata(clean_text([_head_page("#de0000")]))
    assert apply_labels(md, {"doc_number": "东财〔2024〕5号"}).doc_number_written == md.doc_number_written
    assert apply_labels(md, {"doc_number": "东财〔2024〕6号"}).doc_number_written is None
