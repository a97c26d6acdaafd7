"""The rule data for named entities, loaded once: gazetteers of places, countries, foreign cities,
international organisations, central bodies and persons (``data/gazetteer/*.txt, *.tsv``), and the
ORG/EVENT/LOC patterns built from the named pieces of ``data/gazetteer/org_patterns.json``.

Example: ``load_gazetteer().names["江苏省"]`` is ``"LOC"``;
``load_patterns().level_org.search("请市商务局牵头").group()`` is ``"市商务局"``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from pipeline.loader import data_json, data_lines

CJK = "\u4e00-\u9fff"
NUMERAL = "[一二三四五六七八九十百零〇0-9]+"  # 二十三, 109


def _lines(name: str) -> list[str]:
    """Give the non-comment lines of a gazetteer file: countries.txt -> ['中国 中华人民共和国', ...]."""
    return data_lines(f"gazetteer/{name}")


# Ethnic-autonomy and level suffixes stripped to get a short form:
# 延边朝鲜族自治州 -> 延边, 广西壮族自治区 -> 广西, 长阳土家族自治县 -> 长阳, 洪泽区 -> 洪泽.
_ETHNIC = re.compile(r"^(.{2,}?)(?:[" + CJK + r"]{1,8}族)+(?:自治区|自治州|自治县|自治旗)$")
_LEVEL_SUFFIX = re.compile(r"^(.{2,}?)(?:特别行政区|自治区|自治州|自治县|自治旗|地区|林区|特区|省|市|县|区|州|盟|旗)$")


def short_form(name: str) -> str | None:
    """Take a division's full name and give its short form, or None.

    Examples: 杭州市 -> 杭州, 延边朝鲜族自治州 -> 延边, 淮安区 -> 淮安, 赵县 -> None
    (one character is too short to stand alone).
    """
    m = _ETHNIC.match(name) or _LEVEL_SUFFIX.match(name)
    return m.group(1) if m and len(m.group(1)) >= 2 else None


@dataclass(frozen=True)
class Gazetteer:
    """The rule data, loaded once: names by surface and the compiled patterns.

    ``names`` holds full names that match anywhere (杭州市, 外交部, 俄罗斯);
    ``shorts`` holds bare short place names (杭州, 洪泽) that must sit on token
    boundaries and are never in ``ambiguous`` (合作, 大同 need their suffix).
    """

    names: dict[str, str]
    shorts: dict[str, str]
    places: frozenset[str]  # every Chinese division, full and short
    parents: frozenset[str]  # full names that may take an unlisted child: 淮安市 + 洪泽区
    countries: frozenset[str]
    foreign: frozenset[str]  # countries and foreign cities
    ambiguous: frozenset[str]
    lengths: dict[str, tuple[int, ...]]  # first two characters -> name lengths, longest first
    openers: re.Pattern[str]  # a character that opens a listed name, for the scan to jump to
    not_entities: frozenset[str]  # class nouns the model may not output: 有关部门, 偏远地区
    pieces: dict[str, Any]


def org_pieces() -> dict[str, Any]:
    """The named pieces of the ORG patterns (``data/gazetteer/org_patterns.json``), parsed once; not to be changed:
    ``org_pieces()["level_chars"]`` -> ['省', '市', '县', …]."""
    return data_json("gazetteer/org_patterns.json")


def _words(*names: str) -> list[str]:
    """Every name on the lines of gazetteer files, variants included: countries.txt -> ['中国', '中华人民共和国', …]."""
    return [s for name in names for line in _lines(name) for s in line.split()]


def _divisions() -> tuple[dict[str, str], dict[str, str], set[str], set[str]]:
    """China's divisions as (names, shorts, places, parents): 江苏省 and its short 江苏, 杭州市 and 杭州.

    A province's shorts are listed (cn_provinces.tsv: 北京市<TAB>北京); a prefecture's or
    county's are cut from its name (``short_form``). Provinces and prefectures are ``parents``.
    """
    names: dict[str, str] = {}
    shorts: dict[str, str] = {}
    places: set[str] = set()
    parents: set[str] = set()
    for line in _lines("cn_provinces.tsv"):
        full, _, rest = line.partition("\t")
        names[full] = "LOC"
        places.add(full)
        parents.add(full)
        for s in rest.split():
            if len(s) >= 2:
                shorts[s] = "LOC"
                places.add(s)
    for fname in ("cn_prefectures.tsv", "cn_counties.tsv"):
        for line in _lines(fname):
            _parent, _, rest = line.partition("\t")
            for full in rest.split():
                names[full] = "LOC"
                places.add(full)
                if fname == "cn_prefectures.tsv":
                    parents.add(full)
                short = short_form(full)
                if short:
                    shorts.setdefault(short, "LOC")
                    places.add(short)
    return names, shorts, places, parents


@lru_cache(maxsize=1)
def load_gazetteer() -> Gazetteer:
    """Read pipeline/data/gazetteer/ once and give the :class:`Gazetteer`.

    Example: ``load_gazetteer().names["江苏省"] == "LOC"``.
    """
    names, shorts, places, parents = _divisions()
    countries = _words("countries.txt")
    for s in countries:
        names[s] = "LOC"
    cities = _words("foreign_cities.txt")
    for s in cities:
        names.setdefault(s, "LOC")
    for s in _words("intl_orgs.txt", "central_orgs.txt"):
        names[s] = "ORG"
    for s in _lines("persons.txt"):
        names[s] = "PER"
    ambiguous = frozenset(_lines("ambiguous_short.txt"))
    # 合作, 大同 need their suffix; 吉林 is a province's short form and a city's full name
    shorts = {s: label for s, label in shorts.items() if s not in ambiguous and s not in names}
    pieces = org_pieces()
    return Gazetteer(
        names=names,
        shorts=shorts,
        places=frozenset(places),
        parents=frozenset(parents),
        countries=frozenset(countries),
        foreign=frozenset(countries) | frozenset(cities),
        ambiguous=ambiguous,
        lengths=(lengths := _lengths_by_opening([*names, *shorts])),
        openers=re.compile("[" + "".join(sorted({re.escape(pair[0]) for pair in lengths})) + "]"),
        not_entities=frozenset(_lines("not_entities.txt")),
        pieces=pieces,
    )


def _lengths_by_opening(words: list[str]) -> dict[str, tuple[int, ...]]:
    """Give, for each opening pair of characters, the lengths of the words it opens, longest first.

    Example: ['杭州', '杭州市', '开平'] -> {'杭州': (3, 2), '开平': (2,)}; the scan then
    skips a position whose two characters open no name (most of a text) with
    one lookup, and elsewhere looks up only lengths that can match.
    """
    out: dict[str, set[int]] = {}
    for w in words:
        if len(w) >= 2:
            out.setdefault(w[:2], set()).add(len(w))
    return {k: tuple(sorted(v, reverse=True)) for k, v in out.items()}


def alternation(words: list[str] | frozenset[str]) -> str:
    """Give a regex alternation of literal words, longest first: ['局', '管理局'] -> (?:管理局|局)."""
    return "(?:" + "|".join(re.escape(w) for w in sorted(set(words), key=lambda w: (-len(w), w))) + ")"


def _alt_not_after(words: list[str], before: str, listed_before: str) -> str:
    """An alternation of ``words`` (longest first), each not right after a character of ``before``
    nor after one of ``listed_before`` and a 、.

    The checks look behind from the word's end (``市(?<![各全]市)``), so the
    alternation opens the regex and the engine can skip to its first characters.
    """
    alts = []
    for w in sorted(set(words), key=lambda w: (-len(w), w)):
        e = re.escape(w)
        alts.append(f"{e}(?<![{re.escape(before)}]{e})(?<![{re.escape(listed_before)}]、{e})")
    return "(?:" + "|".join(alts) + ")"


class _Gated:
    """A regex tried only on a text that holds one of the words every match holds.

    The rule regexes that open with a class of characters (第二十届…会,
    张明同志) make the engine try every position of every paragraph; a
    substring test first is many times cheaper on the paragraphs without one.
    """

    __slots__ = ("pattern", "needs")

    def __init__(self, pattern: re.Pattern[str], needs: tuple[str, ...]) -> None:
        self.pattern, self.needs = pattern, needs

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        if any(w in text for w in self.needs):
            return self.pattern.finditer(text)
        return iter(())


@dataclass(frozen=True)
class Patterns:
    """The compiled ORG/EVENT/LOC patterns (see :func:`load_patterns`)."""

    org_tail: re.Pattern[str]
    level_org: re.Pattern[str]
    inst_head: re.Pattern[str]
    acronym: re.Pattern[str]
    event: _Gated
    session: _Gated
    county: re.Pattern[str]
    coordinated: re.Pattern[str]
    comrade: _Gated
    bad_after: dict[str, re.Pattern[str]]
    generic: re.Pattern[str]
    left_stops: tuple[str, ...]
    name_starts: tuple[str, ...]


@lru_cache(maxsize=1)
def load_patterns() -> Patterns:
    """Build the rule regexes from org_patterns.json once.

    Example: ``load_patterns().level_org.search("请市商务局牵头").group()`` is ``市商务局``.
    """
    p = load_gazetteer().pieces
    # 商务局, 人力资源社会保障局, 金融办: a function stem and a department suffix
    dept = alternation(p["dept_stems"]) + alternation(p["dept_suffixes"])
    # 科委, 教委, 外办: one-character stems only with 委/办
    dept_short = "(?:科|教|建|农|计|经|外|侨|台|法制|研|督|编)(?:委|办)"
    # 办公厅 after 人民政府, 执法大队 after 规划和自然资源局
    sub = alternation(p["sub_units"])
    # 人民政府合作交流办公室, 政府外事办: a government's own office named by its function
    gov_office = "(?:人民政府|政府)" + dept
    tail = "(?:" + "|".join([gov_office, dept, alternation(p["gov_heads"]), dept_short]) + ")(?:" + sub + ")?"
    # A short in-document name opens with a level word that is not part of a
    # longer word or a class phrase: 市商务局, 区政府; not 各区政府, 城市委员会,
    # 乡镇人民政府, 市、区人民政府, 县（市）人民政府.
    # The checks look behind from after the level word, so the pattern opens
    # with literals and the regex engine skips to them instead of trying
    # every position: five times faster on a long text.
    level_org = re.compile(_alt_not_after(p["level_chars"], "各全本该每我城都超股楼上下新园景社地辖郊乡镇县市区省州（(",
                                          "省市县区州乡镇旗") + tail)
    inst_head = re.compile(alternation(p["inst_suffixes"]))
    # 世界知识产权组织（WIPO）, 国际可再生能源机构（IRENA）: a name glossed by a Latin acronym
    acronym = re.compile(r"[（(](?<=[" + CJK + r"][（(])[A-Z][A-Za-z&]{1,11}[）)]")
    num = NUMERAL
    year = r"(?:\d{4}年?)?"  # 2017第四届…
    term = f"第{num}届"  # 第二十三届
    name_char = f"(?:[{CJK}]|[（(][{CJK}]{{1,6}}[）)])"  # 中国（厦门）国际…
    # 第二十届中国国际投资贸易洽谈会, 2017第四届中国（东盟）博览会
    event = _Gated(re.compile(year + term + name_char + "{2,24}?" + alternation(p["event_heads"])), ("届",))
    party_congress = f"党的{num}大"  # 党的二十大
    plenum = f"{num}届(?:{num}[中、]+)*{num}中全会"  # 二十届二中、三中全会
    numbered_meeting = f"第{num}次(?:常务|全体)?会议"  # 国务院|第109次常务会议 (the body is added by the caller)
    session = _Gated(re.compile("|".join([party_congress, plenum, numbered_meeting])), ("党的", "中全会", "会议"))
    # an unlisted district or county right after its listed parent: 淮安市|洪泽区
    county = re.compile(r"[" + CJK + r"]{2}(?:区|县)")
    # 韩国釜山市|和仁川市: a coordinated name of the same kind as the listed one before it
    coordinated = re.compile(r"(?:[、和及与]|以及)([" + CJK + r"]{2,4}?(?:市|州))(?=[、，。；等和及与的]|$)")
    # 由张明同志主持: a name before 同志, after a break or a preposition
    comrade = _Gated(re.compile(
        r"(?:(?<=[由请经和与及对向将把是为、])|(?<!["
        + CJK
        + r"]))(?![由请经和与及对向将把是为])(["
        + CJK
        + r"]{2,3})同志"
    ), ("同志",))
    bad_after = {
        # 政府信息公开 is not the government; 政府性基金, 政府采购 neither
        "政府": re.compile(
            r"信息|性|采购|债|投资|购买|和社会|与社会|引导|补贴|规章|工作报告|职能|举债|专项|质量|数据|开放|部门|机构"
        ),
        # 委托, 委派: the verb, not the committee
        "委": re.compile(r"托|派|任|屈|员(?!会)|婉|实"),
        # 人大代表 keeps 区人大 (guidelines), but 人大常委会 is matched whole first
        "局": re.compile(r"部(?!门)|势|面|限"),  # 局部, 局势; but 自然资源局|部门决算 is the bureau
    }
    generic = re.compile("^" + alternation(p["generic_modifiers"] + p["left_stops"]) + "+")
    return Patterns(
        org_tail=re.compile(tail),
        level_org=level_org,
        inst_head=inst_head,
        acronym=acronym,
        event=event,
        session=session,
        county=county,
        coordinated=coordinated,
        comrade=comrade,
        bad_after=bad_after,
        generic=generic,
        left_stops=tuple(sorted(p["left_stops"], key=len, reverse=True)),
        name_starts=tuple(p["name_starts"]),
    )
