"""Chinese and Arabic numerals to numbers: 二〇一七 -> 2017, 十三 -> 13, 两千六 -> 2600, 零点五 -> 0.5.

The one numeral reader of the pipeline, shared by the date, structure and
number stages; ``numbers.py`` builds magnitudes, units and ranges on top of it.
It reads every way a numeral is written in official and economic text:

- 小写 and 大写 digits and places: 一百二十, 壹万贰仟叁佰肆拾伍, 两千/兩千, 萬/億;
- zeros: 一千零一, 一千零十 (1010), 十万零一, 零 and 〇 alone (0);
- the abbreviated last digit of speech and tables: 两千六 (2600), 三万五 (35000), 1万3 (13000),
  一百二 (120), 一百二十万三 (1203000), and the 万 left out after 亿: 一亿五千 (150000000);
- decimals: 三点五, 零点零五, 一七二零点一;
- digit-by-digit numerals: 二〇一七 (years), 一二三;
- signs: 负三点八 (-3.8), -10.1;
- Arabic groups inside a Chinese numeral: 100万三千, 200亿零四千230;
- 廿 and 卅 (廿二 = 22).

What is not a well-formed numeral gives None, never a guess: 十一十二, 十三五
(a plan's name), 三十三三, 两十, 两三 (two or three), 点五, 零点, 10..1万, 10.1万零100.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

# the digits, 小写 and 大写 (and the traditional forms of 大写)
DIGITS = {
    "〇": 0, "零": 0, "○": 0, "Ｏ": 0,
    "一": 1, "二": 2, "两": 2, "兩": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
    "壹": 1, "贰": 2, "貳": 2, "叁": 3, "參": 3, "肆": 4, "伍": 5, "陆": 6, "陸": 6, "柒": 7, "捌": 8, "玖": 9,
}  # fmt: skip
ZEROS = "〇零○Ｏ"
SMALL_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
BIG_UNITS = {"万": 10_000, "萬": 10_000, "亿": 100_000_000, "億": 100_000_000}
# 廿二 = 二十二, 卅 = 三十: read as the two characters they stand for
_TENS = {"廿": "二十", "卅": "三十"}
CN_NUMERAL_CHARS = "".join(DIGITS) + "".join(SMALL_UNITS) + "".join(BIG_UNITS) + "".join(_TENS)
# one-for-one folds of variant characters, so offsets hold: 萬 -> 万, 億 -> 亿, 兩 -> 两
VARIANTS_FROM, VARIANTS_TO = "萬億兩貳參陸", "万亿两贰叁陆"
_SIGNS = ("负", "-", "−", "－")

_NumberPart = int | float


def cn_to_int(text: str) -> int | None:
    """Read a whole number written in Chinese or Arabic numerals.

    Args:
        text: 十三, 一百二十, 两千零五, 两千六, 二〇一七 (digit by digit), ３０, 30.

    Returns:
        The integer, or None when ``text`` is not a well-formed whole number
        (十一十二, 十三五, 三点五, 负一 — signs are ``read_numeral``'s).
    """
    s = unicodedata.normalize("NFKC", text).strip()
    if not s:
        return None
    if s.isdigit():
        return int(s)
    return _integer(_expand(s))


def read_numeral(text: str) -> float | None:
    """Read one number written in Chinese numerals, Arabic digits or a mix of both.

    Args:
        text: 一百二十, 壹拾壹, 两千六, 零点五, 负三点八, 一七二零点一, 100万三千, -10.1万, 1,234.5.

    Returns:
        The value (120.0, 11.0, 2600.0, 0.5, -3.8, 1720.1, 1003000.0, -101000.0, 1234.5), or
        None when ``text`` is not one well-formed number.
    """
    s = unicodedata.normalize("NFKC", text).strip()
    if not s:
        return None
    sign = 1
    if s.startswith(_SIGNS):
        sign, s = -1, s[1:]
    if not s or s.startswith(_SIGNS):
        return None
    v = _unsigned(_expand(s))
    return None if v is None else sign * v if v else 0.0


def _expand(s: str) -> str:
    for short, long in _TENS.items():
        s = s.replace(short, long)
    return s.translate(_VARIANT_TABLE)


_VARIANT_TABLE = str.maketrans(VARIANTS_FROM, VARIANTS_TO)
_ARABIC = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?")
_ARABIC_INT = re.compile(r"\d+")


def _unsigned(s: str) -> float | None:
    if _ARABIC.fullmatch(s):
        return float(s.replace(",", ""))
    # 10.1万, 35.1亿, 2.5万亿: an Arabic decimal before its magnitudes
    m = re.fullmatch(r"(\d+\.\d+)((?:万|亿)+)", s)
    if m:
        factor = 1
        for ch in m.group(2):
            factor *= BIG_UNITS[ch]
        return _tidy(float(m.group(1)) * factor)
    if "点" in s:
        whole, _, frac = s.partition("点")
        digits = _digit_string(frac)
        w = _integer(whole)
        if not frac or digits is None or w is None:
            return None  # 点五, 零点, 零点点: half a numeral
        return float(f"{w}.{digits}")
    if "." in s:
        return None  # 10..1万, 10.1万零100
    w = _integer(s)
    return None if w is None else float(w)


def _digit_string(s: str) -> str | None:
    """五七 -> "57", 123 -> "123"; None if anything but digits is in ``s``."""
    out = []
    for ch in s:
        if ch.isdigit():
            out.append(ch)
        elif ch in DIGITS:
            out.append(str(DIGITS[ch]))
        else:
            return None
    return "".join(out)


def _integer(s: str) -> int | None:
    """A whole numeral without sign: 三亿五千万, 二〇一七, 两千六, 200亿零四千230."""
    if not s:
        return None
    if s.isdigit():
        return int(s)
    if all(ch in DIGITS for ch in s):
        if len(s) > 1 and any(ch in "两兩" for ch in s):
            return None  # 两三 is two or three, 三两 too: 两 is never a digit of a digit-by-digit numeral
        # 二〇一七, 一二三, 壹壹: digit by digit; a single 零 or 〇 is 0
        return int(_digit_string(s) or "0") if len(s) > 1 or s in ZEROS or DIGITS[s] else None
    i = s.rfind("亿")
    if i >= 0:
        if "亿" in s[:i]:
            return None  # 一万亿零一亿: 亿 of 亿 is no modern numeral
        return _join(s[:i], s[i + 1 :], 100_000_000, _integer)
    i = s.rfind("万")
    if i >= 0:
        return _join(s[:i], s[i + 1 :], 10_000, _section)
    return _section(s)


def _join(high: str, low: str, big: int, read_high: Callable[[str], int | None]) -> int | None:
    """``high`` 万/亿 ``low``: 三万五 -> 35000 (the short tail), 三万零五 -> 30005, 十万 -> 100000."""
    if len(high) > 1 and all(ch in DIGITS for ch in high):
        return None  # 八九亿 is 8亿 to 9亿 (numbers.py reads it so), never 89亿
    h = read_high(high) if high else None
    if not h:
        return None  # 万 alone, 零万
    if not low:
        return h * big
    if low[0] in ZEROS:
        rest = low.lstrip(ZEROS)
        if not rest or len(low) - len(rest) > 1:
            return None
        if rest[0] in "百佰千仟":
            rest = "一" + rest  # 一万零百一十一: the 一 of 一百 left out
        v = _integer(rest) if big > 10_000 else _section(rest)
        return None if v is None or v >= big else h * big + v
    if len(low) == 1 and (low in DIGITS or low.isdigit()):
        return h * big + int(DIGITS.get(low, low)) * big // 10  # 三万五, 1万3, 一亿三: the next place down
    v = _integer(low) if big > 10_000 else _section(low)
    if v is None or v >= big:
        return None
    if big > 10_000 and "万" not in low:
        # 一亿五千 is 一亿五千万 (150000000), as 一亿五 is 1.5亿; 100005000 is written 一亿零五千.
        # 一亿五百 says neither (一亿零五百万? 一亿零五百?): no numeral
        return h * big + v * 10_000 if v >= 1000 else None
    # 一万一千 (11000) but not 一万一十 (a place skipped without 零): cn2an reads it, so do we
    return h * big + v


def _section(s: str) -> int | None:
    """A numeral below 万, strictly: 一百二十 -> 120, 十三 -> 13, 一千零十 -> 1010, 一百二 -> 120.

    Rejects 十三五, 三十三三, 十一十二, 两十; an Arabic group stands for a digit
    run (四千230 -> 4230, 3千 -> 3000).
    """
    tokens = re.findall(r"\d+|.", s)
    value, digit, last_unit, zero = 0, None, 10_000, False
    for i, tok in enumerate(tokens):
        if tok.isdigit():
            if digit is not None:
                return None
            digit = int(tok)
            if tok.startswith("0") and len(tok) > 1:
                return None
        elif tok in ZEROS:
            if digit is not None or last_unit == 10_000 or zero:
                return None
            zero = True
        elif tok in DIGITS:
            if digit is not None:
                return None
            digit = DIGITS[tok]
            if tok in "两兩" and i + 1 < len(tokens) and tokens[i + 1] in "十拾":
                return None  # 两十 is no numeral
        elif tok in SMALL_UNITS:
            unit = SMALL_UNITS[tok]
            if unit >= last_unit or (zero and unit * 10 >= last_unit):
                return None  # 十一十二; 五百零十二 (a 零 where no place is skipped)
            if digit is None:
                # 十三 and 拾壹 at the start, 一千零十 after a zero (and 一万零百一十一, as cn2an reads it)
                if not (i == 0 and unit == 10) and not zero:
                    return None
                digit = 1
            if digit > 9:
                return None
            value += digit * unit
            last_unit, digit, zero = unit, None, False
        else:
            return None
    if digit is not None:
        if zero and last_unit <= 10:
            return None  # 一十零五
        if zero or last_unit in (10, 10_000) or digit > 9:
            if last_unit != 10_000 and digit >= last_unit:
                return None
            value += digit
        else:  # 一百二 = 120, 两千六 = 2600
            value += digit * last_unit // 10
    elif zero:
        return None
    return value


def consecutive_pair(s: str) -> tuple[int, int] | None:
    """Two digits that say "about": 八九 -> (8, 9), 三五 -> (3, 5), 两三 -> (2, 3); else None.

    八九亿 is 8亿 to 9亿, not 89亿. 三五 (three to five) is an idiom of its own,
    and so is 三两 (新建三两个产业园: two or three), written high first.
    """
    if len(s) != 2 or s[0] not in DIGITS or s[1] not in DIGITS:
        return None
    a, b = DIGITS[s[0]], DIGITS[s[1]]
    if a and (b == a + 1 or (a, b) == (3, 5)):
        return a, b
    if (a, b) == (3, 2) and s[1] in "两兩":
        return 2, 3  # 三两家: two or three, never 32 (三二 is no idiom)
    return None


def _tidy(x: float) -> float:
    """Hide binary noise: 10.1 * 10000 -> 101000.0, not 100999.99999999999."""
    return float(f"{x:.12g}") if abs(x) < 1e15 else x


def width_folder(wide: str, narrow: str) -> Callable[[str], str]:
    """A function that maps each character of ``wide`` to the one of ``narrow`` at its place.

    ``width_folder("０１２３４５６７８９", "0123456789")("２０１７年")`` gives 2017年.
    The same as ``str.translate``, but it translates only the runs of ``wide``
    characters a regex finds: on a long CJK text, with few of them, about
    seven times faster.
    """
    table = str.maketrans(wide, narrow)
    runs = re.compile(f"[{re.escape(wide)}]+")

    def fold(text: str) -> str:
        return runs.sub(lambda m: m.group(0).translate(table), text)

    return fold
