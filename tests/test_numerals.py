"""The numeral reader: read_numeral and cn_to_int, form by form, with a Chinese-numeral writer for round trips."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.numerals import cn_to_int, consecutive_pair, read_numeral

# (text, value): each form a numeral takes in official and economic text
READ = [
    # 小写
    ("七", 7),
    ("十", 10),
    ("十五", 15),
    ("四十", 40),
    ("三百零六", 306),
    ("六千零三十", 6030),
    ("两千零五", 2005),
    ("九万零八百", 90800),
    ("十二万", 120000),
    ("七亿零五百万", 705000000),
    ("四万亿", 4 * 10**12),
    # zeros before a bare 十: 一千零十 is 1010
    ("三千零十", 3010),
    ("五百零十二", None),  # 零 where no place is skipped: no numeral
    ("一十零五", None),
    # zero alone
    ("零", 0),
    ("〇", 0),
    # 大写, as on cheques and contracts, and its traditional forms
    ("叁仟伍佰", 3500),
    ("贰拾", 20),
    ("拾伍", 15),
    ("陆万柒仟", 67000),
    ("壹佰萬", 1000000),
    ("貳億", 200000000),
    ("玖仟零捌", 9008),
    # 两 and 兩 as 2
    ("两百", 200),
    ("兩千", 2000),
    ("两万两千", 22000),
    # the abbreviated last digit: the next place down
    ("两千六", 2600),
    ("三万五", 35000),
    ("一百二", 120),
    ("四千八", 4800),
    ("十二万五", 125000),
    ("一亿三", 130000000),
    ("一百五十万八", 1508000),
    # tails agree: a lone digit after 万 or 亿 is the next place down, Arabic or Chinese, and a
    # numeral under 亿 without 万 or 零 is in 万 (一亿五千 as 一亿五千万; 100005000 is 一亿零五千)
    ("1万3", 13000),
    ("2亿5", 250000000),
    ("一亿五千", 150000000),
    ("一亿五千三百", 153000000),
    ("一亿零五千", 100005000),
    ("一亿五千万", 150000000),
    # decimals
    ("三点八", 3.8),
    ("零点五", 0.5),
    ("零点零五", 0.05),
    ("十二点二五", 12.25),
    ("一百点零一", 100.01),
    # digit by digit, as years and codes are written
    ("二〇二三", 2023),
    ("一九四九", 1949),
    ("二零一五点五", 2015.5),
    # signs
    ("负三", -3),
    ("负零点二", -0.2),
    ("负二十五", -25),
    ("-7.5", -7.5),
    ("−12", -12),
    # Arabic groups with Chinese places and magnitudes
    ("30万", 300000),
    ("2.5亿", 250000000),
    ("-3.2万", -32000),
    ("50万两千", 502000),
    ("3千", 3000),
    # 廿 and 卅
    ("廿三", 23),
    ("卅", 30),
    # Arabic with separators and full-width digits
    ("12,345.6", 12345.6),
    ("４５", 45),
]

# not one well-formed number
READ_NONE = [
    "",
    "十三五",  # the 13th five-year plan
    "三十三三",
    "二十十",
    "十五十六",
    "两十",
    "百",
    "千人",
    "点五",
    "三点",
    "三点点五",
    "五点三点",
    "5..5万",
    "2.5万零六",
    "负",
    "负负三",
    "万",
    "零万",
    "八九亿",  # 8亿 to 9亿, a range: numbers.py reads it so
    "三四万",
    "一二亿",
    "一亿五百",  # 一亿零五百万 or 一亿零五百? truly ambiguous
    "一亿五十",
    "两三",  # two or three: a range numbers.py reads, never 23
    "三两",  # never 32
    "二两",
]


@pytest.mark.parametrize(("text", "value"), READ)
def test_numerals_read_numeral(text, value):
    got = read_numeral(text)
    if value is None:
        assert got is None
    else:
        assert got == pytest.approx(value)


@pytest.mark.parametrize("text", READ_NONE)
def test_numerals_read_numeral_rejects(text):
    assert read_numeral(text) is None


# cn_to_int: whole numbers only; signs and decimals are read_numeral's
CN_TO_INT = [
    ("十三", 13),
    ("二十一", 21),
    ("一百零八", 108),
    ("两千六", 2600),
    ("二〇一七", 2017),
    ("３０", 30),
    ("30", 30),
    ("壹佰", 100),
    ("十一十二", None),
    ("三点五", None),
    ("负一", None),
    ("", None),
    ("甲", None),
]


@pytest.mark.parametrize(("text", "value"), CN_TO_INT)
def test_numerals_cn_to_int(text, value):
    assert cn_to_int(text) == value


# two digits that say "about": 八九 (8 or 9), 三五 (three to five), 一两 (one or two)
PAIRS = [
    ("八九", (8, 9)),
    ("三四", (3, 4)),
    ("三五", (3, 5)),
    ("一两", (1, 2)),
    ("九十", None),  # 九十 is 90
    ("二〇", None),
    ("两三", (2, 3)),  # 力争用两三年时间: two or three years
    ("二三", (2, 3)),
    ("三两", (2, 3)),  # 新建三两个产业园: two or three, written high first
    ("三二", None),
    ("两四", None),
    ("五三", None),
    ("一二三", None),
]


@pytest.mark.parametrize(("text", "pair"), PAIRS)
def test_numerals_consecutive_pair(text, pair):
    assert consecutive_pair(text) == pair


# --- a Chinese-numeral writer, for round trips ------------------------------

_SMALL = "零一二三四五六七八九"
_CAPITAL = "零壹贰叁肆伍陆柒捌玖"
_PLACES = {"small": ("十", "百", "千"), "capital": ("拾", "佰", "仟")}


def write_chinese(n: int, style: str = "small", two: bool = False) -> str:
    """Write 0 <= n < 10**16 as a document would: 一百零五, 三亿五千万, 壹仟零捌; 两 for a leading 2 when ``two``."""
    digits = _CAPITAL if style == "capital" else _SMALL
    ten, hundred, thousand = _PLACES[style]

    def section(v: int, leading: bool) -> str:
        """0 < v < 10000."""
        out, pending_zero = "", False
        for place, name in ((1000, thousand), (100, hundred), (10, ten), (1, "")):
            d = v // place % 10
            if not d:
                pending_zero = bool(out)
                continue
            if pending_zero:
                out += digits[0]
                pending_zero = False
            if d == 1 and place == 10 and not out and leading:
                out += name  # 十五, not 一十五, at the head of the number
            elif d == 2 and two and place >= 100 and style == "small":
                out += "两" + name
            else:
                out += digits[d] + name
        return out

    def write(v: int, leading: bool) -> str:
        for big, name in ((10**8, "亿"), (10**4, "万")):
            if v >= big:
                high, low = divmod(v, big)
                out = write(high, leading) + name
                if low:
                    out += (digits[0] if low < big // 10 else "") + write(low, False)  # 三万零二十, 一亿零五
                return out
        return section(v, leading)

    return digits[0] if n == 0 else write(n, True)


@pytest.mark.parametrize(
    ("n", "text"),
    [(105, "一百零五"), (350000000, "三亿五千万"), (15, "十五"), (100010, "十万零一十"), (1008, "一千零八")],
)
def test_numerals_writer_writes_as_documents_do(n, text):
    assert write_chinese(n) == text


@given(st.integers(min_value=0, max_value=10**15), st.sampled_from(["small", "capital"]), st.booleans())
def test_numerals_round_trip(n, style, two):
    text = write_chinese(n, style, two)
    assert read_numeral(text) == n
    assert cn_to_int(text) == n


@given(st.integers(min_value=0, max_value=10**8), st.integers(min_value=1, max_value=999))
def test_numerals_decimal_round_trip(whole, frac):
    digits = str(frac).rjust(3, "0").rstrip("0")
    text = write_chinese(whole) + "点" + "".join(_SMALL[int(d)] for d in digits)
    assert read_numeral(text) == pytest.approx(float(f"{whole}.{digits}"))
    assert read_numeral("负" + text) == pytest.approx(-float(f"{whole}.{digits}"))


@given(st.integers(min_value=1, max_value=9), st.sampled_from([(1000, "千"), (100, "百"), (10_000, "万")]))
def test_numerals_abbreviated_tail(d, place):
    """两千六, 三万五: a digit after the place, with no 零, is the next place down."""
    value, name = place
    for lead in range(1, 10):
        text = _SMALL[lead] + name + _SMALL[d]
        assert read_numeral(text) == lead * value + d * value // 10


@given(st.integers(min_value=0, max_value=10**12))
def test_numerals_full_width_digits_read_the_same(n):
    wide = str(n).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    assert read_numeral(wide) == read_numeral(str(n)) == n
