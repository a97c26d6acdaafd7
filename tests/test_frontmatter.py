"""Metadata of documents that are no plain 红头文件: 令 and 公告 headers, 题注, web prints,
主送 lists, bodies named by their form, OCR'd 版头 lines checked before use.

Phrase tables per rule (positives and negatives), then one generated PDF per layout
(``tests/fixtures/frontpages.py``) parsed whole, through the library and the CLI.
"""

import json
import subprocess
import sys

import pytest

from pipeline import parse_pdf
from pipeline.endmatter import ocr_date_agrees
from pipeline.frontmatter import (
    displaced_date,
    effective_date_at,
    is_body_name,
    is_web_furniture,
    leading_body,
    looks_like_recipients,
    promulgated_title,
    read_caption,
    read_header,
    split_bodies,
    split_recipients,
    strip_term,
    web_fields,
)
from pipeline.model import DocNumber
from pipeline.structure import _check_ocr_number, body_title_of, doc_type_of
from tests.fixtures.frontpages import LAYOUTS, scanned_head, write_layout

# --- bodies by their form -----------------------------------------------------------

BODY_CASES = [
    ("东川市人民政府", True),
    ("国家林业和草原局", True),
    ("中共东川市委办公厅", True),
    ("国务院", True),
    ("西岭县农业农村局", True),
    ("东川市人民代表大会常务委员会", True),
    ("东川省人大常委会", True),
    ("东川市西岭区规划和自然资源局", True),
    ("湖南省示例文化和旅游厅办公室", True),
    # a place, a form of address, a title, OCR noise: no body
    ("西岭区", False),
    ("各位代表", False),
    ("总理", False),
    ("有关部门", False),
    ("湖Y", False),
    ("|/省】文化和旅外游厅》", False),
]


@pytest.mark.parametrize(("text", "expected"), BODY_CASES)
def test_frontmatter_is_body_name(text, expected):
    assert is_body_name(text) is expected


LEADING_BODY_CASES = [
    ("东川市人民政府2024年政府信息公开工作年度报告", "东川市人民政府"),
    ("东川市西岭区规划和自然资源局2024年度部门决算", "东川市西岭区规划和自然资源局"),
    ("东川市人民政府关于加强安全生产工作的意见", "东川市人民政府"),
    ("西岭区关于恢复和扩大消费的若干措施", None),  # a place opens it: no issuer
    ("2025年东川省政府工作报告", None),
    ("东川市推进数字政府2024年行动计划", None),  # a title opening with a place and a verb
    ("东川市住房和城乡建设局2024年度部门决算", "东川市住房和城乡建设局"),
    ("东川市2025年区级部门预算", None),
]


@pytest.mark.parametrize(("title", "expected"), LEADING_BODY_CASES)
def test_frontmatter_leading_body(title, expected):
    assert leading_body(title) == expected


SPLIT_BODIES_CASES = [
    ("中共东川市委办公厅东川市人民政府办公厅", ["中共东川市委办公厅", "东川市人民政府办公厅"]),
    ("国务院办公厅", ["国务院办公厅"]),  # 国务院|办公厅 is one name
    ("东川市人民政府办公室", ["东川市人民政府办公室"]),
    ("东川市财政局东川市商务局", ["东川市财政局", "东川市商务局"]),
]


@pytest.mark.parametrize(("text", "expected"), SPLIT_BODIES_CASES)
def test_frontmatter_split_bodies(text, expected):
    assert split_bodies(text) == expected


TERM_CASES = [
    ("东川市第十五届人民代表大会常务委员会第二十次会议", "东川市人民代表大会常务委员会"),
    ("第十二届全国人民代表大会常务委员会第十次会议", "全国人民代表大会常务委员会"),
    ("东川省第十四届人民代表大会第二次会议", "东川省人民代表大会"),
]


@pytest.mark.parametrize(("body", "expected"), TERM_CASES)
def test_frontmatter_strip_term(body, expected):
    assert strip_term(body) == expected


# --- recipients (CONVENTIONS: split at 、 only where both sides are complete names) -------

RECIPIENT_CASES = [
    ("各省、自治区、直辖市人民政府，国务院各部委、各直属机构",
     ["各省、自治区、直辖市人民政府", "国务院各部委、各直属机构"]),
    ("各县（市、区）人民政府，市人民政府有关部门，各有关单位",
     ["各县（市、区）人民政府", "市人民政府有关部门", "各有关单位"]),
    ("各市、县、自治县农业农村局、财政局", ["各市、县、自治县农业农村局、财政局"]),
    ("教育部、科技部", ["教育部", "科技部"]),
    ("市发展改革委、市财政局、市商务局", ["市发展改革委", "市财政局", "市商务局"]),
    ("各市、州、县教育局（体育局）、厅直各单位、厅机关各处室",
     ["各市、州、县教育局（体育局）", "厅直各单位", "厅机关各处室"]),
    ("区直各相关单位、各有关商会", ["区直各相关单位", "各有关商会"]),
    ("市委各部门，东川警备区。", ["市委各部门", "东川警备区"]),
    # bare heads after a name share its owner
    ("各区人民政府，市政府各委、办、局，各市属机构", ["各区人民政府", "市政府各委、办、局", "各市属机构"]),
    ("省政府各厅、委、办", ["省政府各厅、委、办"]),
]


@pytest.mark.parametrize(("text", "expected"), RECIPIENT_CASES)
def test_frontmatter_split_recipients(text, expected):
    assert split_recipients(text) == expected


RECIPIENT_LINE_CASES = [
    ("各县（市、区）人民政府，市人民政府各部门：", True),
    ("区直各相关单位、各有关商会：", True),
    ("各市州文化和旅游局：", True),
    ("各位代表：", False),
    ("主要任务包括：", False),
    ("现将有关事项通知如下：", False),
    ("各县（市、区）人民政府，市人民政府各部门。", False),
]


@pytest.mark.parametrize(("text", "expected"), RECIPIENT_LINE_CASES)
def test_frontmatter_looks_like_recipients(text, expected):
    assert looks_like_recipients(text) is expected


# --- 令 and 公告 headers, the promulgating sentence ------------------------------------------

HEADER_CASES = [
    ("中华人民共和国国务院令", "第801号", ("decree", "国务院", "国务院令第801号", 2)),
    ("中华人民共和国国务院令", "第　705　号", ("decree", "国务院", "国务院令第705号", 2)),
    ("东川市人民政府令", "第12号", ("decree", "东川市人民政府", "东川市人民政府令第12号", 2)),
    ("中华人民共和国主席令", "第八十一号", ("decree", "中华人民共和国主席", "主席令第81号", 2)),
    ("东川省市场监督管理局令第3号", None, ("decree", "东川省市场监督管理局", "东川省市场监督管理局令第3号", 1)),
    ("中华人民共和国商务部令", "2014年第3号", ("decree", "商务部", "商务部令2014年第3号", 2)),
    ("东川省第十三届人民代表大会常务委员会公告", "第7号",
     ("notice", "东川省人民代表大会常务委员会", "东川省第十三届人民代表大会常务委员会公告（第7号）", 2)),
    ("东川省人大常委会公　告", "（十三届第7号）",
     ("notice", "东川省人大常委会", "东川省人大常委会公告（十三届第7号）", 2)),
    ("东川省人大常委会公告", "十三届第7号", ("notice", "东川省人大常委会", "东川省人大常委会公告（十三届第7号）", 2)),
    # digits a font with a bad descent set after the line: put back where 第号 leaves room
    ("东川省人大常委会公　告", "十三届第号(7)", ("notice", "东川省人大常委会", "东川省人大常委会公告（十三届第7号）", 2)),
    # a number line whose digits did not come through: the header without a number
    ("东川省人大常委会公　告", "十三届第号", ("notice", "东川省人大常委会", None, 2)),
    # no headers
    ("东川市人民政府关于加强安全生产工作的通知", "各县（市、区）人民政府：", None),
    ("中华人民共和国主席令", "全国人民代表大会常务委员会", None),  # no number under it
    ("命令", "第3号", None),
    ("东川市人民政府令", "《东川市河道管理办法》已经…", None),
]


@pytest.mark.parametrize(("line", "next_line", "expected"), HEADER_CASES)
def test_frontmatter_read_header(line, next_line, expected):
    got = read_header(line, next_line)
    if expected is None:
        assert got is None
        return
    header, n = got
    assert (header.kind, header.issuer, header.number.text if header.number else None, n) == expected


PROMULGATION_CASES = [
    ("《东川市河道管理办法》已经2023年4月10日市人民政府第8次常务会议通过，现予公布，自2023年6月1日起施行。",
     "东川市河道管理办法"),
    ("《东川省燃气管理条例》已由东川省第十四届人民代表大会常务委员会第二次会议于2023年3月28日修订通过，现予公布。",
     "东川省燃气管理条例"),
    ("现公布《东川市河道管理办法》，自2023年6月1日起施行。", "东川市河道管理办法"),
    ("现将《东川市河道管理办法》印发给你们，请认真贯彻执行。", None),
    ("《东川市河道管理办法》（以下简称《办法》）规定，…", None),
]


@pytest.mark.parametrize(("text", "expected"), PROMULGATION_CASES)
def test_frontmatter_promulgated_title(text, expected):
    assert promulgated_title(text) == expected


CAPTION_CASES = [
    ("（2022年9月6日东川市人民政府令第31号公布　自2022年11月1日起施行）",
     ("2022-09-06", "公布", "东川市人民政府令第31号")),
    ("（2019年5月30日东川市第十五届人民代表大会常务委员会第二十次会议通过　2021年7月29日…修正）",
     ("2019-05-30", "通过", None)),
    ("（2005年3月1日中华人民共和国国务院令第432号公布　2016年2月6日国务院第120次常务会议修订通过）",
     ("2005-03-01", "公布", "国务院令第432号")),
    ("（2023年12月29日）", ("2023-12-29", "dated", None)),  # a bare date under a title
    ("（2021—2025年）", None),
    ("（联系人：张某；联系电话：0000-00000000）", None),
    ("（此件公开发布）", None),
]


@pytest.mark.parametrize(("text", "expected"), CAPTION_CASES)
def test_frontmatter_read_caption(text, expected):
    got = read_caption(text)
    assert (got and (got.date, got.action, got.number.text if got.number else None)) == expected


CAPTION_BODY_CASES = [
    ("（2019年5月30日东川市第十五届人民代表大会常务委员会第二十次会议通过）", "东川市人民代表大会常务委员会"),
    ("（2012年6月30日第十一届全国人民代表大会常务委员会第二十七次会议通过）", "全国人民代表大会常务委员会"),
    ("（2022年9月6日东川市人民政府令第31号公布）", None),  # the body is the number's: read by structure
]


@pytest.mark.parametrize(("text", "expected"), CAPTION_BODY_CASES)
def test_frontmatter_caption_body(text, expected):
    assert read_caption(text).body == expected


@pytest.mark.parametrize(("line", "next_line", "expected"), [
    ("年月日", "2022\u300011\u300025", "2022-11-25"),
    ("年　月　日", "2023 3 1", "2023-03-01"),
    ("年月日", "2023 13 1", None),  # no month 13
    ("东川省人民代表大会常务委员会", "2022 11 25", None),
    ("年月日", None, None),
])
def test_frontmatter_displaced_date(line, next_line, expected):
    assert displaced_date(line, next_line) == expected


EFFECTIVE_CASES = [
    ("本条例自2016年1月1日起施行。", True),
    ("本通知自2025年11月1日起执行。", True),
    ("东川市人民政府　2023年3月2日", False),
    ("2023年3月2日印发", False),
]


@pytest.mark.parametrize(("text", "expected"), EFFECTIVE_CASES)
def test_frontmatter_effective_date(text, expected):
    import re
    end = re.search(r"\d+日", text).end()
    assert effective_date_at(text, end) is expected


# --- web prints ---------------------------------------------------------------------

FIELD_CASES = [
    ("发文字号：东发改规〔2025〕4号　发布日期：2025年10月11日", {"doc_number": "东发改规〔2025〕4号"}),
    ("标　　题：东川市商务局关于开展消费季活动的通知", {"title": "东川市商务局关于开展消费季活动的通知"}),
    ("发文机关：东川市商务局　成文日期：2024年5月8日", {"issuer": "东川市商务局", "issue_date": "2024年5月8日"}),
    ("预算主管部门：东川市西岭区商务委员会", {"budget_owner": "东川市西岭区商务委员会"}),
    ("效力状态：有效", {}),
    ("第一条　为了加强管理，制定本办法。", {}),
]


@pytest.mark.parametrize(("text", "expected"), FIELD_CASES)
def test_frontmatter_web_fields(text, expected):
    assert web_fields(text) == expected


FURNITURE_CASES = [
    ("首页　政务公开　政务服务　互动交流　数据开放　走进东川", None, True),
    ("当前位置：首页>政务公开>政策文件", None, True),
    ("发布时间：2024-05-10 09:30　【字体：大中小】　打印", None, True),
    ("2026/3/1 10:20　东川市商务局关于开展消费季活动的通知_东川市人民政府门户网站", None, True),
    ("https://www.example.gov.cn/zwgk/t20240510_1.html　1/1", None, True),
    ("3/1/26, 10:20 AM　东川市商务局关于开展消费季活动的通知_东川市人民政府", None, True),  # English-locale browser
    ("2/5/2026, 22:31　东川市商务局关于开展消费季活动的通知", None, True),
    ("欢迎访问东川市人民政府门户网站", "#ffffff", True),  # white text on a coloured bar
    ("东川市商务局关于开展消费季活动的通知", None, False),
    ("（三）资金来源：市财政统筹安排。", None, False),  # a sentence's label, not a page's field
    ("第一章　总　则", None, False),
    ("一、总体要求", None, False),
    ("各县（市、区）人民政府，市人民政府各部门：", None, False),
    ("3/5的资金用于基础设施建设。", None, False),  # a fraction, no date-time
]


@pytest.mark.parametrize(("text", "color", "expected"), FURNITURE_CASES)
def test_frontmatter_is_web_furniture(text, color, expected):
    assert is_web_furniture(text, color) is expected


# --- 文种 and the transmitted title ----------------------------------------------------

@pytest.mark.parametrize(("title", "expected"), [
    ("西岭区关于恢复和扩大消费的若干措施", "措施"),
    ("关于稳定就业的若干政策举措", "举措"),
    ("东川市2023年提升营商环境实施方案", "方案"),
    ("东川市西岭区2025年区级部门预算", "预算"),
])
def test_frontmatter_doc_type_head_noun(title, expected):
    assert doc_type_of(title) == expected


@pytest.mark.parametrize(("title", "expected"), [
    ("东川市人民政府办公室转发市商务局关于促进消费的若干措施的通知", "市商务局关于促进消费的若干措施"),
    ("中共东川市委办公室东川市人民政府办公室印发《关于加强基层治理的意见》的通知", "关于加强基层治理的意见"),
    ("关于开展转发工作的通知", None),
    ("东川市人民政府关于加强安全生产工作的通知", None),
])
def test_frontmatter_body_title_without_guanyu(title, expected):
    assert body_title_of(title) == expected


# --- OCR'd 版头 lines checked before use ------------------------------------------------

OCR_NUMBER_CASES = [
    # (issuer, code as OCR read it, what stands, flag)
    ("湖南省示例文化和旅游厅", "湘文旅发", "湘文旅发〔2023〕5号", None),
    ("湖南省示例文化和旅游厅", "汀文旅发", "湘文旅发〔2023〕5号", "doc_number_repaired"),
    ("东川市商务局", "东商发", "东商发〔2023〕5号", None),
    ("东川市商务局", "米商发", None, "doc_number_unverified"),
    (None, "测文发", None, "doc_number_unverified"),
    ("东川市商务局", "国办发", "国办发〔2023〕5号", None),  # a code the table knows
]


@pytest.mark.parametrize(("issuer", "code", "expected", "flag"), OCR_NUMBER_CASES)
def test_frontmatter_ocr_number_checked(issuer, code, expected, flag):
    md = {"issuer": issuer, "flags": [], "doc_number": DocNumber(f"{code}〔2023〕5号", code, 2023, 5)}
    _check_ocr_number(md)
    assert (md["doc_number"].text if md["doc_number"] else None) == expected
    assert md["flags"] == ([flag] if flag else [])


@pytest.mark.parametrize(("read", "iso", "expected"), [
    ("20X年3月0", "2023-03-08", True),
    ("2023年3月昌", "2023-03-08", True),
    ("20 .23年3月8", "2023-03-08", True),
    ("2023年4月8", "2023-03-08", False),
    ("湖Y", "2023-03-08", False),
])
def test_frontmatter_ocr_date_agrees_with_print_date(read, iso, expected):
    assert ocr_date_agrees(read, iso) is expected


# --- whole documents, one generated PDF per layout ----------------------------------------


@pytest.fixture(scope="module")
def layouts(tmp_path_factory):
    out = tmp_path_factory.mktemp("frontpages")
    return {name: (make(), write_layout(make(), out / f"{name}.pdf")) for name, make in LAYOUTS.items()}


def _field(md, key):
    value = getattr(md, key)
    if key == "doc_number":
        return value.text if value else None
    return list(value) if isinstance(value, tuple) else value


@pytest.mark.parametrize("name", sorted(LAYOUTS))
def test_frontmatter_layout_metadata(name, layouts):
    layout, path = layouts[name]
    md = parse_pdf(path).metadata
    assert {k: _field(md, k) for k in layout.expected} == layout.expected


@pytest.mark.parametrize("name", sorted(LAYOUTS))
def test_frontmatter_layout_references(name, layouts):
    """The document's own number is no reference; no date's 日 is read into a 令 number."""
    layout, path = layouts[name]
    doc = parse_pdf(path)
    own = layout.expected.get("doc_number")
    numbers = [r.doc_number.text for r in doc.references if r.doc_number and r.doc_number.text != own]
    assert numbers == list(layout.references)
    assert not any(n.startswith(("日", "原")) for n in numbers)


def test_frontmatter_web_print_navigation_never_the_title(layouts):
    _, path = layouts["web_print"]
    doc = parse_pdf(path)
    assert "首页" not in (doc.metadata.title or "")
    assert doc.metadata.issue_date == "2024-05-08"  # 成文日期, not the page's 发布日期 or 施行 date


def test_frontmatter_cli_parses_a_decree(layouts, tmp_path):
    _, path = layouts["decree_state_council"]
    out = tmp_path / "decree.json"
    run = subprocess.run([sys.executable, "-m", "pipeline", "parse", str(path), "-o", str(out)],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    md = json.loads(out.read_text(encoding="utf-8"))["metadata"]
    assert (md["issuer"], md["doc_number"]["text"], md["title"]) == ("国务院", "国务院令第801号", "东川市河道管理办法")
    run = subprocess.run([sys.executable, "-m", "pipeline", "validate", str(out)], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr


def test_frontmatter_scanned_head_is_checked_not_trusted(tmp_path):
    """A digital PDF whose first page (版头, title, signature) is a scan: what OCR reads is
    emitted only when it passes the 文号 grammar, the agency table or the issuer's place;
    else it is flagged. Never a garbled value as fact."""
    from pipeline import ocr

    why = ocr.ocr_unavailable()
    if why:
        pytest.skip(why)
    layout = scanned_head()
    doc = parse_pdf(write_layout(layout, tmp_path / "scanned_head.pdf"))
    md, exp = doc.metadata, layout.expected
    assert doc.pages[0].quality == "ocr" and doc.pages[1].quality == "ok"
    assert md.issuer == exp["issuer"] or (md.issuer is None and "issuer_ocr_unverified" in md.flags)
    number = md.doc_number.text if md.doc_number else None
    assert number == exp["doc_number"] or (number is None and "doc_number_unverified" in md.flags)
    assert md.issue_date == exp["issue_date"] or (md.issue_date is None and "issue_date_unreadable" in md.flags)
    assert (md.printer, md.print_date) == (exp["printer"], exp["print_date"])  # the text layer's 版记
    assert md.doc_type == exp["doc_type"]
    # the 版头's own number, however OCR read it, is no reference
    assert not [r for r in doc.references if r.doc_number and r.doc_number.year == 2023]


@pytest.mark.parametrize(("text", "expected"), [
    ("索引号：11400000/2024-00031", True),  # a field whose value is not kept is still the page's frame
    ("索 引 号：11400000-2024-00031　主题分类：综合政务", True),
    ("发文字号：东商发〔2024〕9号", True),
    ("（三）资金来源：市财政统筹安排。", False),
    ("根据标题：的要求", False),
])
def test_frontmatter_is_labelled_line(text, expected):
    from pipeline.frontmatter import is_labelled_line

    assert is_labelled_line(text) is expected
