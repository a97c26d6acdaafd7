"""Dates: phrase tables for find_dates and parse_date, positives and negatives."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.dateforms import parse_date
from pipeline.dates import find_dates

DOC_DATE = "2017-03-13"

# (phrase, [(value, kind), ...]) with the 成文日期 2017-03-13
POSITIVES = [
    ("二〇一七年三月十三日", [("2017-03-13", "date")]),
    ("2017年3月13日", [("2017-03-13", "date")]),
    ("２０１７年３月１３日", [("2017-03-13", "date")]),
    ("2023 年 5 月 8 日", [("2023-05-08", "date")]),
    ("2017.3.13印发", [("2017-03-13", "date")]),
    ("发布时间：2017-03-13", [("2017-03-13", "date")]),
    ("2017年3月", [("2017-03", "month")]),
    ("二〇一七年十二月", [("2017-12", "month")]),
    ("2017年，力争建成运营9个以上功能性口岸", [("2017", "year")]),
    ("纳入2024年度部门决算", [("2024", "year")]),
    ("2017年第十五届世界象棋锦标赛", [("2017", "year")]),
    ("三年行动计划（2016—2018年）", [("2016/2018", "range")]),
    ("2016-2018年", [("2016/2018", "range")]),
    ("2016年至2018年", [("2016/2018", "range")]),
    ("行动纲要（2017-2030）", [("2017/2030", "range")]),
    ("行动纲要（2017—2030）", [("2017/2030", "range")]),
    ("2017年3月至6月", [("2017-03/2017-06", "range")]),
    ("2024 年 1 月 1 日至 2024 年 12 月 31 日", [("2024-01-01/2024-12-31", "range")]),
    ("2017年3—5月", [("2017-03/2017-05", "range")]),
    ("2018年上半年", [("2018-01/2018-06", "range")]),
    ("2017年第一季度", [("2017-01/2017-03", "range")]),
    ("2017年底前", [("2017-12", "month")]),
    ("到2020年年底", [("2020-12", "month")]),
    ("2016、2017年", [("2016", "year"), ("2017", "year")]),
    ("口岸年内实现规模化运营", [("2017", "relative")]),
    ("实现全年开行300班", [("2017", "relative")]),
    ("今年以来", [("2017", "relative")]),
    ("明年", [("2018", "relative")]),
    ("比上年增长5%", [("2016", "relative")]),
    ("上半年完成", [("2017-01/2017-06", "relative")]),
    ("年底前完成", [("2017-12", "relative")]),
    ("三季度", [("2017-07/2017-09", "relative")]),
    ("“十三五”规划", [("2016/2020", "period")]),
    ("十四五时期", [("2021/2025", "period")]),
    ("“十五”计划", [("2001/2005", "period")]),
    ("第十三个五年规划", [("2016/2020", "period")]),
    ("6月底前", [("2017-06", "month")]),
    ("9月30日前", [("2017-09-30", "date")]),
    # a relative year with a month, a day or a part of the year
    ("今年六月", [("2017-06", "relative")]),
    ("明年3月份启动", [("2018-03", "relative")]),
    ("去年3月3号", [("2016-03-03", "relative")]),
    ("今年前三季度", [("2017-01/2017-09", "relative")]),
    ("去年年底", [("2016-12", "relative")]),
    ("明年初", [("2018-01", "relative")]),
    ("明年6月上旬", [("2018-06-01/2018-06-10", "relative")]),
    ("比上一年增长", [("2016", "relative")]),
    ("今年1-6月", [("2017-01/2017-06", "relative")]),
    ("去年1至9月份", [("2016-01/2016-09", "relative")]),
    # every relative year of the words file, alone and with a month or part: 本年, 前年, 后年 too
    ("本年3月", [("2017-03", "relative")]),
    ("完成本年任务", [("2017", "relative")]),
    ("前年6月", [("2015-06", "relative")]),
    ("前年全市完成", [("2015", "relative")]),
    ("后年底", [("2019-12", "relative")]),
    ("今年底", [("2017-12", "relative")]),
    ("明年年底", [("2018-12", "relative")]),
    ("今年上半年", [("2017-01/2017-06", "relative")]),
    ("上年度", [("2016", "relative")]),
    # a budget term after a relative mention: the year is a mention, the term no date
    ("今年年初预算安排", [("2017", "relative")]),
    ("上年末结转资金", [("2016", "relative")]),
    ("今年年初", [("2017-01", "relative")]),
    # parts of a year and of a month
    ("2018年前五个月", [("2018-01/2018-05", "range")]),
    ("2021年前两个季度", [("2021-01/2021-06", "range")]),
    ("2022年首季度", [("2022-01/2022-03", "range")]),
    ("2016年后三个月", [("2016-10/2016-12", "range")]),
    ("二〇二〇年伊始", [("2020-01", "month")]),
    ("2018年6月上旬", [("2018-06-01/2018-06-10", "range")]),
    ("2019年2月下旬", [("2019-02-21/2019-02-28", "range")]),
    ("6月中旬", [("2017-06-11/2017-06-20", "range")]),
    ("12月月底", [("2017-12", "month")]),
    # days of one month, intervals
    ("2019年4月12-19日", [("2019-04-12/2019-04-19", "range")]),
    ("从2018年12月九号到十五号", [("2018-12-09/2018-12-15", "range")]),
    ("自2020-05-26至2020-05-29止", [("2020-05-26/2020-05-29", "range")]),
    ("2020.5.26—2020.6.3", [("2020-05-26/2020-06-03", "range")]),
    ("任职时间1999.08-2002.02", [("1999-08/2002-02", "range")]),
    ("2008.03-2009", [("2008-03/2009", "range")]),
    ("（2015.6-2020.8）", [("2015-06/2020-08", "range")]),
    ("2019.5-2020.3期间", [("2019-05/2020-03", "range")]),  # 期间 is a word, not the unit 期
    # two-digit years before a month or a part of the year
    ("16年底", [("2016-12", "month")]),
    ("15年3月2日", [("2015-03-02", "date")]),
    ("98年4月", [("1998-04", "month")]),
    ("九七年一季度", [("1997-01/1997-03", "range")]),
    ("零七年八月二十九号", [("2007-08-29", "date")]),
    ("83年5月", [("1983-05", "month")]),  # 34 years before the document
    ("27年底", [("2027-12", "month")]),  # 10 years after
    # lunar dates: flagged, never read as solar ones
    ("1991年农历8月23号", [("1991-08-23", "lunar")]),
    ("农历二〇二一年六月", [("2021-06", "lunar")]),
    ("正月十五", [("2017-01-15", "lunar")]),
    ("腊月初十", [("2017-12-10", "lunar")]),
    ("去年五月初五", [("2016-05-05", "lunar")]),
    ("闰四月", [("2017-04", "lunar")]),
    ("农历十月", [("2017-10", "lunar")]),
]

# phrases with no date mention
NEGATIVES = [
    "郑政办〔2017〕30号",
    "国家税务总局公告2018年第31号",
    "《条例》（国令第 711 号）",
    "航空港年旅客吞吐量达到2300万人次",
    "实现外汇收入19651万美元",
    "投资2000-2050万元",
    "电话：0371-67181234",
    "引入1—2家相关机构",
    "五年成规模",
    "三年内完成",
    "5年内累计",
    "每年3月",
    "每年评选一批",
    "第十五届世界象棋锦标赛",
    "二十五个项目",
    "七五普法",
    "年初预算为45万元",
    "3个月",
    "世界500强",
    "2017.13.1",
    # two-digit years alone are durations as often
    "用24年时间",
    "30年来",
    "80年代",
    "3年5个月",
    "20年初步建成",
    # a two-digit year far from the document's (2017) is none; after a word of duration a length of time
    "35年底",
    "缴费满15年3月",
    "累计15年3月",
    "连续15年6月",
    "工龄15年3月",
    # a month-year range with hyphens reads two ways; money is no date
    "2008-03-2009",
    "2019.5-2020.3万元",
    "面积2015.6-2020.8平方米",  # decimals before a unit are no months
    "2015.6-2020.8 公顷",
    "2019.5-2020.3亿",
    # words holding relative-year characters
    "过去年均增长",
    "今后年均增长",
    "每年3月份",
    # a recurring lunar date is no one date, as 每年3月 is none
    "每年正月十五",
    "每年农历八月十五",
    "于每年的腊月初十",
    "每年3月底前",
    # a month without sign of the lunar calendar is no lunar date
    "五六月份",
]


# (phrase, 成文日期, value): a two-digit year lies in the window around the document's year
TWO_DIGIT_YEARS = [
    ("35年底", "2021-05-01", None),  # neither 1935 nor 2035
    ("30年底", "2021-05-01", "2030-12"),
    ("81年3月", "2021-05-01", "1981-03"),
    ("80年3月", "2021-05-01", None),
    ("连续15年3月", "2021-05-01", None),
    ("15年3月", "2021-05-01", "2015-03"),
]


@pytest.mark.parametrize(("phrase", "doc_date", "value"), TWO_DIGIT_YEARS)
def test_dates_two_digit_year_window(phrase, doc_date, value):
    assert [d.value for d in find_dates(phrase, doc_date)] == ([value] if value else [])


@pytest.mark.parametrize(("phrase", "expected"), POSITIVES)
def test_dates_values(phrase, expected):
    found = find_dates(phrase, DOC_DATE)
    assert [(d.value, d.kind) for d in found] == expected


@pytest.mark.parametrize("phrase", NEGATIVES)
def test_dates_negatives(phrase):
    assert find_dates(phrase, DOC_DATE) == []


@pytest.mark.parametrize(("phrase", "expected"), POSITIVES)
def test_dates_spans_index_the_text(phrase, expected):
    for d in find_dates(phrase, DOC_DATE):
        assert phrase[d.span[0] : d.span[1]] == d.text


@pytest.mark.parametrize(
    "phrase", ["口岸年内实现规模化运营", "上半年完成", "6月底前", "明年", "今年六月", "19年底", "正月十五", "98年4月"]
)
def test_dates_relative_skipped_without_doc_date(phrase):
    assert find_dates(phrase, None) == []


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("2017年3月13日", "2017-03-13"),
        ("二〇一七年三月十三日", "2017-03-13"),
        ("二〇一七年十二月三十一日", "2017-12-31"),
        ("2017.3.13", "2017-03-13"),
        ("2017-03-13", "2017-03-13"),
        ("2023 年 5 月 8 日", "2023-05-08"),
        ("郑州市人民政府办公厅 2017年3月13日印发", "2017-03-13"),
        ("2017年3月", None),
        ("2017年2月30日", None),
        ("郑政办〔2017〕30号", None),
        ("", None),
    ],
)
def test_dates_parse_date(phrase, expected):
    assert parse_date(phrase) == expected


def test_dates_title_years_are_mentions_but_doc_number_years_are_not():
    text = "《郑州市2017年对外开放工作实施方案的通知》（郑政文〔2017〕44号）"
    assert [(d.text, d.value) for d in find_dates(text, DOC_DATE)] == [("2017年", "2017")]


@given(st.text(alphabet="2017年月日〔〕号—-至十三五内全上半底初3（）、 \n", max_size=40))
def test_dates_spans_hold_for_any_text(text):
    for d in find_dates(text, DOC_DATE):
        assert text[d.span[0] : d.span[1]] == d.text
        assert d.value


# characters the date regexes turn on
_DATE_ALPHABET = st.sampled_from(
    list("0123456789年月日号至到-—./、和第个五十一二三九〇○底初份度季上下半规划旬前后首今明去农历正腊闰廿") + ["\u3000", " "]
)


@given(st.text(_DATE_ALPHABET, max_size=40))
def test_dates_regexes_behind_their_opening_match_as_without(text):
    """Each date regex opens with a lookahead for its first characters; the matches stay the same."""
    import re

    from pipeline import dateforms as dates

    for name in ("CN_DATE", "NUMERIC_DATE", "YEAR_RANGE", "DATE_RANGE", "MONTH_RANGE", "MONTH_DAY", "ENUM_YEAR",
                 "PERIOD", "DAY_RANGE", "NUMERIC_RANGE"):
        opened, plain = getattr(dates, name), re.compile(getattr(dates, "_" + name))
        assert [m.span() for m in opened.finditer(text)] == [m.span() for m in plain.finditer(text)], name


def test_dates_lunar_regexes_behind_their_opening_match_as_without():
    """The lunar and relative-year regexes are built from the data file; their openings cover every match."""
    import re

    from pipeline import dateforms as dates

    texts = ["1991年农历8月23号", "今年腊月18000吨", "去年五月初五", "今年前三季度", "明年3月份", "正月十五", "闰4月"]
    for opened in (dates._lunar_regex(), dates._rel_date_regex()):
        plain = re.compile(opened.pattern.split("(?:", 1)[1][:-1])
        for text in texts:
            assert [m.span() for m in opened.finditer(text)] == [m.span() for m in plain.finditer(text)]


_WIDE = str.maketrans("0123456789-./", "０１２３４５６７８９－．／")


@given(
    st.integers(min_value=1990, max_value=2060),
    st.integers(min_value=1, max_value=12),
    st.integers(min_value=1, max_value=28),
    st.sampled_from(["{y}年{m}月{d}日", "{y}年{m}月", "{y}-{m:02d}-{d:02d}", "{y}年{m}月{d}-{e}日", "{y}.{m}.{d}"]),
)
def test_dates_value_unchanged_by_width_and_layout_spaces(y, m, d, form):
    """Full-width digits and layout spaces around 年/月/日 change no value."""
    text = form.format(y=y, m=m, d=d, e=d + 1)
    base = [(x.value, x.kind) for x in find_dates(f"于{text}完成", DOC_DATE)]
    assert len(base) == 1
    assert [(x.value, x.kind) for x in find_dates(f"于{text.translate(_WIDE)}完成", DOC_DATE)] == base
    if "年" in form:
        spaced = text.replace("年", " 年 ").replace("月", " 月 ")
        assert [(x.value, x.kind) for x in find_dates(f"于{spaced}完成", DOC_DATE)] == base


@given(st.sampled_from(["农历", "阴历"]), st.integers(min_value=1, max_value=12), st.integers(min_value=1, max_value=30))
def test_dates_lunar_never_read_as_solar(word, m, d):
    text = f"定于{word}{m}月{d}日举行"
    found = find_dates(text, DOC_DATE)
    assert found and all(x.kind == "lunar" for x in found)


# words that hold the characters of a lunar month or a relative year and are neither
WORD_NEGATIVES = ["真正月收入提高", "今冬月份用电", "当前年度预算", "今后年均增长", "过去年均", "基本年薪", "年末结转资金"]


@pytest.mark.parametrize("phrase", WORD_NEGATIVES)
def test_dates_words_are_no_dates(phrase):
    assert find_dates(phrase, DOC_DATE) == []
