"""Numbers, magnitudes and units: 2300万人次 -> 2300, unit 万人次, normalised 23000000 人次.

Builds on ``numerals.py``. Reads Arabic numerals (thousands separators,
decimals, full-width digits), Chinese numerals (一百二十, 两千零五, 十三),
mixed forms (1.2万, 3亿, 49.98万), percentages (25%, ２５％, 百分之八十),
fractions (三分之一) and ranges (1—2家, 3至5个, 10%—15%), each with the unit
written after it. Units and magnitudes are data (``data/units.json``).

``find_numbers`` is purely lexical: it reports every number it can read,
with or without a unit. Deciding which of them are quantities (not 第二十三届,
not 世界500强, not 2017年) is ``targets.py``'s job.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from pipeline.model import Normalized
from pipeline.numerals import BIG_UNITS, DIGITS, SMALL_UNITS, width_folder

DATA = Path(__file__).parent / "data"

# Full-width digits, point and percent sign fold one-for-one, so offsets into
# the folded text are offsets into the original: ２３００万 -> 2300万.
_WIDE, _NARROW = "０１２３４５６７８９．％", "0123456789.%"
FOLD = str.maketrans(_WIDE, _NARROW)
# full-width digits to ASCII, one character for one: ２３００万 -> 2300万
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


# --- data -------------------------------------------------------------------


@cache
def _units_file() -> dict:
    with open(DATA / "units.json", encoding="utf-8") as f:
        return json.load(f)


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

_CN_DIGITS = "〇零一二两三四五六七八九"
# Arabic: 1,234.5 (thousands separators) or 49.98 or 300
_ARABIC = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
# Chinese: starts with a digit or 十 (十三), never with a bare 千/百/万 (千人计划 is a name);
# 一百二十, 两千零五, 三十万, 三点五
_CHINESE = rf"[{_CN_DIGITS}十][{_CN_DIGITS}十百千万亿]*(?:点[{_CN_DIGITS}]+)?"
# a range separator: 1—2家, 3至5个, 3-5年, 10%～15%
_SEP = r"\s*(?:—{1,2}|–|－|-|~|～|至|到)\s*"


@cache
def _number_regex() -> re.Pattern[str]:
    # every match opens with 百, a digit or a Chinese numeral: the lookahead lets
    # the regex engine pass over other characters instead of trying each branch
    return re.compile(rf"(?=[百\d{_CN_DIGITS}十])(?:{_number_pattern()})")


def _number_pattern() -> str:
    """The number regex's source: a percentage, a fraction, or a number or range with its unit."""
    mags = _alternation(load_magnitudes())
    units = _alternation(load_units())

    def num(tag: str) -> str:
        # one number with its magnitude and unit: 2300万人次, 1.2万, 25%
        # 余/多 says "more than": 5500余条, 300多家, 3万多人
        return (
            rf"(?:(?P<{tag}a>{_ARABIC})|(?P<{tag}c>{_CHINESE}))(?P<{tag}q>余|多)?"
            rf"(?:(?P<{tag}m>{mags})?(?P<{tag}q2>余|多)?(?P<{tag}u>{units})|(?P<{tag}m2>{mags}))?"
        )

    pieces = [
        # 百分之八十, 百分之五至百分之十
        rf"(?P<pct>百分之(?P<pn>{_ARABIC}|{_CHINESE})(?:{_SEP}(?:百分之)?(?P<pn2>{_ARABIC}|{_CHINESE}))?)",
        # 三分之一, 3分之2
        rf"(?P<frac>(?P<fd>\d+|{_CHINESE})分之(?P<fn>\d+|{_CHINESE}))",
        # 1—2家, 10%—15%, 1.2万—2万元, or one number: 2300万人次
        rf"(?P<one>{num('x')}(?:{_SEP}{num('y')})?)",
    ]
    return "|".join(pieces)


# --- parsing ----------------------------------------------------------------


def _cn_section(s: str) -> int | None:
    """A Chinese numeral below 万, strictly: 一百二十 -> 120, 十三 -> 13, 一百零五 -> 105.

    Rejects what is not a well-formed numeral, 十三五 and 三十三三 among them; a
    trailing digit after 百/千 reads colloquially (一百二 -> 120).
    """
    if not s:
        return 0
    value, digit, last_unit, zero = 0, None, 10_000, False
    for i, ch in enumerate(s):
        if ch in "零〇":
            if digit is not None or last_unit == 10_000 or zero:
                return None
            zero = True
        elif ch in DIGITS:
            if digit is not None:
                return None
            digit = DIGITS[ch]
        elif ch in SMALL_UNITS:
            unit = SMALL_UNITS[ch]
            if unit >= last_unit or (zero and digit is None):
                return None
            if digit is None:
                if i != 0 or unit != 10:  # only 十 may stand alone, and only first: 十三
                    return None
                digit = 1
            value += digit * unit
            last_unit, digit, zero = unit, None, False
        else:
            return None
    if digit is not None:
        if zero or last_unit in (10, 10_000):
            value += digit
        else:  # 一百二 = 120
            value += digit * last_unit // 10
    elif zero:
        return None
    return value


def _cn_integer(s: str) -> int | None:
    """A whole Chinese numeral with 万 and 亿: 三亿五千万 -> 350000000, 二〇一七 -> 2017."""
    if not s:
        return None
    if len(s) > 1 and all(ch in DIGITS or ch in "〇零" for ch in s):
        # 二〇一七: read digit by digit, as years are written
        return int("".join(str(DIGITS.get(ch, 0)) for ch in s))
    if "两十" in s:
        return None
    i = s.rfind("亿")
    if i >= 0:
        high = _cn_integer(s[:i]) if i else None
        low = _cn_low(s[i + 1 :], 100_000_000)
        return None if high is None or low is None else high * 100_000_000 + low
    i = s.rfind("万")
    if i >= 0:
        high = _cn_section(s[:i]) if i else None
        low = _cn_low(s[i + 1 :], 10_000)
        return None if not high or low is None else high * 10_000 + low
    return _cn_section(s)


def _cn_low(s: str, big: int) -> int | None:
    """The part after 万/亿: 三万五 -> 5000 (colloquial), 三万零五 -> 5, 三万五千 -> 5000."""
    if not s:
        return 0
    if s[0] in "零〇":
        return _cn_integer(s[1:]) if len(s) > 1 else None
    if len(s) == 1 and s in DIGITS:
        return DIGITS[s] * big // 10
    v = _cn_integer(s) if big > 10_000 else _cn_section(s)
    return v if v is not None and v < big else None


def _cn_decimal(s: str) -> float | None:
    """三点五 -> 3.5, 一百二十 -> 120.0."""
    whole, _, frac = s.partition("点")
    w = _cn_integer(whole)
    if w is None:
        return None
    if not frac:
        return float(w)
    if any(ch not in DIGITS and ch not in "〇零" for ch in frac):
        return None
    return float(f"{w}." + "".join(str(DIGITS.get(ch, 0)) for ch in frac))


def _arabic(s: str) -> float:
    return float(s.replace(",", ""))


def _plain(s: str) -> float | None:
    """An Arabic or Chinese numeral with nothing around it."""
    s = s.translate(FOLD).strip()
    if re.fullmatch(_ARABIC, s):
        return _arabic(s)
    if re.fullmatch(_CHINESE, s):
        return _cn_decimal(s)
    return None


def parse_number(text: str) -> float | None:
    """Read one number written in any common way.

    Args:
        text: 1,234.5  ３０  一百二十  两千零五  1.2万  3亿  49.98万  25%  百分之八十
            三分之一.

    Returns:
        The value as a float (1.2万 -> 12000.0; a percentage gives its number of
        percent, 25% -> 25.0, 百分之八十 -> 80.0; a fraction gives the ratio,
        三分之一 -> 0.333…), or None when ``text`` is not a number (十三五, B2B).
    """
    s = text.translate(FOLD).strip()
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
            head = s[: -len(mag)]
            if re.fullmatch(_ARABIC, head):  # 1.2万; 三十万 was read whole above
                return _round(_arabic(head) * factor)
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


def _blocked(text: str, start: int, unit: str) -> bool:
    """A unit character that begins a longer word is no unit: 5000元以下处罚款 (处罚)."""
    if not unit:
        return False
    return any(text.startswith(w, start) for w in _blockers().get(unit, ()))


def _read(m: re.Match[str], tag: str) -> tuple[float | None, str, str, bool]:
    """One side of a match: value as written, magnitude, unit without magnitude, Chinese?"""
    a, c = m.group(f"{tag}a"), m.group(f"{tag}c")
    mag = m.group(f"{tag}m") or m.group(f"{tag}m2") or ""
    unit = m.group(f"{tag}u") or ""
    if a is not None:
        return _arabic(a), mag, unit, False
    if c is None:
        return None, mag, unit, True
    # 三十万人: the numeral swallowed the magnitude; give it back to the unit
    if not mag:
        for big in ("万亿", "亿", "万"):
            if c.endswith(big) and len(c) > len(big) and c[-len(big) - 1] not in BIG_UNITS:
                head = c[: -len(big)]
                v = _cn_decimal(head)
                if v is not None:
                    return v, big, unit, True
    return _cn_decimal(c), mag, unit, True


def find_numbers(text: str, bare: bool = True) -> list[NumberMatch]:
    """Find every number in a text, with the unit written after it.

    Args:
        text: clean text, e.g. 引入1—2家相关机构，航空港年旅客吞吐量达到2300万人次.

    Returns:
        ``NumberMatch`` items in text order: (1—2家, 1, 2, 家), (2300万人次, 2300,
        None, 万人次). Bare numbers (1125) come with an empty unit (left out
        when ``bare`` is False: faster on tables of figures); numbers glued
        to Latin letters or ``+`` (B2B, 5G, 1+4) and non-numerals (十三五) are left out.
    """
    folded = fold(text)
    out: list[NumberMatch] = []
    regex, pos = _number_regex(), 0
    while (m := regex.search(folded, pos)) is not None:
        if (
            not bare
            and m.group("one")
            and not (
                m.group("xu") or m.group("xm") or m.group("xm2") or m.group("yu") or m.group("ym") or m.group("ym2")
            )
        ):
            pos = m.end()
            continue
        item = _build(folded, text, m)
        pos = item.span[1] if item is not None else m.end()
        if item is None:
            continue
        start, end = item.span
        if _glued(folded[start - 1] if start else "", folded[end] if end < len(folded) else "", item.text):
            continue
        if bare or item.unit or item.fraction:
            out.append(item)
    return _merge_bounds(folded, text, out)


def _build(folded: str, text: str, m: re.Match[str]) -> NumberMatch | None:
    """One match of the number regex as a NumberMatch, or None when it does not parse."""
    start, end = m.span()
    if m.group("pct"):
        lo = _plain(m.group("pn"))
        hi = _plain(m.group("pn2")) if m.group("pn2") else None
        if lo is None or (m.group("pn2") and hi is None):
            return None
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


def _one(folded: str, text: str, m: re.Match[str]) -> NumberMatch | None:
    """Build a NumberMatch from the ``one`` branch: a number or a range."""
    start = m.start()
    xv, xm, xu, xc = _read(m, "x")
    if xv is None:
        return None
    has_y = m.group("ya") is not None or m.group("yc") is not None
    if has_y:
        range_ = _range(folded, text, m, xv, xm + xu, xc)
        if range_ is not None:
            return range_
    # one number alone: cut the match back to its end
    more = bool(m.group("xq") or m.group("xq2"))
    x_end = max(m.end(g) for g in ("xa", "xc", "xq", "xm", "xq2", "xu", "xm2") if m.group(g) is not None)
    unit = xm + xu
    if xu and _blocked(folded, x_end - len(xu), xu):
        unit = xm
        x_end -= len(xu)
        if m.group("xq2"):
            x_end -= 1
    if not unit and more:  # 10多 alone: the 多 belongs to what follows
        x_end, more = m.end("xa") if m.group("xa") else m.end("xc"), False
    return NumberMatch(text[start:x_end], (start, x_end), xv, None, unit, xc, more=more)


def _range(folded: str, text: str, m: re.Match[str], xv: float, x_unit: str, xc: bool) -> NumberMatch | None:
    """The range branch: 1—2家, 10%—15%, 1.2万—2万元, 5000元至2万元; None if it reads badly."""
    yv, ym, yu, yc = _read(m, "y")
    y_unit = ym + yu
    if yv is None or not (x_unit or y_unit):
        return None  # 2017-2030, 0517-83605210: no unit, no range
    if yu and _blocked(folded, m.end("yu") - len(yu), yu):
        return None
    if not x_unit or not y_unit or x_unit == y_unit or x_unit == ym:
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
    start, end = m.span()
    if m.group("xq") or m.group("yq") or m.group("xq2") or m.group("yq2"):
        return None  # 3余—5个 reads badly
    return NumberMatch(text[start:end], (start, end), xv, value_max, unit, xc or yc)


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
