"""References: phrase tables for find_references and the 机关代字 table."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.docnumber import make_doc_number
from pipeline.references import find_references, find_titles, guess_issuer, load_agency_codes

# (text, [(doc_number.text or None, title or None, relation), ...])
REFERENCES = [
    # every bracket form, spaces, full-width digits, OCR pairs
    (
        "根据《国务院关于中原城市群发展规划的批复》（国函〔2016〕210号）",
        [("国函〔2016〕210号", "国务院关于中原城市群发展规划的批复", "cites")],
    ),
    ("郑发 〔2016〕35号", [("郑发〔2016〕35号", None, "cites")]),
    ("国函[2016]204号", [("国函〔2016〕204号", None, "cites")]),
    ("郑政文【2017] 44号", [("郑政文〔2017〕44号", None, "cites")]),
    ("豫政办【2017】12号", [("豫政办〔2017〕12号", None, "cites")]),
    ("豫政办（2017）12号", [("豫政办〔2017〕12号", None, "cites")]),
    ("国办发(2016)5号", [("国办发〔2016〕5号", None, "cites")]),
    ("沪府规［２０２２］２１号", [("沪府规〔2022〕21号", None, "cites")]),
    ("郑政〔2017〕第3号", [("郑政〔2017〕3号", None, "cites")]),
    # a number broken across a line or page
    ("郑政〔2017〕\n30号", [("郑政〔2017〕30号", None, "cites")]),
    ("郑政\n〔2017〕30号", [("郑政〔2017〕30号", None, "cites")]),
    # the prose before the 机关代字 is no part of it
    ("依据国发〔2016〕35号文件精神", [("国发〔2016〕35号", None, "cites")]),
    ("落实财政部财预〔2017〕8号", [("财预〔2017〕8号", None, "cites")]),
    ("（沪商商贸〔2024〕109号）", [("沪商商贸〔2024〕109号", None, "cites")]),
    # decrees and numbered announcements
    ("详见《条例》（国令第 711 号）", [("国令第711号", "条例", "cites")]),
    ("居住证暂行条例(国务院令第801号)", [("国务院令第801号", None, "cites")]),
    ("中华人民共和国国务院令 第801号", [("国务院令第801号", None, "cites")]),
    ("国务院第711号令", [("国务院令第711号", None, "cites")]),
    # the 令 that published a repealed text, linked to its title; no date's 日 or 原 in the number
    ("2016年7月30日原东川省农业厅令第4号公布的《东川省农药管理办法》同时废止。",
     [("东川省农业厅令第4号", "东川省农药管理办法", "cites")]),
    ("河南省人民政府令第180号", [("河南省人民政府令第180号", None, "cites")]),
    ("中华人民共和国主席令第八十一号", [("主席令第81号", None, "cites")]),
    ("国家税务总局公告2018年第31号", [("国家税务总局公告2018年第31号", None, "cites")]),
    # titles: nested quotes and 〈〉, internal spaces, either order
    (
        "《国务院关于促进中部地区崛起“十三五”规划的批复》（国函〔2016〕204号）",
        [("国函〔2016〕204号", "国务院关于促进中部地区崛起“十三五”规划的批复", "cites")],
    ),
    (
        "《国务院关于印发〈中国制造2025〉的通知》（国发〔2015〕28号）",
        [("国发〔2015〕28号", "国务院关于印发〈中国制造2025〉的通知", "cites")],
    ),
    (
        "《中共河南省委　河南省人民政府关于加快推进自主创新示范区建设的若干意见》（豫发〔2016〕27号）",
        [("豫发〔2016〕27号", "中共河南省委　河南省人民政府关于加快推进自主创新示范区建设的若干意见", "cites")],
    ),
    ("国发〔2017〕9号《国务院关于印发某规划的通知》", [("国发〔2017〕9号", "国务院关于印发某规划的通知", "cites")]),
    (
        "《A办法》（国发〔2016〕1号）、《B规定》（国发〔2016〕2号）",
        [("国发〔2016〕1号", "A办法", "cites"), ("国发〔2016〕2号", "B规定", "cites")],
    ),
    # title-only references and their relation
    ("按照《中华人民共和国道路交通安全法》规定", [(None, "中华人民共和国道路交通安全法", "cites")]),
    ("改进提升《专业技术拔尖人才选拔管理办法》", [(None, "专业技术拔尖人才选拔管理办法", "cites")]),
    ("尽快启动编制《大都市区空间规划》", [(None, "大都市区空间规划", "drafts")]),
    ("研究制定《人才引进办法》", [(None, "人才引进办法", "drafts")]),
    ("制定出台《促进会展业发展的意见》", [(None, "促进会展业发展的意见", "drafts")]),
    ("委托研究机构开展《行动纲要（2017—2030）》编制工作", [(None, "行动纲要（2017—2030）", "drafts")]),
    ("已制定《人才引进办法》", [(None, "人才引进办法", "cites")]),
    ("市政府制定的《人才引进办法》", [(None, "人才引进办法", "cites")]),
    ("编辑印制《中国城市》等宣传品", [(None, "中国城市", "other")]),
    ("在《人民日报》发表", [(None, "人民日报", "other")]),
    ("持有《上海市居住证》", [(None, "上海市居住证", "other")]),
    ("现将《实施方案》印发给你们，请认真贯彻执行。", [(None, "实施方案", "self")]),
    ("关于印发《实施方案》的通知", [(None, "实施方案", "self")]),
    ("《实施方案》已经市政府同意，现印发给你们。", [(None, "实施方案", "self")]),
    ("根据《条例》，制定《细则》，现印发给你们。", [(None, "条例", "cites"), (None, "细则", "self")]),
    ("制定《A办法》和《B规定》", [(None, "A办法", "drafts"), (None, "B规定", "drafts")]),
    ("研究制定《A办法》，贯彻《B规定》", [(None, "A办法", "drafts"), (None, "B规定", "cites")]),
    ("现将《实施方案》（郑政〔2017〕1号）转发给你们。", [("郑政〔2017〕1号", "实施方案", "self")]),
    (
        "根据市政府关于印发《实施方案》的通知（郑政〔2017〕1号）精神",
        [(None, "实施方案", "cites"), ("郑政〔2017〕1号", None, "cites")],
    ),
    # negatives: no reference
    ("联系电话：0371-67181234", []),
    ("邮编：450000，电话：0371-67181234", []),
    ("第30号", []),
    ("发布第3号令", []),
    ("《》", []),
    ("行动纲要（2017-2030）", []),
    ("2017年3月13日印发", []),
    ("未闭合的《标题", []),
    ("〔2017〕30号", []),
    ("2017年第二十三届全国商品交易会", []),
    ("美国令第3号", []),
]


@pytest.mark.parametrize(("text", "expected"), REFERENCES)
def test_references_found(text, expected):
    got = find_references(text)
    assert [(r.doc_number.text if r.doc_number else None, r.title, r.relation) for r in got] == expected


@pytest.mark.parametrize(("text", "expected"), REFERENCES)
def test_references_spans_index_the_text(text, expected):
    for r in find_references(text):
        assert text[r.span[0] : r.span[1]] == r.text


def test_references_link_span_covers_title_and_number():
    text = "为贯彻《三年行动计划（2016—2018年）》（郑发〔2016〕35号）要求"
    (ref,) = find_references(text)
    assert ref.text == "《三年行动计划（2016—2018年）》（郑发〔2016〕35号）"
    assert ref.doc_number == make_doc_number("郑发", "2016", "35")
    assert ref.doc_number.agency_code == "郑发" and ref.doc_number.year == 2016 and ref.doc_number.serial == 35


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("郑政办〔2017〕30号\n关于印发实施方案的通知", []),  # the 版头's own number is metadata
        ("《实施方案》（郑政办〔2017〕30号）", [("郑政办〔2017〕30号", "self")]),
        ("郑政办〔2017〕31号", [("郑政办〔2017〕31号", "cites")]),
    ],
)
def test_references_own_number_is_not_cited(text, expected):
    own = make_doc_number("郑政办", "2017", "30")
    got = find_references(text, own_number=own)
    assert [(r.doc_number.text, r.relation) for r in got] == expected


@pytest.mark.parametrize(
    ("body_title", "title", "relation"),
    [
        (
            "郑州市2017年提升对外开放水平推进城市国际化实施方案",
            "郑州市２０１７年提升对外开放水平推进城市国际化实施方案",
            "self",
        ),
        ("某实施方案", "另一个实施方案", "cites"),
    ],
)
def test_references_body_title_is_self(body_title, title, relation):
    (ref,) = find_references(f"贯彻《{title}》。", body_title=body_title)
    assert ref.relation == relation


@pytest.mark.parametrize(
    ("text", "issuer"),
    [
        ("（国函〔2016〕204号）", "国务院"),
        ("（发改规划〔2017〕154号）", "国家发展改革委"),
        ("（豫发〔2016〕27号）", "中共河南省委"),
        ("《国务院关于中原城市群发展规划的批复》", "国务院"),
        ("《条例》", None),
    ],
)
def test_references_issuer_guess(text, issuer):
    (ref,) = find_references(text)
    assert ref.issuer_guess == issuer


@pytest.mark.parametrize(
    ("code", "issuer"),
    [
        ("国发", "国务院"),
        ("国函", "国务院"),
        ("国办发", "国务院办公厅"),
        ("国办函", "国务院办公厅"),
        ("国令", "国务院"),
        ("发改规划", "国家发展改革委"),
        ("财预", "财政部"),
        ("教基", "教育部"),
        ("豫发", "中共河南省委"),
        ("豫政", "河南省人民政府"),
        ("豫政办", "河南省人民政府办公厅"),
        ("豫政文", "河南省人民政府"),
        ("京办发", "中共北京市委办公厅"),
        ("沪府规", "上海市人民政府"),
        ("川办发", "四川省人民政府办公厅"),
        ("郑政办", "郑州市人民政府办公厅"),
        ("未知代字", None),
        ("", None),
    ],
)
def test_references_guess_issuer(code, issuer):
    assert guess_issuer(code) == issuer


def test_references_agency_table_covers_every_province():
    codes = load_agency_codes()
    for abbr in "京津冀晋内辽吉黑沪苏浙皖闽赣鲁豫鄂湘粤桂琼渝川黔云藏陕甘青宁新":
        assert any(c.startswith(abbr) and row.level == "province" for c, row in codes.items()), abbr


@pytest.mark.parametrize(
    ("text", "titles"),
    [
        ("《A》和《B》", ["A", "B"]),
        ("《关于印发〈X〉的通知》", ["关于印发〈X〉的通知"]),
        ("《外《内》外》", ["外《内》外"]),
        ("《未闭合", []),
    ],
)
def test_references_find_titles(text, titles):
    assert [t for _, t in find_titles(text)] == titles


@given(st.text(alphabet="《》〈〉（）〔〕[]【】国发政办郑2016号第令制定印发 \n", max_size=40))
def test_references_spans_hold_for_any_text(text):
    for r in find_references(text):
        assert text[r.span[0] : r.span[1]] == r.text
