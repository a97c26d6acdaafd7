"""Dates: phrase tables for find_dates and parse_date, positives and negatives."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.dates import find_dates, parse_date

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
]


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


@pytest.mark.parametrize("phrase", ["口岸年内实现规模化运营", "上半年完成", "6月底前", "明年"])
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
_DATE_ALPHABET = st.sampled_from(list("0123456789年月日号至到-—./、和第个五十一二三九〇○底初份度季上下半规划") + ["\u3000", " "])


@given(st.text(_DATE_ALPHABET, max_size=40))
def test_dates_regexes_behind_their_opening_match_as_without(text):
    """Each date regex opens with a lookahead for its first characters; the matches stay the same."""
    import re

    from pipeline import dates

    for name in ("CN_DATE", "NUMERIC_DATE", "YEAR_RANGE", "DATE_RANGE", "MONTH_RANGE", "MONTH_DAY", "ENUM_YEAR",
                 "PERIOD"):
        opened, plain = getattr(dates, name), re.compile(getattr(dates, "_" + name))
        assert [m.span() for m in opened.finditer(text)] == [m.span() for m in plain.finditer(text)], name
