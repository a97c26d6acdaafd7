"""Quantities, targets, facts and limits: find_quantities."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.model import Normalized, Section
from pipeline.tables import targets_from_table
from pipeline.targets import find_quantities, find_targets
from pipeline.targets.context import document_context

DOC_YEAR = 2017


def first(text: str, doc_year: int | None = DOC_YEAR):
    qs = find_quantities(text, [], doc_year)
    return qs[0] if qs else None


# (sentence, fields the first quantity must have). A plan's sentences: no
# title, so the genre is ``plan`` and a plain number is a target.
TARGETS = [
    (
        "2017年，力争航空港年旅客吞吐量达到2300万人次。",
        dict(
            indicator="航空港年旅客吞吐量",
            value=2300,
            unit="万人次",
            comparator="=",
            kind="level",
            year=2017,
            modality="力争",
            role="target",
            text="2300万人次",
        ),
    ),
    (
        "全市金融业增加值力争突破850亿元。",
        dict(indicator="全市金融业增加值", value=850, unit="亿元", comparator=">", modality="力争"),
    ),
    (
        "力争建成运营9个以上功能性口岸。",
        dict(indicator="功能性口岸", value=9, unit="个", comparator=">=", text="9个以上"),
    ),
    ("中欧班列开行300班以上。", dict(indicator="中欧班列开行", value=300, unit="班", comparator=">=")),
    (
        "全市跨境电子商务年交易额增长25%。",
        dict(indicator="全市跨境电子商务年交易额", value=25, unit="%", comparator="=", kind="growth"),
    ),
    ("研发经费投入强度提高2个百分点。", dict(value=2, unit="个百分点", kind="growth")),
    ("单位生产总值能耗下降3%。", dict(indicator="单位生产总值能耗", kind="growth")),
    ("城镇化率提高到60%。", dict(indicator="城镇化率", value=60, kind="level")),
    (
        "争取80%的市属三甲医院与国际知名医疗机构开展合作。",
        dict(indicator="市属三甲医院", value=80, unit="%", kind="share", modality="争取"),
    ),
    ("三分之一的县区完成改造。", dict(kind="share", value=pytest.approx(1 / 3))),
    (
        "引入1—2家相关机构开展数据研究。",
        dict(indicator="相关机构开展数据研究", value=1, value_max=2, unit="家", comparator="between"),
    ),
    ("城镇登记失业率控制在3%以内。", dict(indicator="城镇登记失业率", comparator="<=", text="3%以内")),
    ("举办国际性展会8个。", dict(indicator="国际性展会", value=8, unit="个", comparator="=")),
    (
        "举办马拉松赛、象棋锦标赛等7项以上国际性体育赛事。",
        dict(indicator="国际性体育赛事", value=7, unit="项", comparator=">="),
    ),
    ("2017年举办郑州全国商品交易会、中国国际磨料磨具展览会等国际性展会8个。", dict(indicator="国际性展会", value=8)),
    ("推进98个城市国际化重点项目取得明显进展。", dict(indicator="城市国际化重点项目", value=98)),
    ("筹措引入1家国际旅游合作机构入驻我市。", dict(indicator="国际旅游合作机构", value=1, unit="家")),
    ("争取选派50名行政管理和专科医生出国培训。", dict(indicator="行政管理和专科医生", value=50, unit="名")),
    (
        "预计接待入境游客49.98万人次。",
        dict(indicator="入境游客", value=49.98, unit="万人次", modality="预计", role="target"),
    ),
    ("确保粮食产量稳定在50亿斤以上。", dict(value=50, unit="亿斤", comparator=">=", modality="确保")),
    ("计划新建学校10所左右。", dict(indicator="学校", value=10, unit="所", comparator="=", modality="计划")),
    ("到2020年，全市常住人口达到1000万人。", dict(year=2020, comparator="=", unit="万人")),
    ("年内新增城镇就业10万人。", dict(year=DOC_YEAR, indicator="新增城镇就业")),
    ("主动公开政府信息5500余条。", dict(value=5500, unit="条", comparator=">")),
    ("建成区绿化覆盖率不低于40%。", dict(indicator="建成区绿化覆盖率", comparator=">=")),
    ("居民消费价格涨幅3%左右。", dict(kind="growth", comparator="=", text="3%左右")),
    ("实现固定资产投资3000亿元的目标。", dict(indicator="固定资产投资", role="target")),
    ("2018—2020年，每年新增城镇就业5万人以上。", dict(year=2020, comparator=">=")),
    ("智能手机产量达到3亿部。", dict(indicator="智能手机产量", value=3, unit="亿部", normalized=(3e8, "部"))),
    # about, not exact: the approx flag is carried from the number to the quantity
    ("到2025年，培育近千家企业。", dict(value=1000, unit="家", approx=True)),
    ("到2025年，全市培育约千家企业。", dict(value=1000, unit="家", approx=True)),
    ("力争投资八九亿元。", dict(value=8, value_max=9, unit="亿元", comparator="between", approx=True)),
    ("力争用两三年时间，培育企业两三家。", dict(value=2, value_max=3, unit="年", approx=True)),
    ("智能手机产量达到3000万部。", dict(value=3000, approx=False)),
]


@pytest.mark.parametrize(("text", "expected"), TARGETS)
def test_targets_fields(text, expected):
    q = first(text)
    assert q is not None
    for field, value in expected.items():
        got = getattr(q, field)
        if field == "normalized":
            got = (got.value, got.unit)
        assert got == value, (field, got)
    assert text[q.span[0] : q.span[1]] == q.text


# not quantities at all: ordinals, names, dates, document and clause numbers,
# phone numbers, durations naming a policy, the article 一
NOT_QUANTITIES = [
    "2017年举办第二十三届郑州全国商品交易会",
    "支持世界500强企业设立分支机构",
    "深入推进“智汇郑州·1125聚才计划”",
    "尽快启动编制《郑州大都市区1+4空间规划》",
    "跨境电商综试区建设以B2B模式为发展重点",
    "“十三五”时期",
    "实施十三五规划",
    "做好“五个一”活动",
    "深化“三个一”“三互”改革",
    "积极争取外国人72小时过境免签政策",
    "打造15分钟生活圈",
    "电话：0371-67181234，邮编：450000。",
    "依据第十二条规定",
    "郑政办〔2017〕30号",
    "2017年3月13日印发",
    "二〇一七年三月十三日",
    "营造一个公平和谐的环境",
    "在美国等举办一次引才专场活动",
    "按照“五年成规模”总体要求",
    "落实《三年行动计划（2016—2018年）》",
    "增强“四个意识”、坚定“四个自信”",
    "增强四个意识",
    "建设5G基站",
    "督办：市政府办公厅六处",
    "推进第三人民医院建设",
    "联系“千人计划”网",
    "千人计划专家",
    "五大发展理念",
    "过去一年，",
    "近五年来，",
]


@pytest.mark.parametrize("text", NOT_QUANTITIES)
def test_targets_not_quantities(text):
    assert find_quantities(text, [], DOC_YEAR) == []


# (text, doc_year, role of every quantity): facts and limits are not targets
ROLES = [
    ("全市生产总值由2006年的2002亿元增加到2016年的8114亿元。", 2017, ["fact", "fact"]),
    ("表彰4家单位。", 2017, ["fact"]),
    ("截至2016年底，全市已建成5G基站1万个。", 2017, ["fact"]),
    ("对违法单位处5000元以上2万元以下罚款。", 2017, ["limit"]),
    ("办理时限不超过3个工作日。", 2017, ["limit"]),
    ("应当在15日内作出决定。", 2017, ["limit"]),
    ("对新认定的企业给予100万元奖励。", 2017, ["limit"]),
    ("力争全市生产总值比上年增长8%。", 2017, ["target"]),
    ("2018年全市新增就业10万人。", 2017, ["target"]),
    ("培育年营业收入超10亿元的企业5家。", 2017, ["limit", "target"]),
    ("一般公共预算收入比上年增长8%。", 2017, ["target"]),
]


@pytest.mark.parametrize(("text", "doc_year", "roles"), ROLES)
def test_targets_roles(text, doc_year, roles):
    assert [q.role for q in find_quantities(text, [], doc_year)] == roles


# titles that set the genre of the sentences below
PLAN = "关于印发某市2024—2026年制造业发展行动方案的通知"
WORK_REPORT = "某市工业和信息化局2023年工作总结"
GOV_REPORT = "2024年某市人民政府工作报告"
BULLETIN = "某市2023年国民经济和社会发展统计公报"
RULES = "某市公共充电设施管理办法"

# (title, issue year, text, [(role, year) of every quantity]): the time frame
# of a sentence decides between a goal and a reported fact.
TIME_FRAMES = [
    # a plan: a comparison's base year is neither the deadline nor a sign of a fact
    (PLAN, 2024, "到2026年，全市单位工业增加值能耗较2023年下降8%，省级绿色工厂达到30家。", [("target", 2026)] * 2),
    (PLAN, 2024, "到2026年，全市地区生产总值比2020年增长40%。", [("target", 2026)]),
    (PLAN, 2024, "与2020年相比，2026年单位地区生产总值二氧化碳排放下降18%。", [("target", 2026)]),
    (PLAN, 2024, "以2020年为基期，到2025年单位地区生产总值能耗降低14%。", [("target", 2025)]),
    (PLAN, 2024, "在2023年基础上，新增国家级专精特新企业15家。", [("target", 2026)]),
    (PLAN, 2024, "在现有基础上，新增省级绿色工厂10家。", [("target", 2026)]),
    (PLAN, 2024, "全市现有省级绿色工厂25家。", [("fact", None)]),
    (PLAN, 2024, "全市一般公共预算收入比上年增长6%。", [("target", 2026)]),
    # a deadline after the issue date looks forward whatever 累计/已 words the sentence holds
    (PLAN, 2024, "到2026年累计建成公共充电桩12000个，城市建成区充电服务覆盖率达到95%以上。", [("target", 2026)] * 2),
    (PLAN, 2024, "到2025年，已建污水处理设施正常运行率不低于90%。", [("target", 2025)]),
    (PLAN, 2024, "2025年底前累计完成城镇老旧小区改造360个。", [("target", 2025)]),
    (PLAN, 2024, "2025年6月底前，建成数字化车间20个。", [("target", 2025)]),
    (PLAN, 2024, "全市森林覆盖率由2020年的30%提高到2026年的35%。", [("fact", 2020), ("target", 2026)]),
    (PLAN, 2024, "到2026年，全市森林覆盖率由2020年的30%提高到35%。", [("fact", 2020), ("target", 2026)]),
    (PLAN, 2024, "年底前完成80个行政村的生活污水治理任务。", [("target", 2024)]),
    (PLAN, 2024, "明年底前建成社区养老服务站40个。", [("target", 2025)]),
    # only what follows the year the sentence names dates the number
    (PLAN, 2024, "目前全市已建成5G基站3000个，今年再新建1000个。", [("fact", None), ("target", 2024)]),
    (PLAN, 2024, "全市已于2024年3月建成5G基站3000个。", [("fact", 2024)]),
    (PLAN, 2024, "每年实施重点节能技术改造项目30个以上。", [("target", 2026)]),
    (PLAN, 2024, "2024—2026年，每年新增城镇就业3万人以上。", [("target", 2026)]),
    (PLAN, 2024, "累计培训高素质农民1.2万人次。", [("target", 2026)]),
    (PLAN, 2024, "2025年与2026年，每年新增绿色工厂不少于10家。", [("target", 2026)]),
    (PLAN, 2024, "截至2026年底，全市累计建成智能工厂50个。", [("target", 2026)]),
    (PLAN, 2024, "结合本市实际，新建社区食堂60个。", [("target", 2026)]),
    # a plan's 发展基础 paragraph reports facts
    (PLAN, 2024, "截至2023年底，全市已建成5G基站3200个。", [("fact", 2023)]),
    (PLAN, 2024, "2023年，全市地区生产总值达到3500亿元，增长6.2%。", [("fact", 2023)] * 2),
    (PLAN, 2024, "2021年以来，全市累计建成高标准农田45万亩。", [("fact", 2021)]),
    (PLAN, 2024, "近年来，全市已累计培育省级专精特新企业120家。", [("fact", None)]),
    (PLAN, 2024, "五年来，全市累计建成保障性租赁住房3万套。", [("fact", None)]),
    (PLAN, 2024, "2019—2023年，全市累计建成5G基站6000个。", [("fact", 2023)]),
    # a five-year plan period dates a sentence too: “十三五” ended in 2020, “十四五” ends in 2025
    (PLAN, 2024, "“十三五”期间，全市累计建成5G基站3000个。", [("fact", 2020)]),
    (PLAN, 2024, "到“十四五”末，全市数字经济核心产业增加值占比达到12%。", [("target", 2025)]),
    (PLAN, 2024, "“十四五”以来，全市累计新增城镇就业12万人。", [("fact", 2021)]),
    (PLAN, 2024, "落实《“十四五”数字经济发展规划》，新建数据中心3个。", [("target", 2026)]),
    (PLAN, 2024, "2022年，全市地区生产总值3200亿元。全市常住人口达到280万人。", [("fact", 2022)] * 2),
    (PLAN, 2024, "全市社会消费品零售总额同比增长8%。", [("fact", None)]),
    (PLAN, 2024, "力争全市社会消费品零售总额同比增长8%。", [("target", 2026)]),
    # a work report looks back, except where it plans the next year
    (WORK_REPORT, 2024, "全年完成固定资产投资300亿元，同比增长8%。", [("fact", 2023)] * 2),
    (WORK_REPORT, 2024, "截至11月底，已完成技术改造投资120亿元。", [("fact", 2023)]),
    (WORK_REPORT, 2024, "全年实际完成技术改造投资130亿元。", [("fact", 2023)]),
    (WORK_REPORT, 2024, "今年以来，已完成技术改造投资120亿元。", [("fact", 2023)]),
    (WORK_REPORT, 2024, "年内新增规模以上工业企业35家。", [("fact", 2023)]),
    (WORK_REPORT, 2024, "2024年，我局将力争完成技术改造投资150亿元。", [("target", 2024)]),
    (WORK_REPORT, 2024, "2024年计划新建智能工厂5个。", [("target", 2024)]),
    (WORK_REPORT, 2024, "下一步，我局将新增绿色工厂20家。", [("target", 2023)]),
    (WORK_REPORT, 2024, "全年主要实施重点技术改造项目45个。", [("fact", 2023)]),
    # a 政府工作报告: retrospective paragraphs are facts, the year's goals targets
    (GOV_REPORT, 2024, "2023年，全市地区生产总值增长5.2%。", [("fact", 2023)]),
    ("某市人民政府工作报告", 2024, "过去一年，全市城镇新增就业6.2万人。", [("fact", None)]),
    (GOV_REPORT, 2024, "五年来，全市累计建成保障性租赁住房3万套。", [("fact", 2024)]),
    (
        GOV_REPORT,
        2024,
        "今年经济社会发展的主要预期目标是：地区生产总值增长5%左右，城镇新增就业5万人以上。",
        [("target", 2024)] * 2,
    ),
    (GOV_REPORT, 2024, "预计全年地区生产总值增长5.5%。", [("target", 2024)]),
    (GOV_REPORT, 2024, "主要预期目标是：今年地区生产总值增长5%左右。", [("target", 2024)]),
    (GOV_REPORT, 2024, "到2027年，全市常住人口城镇化率达到70%。", [("target", 2027)]),
    # a statistical bulletin compares with last year: facts
    (BULLETIN, 2024, "全年全市地区生产总值3500亿元，比上年增长6%。", [("fact", 2023)] * 2),
    (BULLETIN, 2024, "年末全市常住人口280万人，比上年末增加2万人。", [("fact", 2023)] * 2),
    # a regulation's numbers are limits
    (RULES, 2024, "第十条 违反本办法规定的，处200元以上500元以下罚款。", [("limit", None)]),
    (RULES, 2024, "第五条 申请人应当在10个工作日内提交材料。", [("limit", None)]),
    (RULES, 2024, "第十二条 本办法自2024年3月1日起施行，有效期5年。", [("limit", 2024)]),
    (RULES, 2024, "第六条 已取得许可的经营者，每年接受检查不少于1次。", [("limit", None)]),
]


@pytest.mark.parametrize(("title", "doc_year", "text", "expected"), TIME_FRAMES)
def test_targets_time_frame_sets_role_and_year(title, doc_year, text, expected):
    qs = find_quantities(text, [], doc_year, title)
    assert [(q.role, q.year) for q in qs] == expected


def headed(lines: list[str]) -> tuple[str, list[Section]]:
    """A text and its level-1 sections, each line with a 一、 marker opening one."""
    text = "\n".join(lines)
    starts = [text.index(line) for line in lines if line[1:2] == "、"]
    bounds = starts + [len(text)]
    sections = []
    for i, lo in enumerate(starts):
        title = text[lo + 2 : text.index("\n", lo)]
        sections.append(
            Section(
                f"s{i + 1}",
                1,
                text[lo : lo + 2],
                i + 1,
                title,
                None,
                "heading",
                (lo, bounds[i + 1]),
                (lo, lo + 2 + len(title)),
            )
        )
    return text, sections


# (title, headed lines, roles): a heading that looks back or forward decides a
# sentence with no time cue of its own
SECTION_FRAMES = [
    (PLAN, ["一、发展基础", "全市建成5G基站3200个。", "二、主要任务", "新建5G基站2000个。"], ["fact", "target"]),
    (
        PLAN,
        ["一、工作开展情况", "培育专精特新企业45家。", "二、工作目标", "培育专精特新企业60家。"],
        ["fact", "target"],
    ),
    (
        WORK_REPORT,
        ["一、2023年工作回顾", "新建智能工厂8个。", "二、2024年工作安排", "新建智能工厂10个。"],
        ["fact", "target"],
    ),
    (WORK_REPORT, ["一、主要工作", "新建智能工厂8个。", "二、存在问题", "3个项目进度滞后。"], ["fact", "fact"]),
    # the sentence's own cue wins over the heading
    (WORK_REPORT, ["一、2024年工作安排", "截至2023年底已建成智能工厂8个。"], ["fact"]),
]


@pytest.mark.parametrize(("title", "lines", "roles"), SECTION_FRAMES)
def test_targets_section_heading_sets_time_frame(title, lines, roles):
    text, sections = headed(lines)
    assert [q.role for q in find_quantities(text, sections, 2024, title)] == roles


# (text, a year that must not be the quantity's year): a comparison's base
BASE_YEARS = [
    ("到2026年，全市单位工业增加值能耗较2023年下降8%。", 2023),
    ("到2026年，全市地区生产总值比2020年末增长40%。", 2020),
    ("到2026年，单位地区生产总值能耗与2020年相比下降13.5%。", 2020),
    ("到2026年，以2020年为基期，单位地区生产总值能耗降低14%。", 2020),
    ("到2026年，相较于2020年，万元工业增加值用水量下降16%。", 2020),
]


@pytest.mark.parametrize(("text", "base"), BASE_YEARS)
def test_targets_base_year_is_not_the_deadline(text, base):
    (q,) = find_quantities(text, [], 2024, PLAN)
    assert (q.year, q.role, q.kind) == (2026, "target", "growth")
    assert q.year != base


# (text, indicator, kind): what a plan's sentence measures, qualifiers kept
INDICATORS = [
    ("到2026年，重点场所5G网络覆盖率达到98%以上。", "重点场所5G网络覆盖率", "level"),
    ("数字经济核心产业增加值占地区生产总值比重提高到12%。", "数字经济核心产业增加值占地区生产总值比重", "share"),
    ("重点培育工业互联网平台20个以上。", "工业互联网平台", "level"),
    ("三是培育工业互联网平台20个以上。", "工业互联网平台", "level"),
    ("每年新认定市级专精特新软件企业30家左右。", "市级专精特新软件企业", "level"),
    ("到2026年累计建成5G基站6500个。", "5G基站", "level"),
    ("比2023年末增加公共充电桩2000个。", "公共充电桩", "growth"),
    ("一年期贷款市场报价利率保持在3.45%。", "一年期贷款市场报价利率", "level"),
    ("全市城镇登记失业率控制在3.5%以内。", "全市城镇登记失业率", "level"),
]


@pytest.mark.parametrize(("text", "indicator", "kind"), INDICATORS)
def test_targets_indicator_and_kind(text, indicator, kind):
    q = first(text, 2024)
    assert (q.indicator, q.kind) == (indicator, kind)


def test_targets_role_follows_document_genre():
    body = "全年受理政府信息公开申请21件。"
    report = "淮安市人民政府\n2024年政府信息公开工作年度报告\n" + body
    plan = "关于印发2024年政务公开工作要点的通知\n" + body
    regulation = "某市电动自行车管理条例\n第一条 为了规范管理。\n第二条 适用本条例。\n" + body
    assert [q.role for q in find_quantities(report, [], 2025)] == ["fact"]
    assert [q.role for q in find_quantities(plan, [], 2024)] == ["target"]
    assert [q.role for q in find_quantities(regulation, [], 2024)] == ["limit"]


def test_targets_title_argument_sets_genre():
    body = "第一部分 情况说明\n全年受理政府信息公开申请21件。"
    assert [q.role for q in find_quantities(body, [], 2025)] == ["target"]
    title = "淮安市人民政府2024年政府信息公开工作年度报告"
    (q,) = find_quantities(body, [], 2025, title=title)
    assert (q.role, q.year) == ("fact", 2024)


@pytest.mark.parametrize(
    ("text", "genre", "title_year"),
    [
        (
            "郑州市人民政府办公厅\n关于印发郑州市2017年提升对外开放水平\n推进城市国际化实施方案的通知\n正文",
            "plan",
            2017,
        ),
        ("上海市普陀区2025年区级部门预算\n目录", "report", 2025),
        ("中华人民共和国道路交通安全法\n目录", "regulation", None),
        ("关于印发《三年行动计划（2016—2018年）》的通知\n正文", "plan", None),
    ],
)
def test_targets_document_context(text, genre, title_year):
    ctx = document_context(text, 2017)
    assert (ctx.genre, ctx.title_year) == (genre, title_year)


def test_targets_list_gives_one_target_each():
    text = "2017年力争引进创新创业团队20个、领军人才和紧缺人才200名、科技创业企业家40名、国内顶尖专家20名。"
    qs = find_targets(text, [], DOC_YEAR)
    assert [(q.indicator, q.value, q.unit) for q in qs] == [
        ("创新创业团队", 20, "个"),
        ("领军人才和紧缺人才", 200, "名"),
        ("科技创业企业家", 40, "名"),
        ("国内顶尖专家", 20, "名"),
    ]
    assert {q.modality for q in qs} == {"力争"} and {q.year for q in qs} == {2017}


def test_targets_clause_without_subject_inherits_indicator():
    qs = find_quantities("2017年，实现外汇收入19651万美元，增长10%。", [], DOC_YEAR)
    assert [(q.indicator, q.kind) for q in qs] == [("外汇收入", "level"), ("外汇收入", "growth")]


def test_targets_parallel_figures_share_indicator_and_kind():
    qs = find_quantities("2017年，一般公共预算收入和税收收入分别增长8%和7%。", [], DOC_YEAR)
    assert [(q.indicator, q.kind) for q in qs] == [("一般公共预算收入和税收收入", "growth")] * 2


def test_targets_year_from_paragraph_and_title():
    text = "郑州市2017年对外开放实施方案\n2017年，举办展会8个。推进98个重点项目建设。\n建成口岸3个。"
    assert [q.year for q in find_quantities(text, [], 2017)] == [2017, 2017, 2017]
    multi = "三年行动计划（2016—2018年）\n建成口岸3个。"
    assert [q.year for q in find_quantities(multi, [], 2017)] == [2018]


def test_targets_section_is_the_deepest():
    text = "一、目标\n（一）开放\n建成口岸9个。\n二、措施"
    s1 = Section("s1", 1, "一、", 1, "目标", None, "heading", (0, 24), (0, 4))
    s11 = Section("s1.1", 2, "（一）", 1, "开放", "s1", "heading", (5, 20), (5, 10))
    (q,) = find_quantities(text, [s1, s11], 2017)
    assert q.section == "s1.1"
    assert q.sentence == "建成口岸9个"
    assert find_quantities(text, [], 2017)[0].section is None


def test_targets_same_target_twice_gives_two_mentions():
    text = "货运吞吐量达到50万吨。\n力争货运量达到50万吨。"
    assert [q.value for q in find_targets(text, [], 2017)] == [50, 50]


PHRASES = [p for p, _ in TARGETS] + NOT_QUANTITIES + [p for p, _, _ in ROLES] + [t for _, _, t, _ in TIME_FRAMES]


@given(st.lists(st.sampled_from(PHRASES), min_size=1, max_size=8), st.sampled_from(["", "\n", "，"]))
def test_targets_spans_point_into_text(parts, sep):
    text = sep.join(parts)
    for q in find_quantities(text, [], 2017):
        assert text[q.span[0] : q.span[1]] == q.text
        assert q.sentence in text


def test_targets_long_document_finds_every_repeat():
    # speed is measured by `make bench`, never by a timed test
    text = "\n".join(p for p, _ in TARGETS) * 120
    qs = find_quantities(text, [], 2017)
    assert len(qs) > 2000


TABLE = [
    ["指标", "单位", "2016年基期值", "2017年目标", "2020年目标", "属性"],
    ["1.地区生产总值", "亿元", "8114", "8800", "≥10000", "预期性"],
    ["常住人口城镇化率", "%", "71", "72", "75以上", "预期性"],
    ["新增企业", "家", None, "1—2", "待定", None],
]


@pytest.mark.parametrize(
    ("row", "column", "expected"),
    [
        (1, 2, dict(indicator="地区生产总值", value=8114, unit="亿元", year=2016, role="fact")),
        (1, 3, dict(value=8800, year=2017, role="target", comparator="=")),
        (1, 4, dict(value=10000, year=2020, comparator=">=", normalized=Normalized(1e12, "元"))),
        (2, 4, dict(indicator="常住人口城镇化率", value=75, unit="%", comparator=">=")),
        (3, 3, dict(value=1, value_max=2, unit="家", comparator="between")),
    ],
)
def test_targets_from_table(row, column, expected):
    cells = {(t.row, t.column): t for t in targets_from_table(TABLE, 2017)}
    assert (3, 4) not in cells  # 待定 is no figure
    got = cells[(row, column)]
    for field, value in expected.items():
        assert getattr(got, field) == value, field


# --- what is a commitment: classes of quantity that are never targets -----------------

# (sentence in a plan, [(value, role) of every quantity]); written from the language of plans
NEVER_TARGETS = [
    # anniversaries name a date
    ("围绕庆祝中华人民共和国成立80周年举办系列展览。", []),
    ("结合建党一百周年等重大主题推出展览。", []),
    # a 密级's term, ordinals after 届, the adverb 十分, named phases and grades
    ("秘密★1年", []),
    ("认真贯彻省委十三届四次全会精神。", []),
    ("全省文物资源十分丰富。", []),
    ("全面完成三期扩建工程。", []),
    ("推动博物馆扩建工程三期建设。", []),
    ("推进三次产业融合发展。", []),
    ("减少二次手术风险。", []),
    ("实现两位数增长。", []),
    # ages and scores are conditions
    ("鼓励有条件的幼儿园招收2至3岁幼儿。", [(2, "limit")]),
    ("年度考核得分90分以上的给予通报表扬。", [(90, "limit")]),
    # time limits without a verb of shortening
    ("5年内对全省在职业务人员进行全覆盖培训。", [(5, "limit")]),
    ("有关单位要在1个月内公布实施清单。", [(1, "limit")]),
    # caps, charge rates and amounts a policy sets
    ("对新开设的展厅，给予最高300万元资金支持。", [(300, "limit")]),
    ("检验检测费用按现行收费标准80%收取。", [(80, "limit")]),
    ("落实增值税征收率由3%降至1%的优惠政策。", [(3, "fact"), (1, "limit")]),
    # counts of the document's parts, of members, of awards
    ("重点做好八个方面工作。", [(8, "fact")]),
    ("领导小组由18个部门和单位组成。", [(18, "fact")]),
    ("命名20个村为省级文化示范村。", [(20, "fact")]),
]


@pytest.mark.parametrize(("text", "expected"), NEVER_TARGETS)
def test_targets_never_target_classes(text, expected):
    qs = find_quantities(text, [], 2024, "某市文化事业发展“十四五”规划")
    assert [(q.value, q.role) for q in qs] == expected


# the same words that are commitments in a plan: (sentence, [(value, comparator, year)])
PLAN_TARGETS = [
    ("完成40处革命文物保护修缮。", [(40, "=", 2025)]),
    ("推进安全风险三级以上博物馆安防100%达标。", [(100, "=", 2025)]),
    ("实施3-5项配套学术课题。", [(3, "between", 2025)]),
    ("推出优秀作品不少于100个。", [(100, ">=", 2025)]),
    ("全市博物馆达到260个。", [(260, "=", 2025)]),
    ("新增上市企业30家以上。", [(30, ">=", 2025)]),
    ("力争社会消费品零售总额突破850亿元。", [(850, ">", 2025)]),
    ("城镇调查失业率控制在5.5%以内。", [(5.5, "<=", 2025)]),
    ("平均担保费率低于1%。", [(1, "<", 2025)]),
    ("地区生产总值增长5.5%左右。", [(5.5, "=", 2025)]),
    ("到2023年，建成智慧博物馆10个。", [(10, "=", 2023)]),
    ("油菜种植、收获机械化率分别达到50%和65%以上。", [(50, ">=", 2025), (65, ">=", 2025)]),
    ("马铃薯种植、收获机械化率均达到45%。", [(45, "=", 2025)] * 2),
    ("安定区、陇西县各50个。", [(50, "=", 2025)] * 2),
    ("办理时限压缩至3个工作日。", [(3, "=", 2025)]),
    ("2025年开展政府补贴性职业技能培训65万人次以上。", [(65, ">=", 2025)]),
    ("17.2025年提高城乡居民医保财政补助省定基础标准至人均730元。", [(730, "=", 2025)]),
    ("力争2027年以前全省每年新增5万套以上。", [(5, ">=", 2027)]),
]

# a share names its population and what that part of it does: (sentence, [(indicator, kind)])
SHARES = [
    ("其中60%以上的市级妇幼保健院达到“三级甲等”水平。", [("市级妇幼保健院达到“三级甲等”水平", "share")]),
    ("全省80%以上的义务教育学校纳入教联体建设。", [("义务教育学校纳入教联体建设", "share")]),
    ("力争75%的县（市）至少建成一所三级医院。", [("县（市）至少建成一所三级医院", "share")]),
    ("市级医院全部达到三级水平，其中60%以上达到“三级甲等”水平。", [("达到“三级甲等”水平", "share")]),
    ("全市森林覆盖率达到45%。", [("全市森林覆盖率", "level")]),
]


# what a count measures: (sentence, indicator)
COUNTED = [
    ("推动不少于20家企业参加放心消费活动。", "企业参加放心消费活动"),
    ("为7000户困难老年人家庭实施适老化改造。", "困难老年人家庭实施适老化改造"),
    ("大力推动10个以上“好房子”示范项目建设。", "“好房子”示范项目建设"),
    ("培育100家企业。", "企业"),
    ("建成9个以上功能性口岸。", "功能性口岸"),
]


@pytest.mark.parametrize(("text", "indicator"), COUNTED)
def test_targets_count_names_class_and_action(text, indicator):
    (q,) = find_targets(text, [], 2021, "某市“十四五”规划")
    assert q.indicator == indicator


@pytest.mark.parametrize(("text", "expected"), SHARES)
def test_targets_share_names_population_and_predicate(text, expected):
    qs = find_targets(text, [], 2021, "某省卫生健康事业发展“十四五”规划")
    assert [(q.indicator, q.kind) for q in qs] == expected


@pytest.mark.parametrize(("text", "expected"), PLAN_TARGETS)
def test_targets_plan_commitments(text, expected):
    qs = find_targets(text, [], 2021, "某市文化事业发展“十四五”规划")
    assert [(q.value, q.comparator, q.year) for q in qs] == expected


# a report of what was done: the same quantities are facts
REPORT_FACTS = [
    "全年完成40处革命文物保护修缮。",
    "全省博物馆免费接待观众1.44亿人次。",
    "全市生产总值由2006年的2002亿元增加到2016年的8114亿元。",
    "已建成智慧博物馆10个。",
    "比上年增长8%。",
]


@pytest.mark.parametrize("text", REPORT_FACTS)
def test_targets_report_quantities_are_facts(text):
    qs = find_quantities(text, [], 2024, "某市文化和旅游局2023年工作总结")
    assert qs and all(q.role == "fact" for q in qs)


# the deadline year of a target that names none: the document's period end
# (title, issue year, text) -> year of the one target
PERIOD_YEARS = [
    ("关于印发某省文物事业发展“十四五”规划的通知", 2021, "新建博物馆10个。", 2025),
    ("关于实施革命文物保护利用工程（2018－2022年）的意见", None, "建成革命文物保护利用示范区10个。", 2022),
    ("某市2017年推进城市国际化实施方案", 2017, "新开国际航线5条。", 2017),
    ("关于进一步提振市场信心的若干政策举措", None,
     "新增上市企业30家以上。\n以上政策举措自公布之日起实施，有效期至2023年12月31日。", 2023),
    ("某市今冬明春促进经济平稳发展一揽子政策措施", 2023, "发放消费券50万元。", 2024),
    ("某市今冬明春促进经济平稳发展一揽子政策措施", 2023, "确保全年新增规上企业40户。", 2023),
    ("某区关于恢复和扩大消费的若干措施", None, "年内建设不少于200个消费者服务站。办好2023年全国锦标赛。", 2023),
    ("某省关于保障和改善民生的若干措施", None, "每年新增托位1000个。", None),
    # a heading's year before the document's period
    ("某市“十四五”规划", 2021, "二、2023年目标\n新建博物馆10个。", 2023),
]


@pytest.mark.parametrize(("title", "doc_year", "text", "year"), PERIOD_YEARS)
def test_targets_deadline_year_from_period(title, doc_year, text, year):
    sections = []
    if text.startswith("二、"):
        sections = [Section("s1", 1, "二、", 2, "2023年目标", None, "heading", (0, len(text)), (0, 8))]
    (q, *_) = find_targets(text, sections, doc_year, title)
    assert q.year == year


# a base then a verb whose object comes before the number makes a growth; 提高/降低 take a rate after them
BASELINE_VERB = [
    ("比2023年末增加公共充电桩", True),
    ("较上年新增", True),
    ("比上年同期减少", True),
    ("比2020年提高森林面积", False),
    ("比上年降低", False),
    ("增加公共充电桩", False),
]


@pytest.mark.parametrize(("before", "matches"), BASELINE_VERB)
def test_targets_baseline_verb(before, matches):
    from pipeline.targets import _baseline_verb

    assert bool(_baseline_verb().search(before)) is matches
