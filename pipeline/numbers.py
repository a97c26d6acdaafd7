"""Numbers, magnitudes and units: 2300万人次 -> 2300, unit 万人次, normalised 23000000 人次.

Builds on ``numerals.py``. Reads Arabic numerals (thousands separators,
decimals, full-width digits), Chinese numerals (一百二十, 两千零五, 十三),
mixed forms (1.2万, 3亿, 49.98万), percentages (25%, ２５％, 百分之八十),
fractions (三分之一) and ranges (1—2家, 3至5个, 10%—15%), each with the unit
written after it. Units and magnitudes are data (``data/units.json``).

``find_numbers`` is purely lexical: it reports every number it can read,
with or without a unit. Deciding which of them are quantities (not 第二十三届,
not 世界500强, not 2017年) is ``targets``'s job.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from pipeline.loader import data_json
from pipeline.model import Normalized
from pipeline.numerals import (
    BIG_UNITS,
    DIGITS,
    SMALL_UNITS,
    VARIANTS_FROM,
    VARIANTS_TO,
    ZEROS,
    consecutive_pair,
    read_numeral,
    width_folder,
)

# Full-width digits, point and percent sign, and the traditional forms of 万, 亿,
# 两 and 大写 digits fold one-for-one, so offsets into the folded text are
# offsets into the original: ２３００万 -> 2300万, 肆佰叁拾萬 -> 肆佰叁拾万.
_WIDE, _NARROW = "０１２３４５６７８９．％" + VARIANTS_FROM, "0123456789.%" + VARIANTS_TO
FOLD = str.maketrans(_WIDE, _NARROW)
# one character for one: ２３００万 -> 2300万
fold = width_folder(_WIDE, _NARROW)


@dataclass(frozen=True, slots=True)
class UnitInfo:
    """A unit as ``data/units.json`` gives it: 公顷 -> base 平方米, factor 10000, area."""

    base: str
    factor: float
    category: str


@dataclass(frozen=True, slots=True)
class NumberMatch:
    """A number as written with the unit after it: 1—2家, 2300万人次, 25%, 三分之一.

    ``unit`` is the unit as written with its magnitude (万人次) and is empty
    for a bare number (1125). ``value_max`` is set for ranges only.
    """

    text: str
    span: tuple[int, int]
    value: float
    value_max: float | None
    unit: str
    chinese: bool  # written in Chinese numerals: 一百二十个, 百分之八十
    fraction: bool = False
    more: bool = False  # 5500余条, 300多家: more than the value
    approx: bool = False  # 八九亿, 数十亿元, 十几个: a range read from an "about" numeral


# --- data -------------------------------------------------------------------


def _units_file() -> dict:
    return data_json("units.json")


@cache
def load_units() -> dict[str, UnitInfo]:
    """Read ``data/units.json`` once.

    Returns:
        unit as written without magnitude -> ``UnitInfo``, e.g.
        ``{"人次": UnitInfo("人次", 1, "count"), "公顷": UnitInfo("平方米", 10000, "area"), …}``.
    """
    return {u: UnitInfo(v["base"], float(v["factor"]), v["category"]) for u, v in _units_file()["units"].items()}


@cache
def load_magnitudes() -> dict[str, int]:
    """Magnitude words written between a number and its unit: 万 -> 10000 in 2300万人次."""
    return {k: int(v) for k, v in _units_file()["magnitudes"].items()}


@cache
def _blockers() -> dict[str, tuple[str, ...]]:
    return {k: tuple(v) for k, v in _units_file().get("blockers", {}).items()}


def _alternation(words) -> str:
    """Longest first, so 千瓦时 wins over 千瓦 and 个百分点 over 个."""
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


# --- the regex, in named pieces ---------------------------------------------

# 小写 and 大写 digits (萬, 億, 兩 and the traditional 大写 are folded to these first)
_CN_DIGITS = "〇○零一二两三四五六七八九壹贰叁肆伍陆柒捌玖"
_CN_PLACES = "十百千万亿拾佰仟廿卅"
# Arabic: 1,234.5 (thousands separators), 82，225.00 (full-width ones, only before
# decimals: 12，345 may be a list), 49.98, 300
_ARABIC = r"\d{1,3}(?:[,，]\d{3})+\.\d+|\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
# Chinese: starts with a digit, 十/拾 (十三) or 廿/卅, never with a bare 千/百/万 (千人计划 is
# a name); 一百二十, 两千零五, 三十万, 三点五, 零点五, 壹万贰仟
_CHINESE = rf"[{_CN_DIGITS}十拾廿卅][{_CN_DIGITS}{_CN_PLACES}]*(?:点[{_CN_DIGITS}]+)?"
# "about" numbers: 数十亿, 几十万, 十几, 二十几 (ranges 10亿–100亿, 10万–100万, 10–20, 20–30)
_SOME = rf"[数几][十百千万亿]|[{_CN_DIGITS}]?十几"
_NUMERAL_CHARS = _CN_DIGITS + _CN_PLACES
_CAPITAL_DIGITS = "壹贰叁肆伍陆柒捌玖拾"
# a place alone after a word of approach: 近千家, 上万人, 逾百家, 超千亿元 (1000, 10000, 100, 1000亿)
_BARE_PLACE = r"(?:(?<=[近逾超约])|(?<=(?<!以)上))[百千万亿]"  # not 100人以上千人以下
# a sign: 负三点八, -10.1万, 零下四摄氏度 (a hyphen after a digit or letter is a dash: 2017-2030);
# 正负/± is a tolerance (误差控制在正负5%以内, ±0.5℃): the range -X to X, never a minus;
# the 负 of a word is no sign: 胜负3场, 担负、肩负、抱负、欺负、辜负、背负
_SIGN = r"正负|±|(?<![胜担肩抱欺辜背])负|零下|[-−－]"
_TOLERANCE = ("正负", "±")
# a range separator: 1—2家, 3至5个, 3-5年, 1万元--5万元, 10%～15%
_SEP = r"\s*(?:—{1,2}|–|―|－|-{1,2}|~|～|至|到)\s*"
# a layout space the text layer put between a number and its magnitude: 1 万元, 177.1 亿元
_SPACE = r"[ \u3000]?"
# what a qualifier in brackets says of the first bound of a range: 1万(含)-5万元
_INCL = r"(?:[(（]含[)）])?"
# 元 角 分: 六十四万零一百四十三元一角七分, 壹拾壹元壹角壹分
_CENTS = rf"(?P<jiao>[{_CN_DIGITS}\d]角)?(?P<fen>[{_CN_DIGITS}\d]分钱?)?(?P<zheng>整(?![\u4e00-\u9fff]))?"  # 元整, not 万元整体推进


def _number_regex() -> re.Pattern[str]:
    return _compiled()


@cache
def _compiled() -> re.Pattern[str]:
    # every match opens with 百 (百分之), a digit, a Chinese numeral, a sign or 数/几:
    # the lookahead lets the regex engine pass over other characters instead of
    # trying each branch
    return re.compile(rf"(?=[百千万亿\d{_CN_DIGITS}十拾廿卅负正±\-−－数几])(?:{_number_pattern()})")


def _number_pattern() -> str:
    """The number regex's source: a percentage, a fraction, or a number or range with its unit."""
    mags = _alternation(load_magnitudes())
    units = _alternation(load_units())

    def num(tag: str, sign: bool) -> str:
        # one number with its magnitude and unit: 2300万人次, 1.2万, 25%, 1 万元
        # 余/多 says "more than": 5500余条, 300多家, 3万多人
        signed = rf"(?P<{tag}s>{_SIGN})?" if sign else ""
        return (
            rf"{signed}(?:(?P<{tag}a>{_ARABIC})|(?P<{tag}f>{_SOME})|(?P<{tag}c>{_CHINESE})|(?P<{tag}b>{_BARE_PLACE}))"
            rf"(?P<{tag}q>余|多)?"
            rf"(?:{_SPACE}(?P<{tag}m>{mags})?(?P<{tag}q2>余|多)?(?P<{tag}u>{units})|{_SPACE}(?P<{tag}m2>{mags}))?"
        )

    pct_num = rf"(?:负)?(?:{_ARABIC}|{_CHINESE})"
    pieces = [
        # 百分之八十, 百分之五至百分之十, 百分之负三点八
        rf"(?P<pct>百分之(?P<pn>{pct_num})(?:{_SEP}(?:百分之)?(?P<pn2>{pct_num}))?)",
        # 三分之一, 3分之2
        rf"(?P<frac>(?P<fd>\d+|{_CHINESE})分之(?P<fn>\d+|{_CHINESE}))",
        # 1—2家, 10%—15%, 1.2万—2万元, or one number: 2300万人次
        rf"(?P<one>{num('x', True)}{_INCL}(?:{_SEP}{num('y', False)})?{_CENTS})",
    ]
    return "|".join(pieces)


# --- parsing ----------------------------------------------------------------


def _arabic(s: str) -> float:
    return float(s.replace(",", "").replace("，", ""))


def _plain(s: str) -> float | None:
    """An Arabic or Chinese numeral with nothing around it: 1,234.5, 一百二十, 零点五, 负三."""
    s = s.translate(FOLD).strip()
    if re.fullmatch(_ARABIC, s):
        return _arabic(s)
    return read_numeral(s)


def parse_number(text: str) -> float | None:
    """Read one number written in any common way.

    Args:
        text: 1,234.5  ３０  一百二十  两千零五  两千六  零点五  负三点八  -10.1万  1.2万  3亿
            49.98万  1 万  25%  百分之八十  百分之负三点八  三分之一  壹万贰仟.

    Returns:
        The value as a float (1.2万 -> 12000.0; a percentage gives its number of
        percent, 25% -> 25.0, 百分之八十 -> 80.0; a fraction gives the ratio,
        三分之一 -> 0.333…), or None when ``text`` is not one number (十三五, B2B;
        八九亿 and 数十亿, which are ranges).
    """
    s = re.sub(r"[ \u3000]", "", fold(text))
    if not s:
        return None
    if s.startswith("百分之"):
        return _plain(s[3:])
    if s[-1] in "%‰":
        return _plain(s[:-1])
    if "分之" in s:
        den, _, num = s.partition("分之")
        d, n = _plain(den), _plain(num)
        return None if d in (None, 0) or n is None else n / d
    v = _plain(s)
    if v is not None:
        return v
    for mag, factor in sorted(load_magnitudes().items(), key=lambda kv: -len(kv[0])):
        if s.endswith(mag) and len(s) > len(mag):
            head = _plain(s[: -len(mag)])
            if head is not None and re.search(r"\d", s[: -len(mag)]):  # 1.2万; 三十万 was read whole above
                return _round(head * factor)
    return None


# --- units ------------------------------------------------------------------


@cache
def split_unit(unit: str) -> tuple[int, str]:
    """Split a unit as written into magnitude and unit: 万人次 -> (10000, 人次), 千瓦 -> (1, 千瓦)."""
    units = load_units()
    if unit in units or not unit:
        return 1, unit
    for mag, factor in sorted(load_magnitudes().items(), key=lambda kv: -len(kv[0])):
        if unit.startswith(mag) and (unit[len(mag) :] in units or unit == mag):
            return factor, unit[len(mag) :]
    return 1, unit


def normalize(value: float, unit: str) -> Normalized | None:
    """Give a value in its base unit.

    Args:
        value: the number as written, 2300.
        unit: the unit as written, 万人次.

    Returns:
        ``Normalized(23000000.0, "人次")``; 850, 亿元 -> ``Normalized(85000000000.0, "元")``;
        3, 亿 -> ``Normalized(300000000.0, "")``; None for a unit not in the table.
    """
    factor, bare = split_unit(unit)
    if not bare:
        return Normalized(_round(value * factor), "")
    info = load_units().get(bare)
    if info is None:
        return None
    return Normalized(_round(value * factor * info.factor), info.base)


def unit_category(unit: str) -> str | None:
    """The category of a unit as written: 万人次 -> count, 亿元 -> money, % -> percent."""
    _, bare = split_unit(unit)
    info = load_units().get(bare)
    return info.category if info else None


def _round(x: float) -> float:
    """Hide binary noise: 49.98 * 10000 -> 499800.0, not 499800.00000000006."""
    return float(f"{x:.10g}") if abs(x) < 1e15 else x


# --- finding ----------------------------------------------------------------


def unit_at(text: str, pos: int) -> str:
    """The unit (with its magnitude) written at ``pos`` after a layout space, or "".

    ``unit_at("2015.6-2020.8平方米", 13)`` gives 平方米; ``unit_at("5期间", 1)`` gives ""
    (期间 is a word, not the unit 期).
    """
    pos += 1 if text[pos : pos + 1] in (" ", "\u3000") else 0
    m = _unit_regex().match(text, pos)
    if m is None:  # the regex matches the empty string: never None
        return ""
    if m.group("u") and _blocked(text, m.start("u"), m.group("u")):
        return m.group("m") or ""
    return m.group()


@cache
def _unit_regex() -> re.Pattern[str]:
    return re.compile(rf"(?P<m>{_alternation(load_magnitudes())})?(?P<u>{_alternation(load_units())})?")


def _blocked(text: str, start: int, unit: str) -> bool:
    """A unit character that begins a longer word is no unit: 5000元以下处罚款 (处罚)."""
    if not unit:
        return False
    return any(text.startswith(w, start) for w in _blockers().get(unit, ()))


@dataclass(frozen=True, slots=True)
class _Side:
    """One side of a match: its value (and upper value when approximate), magnitude, unit, script."""

    value: float | None
    high: float | None  # 八九亿: 9; 数十亿: 100; None for an exact number
    mag: str
    unit: str
    chinese: bool
    place: int = 1  # the place a Chinese numeral ends on: 九百 -> 100, 三千 -> 1000


def _some(s: str) -> tuple[float, float]:
    """数十 -> (10, 100), 几百 -> (100, 1000), 十几 -> (10, 20), 二十几 -> (20, 30)."""
    if s[0] in "数几":
        low = SMALL_UNITS.get(s[1]) or BIG_UNITS[s[1]]
        return float(low), float(low * 10)
    tens = DIGITS[s[0]] * 10 if s[0] in DIGITS else 10
    return float(tens), float(tens + 10)


def _approx_cn(c: str) -> tuple[float, float, int] | None:
    """Chinese "about" numerals: 八九 -> (8, 9), 三五百 -> (300, 500), 十七八 -> (17, 18), 二三十 -> (20, 30)."""
    m = re.fullmatch(rf"(十)?([{_CN_DIGITS}]{{2}})([十百千])?", c)
    if not m or (m.group(1) and m.group(3)):
        return None
    pair = consecutive_pair(m.group(2))
    if pair is None:
        return None
    if m.group(1):
        if pair[1] != pair[0] + 1 or pair[1] == 5:
            return None  # 十三五, 十四五 (十X五) are plans' names, not 13 to 15 or 14 to 15
        return 10.0 + pair[0], 10.0 + pair[1], 1
    place = SMALL_UNITS[m.group(3)] if m.group(3) else 1
    return float(pair[0] * place), float(pair[1] * place), place


# the groups of one side of a match, read in one call
_SIDE_GROUPS = {t: tuple(t + g for g in ("a", "c", "f", "b", "m", "m2", "u")) for t in "xy"}


def _read(m: re.Match[str], tag: str) -> _Side:
    """One side of a match: value as written, magnitude, unit without magnitude, Chinese?"""
    a, c, f, place, mag, mag2, unit = m.group(*_SIDE_GROUPS[tag])
    mag = mag or mag2 or ""
    unit = unit or ""
    if a is not None:
        return _Side(_arabic(a), None, mag, unit, False)
    if place is not None:
        return _Side(float(SMALL_UNITS.get(place) or BIG_UNITS[place]), None, mag, unit, True)
    if f is not None:
        lo, hi = _some(f)
        return _Side(lo, hi, mag, unit, True)
    if c is None:
        return _Side(None, None, mag, unit, True)
    # 三十万人: the numeral swallowed the magnitude; give it back to the unit
    if not mag:
        for big in ("万亿", "亿", "万"):
            if c.endswith(big) and len(c) > len(big) and c[-len(big) - 1] not in BIG_UNITS:
                head = c[: -len(big)]
                if "亿" in head:
                    break  # 三亿五千万元: 350000000 元, the 万 is inside the numeral
                approx = _approx_cn(head)
                if approx:
                    return _Side(approx[0], approx[1], big, unit, True, approx[2])
                v = read_numeral(head)
                if v is not None:
                    return _Side(v, None, big, unit, True, _place(head))
    approx = _approx_cn(c)
    if approx:
        return _Side(approx[0], approx[1], mag, unit, True, approx[2])
    return _Side(read_numeral(c), None, mag, unit, True, _place(c))


def _place(c: str) -> int:
    """The place a Chinese numeral ends on when it is one digit and a place: 九百 -> 100, 三千 -> 1000."""
    if len(c) == 2 and c[0] in DIGITS and c[1] in SMALL_UNITS:
        return SMALL_UNITS[c[1]]
    return 1


def find_numbers(text: str, bare: bool = True) -> list[NumberMatch]:
    """Find every number in a text, with the unit written after it.

    Args:
        text: clean text, e.g. 引入1—2家相关机构，航空港年旅客吞吐量达到2300万人次.

    Returns:
        ``NumberMatch`` items in text order: (1—2家, 1, 2, 家), (2300万人次, 2300,
        None, 万人次). Bare numbers (1125) come with an empty unit (left out
        when ``bare`` is False: faster on tables of figures); numbers glued
        to Latin letters or ``+`` (B2B, 5G, 1+4) and non-numerals (十三五) are left out.
        Approximate numbers are ranges flagged ``approx``: 八九亿 (8 to 9 亿),
        数十亿元 (10 to 100 亿元); a currency written before the number is its
        unit: 港币两千九百六十元 (2960, 港币).
    """
    folded = fold(text)
    out: list[NumberMatch] = []
    regex, pos = _number_regex(), 0
    while (m := regex.search(folded, pos)) is not None:
        if not bare and m.group("one") and not any(m.group(g) for g in _UNIT_GROUPS):
            pos = m.end()
            continue
        item = _build(folded, text, m)
        pos = item.span[1] if item is not None else m.end()
        if item is None:
            continue
        start, end = item.span
        if _glued(folded[start - 1] if start else "", folded[end] if end < len(folded) else "", item.text):
            if not _ends_clean(folded, item):
                continue
        if bare or item.unit or item.fraction:
            out.append(_currency_before(folded, text, item))
    return _merge_bounds(folded, text, out)


_UNIT_GROUPS = ("xu", "xm", "xm2", "yu", "ym", "ym2", "xf", "xb")


def _build(folded: str, text: str, m: re.Match[str]) -> NumberMatch | None:
    """One match of the number regex as a NumberMatch, or None when it does not parse."""
    start, end = m.span()
    if m.group("pct"):
        lo = _plain(m.group("pn"))
        hi = _plain(m.group("pn2")) if m.group("pn2") else None
        if lo is None or (m.group("pn2") and hi is None) or (hi is not None and hi < lo):
            return None
        sign = next((t for t in _TOLERANCE if folded.startswith(t, start - len(t))), None)
        if sign and hi is None and lo > 0:  # 正负百分之二: the range -2% to 2%
            start -= len(sign)
            return NumberMatch(text[start:end], (start, end), -lo, lo, "%", True)
        return NumberMatch(text[start:end], (start, end), lo, hi, "%", True)
    if m.group("frac"):
        d, n = _plain(m.group("fd")), _plain(m.group("fn"))
        if not d or n is None:
            return None
        chinese = not m.group("fd").isdigit()
        return NumberMatch(text[start:end], (start, end), n / d, None, "", chinese, True)
    return _one(folded, text, m)


def _glued(before: str, after: str, s: str) -> bool:
    """Numbers inside a token: B2B, 5G, G20, 1+4, 3.5.2 (a clause number)."""
    if before and before.isascii() and (before.isalnum() or before in "+./_"):
        return True
    if after and after.isascii() and (after.isalnum() or after in "+/_"):
        return s[-1] not in "%‰" or after.isdigit()
    return "＋" in (before, after)


def _ends_clean(folded: str, n: NumberMatch) -> bool:
    """A number that ends on its unit is no part of the digits after it: 投资3541.07万元2.3本项目.

    Unless those digits are a second measure of the same thing (8类10项): one compound
    quantity, which is left alone.
    """
    start, end = n.span
    if start and folded[start - 1].isascii() and folded[start - 1].isalnum():
        return False
    if not n.unit or n.text[-1].isascii() or not folded[end : end + 1].isdigit():
        return False
    if re.match(r"\d{1,2}[月日号]", folded[end : end + 3]):
        return False  # 2025年5月: a date goes on
    nxt = _compiled().match(folded, end)
    return nxt is None or not (nxt.group("one") and any(nxt.group(g) for g in _UNIT_GROUPS))


def _signed(folded: str, m: re.Match[str], tag: str, value: float) -> tuple[float, int]:
    """The value with its sign, and where the match starts: -10.1万, 负三点八, 零下四摄氏度.

    A hyphen right after a digit, letter or closing bracket is a dash, not a sign
    (2017-2030, 1+4-2): the number starts after it.
    """
    sign = m.group(f"{tag}s")
    start = m.start(f"{tag}s") if sign else m.start()
    if not sign:
        return value, start
    if sign in _TOLERANCE:
        return abs(value), start  # _one makes it the range -X to X
    if sign in "-−－":
        before = folded[start - 1] if start else ""
        if before and ((before.isascii() and before.isalnum()) or before in _NUMERAL_CHARS or before in ")）]】%‰."):
            return value, m.end(f"{tag}s")
    return (-value if value else 0.0), start


_X_ENDS = ("xa", "xc", "xf", "xb", "xq", "xm", "xq2", "xu", "xm2")


def _one(folded: str, text: str, m: re.Match[str]) -> NumberMatch | None:
    """Build a NumberMatch from the ``one`` branch: a number or a range."""
    x = _read(m, "x")
    c = m.group("xc")
    if x.value is None or (c is not None and len(c) == 1 and c in ZEROS):
        return None  # 零部件, 零售, 零容忍: a lone 零 is a word's first character
    if c is not None and len(c) == 1 and c in _CAPITAL_DIGITS and unit_category(x.mag + x.unit) != "money":
        return None  # 陆家嘴, 伍家岗: a lone 大写 digit is a name's first character, unless an amount follows
    xv, start = _signed(folded, m, "x", x.value)
    has_y = m.end("ya") >= 0 or m.end("yc") >= 0 or m.end("yf") >= 0 or m.end("yb") >= 0
    if has_y and x.high is None and xv >= 0 and m.group("xs") not in _TOLERANCE:
        range_ = _range(folded, text, m, start, xv, x)
        if range_ is not None:
            return range_
    # one number alone: cut the match back to its end
    more = m.end("xq") >= 0 or m.end("xq2") >= 0
    x_end = max(m.end(g) for g in _X_ENDS)  # an unmatched group ends at -1
    unit = x.mag + x.unit
    if x.unit and _blocked(folded, x_end - len(x.unit), x.unit):
        unit = x.mag
        x_end = m.start("xu")
        if m.group("xq2"):
            x_end -= 1
        x_end = _unspace(folded, start, x_end)
    if not unit and more:  # 10多 alone: the 多 belongs to what follows
        x_end, more = max(m.end(g) for g in _X_ENDS[:4]), False
    if m.group("xb"):
        if not unit:
            return None  # 近千: no count of anything
        # 近千家, 逾百家: about the place; 上万人: at least it
        more = more or folded[m.start("xb") - 1] == "上"
    if not unit and x.mag == "" and m.group("xf") and m.group("xf")[0] in "数几":
        return None  # 数十 alone: a count of nothing
    if x.high is not None and xv < 0:
        return None  # 负八九: no such number
    if x.unit == "年" and folded.startswith("代", x_end):
        return None  # 上世纪五六十年代, 80年代: a decade is no quantity
    value, x_end = _cents(folded, m, unit, xv, x_end) if not has_y else (xv, x_end)
    if m.group("xs") in _TOLERANCE:
        if x.high is not None or more or has_y:
            return None  # 正负八九, 正负5余: no tolerance reads so
        # 误差控制在正负5%以内: the range -5% to 5%
        return NumberMatch(text[start:x_end], (start, x_end), -value, value, unit, x.chinese)
    approx = x.high is not None or bool(m.group("xb"))
    return NumberMatch(text[start:x_end], (start, x_end), value, x.high, unit, x.chinese, more=more, approx=approx)


def _unspace(folded: str, start: int, end: int) -> int:
    """Give back a layout space the match took before a unit it lost: ``1 处罚`` ends after 1."""
    while end > start and folded[end - 1] in " \u3000":
        end -= 1
    return end


def _cents(folded: str, m: re.Match[str], unit: str, value: float, end: int) -> tuple[float, int]:
    """元 followed by 角 and 分, or 整: 六十四万零一百四十三元一角七分 -> 640143.17, 壹仟玖佰圆整."""
    if not unit.endswith(("元", "圆")) or end != m.end("xu"):
        return value, end
    jiao, fen, zheng = m.group("jiao"), m.group("fen"), m.group("zheng")
    if unit in ("元", "圆"):
        cents = 0.0
        if jiao:
            cents += (_plain(jiao[0]) or 0) / 10
            end = m.end("jiao")
        if fen:
            cents += (_plain(fen[0]) or 0) / 100
            end = m.end("fen")
        value = _round(value + cents if value >= 0 else value - cents)
    elif jiao or fen:
        return value, end
    if zheng and end == m.start("zheng"):
        end = m.end("zheng")
    return value, end


def _currency_before(folded: str, text: str, n: NumberMatch) -> NumberMatch:
    """A currency written before an amount in 元 is its unit: 港币两千九百六十元 -> 2960 港币.

    人民币 before 元 says nothing new and stays outside.
    """
    factor, bare = split_unit(n.unit)
    if bare not in ("元", "圆", "元整"):
        return n
    start = n.span[0]
    head = folded[max(0, start - 8) : start]
    spaces = len(head) - len(head.rstrip(" \u3000"))
    for word in _currency_words():
        if head[: len(head) - spaces].endswith(word):
            cut = start - spaces - len(word)
            mag = n.unit[: len(n.unit) - len(bare)]
            return NumberMatch(
                text[cut : n.span[1]], (cut, n.span[1]), n.value, n.value_max, mag + word, n.chinese,
                n.fraction, n.more, n.approx,
            )  # fmt: skip
    return n


@cache
def _currency_words() -> tuple[str, ...]:
    """Currencies that may stand before an amount: 港币, 新台币, 美元… (longest first)."""
    words = [u for u, info in load_units().items() if info.category == "money" and info.base != "元"]
    return tuple(sorted(words, key=len, reverse=True))


def _range(folded: str, text: str, m: re.Match[str], start: int, xv: float, x: _Side) -> NumberMatch | None:
    """The range branch: 1—2家, 10%—15%, 1.2万—2万元, 5000元至2万元, 两到三仟元; None if it reads badly."""
    y = _read(m, "y")
    x_unit, y_unit = x.mag + x.unit, y.mag + y.unit
    if y.value is None or y.high is not None or not (x_unit or y_unit):
        return None  # 2017-2030, 0517-83605210: no unit, no range
    yv = y.value
    if y.unit and _blocked(folded, m.end("yu") - len(y.unit), y.unit):
        return None
    if not x_unit and x.chinese and y.chinese and x.place == 1 and y.place > 1 and 0 < xv < 10 and xv * y.place < yv:
        xv *= y.place  # 两到三仟: 两千到三仟; 八到九百亿: 八百亿到九百亿
    if not x_unit and y.mag and xv > yv:
        # 从8500到3万港元: the first bound is in the unit itself, not in 万
        factor, bare = split_unit(y_unit)
        if not bare or factor == 1:
            return None
        unit, value_max = bare, _round(yv * factor)
    elif not x_unit or not y_unit or x_unit == y_unit or x_unit == y.mag:
        # 1—2家, 1.2万—2万元: the unit written once serves both
        unit, value_max = y_unit or x_unit, yv
    else:
        # 5000元—2万元: state both in the first number's unit
        a, b = normalize(1.0, x_unit), normalize(1.0, y_unit)
        if a is None or b is None or a.unit != b.unit:
            return None
        unit, value_max = x_unit, _round(yv * b.value / a.value)
    if value_max < xv:
        return None
    if m.group("xq") or m.group("yq") or m.group("xq2") or m.group("yq2"):
        return None  # 3余—5个 reads badly
    end = m.end("one") - len(m.group("jiao") or "") - len(m.group("fen") or "") - len(m.group("zheng") or "")
    return NumberMatch(text[start:end], (start, end), xv, value_max, unit, x.chinese or y.chinese)


def _merge_bounds(folded: str, text: str, items: list[NumberMatch]) -> list[NumberMatch]:
    """Join ``A以上B以下`` into one range: 处5000元以上2万元以下罚款 -> 5000 to 20000 元."""
    out: list[NumberMatch] = []
    i = 0
    while i < len(items):
        a = items[i]
        if i + 1 < len(items) and a.value_max is None and a.unit:
            b = items[i + 1]
            gap = folded[a.span[1] : b.span[0]]
            tail = folded[b.span[1] : b.span[1] + 2]
            if gap in ("以上", "以上、", "以上至", "以上不满") and tail == "以下" and b.value_max is None:
                na, nb = normalize(1.0, a.unit), normalize(1.0, b.unit or a.unit)
                if na and nb and na.unit == nb.unit:
                    vmax = _round(b.value * nb.value / na.value)
                    if vmax >= a.value:
                        span = (a.span[0], b.span[1] + 2)
                        out.append(
                            NumberMatch(text[span[0] : span[1]], span, a.value, vmax, a.unit, a.chinese or b.chinese)
                        )
                        i += 2
                        continue
        out.append(a)
        i += 1
    return out
