"""Numbers, magnitudes and units: parse_number, find_numbers, normalize."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.numbers import find_numbers, load_magnitudes, load_units, normalize, parse_number

# (text, value): every way a number is written in a 公文
PARSE = [
    ("1,234.5", 1234.5),
    ("３０", 30.0),
    ("300", 300.0),
    ("49.98", 49.98),
    ("一百二十", 120.0),
    ("两千零五", 2005.0),
    ("十三", 13.0),
    ("一百零五", 105.0),
    ("十万", 100000.0),
    ("三亿五千万", 350000000.0),
    ("一万亿", 1e12),
    ("二〇一七", 2017.0),
    ("三点五", 3.5),
    ("1.2万", 12000.0),
    ("3亿", 3e8),
    ("49.98万", 499800.0),
    ("２３００万", 23000000.0),
    ("25%", 25.0),
    ("２５％", 25.0),
    ("百分之八十", 80.0),
    ("三分之一", 1 / 3),
    ("零", 0.0),
    ("两千六", 2600.0),
    ("三万五", 35000.0),
    ("零点五", 0.5),
    ("负三点八", -3.8),
    ("-2.5万", -25000.0),
    ("百分之负一点五", -1.5),
    ("-0.8%", -0.8),
    ("肆佰叁拾萬", 4300000.0),
    ("1 万", 10000.0),  # a layout space before the magnitude
    ("１２ 亿", 1.2e9),
]

# not numbers: names and malformed numerals
PARSE_NEGATIVE = [
    "十三五",  # a plan period's name, not 135
    "B2B",
    "",
    "两十",
    "三十三三",
    "千人",
    "百",
    "八九亿",  # 8亿 to 9亿: a range, not one number
    "数十亿",
    "十一十二",
    "零点",
]


@pytest.mark.parametrize(("text", "value"), PARSE)
def test_numbers_parse_number(text, value):
    assert parse_number(text) == pytest.approx(value)


@pytest.mark.parametrize("text", PARSE_NEGATIVE)
def test_numbers_parse_number_rejects(text):
    assert parse_number(text) is None


# (text, [(matched text, value, value_max, unit as written)])
FIND = [
    ("航空港年旅客吞吐量达到2300万人次", [("2300万人次", 2300, None, "万人次")]),
    ("力争突破850亿元", [("850亿元", 850, None, "亿元")]),
    ("引入1—2家相关机构", [("1—2家", 1, 2, "家")]),
    ("3至5个", [("3至5个", 3, 5, "个")]),
    ("增长10%—15%", [("10%—15%", 10, 15, "%")]),
    ("用3-5年时间", [("3-5年", 3, 5, "年")]),
    ("投资1.2万—2万元", [("1.2万—2万元", 1.2, 2, "万元")]),
    ("处5000元以上2万元以下罚款", [("5000元以上2万元以下", 5000, 20000, "元")]),
    ("处二百元以上一千元以下罚款", [("二百元以上一千元以下", 200, 1000, "元")]),
    ("年交易额增长25%", [("25%", 25, None, "%")]),
    ("增长２５％", [("２５％", 25, None, "%")]),
    ("百分之八十", [("百分之八十", 80, None, "%")]),
    ("提高2个百分点", [("2个百分点", 2, None, "个百分点")]),
    ("三分之一的县区", [("三分之一", 1 / 3, None, "")]),
    ("一百二十个", [("一百二十个", 120, None, "个")]),
    ("三十万人", [("三十万人", 30, None, "万人")]),
    ("两千万元", [("两千万元", 2000, None, "万元")]),
    ("装机300千瓦", [("300千瓦", 300, None, "千瓦")]),
    ("主动公开5500余条", [("5500余条", 5500, None, "条")]),
    ("产量1,234.5吨", [("1,234.5吨", 1234.5, None, "吨")]),
    ("智能手机产量达到3亿部", [("3亿部", 3, None, "亿部")]),
    ("接待入境游客49.98万人次", [("49.98万人次", 49.98, None, "万人次")]),
    ("新增50万吨标准煤", [("50万吨标准煤", 50, None, "万吨标准煤")]),
    ("人口突破1000万", [("1000万", 1000, None, "万")]),
]

# (text, [(matched text, value, value_max, unit as written, approx, more)]): the forms of find_numbers
FIND_FORMS = [
    # 大写 amounts, with 元角分 and 整
    ("合同金额为人民币叁拾伍万元整", [("叁拾伍万元整", 35, None, "万元", False, False)]),
    ("伍元整", [("伍元整", 5, None, "元", False, False)]),
    ("计一百二十三元四角五分", [("一百二十三元四角五分", 123.45, None, "元", False, False)]),
    ("拨付贰佰叁拾万元", [("贰佰叁拾万元", 230, None, "万元", False, False)]),
    ("投资三亿五千万元", [("三亿五千万元", 350000000, None, "元", False, False)]),
    # abbreviated tails and 两
    ("补助两千六百万元", [("两千六百万元", 2600, None, "万元", False, False)]),
    # Chinese decimals
    ("提高零点五个百分点", [("零点五个百分点", 0.5, None, "个百分点", False, False)]),
    ("下降三点八个百分点", [("三点八个百分点", 3.8, None, "个百分点", False, False)]),
    # signs
    ("增速为-2.3%", [("-2.3%", -2.3, None, "%", False, False)]),
    ("百分之负一点五", [("百分之负一点五", -1.5, None, "%", False, False)]),
    ("最低气温零下五摄氏度", [("零下五摄氏度", -5, None, "摄氏度", False, False)]),
    ("负增长3%", [("3%", 3, None, "%", False, False)]),  # 负增长 is a word, its 3% no negative
    # 正负/± is a tolerance: the range -X to X, never a minus
    ("到2025年，计量误差控制在正负5%以内。", [("2025年", 2025, None, "年", False, False), ("正负5%", -5, 5, "%", False, False)]),
    ("温差控制在±0.5℃", [("±0.5℃", -0.5, 0.5, "℃", False, False)]),
    ("偏差不超过正负百分之二", [("正负百分之二", -2, 2, "%", False, False)]),
    # the 负 of a word is no sign
    ("本赛季胜负3场", [("3场", 3, None, "场", False, False)]),
    ("担负3项任务", [("3项", 3, None, "项", False, False)]),
    ("增速为负3%", [("负3%", -3, None, "%", False, False)]),
    # approximate numbers: ranges flagged approx, or more-than
    ("投资八九亿元", [("八九亿元", 8, 9, "亿元", True, False)]),
    ("数十亿元资金", [("数十亿元", 10, 100, "亿元", True, False)]),
    ("几十万人次", [("几十万人次", 10, 100, "万人次", True, False)]),
    ("培训十几个班次", [("十几个", 10, 20, "个", True, False)]),
    ("三五百人", [("三五百人", 300, 500, "人", True, False)]),
    ("新建七八个", [("七八个", 7, 8, "个", True, False)]),
    ("二三十家企业", [("二三十家", 20, 30, "家", True, False)]),
    # 两三 and 三两 say two or three, never 23 or 32
    ("力争用两三年时间，培育企业两三家。", [("两三年", 2, 3, "年", True, False), ("两三家", 2, 3, "家", True, False)]),
    ("新建三两个产业园", [("三两个", 2, 3, "个", True, False)]),
    ("引进两三百名人才", [("两三百名", 200, 300, "名", True, False)]),
    ("一两个重点项目", [("一两个", 1, 2, "个", True, False)]),
    ("引进十余个项目", [("十余个", 10, None, "个", False, True)]),
    ("服务近千家企业", [("千家", 1000, None, "家", True, False)]),
    ("带动上万人就业", [("万人", 10000, None, "人", True, True)]),
    # ranges with every separator, and a bound qualified (含)
    ("补贴1万元--5万元", [("1万元--5万元", 1, 5, "万元", False, False)]),
    ("补贴1万元~5万元", [("1万元~5万元", 1, 5, "万元", False, False)]),
    ("补贴1万–5万元", [("1万–5万元", 1, 5, "万元", False, False)]),
    ("奖励从8000到2万元", [("8000到2万元", 8000, 20000, "元", False, False)]),
    ("两到三千元", [("两到三千元", 2000, 3000, "元", False, False)]),
    ("1 万(含)-5 万元", [("1 万(含)-5 万元", 1, 5, "万元", False, False)]),
    ("3—5 万元", [("3—5 万元", 3, 5, "万元", False, False)]),
    # a magnitude after a layout space
    ("吞吐量2300 万人次", [("2300 万人次", 2300, None, "万人次", False, False)]),
    # currencies, before or after the amount; 台币 is no 台
    ("预计投资港币2.5亿元", [("港币2.5亿元", 2.5, None, "亿港币", False, False)]),
    ("折合新台币 177.1 亿元", [("新台币 177.1 亿元", 177.1, None, "亿新台币", False, False)]),
    ("不到1.9万台币", [("1.9万台币", 1.9, None, "万台币", False, False)]),
    ("出口4500万美元", [("4500万美元", 4500, None, "万美元", False, False)]),
    ("人民币100万元", [("100万元", 100, None, "万元", False, False)]),
    ("营收82，225.00元", [("82，225.00元", 82225, None, "元", False, False)]),
    ("投资100万元整体推进", [("100万元", 100, None, "万元", False, False)]),  # 整体 is no 元整
    # a number that runs into the next token
    ("计划投资3541.07万元2.3本项目", [("3541.07万元", 3541.07, None, "万元", False, False)]),
]

# (text, value, value_max, base unit) normalised
NORMALIZE_FOUND = [
    ("港币两千九百六十元", 2960, None, "港元"),
    ("不到1.9万台币", 19000, None, "新台币"),
    ("八九亿韩元", 8e8, 9e8, "韩元"),
    ("两个亿卢布", 2e8, None, "卢布"),
    ("9佰日元", 900, None, "日元"),
]

# no number with a unit in these
FIND_NEGATIVE = [
    "陆家嘴金融城",
    "伍家岗区",
    "十三五个",
    "零部件供应",
    "工作圆满完成",
    "零容忍",
    "千人计划",
    "几个方面",
    "数据共享",
    "以B2B模式为发展重点",
    "建设5G基站",
    "打造4A级景区",
    "郑州大都市区1+4空间规划",
    "“十三五”规划",
    "“十四五”期间",  # 十X五 is a plan period's name, not 14 to 15
    "十四五时期",
    "上世纪五六十年代",  # a decade is no quantity
    "二十世纪80年代",
    "世界500强",
    "电话：0371-67181234",
    "统一标准",
]


@pytest.mark.parametrize(("text", "expected"), FIND)
def test_numbers_find_numbers(text, expected):
    got = [(m.text, m.value, m.value_max, m.unit) for m in find_numbers(text, bare=False)]
    assert got == [(t, pytest.approx(v), vm, u) for t, v, vm, u in expected]
    for m in find_numbers(text):
        assert text[m.span[0] : m.span[1]] == m.text


@pytest.mark.parametrize(("text", "expected"), FIND_FORMS)
def test_numbers_find_numbers_forms(text, expected):
    got = [(m.text, m.value, m.value_max, m.unit, m.approx, m.more) for m in find_numbers(text, bare=False)]
    assert got == [(t, pytest.approx(v), vm, u, a, mo) for t, v, vm, u, a, mo in expected]
    for m in find_numbers(text):
        assert text[m.span[0] : m.span[1]] == m.text


@pytest.mark.parametrize(("text", "value", "value_max", "base"), NORMALIZE_FOUND)
def test_numbers_normalized_currencies(text, value, value_max, base):
    (m,) = find_numbers(text, bare=False)
    lo = normalize(m.value, m.unit)
    assert (lo.value, lo.unit) == (pytest.approx(value), base)
    if value_max is not None:
        assert normalize(m.value_max, m.unit).value == pytest.approx(value_max)


def test_numbers_compound_measure_left_alone():
    """8类10项: one thing measured twice; the first is not read on its own."""
    assert [m.text for m in find_numbers("提供8类10项服务", bare=False)] == ["10项"]


@pytest.mark.parametrize("text", FIND_NEGATIVE)
def test_numbers_find_numbers_negative(text):
    assert find_numbers(text, bare=False) == []


@pytest.mark.parametrize("text", ["十四五期间", "“十四五”", "上世纪五六十年代"])
def test_numbers_plan_names_and_decades_are_no_bare_number(text):
    assert find_numbers(text) == []


@pytest.mark.parametrize("text", ["1125聚才计划", "世界500强"])
def test_numbers_find_numbers_bare(text):
    (m,) = find_numbers(text)
    assert m.unit == ""


# (value, unit as written, normalised value, base unit)
NORMALIZE = [
    (2300, "万人次", 23000000, "人次"),
    (850, "亿元", 85000000000, "元"),
    (49.98, "万人次", 499800, "人次"),
    (3, "亿部", 300000000, "部"),
    (19651, "万美元", 196510000, "美元"),
    (10, "公顷", 100000, "平方米"),
    (5, "万吨标准煤", 50000, "吨标准煤"),
    (2, "个百分点", 2, "百分点"),
    (300, "千瓦", 300, "千瓦"),
    (3, "亿", 300000000, ""),
    (500, "公斤", 0.5, "吨"),
]


@pytest.mark.parametrize(("value", "unit", "norm", "base"), NORMALIZE)
def test_numbers_normalize(value, unit, norm, base):
    n = normalize(value, unit)
    assert n is not None
    assert (n.value, n.unit) == (pytest.approx(norm), base)


@pytest.mark.parametrize("unit", ["furlong", "强", "届"])
def test_numbers_normalize_unknown_unit(unit):
    assert normalize(1, unit) is None


def test_numbers_units_table_is_consistent():
    units, mags = load_units(), load_magnitudes()
    assert units["人次"].base == "人次"
    assert units["公顷"].category == "area"
    for name, info in units.items():
        assert info.factor > 0, name
        assert info.base in units or info.base in ("月", "岁", "工作日", "床", "所"), name
    assert mags["万亿"] == 10**12


_CN = "零一二三四五六七八九"


def _to_chinese(n: int) -> str:
    """Write 1 <= n < 10**12 in Chinese numerals the way documents do: 一百零五, 三亿五千万."""

    def section(v: int) -> str:
        out, zero = "", False
        for unit, name in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
            d = v // unit % 10
            if d:
                if zero and out:
                    out += "零"
                out += _CN[d] + name
                zero = False
            else:
                zero = True
        return out

    parts = []
    for big, name in ((10**8, "亿"), (10**4, "万"), (1, "")):
        v = n // big % 10**4 if big < 10**8 else n // big
        if v:
            if parts and v < 1000:
                parts.append("零")
            parts.append(section(v) + name)
        elif parts and n % big:
            parts.append("")
    s = "".join(parts)
    s = s.replace("零零", "零")
    return s[1:] if s.startswith("一十") else s


@given(st.integers(min_value=1, max_value=10**11))
def test_numbers_chinese_numerals_round_trip(n):
    assert parse_number(_to_chinese(n)) == n


@given(st.integers(min_value=0, max_value=10**9), st.integers(min_value=0, max_value=99))
def test_numbers_arabic_round_trip(whole, cents):
    text = f"{whole:,}.{cents:02d}"
    assert parse_number(text) == pytest.approx(whole + cents / 100)


@given(st.text(st.sampled_from(list("０１２３４５６７８９．％0123456789.%年月日万郑发〔〕") + ["\u3000"]), max_size=30))
def test_numbers_width_folder_is_translate(text):
    from pipeline.numerals import width_folder

    wide, narrow = "０１２３４５６７８９．％", "0123456789.%"
    assert width_folder(wide, narrow)(text) == text.translate(str.maketrans(wide, narrow))


@given(st.text(st.sampled_from(list("0123456789.,%百分之十一二两三四五六七八九〇零千万亿点余多个元人次家—-至到负下数几近上以壹拾萬角整(含)")
                              + ["\u3000", " "]), max_size=40))
def test_numbers_regex_behind_its_opening_matches_as_without(text):
    import re

    from pipeline.numbers import _number_pattern, _number_regex

    def scan(regex):
        out, pos = [], 0
        while (m := regex.search(text, pos)) is not None:
            out.append(m.span())
            pos = max(m.end(), pos + 1)
        return out

    assert scan(_number_regex()) == scan(re.compile(_number_pattern()))


_WIDE_DIGITS = str.maketrans("0123456789.%", "０１２３４５６７８９．％")
_MAGNITUDES = ["", "万", "亿", "千万"]
_UNITS = ["元", "人次", "个", "吨", "%", "个百分点", "港元"]


@given(
    st.integers(min_value=1, max_value=10**6),
    st.integers(min_value=0, max_value=99),
    st.sampled_from(_MAGNITUDES),
    st.sampled_from(_UNITS),
)
def test_numbers_value_unchanged_by_width_and_layout_spaces(whole, cents, mag, unit):
    """Full-width digits and a layout space before the magnitude change no value, unit or span."""
    if unit in ("%", "个百分点") and mag:
        return
    number = f"{whole}.{cents:02d}" if cents else str(whole)
    plain = f"达到{number}{mag}{unit}。"
    forms = [plain, plain.translate(_WIDE_DIGITS)]
    if mag:
        forms.append(f"达到{number} {mag}{unit}。")
        forms.append(f"达到{number}\u3000{mag}{unit}。".translate(_WIDE_DIGITS))
    want = None
    for text in forms:
        (m,) = find_numbers(text, bare=False)
        assert text[m.span[0] : m.span[1]] == m.text
        got = (m.value, m.value_max, m.unit)
        assert got == (pytest.approx(float(number)), None, mag + unit)
        want = want or got
        assert got == want


@given(st.integers(min_value=1, max_value=10**11), st.sampled_from(["元", "万元", "人", "家"]))
def test_numbers_chinese_numerals_found_in_a_sentence(n, unit):
    """A written-out numeral inside a sentence reads as the number it writes."""
    if unit == "万元" and n >= 10_000:
        return  # 三万万元 is no way to write it
    text = f"全年完成{_to_chinese(n)}{unit}，同比增长。"
    (m,) = find_numbers(text, bare=False)
    value = normalize(m.value, m.unit)
    assert value is not None
    assert value.value == pytest.approx(n * (10_000 if unit == "万元" else 1))
