"""Named entities (ORG, LOC, PER, EVENT) in the clean text of a policy document.

Two sources feed one list:

* **rules** (``source="rule"``): gazetteers of places, countries, foreign
  cities, international organisations and central bodies, and patterns built
  from small named pieces (a place + a government head: 杭州市人民政府办公厅;
  a level word + a department: 市商务局; a proper name + an institution head:
  大连商品交易所). They match characters, not tokens, so a name is found even
  where jieba cuts through it (由市|人民政府).
  Where a short name must stand on its own (营口 is no place in 经营口径),
  jieba's token boundaries decide, segmented only for paragraphs that ask.
* **model** (``source="model"``, on request: ``parse --ner-model``): a small
  statistical ``ner`` trained in this repository (``scripts/train_ner.py``)
  on annotated policy sentences. It runs after the rules and only fills the
  gaps between rule spans; its spans are filtered so slogans and class nouns
  (一带一路, 有关部门) never come out.

The rules run by default and need no spaCy. The model is opt-in because it
earns little for its cost: on the held-out dev sentences rules alone score
the same F1 as rules plus model (0.989), on the real corpus fewer than half
its additions are names (中国政府 out of 中国政府网), and it costs about
14 ms a page (``make bench``), twice the rest of the pipeline together.
With it, the spaCy pipeline is ``spacy.blank("zh")`` with the jieba segmenter, a
``policy_entity_rules`` component and the trained ``ner``, built once per
process by :func:`load_nlp`; without the model directory it runs on rules
alone and warns once.

Example:
    >>> [(e.text, e.label) for e in tag_entities("市商务局会同南京海关推进口岸建设。")]
    [('市商务局', 'ORG'), ('南京海关', 'ORG')]
"""

from __future__ import annotations

import json
import logging
import re
import warnings
from collections.abc import Container, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from pipeline.model import Entity

DATA_DIR = Path(__file__).resolve().parent / "data"
GAZETTEER_DIR = DATA_DIR / "gazetteer"
DEFAULT_MODEL_DIR = DATA_DIR / "ner" / "model"
OUTPUT_LABELS = frozenset({"ORG", "LOC", "PER", "EVENT"})  # LAW belongs to references.py
DEFAULT_MAX_PREFIX = 14  # longest specific part before an institution head: 国际可再生能源发展合作
CJK = "\u4e00-\u9fff"
NUMERAL = "[一二三四五六七八九十百零〇0-9]+"  # 二十三, 109

Hit = tuple[int, int, str]  # (start, end, label), offsets into the text given


# --- gazetteer data -----------------------------------------------------------


def _lines(name: str) -> list[str]:
    """Give the non-comment lines of a gazetteer file: countries.txt -> ['中国 中华人民共和国', ...]."""
    text = (GAZETTEER_DIR / name).read_text(encoding="utf-8")
    return [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]


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


@lru_cache(maxsize=1)
def load_gazetteer() -> Gazetteer:
    """Read pipeline/data/gazetteer/ once and give the :class:`Gazetteer`.

    Example: ``load_gazetteer().names["江苏省"] == "LOC"``.
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
    countries: set[str] = set()
    for line in _lines("countries.txt"):
        for s in line.split():
            names[s] = "LOC"
            countries.add(s)
    foreign = set(countries)
    for line in _lines("foreign_cities.txt"):
        for s in line.split():
            names.setdefault(s, "LOC")
            foreign.add(s)
    for fname in ("intl_orgs.txt", "central_orgs.txt"):
        for line in _lines(fname):
            for s in line.split():
                names[s] = "ORG"
    for s in _lines("persons.txt"):
        names[s] = "PER"
    ambiguous = frozenset(_lines("ambiguous_short.txt"))
    for s in ambiguous:
        shorts.pop(s, None)
    for s in list(shorts):
        if s in names:  # 吉林 is a province's short form and a city's full name
            shorts.pop(s)
    pieces = json.loads((GAZETTEER_DIR / "org_patterns.json").read_text(encoding="utf-8"))
    return Gazetteer(
        names=names,
        shorts=shorts,
        places=frozenset(places),
        parents=frozenset(parents),
        countries=frozenset(countries),
        foreign=frozenset(foreign),
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


def _alt(words: list[str] | frozenset[str]) -> str:
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
    dept = _alt(p["dept_stems"]) + _alt(p["dept_suffixes"])
    # 科委, 教委, 外办: one-character stems only with 委/办
    dept_short = "(?:科|教|建|农|计|经|外|侨|台|法制|研|督|编)(?:委|办)"
    # 办公厅 after 人民政府, 执法大队 after 规划和自然资源局
    sub = _alt(p["sub_units"])
    # 人民政府合作交流办公室, 政府外事办: a government's own office named by its function
    gov_office = "(?:人民政府|政府)" + dept
    tail = "(?:" + "|".join([gov_office, dept, _alt(p["gov_heads"]), dept_short]) + ")(?:" + sub + ")?"
    # A short in-document name opens with a level word that is not part of a
    # longer word or a class phrase: 市商务局, 区政府; not 各区政府, 城市委员会,
    # 乡镇人民政府, 市、区人民政府, 县（市）人民政府.
    # The checks look behind from after the level word, so the pattern opens
    # with literals and the regex engine skips to them instead of trying
    # every position: five times faster on a long text.
    level_org = re.compile(_alt_not_after(p["level_chars"], "各全本该每我城都超股楼上下新园景社地辖郊乡镇县市区省州（(",
                                          "省市县区州乡镇旗") + tail)
    inst_head = re.compile(_alt(p["inst_suffixes"]))
    # 世界知识产权组织（WIPO）, 国际可再生能源机构（IRENA）: a name glossed by a Latin acronym
    acronym = re.compile(r"[（(](?<=[" + CJK + r"][（(])[A-Z][A-Za-z&]{1,11}[）)]")
    num = NUMERAL
    year = r"(?:\d{4}年?)?"  # 2017第四届…
    term = f"第{num}届"  # 第二十三届
    name_char = f"(?:[{CJK}]|[（(][{CJK}]{{1,6}}[）)])"  # 中国（厦门）国际…
    # 第二十届中国国际投资贸易洽谈会, 2017第四届中国（东盟）博览会
    event = _Gated(re.compile(year + term + name_char + "{2,24}?" + _alt(p["event_heads"])), ("届",))
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
    generic = re.compile("^" + _alt(p["generic_modifiers"] + p["left_stops"]) + "+")
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


@lru_cache(maxsize=1)
def _segmenter() -> Any:
    """jieba's segmenter and dictionary as ``rjieba`` (jieba-rs) gives them; None without it.

    The Rust port carries the same dictionary and the same algorithm, and is
    ready in a tenth of a second where Python jieba spends over a second
    loading its dictionary: that second was most of the pipeline's cold start.
    """
    try:
        import rjieba
    except ImportError:
        return None
    return rjieba


class _DictWords:
    """jieba's ordinary dictionary words of 2-4 characters: ``"产权" in words``.

    Looked up in the segmenter's own dictionary instead of a second copy of
    it; proper words are left out.
    """

    __slots__ = ("has_word", "proper")

    def __init__(self, has_word: Any, proper: frozenset[str]) -> None:
        self.has_word, self.proper = has_word, proper

    def __contains__(self, word: object) -> bool:
        return (isinstance(word, str) and 2 <= len(word) <= 4 and word not in self.proper
                and bool(self.has_word(word)))


@lru_cache(maxsize=1)
def jieba_words() -> tuple[frozenset[str], Container[str]]:
    """Give (proper, other): jieba's dictionary words of 2-4 characters split by tag.

    Proper words are tagged ns nr nrt nz nt j: 长江 (ns) starts a name
    (长江财产保险公司); 产权 (n) does not (产权交易所). The proper words are
    read from data/gazetteer/jieba_proper.txt (``scripts/jieba_proper.py``
    writes it from jieba's dict.txt); the others are looked up in the
    segmenter's dictionary. Without a segmenter both are empty.
    """
    segmenter = _segmenter()
    if segmenter is None:
        return frozenset(), frozenset()
    proper = frozenset(_lines("jieba_proper.txt"))
    return proper, _DictWords(segmenter.has_word, proper)


def token_boundaries(text: str) -> frozenset[int]:
    """Give the offsets where jieba's tokens of ``text`` start and end.

    Example: ``sorted(token_boundaries("经营口径"))`` is ``[0, 2, 4]`` (经营|口径).
    """
    segmenter = _segmenter()
    if segmenter is None:
        return frozenset()
    out, pos = {0}, 0
    for word in segmenter.cut(text):
        pos += len(word)
        out.add(pos)
    return frozenset(out)


class LazyBoundaries:
    """A paragraph's jieba token boundaries, segmented only when first asked for.

    Most paragraphs hold no gazetteer name whose alignment matters, and
    segmenting costs more than the rest of the rules together.
    """

    __slots__ = ("text", "_bounds")

    def __init__(self, text: str) -> None:
        self.text = text
        self._bounds: frozenset[int] | None = None

    def __contains__(self, offset: object) -> bool:
        if self._bounds is None:
            self._bounds = token_boundaries(self.text)
        return offset in self._bounds


def looks_proper(s: str) -> bool:
    """Tell whether ``s`` opens with a proper word, or with no dictionary word at all.

    Examples: 长江财产 -> True (长江 ns); 比亚迪 -> True (unknown); 故事 -> False (n).
    """
    proper, other = jieba_words()
    for n in (4, 3, 2):
        w = s[:n]
        if len(w) == n and w in proper:
            return True
        if len(w) == n and w in other:
            return False
    return True


# --- rule matching --------------------------------------------------------------


def _place_at(text: str, i: int, gaz: Gazetteer, foreign: bool = True, short: bool = True) -> int:
    """Give the end of the longest place name starting at ``i`` (or ``i``).

    ``foreign=False`` keeps to China's divisions (a chain never runs from
    韩国 into 釜山市); ``short=False`` wants a full name (淮安市洪泽区 does not
    run on into 洪泽|湖大道). Example: ``_place_at("在杭州市开展", 1, gaz)`` is 4.
    """
    for n in gaz.lengths.get(text[i : i + 2], ()):
        s = text[i : i + n]
        if len(s) < n or s in gaz.ambiguous:
            continue
        if (
            (s in gaz.places and (short or s in gaz.names))
            or (short and s in gaz.shorts)
            or (foreign and s in gaz.foreign)
        ):
            return i + n
    return i


def _place_chain(text: str, i: int, gaz: Gazetteer) -> int:
    """Give the end of a chain of places from ``i``: 江苏省南京市鼓楼区, 淮安市洪泽区.

    A child not in the lists is accepted right after a listed parent
    (上海市|普陀区 is listed; 淮安市|某某区 is not, and still counts).
    """
    end = _place_at(text, i, gaz, foreign=False)
    if end == i:
        return i
    while True:
        nxt = _place_at(text, end, gaz, foreign=False, short=False)
        if nxt > end:
            end = nxt
            continue
        if text[end - 1] in "省市州":
            m = load_patterns().county.match(text, end)
            if m and looks_proper(m.group()) and not re.search(r"[省市县区州委政府党各全本该城郊]", m.group()[:-1]):
                end = m.end()
                continue
        return end


def _is_name_start(text: str, i: int, gaz: Gazetteer) -> bool:
    """Tell whether a name begins at ``i``: a place, a country, 国际/中国/世界…"""
    pats = load_patterns()
    return text.startswith(pats.name_starts, i) or _place_at(text, i, gaz) > i


def _left_start(text: str, head: int, gaz: Gazetteer, floor: int = 0) -> int:
    """Give where the specific part of a name before ``head`` begins.

    Scans left over CJK characters and stops at punctuation or a stop word
    (支持|南京银行, 加强与|中国欧盟商会). A coordinator (与, 及, 和) stops
    the scan only when a name starts after it, so 国际港口与航运协会 stays whole
    while 商会、|国际商会 splits.
    """
    pats = load_patterns()
    lo = max(floor, head - DEFAULT_MAX_PREFIX)
    j = head
    while j > lo:
        ch = text[j - 1]
        if not ("\u4e00" <= ch <= "\u9fff"):
            break
        stop = next((w for w in pats.left_stops if text.endswith(w, lo, j)), None)
        if stop is not None and len(stop) == 1 and _in_word(text, j - 1):
            stop = None  # 华为 holds 为, 共和国 holds 和: not a stop there
        if stop is not None and j < head:
            before = j - len(stop)
            if (
                stop in ("与", "及", "和", "以及", "同")
                and not _is_name_start(text, j, gaz)
                and not pats.inst_head.search(text, max(0, before - 5), before)  # 保险公司及|村镇银行
            ):
                j = before
                continue
            break
        j -= 1
    return j


def _in_word(text: str, k: int) -> bool:
    """Tell whether the character at ``k`` belongs to a dictionary word with a neighbour: 华|为 -> True."""
    proper, other = jieba_words()
    return any(w in proper or w in other for w in (text[k - 1 : k + 1] if k else "", text[k : k + 2]))


def _is_proper_start(prefix: str, gaz: Gazetteer) -> bool:
    """Tell whether ``prefix`` opens with a proper name (a place, 国际…, a jieba ns/nz word).

    Examples: 大连商品 -> True; 长江财产 -> True (长江 is ns); 产权 -> False.
    """
    if _is_name_start(prefix, 0, gaz):
        return True
    proper, other = jieba_words()
    for n in (4, 3, 2):
        w = prefix[:n]
        if len(w) == n and (w in proper or w in other):
            return w in proper
    return False  # an unknown opening word is too weak a sign on its own


# Class words inside a would-be name make it a description: 全日制应届高校|大学
_CLASS_INSIDE = re.compile(r"高校|企业|机构|部门|单位|学校|院校|医疗|人员|群众|毕业生")


def _institution_hits(text: str, gaz: Gazetteer) -> list[Hit]:
    """Give ORG hits for named institutions: a proper name + 银行/交易所/协会/大学….

    Example: 支持南京银行发起设立 -> 南京银行; 村镇银行 -> nothing (class noun).
    """
    pats = load_patterns()
    hits = []
    for m in pats.inst_head.finditer(text):
        start = _left_start(text, m.start(), gaz)
        prefix = text[start : m.start()]
        # trim leading stop words (与, 及) that a non-stopping coordinator left
        while prefix and (k := next((w for w in pats.left_stops if prefix.startswith(w)), None)):
            if _is_name_start(prefix, 0, gaz):
                break
            prefix, start = prefix[len(k) :], start + len(k)
        # 香港与|第一人民医院: a place alone before a coordinator is a conjunct, not part of the name
        conj = re.search(r"与|及|和", prefix)
        if conj and _place_at(prefix, 0, gaz) == conj.start():
            prefix, start = prefix[conj.end() :], start + conj.end()
        rest = pats.generic.sub("", prefix)
        if len(prefix) < 2 or not rest or _CLASS_INSIDE.search(prefix):
            continue
        # a registered company needs no known first word: 比亚迪股份有限公司
        registered = m.group().endswith("有限公司") and prefix[:2] not in jieba_words()[1]
        if not (registered or _is_proper_start(prefix, gaz)):
            continue
        # 上海市|跨国公司: a place and a class noun, not a name (南京|银行 has nothing between)
        place_end = _place_at(prefix, 0, gaz)
        if 0 < place_end < len(prefix) and not pats.generic.sub("", prefix[place_end:]):
            continue
        hits.append((start, m.end(), "ORG"))
    for m in pats.acronym.finditer(text):
        start = _left_start(text, m.start(), gaz)
        name = text[start : m.start()]
        if (
            len(name) >= 4
            and _is_proper_start(name, gaz)
            and re.search(r"(?:组织|机构|协会|联盟|中心|委员会|理事会|基金会?|银行|署|局|论坛|联合会|公司|集团)$", name)
        ):
            hits.append((start, m.start(), "ORG"))
    return hits


def _tail_ok(text: str, end: int, matched: str) -> bool:
    """Tell whether a government head ending at ``end`` is really the body.

    Example: 区政府|信息公开 -> False; 市委|托 -> False; 市政府|网站 -> True.
    """
    pats = load_patterns()
    for head, bad in pats.bad_after.items():
        if matched.endswith(head) and bad.match(text, end):
            return False
    return True


def _org_after(text: str, pos: int) -> int:
    """Give the end of an ORG tail (人民政府办公厅, 商务局, 委) starting at ``pos``, or ``pos``."""
    m = load_patterns().org_tail.match(text, pos)
    while m and not _tail_ok(text, m.end(), m.group()):
        # back off to a shorter tail: 政府办公厅 is fine where 政府信息 is not
        shorter = load_patterns().org_tail.match(text[: m.end() - 1], pos)
        if not shorter or shorter.end() >= m.end():
            return pos
        m = shorter
    return m.end() if m else pos


def find_rule_entities(text: str, boundaries: Container[int] | None = None) -> list[Hit]:
    """Take one paragraph and give rule entities as (start, end, label), non-overlapping.

    ``boundaries`` are the token boundaries of the paragraph (jieba; a
    :class:`LazyBoundaries` segments only when asked); a bare
    short place name (杭州) counts only on them, so 营口 is not found in 经营口径.
    Without them, bare short names are accepted anywhere.

    Example:
        >>> find_rule_entities("中共无锡市委、市政府")
        [(0, 6, 'ORG'), (7, 10, 'ORG')]
    """
    gaz, pats = load_gazetteer(), load_patterns()
    cands: list[tuple[int, int, str, int]] = []  # (start, end, label, priority)

    def add(s: int, e: int, label: str, prio: int) -> None:
        if e > s:
            cands.append((s, e, label, prio))

    n = len(text)
    for opener in gaz.openers.finditer(text):  # where a listed name may start
        i = opener.start()
        ch = text[i]
        if not ("\u4e00" <= ch <= "\u9fff"):
            continue
        lengths = gaz.lengths.get(text[i : i + 2])
        if lengths is None:  # no listed name starts here, so no place chain does
            continue
        # gazetteer names: every length, the overlap resolution picks
        for L in lengths:
            if i + L > n:
                continue
            name = text[i : i + L]
            label = gaz.names.get(name)
            if label == "ORG" and name.endswith("部") and text.startswith("门", i + L):
                continue  # 国务院|财政部门: a class of departments, not 财政部
            if label and name not in gaz.ambiguous and _aligned(text, i, i + L, boundaries, strict=L == 2):
                e = i + L
                if name in gaz.foreign and name not in gaz.countries and text.startswith("市", e):
                    e += 1  # 釜山|市: a foreign city with the suffix written out
                elif label == "ORG" and (branch := _BRANCH.match(text, e)) and _place_at(text, e, gaz) > e:
                    e = branch.end()  # 中国人民银行|成都分行
                elif label == "ORG" and (office := _OFFICE.match(text, e)):
                    e = office.end()  # 工业和信息化部|办公厅
                add(i, e, label, 2)
            elif name in gaz.shorts and _aligned(text, i, i + L, boundaries, strict=True):
                add(i, i + L, "LOC", 1)
        # a place chain and what follows it: 杭州市人民政府办公厅, 中共江苏省委, 南京海关
        end = _place_chain(text, i, gaz)
        first = _place_at(text, i, gaz, foreign=False)
        if end > i and boundaries is not None and i not in boundaries and text[i:first] in gaz.shorts:
            end = i  # a short name inside a word starts no chain: 经|营口|岸
        if end > i:
            chain = text[i:end]
            if chain not in gaz.names and chain not in gaz.shorts and _aligned(text, i, end, boundaries):
                add(i, end, "LOC", 1)  # 上海市普陀区: one span
            addr = _ADDRESS.match(text, end)
            if addr and text[i:end] not in gaz.shorts:
                add(i, addr.end(), "LOC", 3)
            inst = _PUBLIC_INSTITUTION.match(text, end)
            if inst and text[end - 1] in "省市县区州":
                add(i, inst.end(), "ORG", 3)  # 上海市普陀区|土地发展中心
            tail = _org_after(text, end)
            if tail > end and text[tail - 1] == "局" and (unit := _BUREAU_UNIT.match(text, tail)):
                tail = unit.end()
            if tail > end:
                start = i - 2 if text.startswith("中共", i - 2) else i
                add(start, tail, "ORG", 3)
    # short in-document names: 市商务局, 区政府, 省委, 市人大常委会办公厅
    for m in pats.level_org.finditer(text):
        end = _org_after(text, m.start() + _level_len(m.group()))
        if end > m.start() + 1:
            add(m.start(), end, "ORG", 3)
    for s, e, label in _institution_hits(text, gaz):
        add(s, e, label, 3)
    for m in pats.event.finditer(text):
        s, e = m.start(), m.end()
        # 南宁市|第十四届人民代表大会|常务委员会第二十四次会议: the body's place and the session
        more = _SESSION_TAIL.match(text, e)
        e = more.end() if more else e
        place = next((c for c in cands if c[2] == "LOC" and c[1] == s), None)
        add(place[0] if place else s, e, "EVENT", 4)
    for m in _NAMED_EVENT.finditer(text):
        add(m.start(), m.end(), "EVENT", 3)
    for m in pats.session.finditer(text):
        s = m.start()
        if m.group().startswith("第"):  # 国务院第109次常务会议: the body is part of the name
            org = next((c for c in cands if c[2] in ("ORG", "EVENT") and c[1] == s), None)
            if org is None:
                continue
            s = org[0]
            # 第十届|全国人民代表大会常务委员会|第五次会议: the term number opens the name
            term = re.search(f"第{NUMERAL}届$", text[max(0, s - 8) : s])
            if term:
                s -= len(term.group())
        add(s, m.end(), "EVENT", 4)
    for m in pats.comrade.finditer(text):
        if looks_proper(m.group(1)):  # 张明同志; not 负责同志, 主要同志
            add(m.start(1), m.end(1), "PER", 1)
    hits = _resolve(cands)
    hits = _add_foreign_children(text, hits, gaz)
    return hits


# A division's suffix that begins a compound word is not the suffix: 港口|区域, 县域, 市场.
_SUFFIX_COMPOUND = re.compile(r"区[域划间块位]|县[域城]|市[场域]")
# ...nor is a place the first part of an ethnic name: 朝鲜族, 蒙古族.
_AFTER_PLACE_BAD = re.compile(r"族")


def _aligned(text: str, s: int, e: int, boundaries: Container[int] | None, strict: bool = False) -> bool:
    """Tell whether a gazetteer name at ``[s, e)`` stands on its own.

    The start must be a token boundary; a ``strict`` (two-character or bare
    short) name must also end on one unless a level word follows (杭州|市委).
    Examples: 沿海地区 has no 海地; 经营口径 has no 营口; 洪泽|区政府 keeps 洪泽区.
    """
    if _SUFFIX_COMPOUND.match(text, e - 1) or _AFTER_PLACE_BAD.match(text, e):
        return False
    if boundaries is None:
        return True
    if s not in boundaries:
        return False
    return not strict or e in boundaries or text[e : e + 1] in ("市", "省", "县", "区", "州", "委")


# what continues a numbered congress: 第十四届人民代表大会|常务委员会第二十四次会议
_SESSION_TAIL = re.compile(f"(?:常务委员会|委员会)?第{NUMERAL}次(?:全体|常务)?会议")
# a street address after a place chain: 淮安市洪泽区|洪泽湖大道90号
_ADDRESS = re.compile(r"[" + CJK + r"]{1,8}?(?:大道|大街|路|街|巷|道)(?:[0-9]+|[一二三四五六七八九十百]+)号(?:院|楼)?")
# a branch of a national body in a place: 中国人民银行|成都分行, 国家统计局|湖南调查总队
_BRANCH = re.compile(r"[" + CJK + r"]{2,8}?(?:分行|支行|分公司|分院|监管局|调查总队|营业管理部)")
# a public institution named after its place: 上海市普陀区|自然资源确权登记事务中心
_PUBLIC_INSTITUTION = re.compile(
    r"[" + CJK + r"]{0,10}?(?:服务|事务|发展|管理|登记|交流|研究|信息|指挥|数据|监测|检测|交易|培训|保障|救助|执法)中心"
)
# a named event without a term number: 中国国际进口博览会, 全国运动会
_NAMED_EVENT = re.compile(
    r"(?:中国|全国|世界|亚洲|全球)[" + CJK + r"（）]{2,14}?(?:博览会|交易会|洽谈会|运动会|艺术节|电影节)"
)
# a listed body's general office: 工业和信息化部|办公厅, 国务院|办公厅 (listed itself)
_OFFICE = re.compile(r"办公厅|办公室")
# a unit under a bureau: 石家庄市公安局|人口管理支队
_BUREAU_UNIT = re.compile(r"[" + CJK + r"]{2,6}?(?:支队|大队|总队|分局|中队)")


def _level_len(matched: str) -> int:
    """Give the length of the level word opening a short name: 自治区人民政府 -> 3, 市委 -> 1."""
    return 3 if matched.startswith(("自治区", "自治州", "自治县")) else 1


def _resolve(cands: list[tuple[int, int, str, int]]) -> list[Hit]:
    """Keep the outermost candidates: longest first, then higher priority; no overlaps.

    Example: 杭州市 (LOC) inside 杭州市人民政府 (ORG) goes.
    """
    kept: list[tuple[int, int, str]] = []
    taken = bytearray(max((c[1] for c in cands), default=0))
    for s, e, label, _p in sorted(cands, key=lambda c: (-(c[1] - c[0]), -c[3], c[0])):
        if any(taken[s:e]):
            continue
        taken[s:e] = b"\x01" * (e - s)
        kept.append((s, e, label))
    return sorted(kept)


# 加拿大|多伦多、 俄罗斯|喀山市等: a foreign city right after its country, up to a break
_CITY_AFTER_COUNTRY = re.compile(r"(?![等和及与的各在为对是])[" + CJK + r"]{2,5}?(?:市|州)?(?=[、，。；和及与等的]|$)")


def _add_foreign_children(text: str, hits: list[Hit], gaz: Gazetteer) -> list[Hit]:
    """Add foreign cities written after their country and names coordinated with them.

    Examples: 加拿大多伦多 -> 加拿大 + 多伦多; 韩国釜山市和仁川市 -> + 仁川市.
    """
    pats = load_patterns()
    out = list(hits)
    taken = {k for s, e, _ in hits for k in range(s, e)}
    for s, e, label in hits:
        if label != "LOC":
            continue
        nxt = None
        if text[s:e] in gaz.countries and text[s:e] not in ("中国", "中华人民共和国"):
            # the city runs to the next break: 俄罗斯喀山市等, 美国西雅图、
            m = _CITY_AFTER_COUNTRY.match(text, e)
            if m and not any(k in taken for k in range(m.start(), m.end())) and looks_proper(m.group()):
                if not re.search(r"(?:国家|地区|城市|政府|企业|大使|使馆|领事|驻华|总统|人民)", m.group()):
                    out.append((m.start(), m.end(), "LOC"))
                    taken.update(range(m.start(), m.end()))
                    nxt = m.end()
        elif text[s:e][-1] in "市州":
            nxt = e
        while nxt is not None:
            m = pats.coordinated.match(text, nxt)
            if not m or any(k in taken for k in range(m.start(1), m.end(1))) or pats.generic.match(m.group(1)):
                break
            out.append((m.start(1), m.end(1), "LOC"))
            taken.update(range(m.start(1), m.end(1)))
            nxt = m.end(1)
    return sorted(out)


# --- the model's spans ----------------------------------------------------------

# Slogans and concept words are numeral-led or end in a concept head:
# 一带一路, 一把手, 五大发展理念, 两个维护 / 运河文化, 创新之都, 山水之中.
_SLOGAN = re.compile(
    r"^[一二三四五六七八九十两百千万]+["
    + CJK
    + r"]|(?:文化|理念|精神|思想|战略|工程|计划|行动|之都|之中|之乡|之城|模式|机制|体系|品牌|名城|联动)$"
)
# Class nouns that name no single body (GUIDELINES.md): 有关部门, 公安机关
_CLASS = re.compile(r"^(?:各|有关|相关|该|本|我|全|县级|市级|省级|各级|其他)|(?:部门|机关|单位|机构|企业)$")


# How a name of each kind ends, for the model's spans (the rules know their own):
# 某某局, 某某委员会, 某某大学 / 某某市, 某某岛 / 某某博览会.
_ORG_END = re.compile(
    r"(?:局|委|办|厅|部|院|会|所|署|行|公司|集团|校|社|中心|组织|政府|队|处|室|站|馆|联|盟|军|区委|党委|法院|检察院|大学|学院|机构|基金)$"
)
_LOC_END = re.compile(r"(?:省|市|县|区|州|盟|旗|镇|乡|村|国|岛|山|河|湖|江|海|湾|港|路|街|号|道)$")
_EVENT_END = re.compile(r"(?:会|节|赛|展|周|月|峰会|论坛|活动|行动|会议|全会|大会)$")


def keep_model_span(text: str, label: str) -> bool:
    """Tell whether a model span may be output: an output label, no slogan, no class noun.

    Examples: ('中国欧盟商会', 'ORG') -> True; ('一带一路', 'LOC') -> False;
    ('有关部门', 'ORG') -> False.
    """
    if label not in OUTPUT_LABELS or len(text) < 2 or text in load_gazetteer().not_entities:
        return False
    if re.search(r"[，。；：、“”《》\sA-Za-z]", text):
        return False
    if label == "EVENT":
        return bool(_EVENT_END.search(text))
    if _SLOGAN.search(text) or _CLASS.search(text) or re.search(r"\d", text):
        return False
    if label == "LOC" and re.search(r"[与和及]", text):  # 市与区财力: a coordination, not a place
        return False
    if label == "ORG":
        return bool(_ORG_END.search(text))
    proper, other = jieba_words()
    if text in other and text not in proper:  # 人民, 海内外, 团体赛: ordinary words
        return False
    if label == "LOC":  # 偏远地区, 陡坡: description words, not names
        return looks_proper(text) and (bool(_LOC_END.search(text)) or text in proper)
    return True  # PER


# --- the spaCy pipeline -----------------------------------------------------------

RULES_KEY = "policy_rule_hits"


def _rules_component(doc: Any) -> Any:
    """spaCy component: find rule entities, keep their exact offsets, preset doc.ents.

    The exact character spans go to ``doc.user_data[RULES_KEY]``; the
    token-expanded spans become ``doc.ents`` so the ``ner`` after it only fills
    the gaps (由市|人民政府 expands to the whole token pair).
    """
    from spacy.util import filter_spans

    # the same boundaries as without spaCy, so the rules find the same names either way
    hits = find_rule_entities(doc.text, LazyBoundaries(doc.text))
    doc.user_data[RULES_KEY] = hits
    spans = [doc.char_span(s, e, label=lab, alignment_mode="expand") for s, e, lab in hits]
    doc.ents = filter_spans([sp for sp in spans if sp is not None])
    return doc


def _register() -> None:
    """Register the rules component with spaCy once."""
    from spacy.language import Language

    if not Language.has_factory("policy_entity_rules"):
        Language.component("policy_entity_rules", retokenizes=False)(_rules_component)


@lru_cache(maxsize=2)
def load_nlp(model_dir: str | None = None) -> Any:
    """Build the spaCy pipeline once per process: jieba tokenizer, rules, ner.

    Takes the model directory (default pipeline/data/ner/model) and gives a
    ``Language``. Without a trained model it warns and gives the rules-only
    pipeline; it never downloads anything.

    Example: ``load_nlp().pipe_names`` is ``['policy_entity_rules', 'ner']``.
    """
    import jieba
    import spacy

    jieba.setLogLevel(logging.WARNING)  # the model's tokenizer is Python jieba; its start-up chatter is no warning
    _register()
    jieba_words()  # warm the word lists so the first document is fast
    path = Path(model_dir) if model_dir else DEFAULT_MODEL_DIR
    nlp = None
    if (path / "config.cfg").exists():
        try:
            nlp = spacy.load(path)
        except Exception as exc:  # a broken model must not stop the pipeline
            warnings.warn(f"NER model at {path} could not be loaded ({exc}); rules only", stacklevel=2)
    else:
        warnings.warn(f"no NER model at {path}; run `make model`; rules only", stacklevel=2)
    if nlp is None:
        nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
    nlp.add_pipe("policy_entity_rules", first=True)
    return nlp


def _rule_entities(text: str, hits: list[Hit], offset: int) -> list[Entity]:
    """Rule hits of one paragraph as entities with offsets into the whole text."""
    return [Entity(text=text[s:e], span=(offset + s, offset + e), label=lab, source="rule") for s, e, lab in hits]


def _doc_entities(doc: Any, offset: int, places: frozenset[str] = frozenset()) -> list[Entity]:
    """Turn one processed paragraph into entities: rule hits, then the model's gap fillers."""
    text = doc.text
    hits = _with_unlisted(text, doc.user_data.get(RULES_KEY, []), places)
    out = _rule_entities(text, hits, offset)
    taken = bytearray(len(text))
    for s, e, _ in hits:
        taken[s:e] = b"\x01" * (e - s)
    for ent in doc.ents:
        s, e = ent.start_char, ent.end_char
        if any(taken[s:e]):
            continue  # a rule span, or a model span touching one
        # jieba may glue a preposition onto a name: 由市|科委 -> the model says 由市科委
        while s < e and text[s] in "由向对在经将把与和及从":
            s += 1
        if ent.label_ == "ORG" and text[e - 1 : e + 1] == "部门":
            continue  # 市城市管理部|门: jieba cut a functional description
        if keep_model_span(text[s:e], ent.label_):
            out.append(Entity(text=text[s:e], span=(offset + s, offset + e), label=ent.label_, source="model"))
    return sorted(out, key=lambda x: x.span)


# a place in no list, known by its form: a proper stem and a level word, seen at least once
# as the owner of a body (岚州省人民政府, 青岗市发展和改革委员会, 北岗县委)
_GENERIC_STEM = re.compile(r"[各全本该每我城都超股楼上下新园景社地辖郊乡镇县市区省两一二三四五六七八九十几多其此这那有等和及与的]"
                           r"|^[对由并年委经向从将把被为请报按据在至到]")


@lru_cache(maxsize=1)
def _unlisted_place_rx() -> re.Pattern[str]:
    p = load_gazetteer().pieces
    dept = "(?:" + _alt(p["dept_stems"]) + ")(?:" + _alt(p["dept_suffixes"]) + ")"
    return re.compile(rf"(?=([{CJK}]{{2,3}}?)(自治区|自治州|自治县|省|市|县|区|州|盟|旗)"
                      rf"(?:{_alt(p['gov_heads'])}|{dept}))")


def unlisted_places(text: str) -> frozenset[str]:
    """Places in no gazetteer that the text names as the owner of a body.

    Example: ``unlisted_places("岚州省人民政府办公厅印发…青岗市财政局")`` is
    ``{"岚州省", "青岗市"}``; 自贸区 or 超大城市 never own a body, so never count.
    """
    gaz = load_gazetteer()
    found: set[str] = set()
    for m in _unlisted_place_rx().finditer(text):
        stem, level = m.group(1), m.group(2)
        name = stem + level
        if name in gaz.names or name in gaz.places or _GENERIC_STEM.search(stem):
            continue
        if any(stem[i:] in gaz.places or stem[i:] + level in gaz.names for i in range(len(stem))):
            continue  # a listed place with a word glued before it: 由|淮安市
        if stem.endswith(tuple(gaz.pieces["gov_heads"])):
            continue  # 市委市人大|市政协: a body's short name, not a place
        start = m.start()
        if start and "\u4e00" <= text[start - 1] <= "\u9fff" and text[start - 1] not in "省市州区县":
            if start not in token_boundaries(text[max(0, start - 12) : start + 12]) and \
                    (start - max(0, start - 12)) not in token_boundaries(text[max(0, start - 12) : start + 12]):
                continue  # inside a word: 加强西|岭市 is no start unless jieba cuts there
        if looks_proper(stem) and not _holds_common_word(stem):
            found.add(name)
    # places listed with a known one, at the same level: 青岗市、北岗市、南岭市
    for m in _PLACE_LIST.finditer(text):
        items = m.group().split("、")
        if not any(x in found or x in gaz.names for x in items):
            continue
        level = items[0][-1]
        for x in items:
            stem = x[:-1]
            if (x[-1] == level and x not in gaz.names and not _GENERIC_STEM.search(stem)
                    and not any(stem[i:] in gaz.places or stem[i:] + level in gaz.names for i in range(len(stem)))
                    and not stem.endswith(tuple(gaz.pieces["gov_heads"])) and looks_proper(stem)
                    and not _holds_common_word(stem)):
                found.add(x)
    return frozenset(found)


# a list of places at one level: 青岗市、北岗市、南岭市 (the first may follow a verb: 在|青岗市)
_PLACE_LIST = re.compile(rf"[{CJK}]{{2,3}}[省市县区州](?:、[{CJK}]{{2,3}}[省市县区州])+")


def _holds_common_word(stem: str) -> bool:
    """Whether a would-be place stem holds a common dictionary word: 并抄送 (抄送) yes, 岚州 no."""
    _proper, other = jieba_words()
    return any(stem[i:j] in other for i in range(len(stem)) for j in range(i + 2, len(stem) + 1))


def _with_unlisted(text: str, hits: list[Hit], places: frozenset[str]) -> list[Hit]:
    """Add the text's unlisted places to a paragraph's hits: an ORG that opens with the level word
    takes the stem in (岚州|省人民政府 -> 岚州省人民政府); a place standing alone becomes a LOC."""
    if not places:
        return hits
    out = list(hits)
    for name in places:
        stem = len(name) - (3 if name.endswith(("自治区", "自治州", "自治县")) else 1)
        for m in re.finditer(re.escape(name), text):
            s, e = m.start(), m.end()
            at = next((k for k, h in enumerate(out) if h[0] < e and s < h[1]), None)
            if at is None:
                tail = _org_after(text, e)
                out.append((s, tail, "ORG") if tail > e else (s, e, "LOC"))  # 岚州省|人民政府办公厅
                continue
            hs, he, label = out[at]
            if label == "ORG" and hs == s + stem:
                out[at] = (s, he, "ORG")  # 岚州|省人民政府
            elif label == "LOC" and s <= hs and he <= e:
                out[at] = (s, e, "LOC")  # a listed short form inside it (东川 of 东川省)
            elif label == "LOC" and hs == s and he > e:
                continue
            elif label == "ORG" and hs < s + stem and he >= e and hs > s:
                out[at] = (s, he, "ORG")
    return sorted(set(out))


def tag_entities(text: str, nlp: Any = None) -> list[Entity]:
    """Take the clean text and give its entities in text order, non-overlapping.

    Paragraphs (split on "\\n") are processed one by one; spans are offsets
    into ``text``. Without ``nlp`` the rules alone run, with no spaCy
    (``source="rule"``); with a pipeline from :func:`load_nlp` the trained
    model then fills the gaps between rule spans (``source="model"``).

    Example:
        >>> [(e.text, e.label, e.source) for e in tag_entities("推动与德国、法国相关城市交流。")]
        [('德国', 'LOC', 'rule'), ('法国', 'LOC', 'rule')]
    """
    paras, offsets, pos = [], [], 0
    for para in text.split("\n"):
        if para.strip():
            paras.append(para)
            offsets.append(pos)
        pos += len(para) + 1
    out: list[Entity] = []
    places = unlisted_places(text)
    if nlp is None:
        for para, off in zip(paras, offsets):
            hits = _with_unlisted(para, find_rule_entities(para, LazyBoundaries(para)), places)
            out.extend(_rule_entities(para, hits, off))
        return out
    for doc, off in zip(nlp.pipe(paras, batch_size=64), offsets):
        out.extend(_doc_entities(doc, off, places))
    return out
