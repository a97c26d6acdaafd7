"""Quantities and what they mean: 2017年，力争…航空港年旅客吞吐量达到2300万人次.

``find_quantities`` turns every number with a unit into a ``Quantity``:
what it measures (``indicator``), its comparator (达到 -> ``>=``, 突破 -> ``>``,
控制在…以内 -> ``<=``, 1—2家 -> ``between``), its kind (``growth`` for 增长25%,
``share`` for 80%的市属三甲医院, else ``level``), its deadline year and
modality (力争, 确保, 争取, 预计, 计划), and its ``role``: a ``target`` the
document sets, a ``fact`` it reports, or a ``limit`` a rule imposes.

The role follows the sentence's time frame before the document's genre: a
deadline after the issue date (到2025年, 2025年底前) looks forward whatever
已/累计 words the sentence holds; a past year, 已, 截至, 以来 or 同比 look
back; a comparison's base year (较2023年, 与2020年相比, 以2020年为基期) is
neither the deadline nor a sign of a fact.

What is not a quantity at all is dropped: ordinals (第二十三届), dates
(2017年, 3月13日), names (世界500强, 1+4空间规划, “五个一”, 72小时过境免签),
document and clause numbers, phone numbers and postcodes (bare numbers).

All cue words are data (``data/target_cues.json``). The rules are lexical:
the indicator is read from the clause around the number (the noun phrase
after ``N个`` when there is one, 建成9个以上功能性口岸; else the subject
before the verb, 航空港年旅客吞吐量达到…), which needs no segmenter.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from pipeline.loader import data_json
from pipeline.model import Normalized, Quantity, Section
from pipeline.numbers import NumberMatch, find_numbers, normalize, parse_number, split_unit, unit_category
from pipeline.numerals import cn_to_int

# the longest indicator kept, in characters; a longer clause is cut at a verb
MAX_INDICATOR = 32
# how far before the latest year a text names its present year may lie (a 2023 package running to 2025)
DEFAULT_PRESENT_WINDOW = 5

# a sentence ends at 。；！？ or a paragraph break
_SENTENCE_END = "。；;！？!?\n"
# a clause ends at those and at ，、：
_CLAUSE_END = _SENTENCE_END + "，,、：:"

# a year as a time adverbial: 2017年, 到2020年, 二〇一七年, 2017年底前
_YEAR = re.compile(
    r"(?P<to>到|至|截至|截止|于|在)?"
    r"(?P<y>(?:19|20)\d\d|[一二][〇零○一二三四五六七八九]{3})年"
    r"(?P<tail>底前|末前|年底前|以前|之前|底|末|前|内|年底|上半年|下半年|度)?"
)
# 年内 / 年底前 / 今年 / 全年 / 本年 / 当年: the document's own year (not the 年内 of 5年内,
# not the 年末 of 比上年末)
_THIS_YEAR = re.compile(
    r"(?<![\d一二两三四五六七八九十百〇零年上去前明后])(?:年内|年底前|年底|年末)|到年底|今年|全年|本年度|本年|当年"
)
# a year named from the issue date: 今年, 明年, 年内, 年底前, 到年底; 今年以来 looks back
_RELATIVE_YEAR = re.compile(
    r"(?:今年|明年)(?P<since>以来)?|(?<![\d一二两三四五六七八九十百〇零年上去前明后])(?:年内|年底前)|到年底"
)
# a date before 前 is a deadline: 2023年11月10日前, 2024年6月底前
_DATE_BEFORE = re.compile(
    r"(?:\d{1,2}|[一二三四五六七八九十]{1,3})月(?:(?:\d{1,2}|[一二三四五六七八九十]{1,3})日)?(?:底|末)?(?:前|以前|之前)"
)
# a list marker or article number opening a clause: 第十一条, （一）, 1., 2、, 三是
_MARKER = re.compile(
    r"^(?:第[一二三四五六七八九十百零〇\d]+条\s*|[（(][一二三四五六七八九十\d]+[）)]|\d+[.．、](?!\d)\s*|\d{1,2}[.．](?=(?:19|20)\d\d年)"
    r"|[一二三四五六七八九十]是)"
)
# a relative deadline or a comparison's base opening a clause: 明年底前, 比2023年末增加
_FRONT_TIME = re.compile(
    r"^(?:明年(?:底前|底|内)?|(?:比|较)(?:(?:19|20)\d\d年|上年|去年|上一年)(?:底|末|度)?(?:同期)?"
    r"(?:增加|新增|减少|提高|降低|增长|下降)(?![值率量额]))"
)
# how often, before the verb: 每年新认定…, 每季度开展…
_EVERY = re.compile(r"^(?:每年度|每年|每季度|每个月|每月|每半年)")
# an article heading makes a document a regulation: 第十二条
_ARTICLE = re.compile(r"^\s*第[一二三四五六七八九十百零〇\d]+条(?![第款项之的规])")
# a title that names a rule: …管理办法, …条例（2021年修正）, …规定的通知
_RULE_TITLE = r"(?:{words})(?:的(?:通知|决定|公告))?(?:[（(][^）)]*[）)])?$"
# quoted names and titles: “五个一”, 《…三年行动计划（2016—2018年）》
_QUOTED = re.compile(
    r"“[^“”\n]{1,40}”|\"[^\"\n]{1,40}\"|「[^「」\n]{1,40}」|『[^『』\n]{1,40}』"
    r"|‘[^‘’\n]{1,40}’|《[^《》\n]{1,120}》|〈[^〈〉\n]{1,60}〉"
)


def _cues() -> dict:
    return data_json("target_cues.json")


def _longest_first(words) -> tuple[str, ...]:
    return tuple(sorted(words, key=len, reverse=True))


@cache
def _lists() -> dict[str, tuple[str, ...]]:
    c = _cues()
    return {k: _longest_first(v) for k, v in c.items() if isinstance(v, list)}


@cache
def _comparators(which: str) -> tuple[tuple[str, str], ...]:
    """(word, comparator) pairs, longest word first: 不超过 before 超过."""
    pairs = [(w, op) for op, words in _cues()[which].items() for w in words]
    return tuple(sorted(pairs, key=lambda p: -len(p[0])))


@cache
def _fact_regex() -> re.Pattern[str]:
    """Fact cues; 上年/去年 only outside a comparison (比上年增长8% may be a goal)."""
    words = _longest_first(_cues()["fact_cues"])
    alt = "|".join(re.escape(w) if w not in ("上年", "去年") else rf"(?<![比较同与]){w}" for w in words)
    return re.compile(alt)


@cache
def _names_regex() -> re.Pattern[str]:
    return re.compile("|".join(re.escape(n) for n in _lists()["number_names"]))


@dataclass(frozen=True, slots=True)
class DocContext:
    """What the whole document says about its numbers.

    ``genre`` is ``plan`` (方案, 计划, 意见, 通知: numbers are goals),
    ``report`` (报告, 预算, 决算, 通报: numbers are facts) or ``regulation``
    (条例, 办法, 第X条: numbers are limits). ``title_year`` is the one year
    the title names (郑州市2017年…实施方案 -> 2017), None for a multi-year
    or undated title. ``period_end`` is the year a target that names none is
    for: the end of the period the document covers (…规划（2021—2025年）,
    “十四五” -> 2025; 有效期至2023年12月31日 -> 2023; a one-year title's year;
    今冬明春 -> the next year), None for measures with no period.
    ``current_year`` is what 全年/年内/今年 mean: the title's year, else the
    issue year, else the earliest year the text speaks of as its present.
    """

    genre: str
    title_year: int | None
    doc_year: int | None
    period_end: int | None = None
    current_year: int | None = None


# --- the document -----------------------------------------------------------


def _head_lines(text: str) -> list[str]:
    """The lines before the body: 版头, 发文字号, title, up to the first long paragraph."""
    lines = []
    for line in text.split("\n")[:12]:
        line = line.strip()
        if not line:
            continue
        if len(line) > 60 or line[-1] in "。；！？" or "，" in line:
            break  # a sentence: the body has begun
        lines.append(line)
    return lines


def _year_value(y: str) -> int | None:
    return int(y) if y.isdigit() else cn_to_int(y)


def document_context(text: str, doc_year: int | None, title: str | None = None) -> DocContext:
    """Read the genre and the title's year of a document.

    Args:
        text: the clean text, its title among the first lines
            (关于印发郑州市2017年提升对外开放水平推进城市国际化实施方案的通知).
        doc_year: the year the document was issued (成文日期), if known.
        title: the 标题 from the metadata, when the text may not begin with it.

    Returns:
        ``DocContext(genre="plan", title_year=2017, doc_year=2017)``.
    """
    head = ([title.replace("\n", "")] if title else []) + _head_lines(text)
    articles = sum(1 for line in text.split("\n") if _ARTICLE.match(line))
    regulation = re.compile(_RULE_TITLE.format(words="|".join(_cues()["title_genre"]["regulation"])))
    if any(regulation.search(line) for line in head):
        genre = "regulation"
    elif any(w in line for line in head for w in _cues()["title_genre"]["report"]):
        genre = "report"
    elif articles >= 3:
        genre = "regulation"
    else:
        genre = "plan"
    years = set()
    for line in head:
        if re.search(r"[〔\[【]\s*(?:19|20)\d\d\s*[〕\]】]", line) and len(line) < 20:
            continue  # 郑政办〔2017〕30号
        for m in _YEAR.finditer(line):
            after = line[m.end() : m.end() + 1]
            before = line[m.start() - 1 : m.start()] if m.start() else ""
            if re.match(r"\d|[一二三四五六七八九十]月|月", line[m.end() : m.end() + 3]) or (
                after and after in "—-－至到~～"
            ):
                continue  # 2017年3月13日 is a date; 2016—2018年 a period
            if before and before in "—-－至到~～":
                continue
            years.add(_year_value(m.group("y")))
    years.discard(None)
    title_year = years.pop() if len(years) == 1 else None
    current = title_year or doc_year or _present_year(text)
    period = _title_period(head) or _validity_end(text) or title_year
    if period is None and current is not None and any(w in line for line in head for w in _lists()["next_year_spans"]):
        period = current + 1  # 定西市今冬明春…政策措施 issued in 2023: its spring is 2024's
    return DocContext(genre, title_year, doc_year, period, current)


# a period in a title: （2021—2025年）, 2018－2022年, 2016-2018
_TITLE_RANGE = re.compile(r"(?:19|20)\d\d\s*年?\s*(?:—{1,2}|–|－|-|~|～|至|到)\s*((?:19|20)\d\d)年?")
# a validity clause closing a set of measures: 有效期至2023年12月31日, 实施期限为2023年1月1日至2025年12月31日
_VALIDITY = r"(?:{words})(?:为|是|自|从)?[^。；\n]{{0,24}}?(?:至|到)\s*((?:19|20)\d\d)年"


def _title_period(head: list[str]) -> int | None:
    """The end of the period a title names: …规划（2021—2025年） -> 2025, “十四五”规划 -> 2025."""
    for line in head:
        m = _TITLE_RANGE.search(line)
        if m and not re.search(r"[〔\[【]\s*(?:19|20)\d\d\s*[〕\]】]", line[max(0, m.start() - 1) : m.start() + 1]):
            return int(m.group(1))
        m = _PLAN_PERIOD.search(line)
        if m:
            return _plan_period_end(m.group("n"))
    return None


@cache
def _validity_regex() -> re.Pattern[str]:
    return re.compile(_VALIDITY.format(words="|".join(map(re.escape, _lists()["validity_cues"]))))


def _validity_end(text: str) -> int | None:
    """The last year a validity clause names: 未特别注明时限的，有效期至2023年12月31日 -> 2023."""
    years = [int(m.group(1)) for m in _validity_regex().finditer(text)]
    return max(years) if years else None


def _present_year(text: str) -> int | None:
    """For a text that gives neither an issue date nor a year in its title: the earliest year it
    speaks of as its own (办好2023年全国击剑锦标赛 -> 2023), skipping years in titles, bases
    (高于2022年, 较2022年) and the start of what it reports (2021年以来)."""
    protected = _protected(text)
    pstarts = [a for a, _ in protected]
    years = []
    for m in _YEAR.finditer(text):
        if _inside(protected, pstarts, m.start()) or _year_kind(text, m, len(text)) in ("base", "since", "start"):
            continue
        y = _year_value(m.group("y"))
        if y is not None:
            years.append(y)
    # the earliest of the recent years: a plan's history (1927年…) is not its present
    return min(y for y in years if y >= max(years) - DEFAULT_PRESENT_WINDOW) if years else None


def _protected(text: str) -> list[tuple[int, int]]:
    """Spans whose numbers are names, not quantities: “五个一”, 《…（2016—2018年）》, 四个意识."""
    spans = [m.span() for m in _QUOTED.finditer(text)]
    spans += [m.span() for m in _names_regex().finditer(text)]
    return sorted(spans)


def _inside(spans: list[tuple[int, int]], starts: list[int], pos: int) -> bool:
    i = bisect.bisect_right(starts, pos) - 1
    while i >= 0 and starts[i] > pos - 200:
        if spans[i][0] <= pos < spans[i][1]:
            return True
        i -= 1
    return False


# --- what is a quantity -----------------------------------------------------


def _is_quantity(text: str, n: NumberMatch) -> bool:
    """Keep numbers that measure something; drop ordinals, dates, names and bare numbers.

    第二十三届 (ordinal), 2017年 (date), 3月13日 (date), 一个公平的环境 (the
    article 一), “三个一” (a name), 72小时过境免签 (a duration naming a
    policy) and 1125 (no unit) are not quantities.
    """
    start, end = n.span
    before = text[start - 1] if start else ""
    after = text[end : end + 4]
    category = unit_category(n.unit)
    if not n.unit and not n.fraction:
        return False  # 1125聚才计划, 世界500强, phone numbers, clause numbers
    if n.unit and category is None and split_unit(n.unit)[1]:
        return False  # a unit the table does not know; a bare magnitude (人口突破1000万) is fine
    if before == "第" or (before == "前" and n.unit in ("名", "位")):
        return False  # 第二十三届, 排名前10名
    if n.unit in _lists()["anniversary_units"]:
        return False  # 中华人民共和国成立70周年, 建党100周年: an anniversary names a date
    if before in ("届", "★") or "★" in text[max(0, start - 2) : start]:
        return False  # 十二届五次全会 (an ordinal); 秘密★1年 (a 密级's term)
    if n.chinese and n.text == "十分" and re.match(r"[\u4e00-\u9fff]", after[:1]):
        return False  # 文物资源十分丰富: the adverb 'very'
    if n.chinese and n.unit in ("次", "期", "级") and re.match(r"[\u4e00-\u9fff]", after[:1]) and not any(
        after.startswith(w) for w in _lists()["duration_followers"]
    ):
        return False  # 二次手术, 三次产业, 三期扩建工程, 三级医院: a name, not a count
    if n.unit == "期" and any(text[max(0, start - 4) : start].endswith(w) for w in _lists()["phase_heads"]):
        return False  # 扩建工程三期: a phase
    if n.unit == "位" and after.startswith("数"):
        return False  # 两位数增长
    if category == "duration" and n.unit.endswith("年") and 1900 <= n.value <= 2100:
        return False  # 2017年, 2016—2018年
    if n.unit in ("日", "天") and before == "月":
        return False  # 3月13日
    if n.chinese and n.value == 1 and n.value_max is None and n.text[0] == "一" and category != "duration":
        return False  # 一个公平和谐的环境, 一次, 一批: the article, not a count (一年内 is a duration)
    if n.chinese and category == "count" and after[:1] and after[:1] in "一二两三四五六七八九十":
        return False  # 三个一, 五个一: names
    if n.chinese and n.unit in ("处", "科", "室") and before and before in "厅局委办部院会司":
        return False  # 市政府办公厅六处: a division's name
    if category == "duration":
        follow = after[:1]
        if (
            follow
            and follow not in "，。；、：！？）)\n,;:"
            and not any(after.startswith(w) for w in _lists()["duration_followers"])
        ):
            return False  # 72小时过境免签, 15分钟生活圈
        if text[max(0, start - 2) : start].endswith(("过去", "近", "这")) and follow in ("，", ",", "来", "里", "中"):
            return False  # 过去一年，… / 近五年来: the time a report looks back over
    return True


# --- sentences and clauses --------------------------------------------------


def _bounds(text: str, ends: str) -> list[int]:
    """Offsets just after each terminator: sentence (or paragraph) starts."""
    return [0] + [m.end() for m in re.finditer("[" + re.escape(ends) + "]", text)]


def _enclosing(starts: list[int], pos: int, text_len: int) -> tuple[int, int]:
    i = bisect.bisect_right(starts, pos) - 1
    start = starts[i]
    end = starts[i + 1] if i + 1 < len(starts) else text_len
    return start, end


def _clause_start(text: str, lo: int, pos: int) -> int:
    """Start of the clause holding ``pos``: after the last ，、：；。 before it (brackets kept whole)."""
    depth = 0
    for i in range(pos - 1, lo - 1, -1):
        ch = text[i]
        if ch in "）)":
            depth += 1
        elif ch in "（(":
            if depth:
                depth -= 1
            else:
                return i + 1
        elif depth == 0 and ch in _CLAUSE_END:
            return i + 1
    return lo


# --- the parts of a quantity ------------------------------------------------


@cache
def _comparator_regex(which: str) -> tuple[re.Pattern[str], dict[str, str]]:
    pairs = _comparators(which)
    return re.compile("|".join(re.escape(w) for w, _ in pairs)), dict(pairs)


def _suffix(text: str, end: int, duration: bool) -> tuple[str, str | None]:
    """The comparator written after the number: (以上, >=), (以内, <=), (左右, =)."""
    regex, ops = _comparator_regex("comparator_suffix")
    m = regex.match(text, end)
    if not m:
        return "", None
    word = m.group(0)
    if word == "内" and (not duration or any(text.startswith(w, end) for w in _lists()["not_within"])):
        return "", None  # 22个内设机构, 三类内部事务: 内 opens a word
    return word, ops[word]


def _prefix_comparator(before: str) -> str | None:
    """The comparator written before the number: 力争突破 -> >, 达到 -> >=, 控制在 -> <=.

    The cue must end within two characters of the number (达到, 最高给予); of
    overlapping cues the longest wins (不超过, not 超过).
    """
    tail = before[-8:]
    regex, ops = _comparator_regex("comparator_prefix")
    best: tuple[int, str] | None = None
    for i in range(len(tail)):
        m = regex.match(tail, i)
        if m and m.end() >= len(tail) - 2 and (best is None or m.end() > best[0]):
            best = (m.end(), ops[m.group(0)])
    return best[1] if best else None


@cache
def _word_regex(kind: str) -> re.Pattern[str]:
    """One alternation per word list, longest first: lead words at the start, trail words at
    the end, noun-phrase stops anywhere."""
    lists = _lists()
    if kind == "lead":
        words = lists["lead_connectives"] + lists["lead_words"] + lists["modality"]
        # 建成区, 完成率: a verb before a nominal suffix is part of a noun
        keep = "|".join(map(re.escape, lists["nominal_suffixes"]))
        return re.compile("^(?:" + "|".join(map(re.escape, _longest_first(words))) + f")(?!{keep})")
    if kind == "trail":
        words = (
            lists["trail_words"]
            + lists["modality"]
            + lists["growth_verbs"]
            + tuple(w for w, _ in _comparators("comparator_prefix"))
        )
        # 比2016年 / 较上年同期 before a growth verb is a baseline, not part of the subject
        return re.compile(
            "(?:"
            + "|".join(map(re.escape, _longest_first(words)))
            + r"|(?:比|较)(?:(?:19|20)\d\d年|上年|去年)(?:同期)?"
            # 由2006年的 / 到2016年的: the dates of a change
            + r"|(?:由|从|到|至)?(?:(?:19|20)\d\d)年(?:底|末)?的?|由|从)$"
        )
    if kind in ("growth_verb", "growth_noun"):
        words = lists["growth_verbs"] if kind == "growth_verb" else lists["growth_nouns"]
        return re.compile("(?:" + "|".join(map(re.escape, words)) + ")$")
    if kind == "modifier":
        return re.compile("|".join(map(re.escape, lists["lead_modifiers"])))
    if kind in ("strong_limit_cues", "limit_cues", "benefit_words", "not_benefit"):
        return re.compile("|".join(map(re.escape, lists[kind])))
    if kind == "verb":
        words = lists["growth_verbs"] + tuple(w for w, _ in _comparators("comparator_prefix"))
        return re.compile("|".join(map(re.escape, _longest_first(words))))
    return re.compile("|".join(map(re.escape, _longest_first(lists["np_stop"]))))


def _strip_front(s: str) -> str:
    """Drop what stands before the noun phrase: 2017年，力争引进 -> (empty); 实现外汇收入 -> 外汇收入."""
    lead = _word_regex("lead")
    while True:
        old = s
        m = _YEAR.match(s)
        if m:
            s = s[m.end() :]
        m = _THIS_YEAR.match(s) or _FRONT_TIME.match(s)
        if m:
            s = s[m.end() :]
        s = s.lstrip("，,、：: 　的")
        m = _MARKER.match(s)
        if m:
            s = s[m.end() :]
        m = _EVERY.match(s)
        if m:
            s = s[m.end() :]
        m = lead.match(s)
        if m:
            s = s[m.end() :]
        else:
            # 重点支持… drops 重点; 重点场所5G网络覆盖率 keeps it: a modifier before a noun
            m = _word_regex("modifier").match(s)
            if m and lead.match(s[m.end() :]):
                s = s[m.end() :]
        if s == old:
            return s


def _strip_back(s: str) -> str:
    """Drop what stands between the noun phrase and the number: 增加值力争突破 -> 增加值."""
    trail = _word_regex("trail")
    while True:
        m = trail.search(s, max(0, len(s) - 12))
        if not m or m.start() == 0:
            return s
        s = s[: m.start()]


def _after_enumeration(s: str) -> str:
    """Keep what follows 等 in 交易会、展览会等国际性展会: the class counted."""
    i = s.rfind(_cues()["enumeration_end"])
    while i >= 0:
        pair_before = s[max(0, i - 1) : i + 1]
        pair_after = s[i : i + 2]
        rest = s[i + 1 :]
        if (
            pair_before not in _lists()["not_enumeration"]
            and pair_after not in _lists()["not_enumeration"]
            and (not rest or len(re.findall(r"[\u4e00-\u9fff]", rest)) >= 3)
        ):
            return rest  # not 自然资源海洋气象等支出(类): a two-character head names a category
        i = s.rfind("等", 0, i)
    return s


def _object_phrase(text: str, pos: int, hi: int) -> str:
    """The noun phrase right after a number: 9个以上|功能性口岸， -> 功能性口岸.

    Ends at punctuation or at a verb or preposition from the cue file
    (城市国际化重点项目|取得明显进展); empty when a verb comes first.
    """
    stops = _word_regex("stop")
    i = pos
    limit = min(hi, pos + MAX_INDICATOR)
    while i < limit:
        ch = text[i]
        if ch == "“" and (close := text.find("”", i, limit)) > i:
            i = close + 1  # 10个以上“好房子”示范项目: a quoted name inside the noun phrase
            continue
        if ch in _CLAUSE_END or ch in '（(）)“”"《》':
            break
        m = stops.match(text, i)
        if m and i > pos:
            break
        if i == pos and ((m and len(m.group(0)) > 1) or _word_regex("verb").match(text, i)):
            return ""  # a verb first: 50万元用于…, 2002亿元增加到…; 对外文化交流活动 is a noun
        i += 1
    phrase = text[pos:i]
    if not phrase or phrase[0] in _cues()["np_function_chars"] or not re.match(r"[\u4e00-\u9fff“]", phrase):
        return ""
    if len(phrase) == 1 and i < limit and text[i] in _CLAUSE_END:
        return ""  # 5个，: a lone character before punctuation is no object
    return phrase


def _with_action(text: str, obj: str, end: int, sent_hi: int) -> str:
    """A counted class (企业, 家庭) is counted by what it does next: 20家企业|参加放心消费活动 ->
    企业参加放心消费活动; 7000户困难老年人家庭|实施适老化改造. Other objects stand alone."""
    lists = _lists()
    if not any(obj.endswith(w) for w in lists["class_nouns"]):
        return obj
    verb = next((w for w in lists["action_verbs"] if text.startswith(w, end)), None)
    if verb is None:
        return obj
    stop = end
    while stop < sent_hi and text[stop] not in _CLAUSE_END:
        stop += 1
    return (obj + text[end:stop])[: MAX_INDICATOR]


def _indicator(text: str, clause_lo: int, n_start: int, after: int, sent_hi: int, previous: str | None) -> str | None:
    """What the number measures, from its clause: the object after it, else the subject before it.

    A clause with no subject of its own (…万元，增长10%; 比上年增加990万元;
    占7.74%) measures what the previous quantity of the sentence measured.
    """
    obj = _object_phrase(text, after, sent_hi)
    if obj:
        return _with_action(text, obj, after + len(obj), sent_hi)
    subj = _after_enumeration(text[clause_lo:n_start])
    subj = _strip_back(_strip_front(subj))
    subj = subj.strip("，,、：: 　")
    if len(subj) < 2:
        subj = ""  # 力争新增5家 leaves 新: a verb's remnant, not a noun
    if len(subj) > MAX_INDICATOR:
        subj = subj[-MAX_INDICATOR:]
    if previous and (not subj or subj in _cue_words() or _COMPARISON.match(subj)):
        return previous
    return subj if subj and subj not in _cue_words() else None


@cache
def _cue_words() -> frozenset[str]:
    """Words that cannot be an indicator on their own: 增长, 突破, 占."""
    words = set(_lists()["growth_verbs"]) | set(_lists()["trail_words"]) | set(_lists()["modality"])
    words |= {w for w, _ in _comparators("comparator_prefix")}
    return frozenset(words | set(_lists()["conjunctions"]) | {"占", "占比", "由", "从", "比", "较"})


# a comparison, not a subject: 比2024年预算, 较上一年度, 与2023年度相比, 占本年支出合计的
_COMPARISON = re.compile(r"(?:比|较|与|同|占)")
# a stated baseline makes an absolute change a growth: 比2024年预算减少990万元
_BASELINE = re.compile(r"(?:比|较)(?:上年|去年|上一|(?:19|20)\d\d年)|同比|环比|相比")


# a baseline then a change verb, its object before the number: 比2023年末增加公共充电桩2000个
_BASELINE_VERB = re.compile(
    r"(?:比|较)(?:上年|去年|上一年度?|(?:19|20)\d\d年)(?:底|末|度)?(?:同期)?(?:增加|新增|减少|增长|下降)"
)


def _kind(text: str, n: NumberMatch, before: str, tail_end: int, prefix: str) -> str:
    """growth for 增长25%, 提高2个百分点, 比上年减少990万元; share for 80%的市属三甲医院; else level."""
    if n.unit in ("%", "‰") or n.fraction:
        rest = text[tail_end : tail_end + 2]
        if rest[:1] == "的" and re.match(r"[\u4e00-\u9fff]", rest[1:2]) and not rest.startswith("的比"):
            return "share"
    if n.unit.endswith("百分点"):
        return "growth"
    b = before.rstrip("了约近超过达")  # 增长了, 增长约, 增长超过 -> 增长
    for base in _lists()["baseline"]:
        b = b.removesuffix(base)
    verb = bool(_word_regex("growth_verb").search(b)) and not re.search(r"[到至为]$", before)
    if n.unit in _lists()["growth_units"]:
        # 居民消费价格涨幅3%; 增速均达到20%; 涨幅在2%左右; 按不低于8%增幅提高
        noun = re.sub(r"(?:均|都|分别)?(?:达到|达|为|在|保持在|不低于|不少于|不高于|不超过|控制在)$", "", b)
        if (verb or _word_regex("growth_noun").search(noun)
                or any(text.startswith(w, tail_end) for w in _lists()["growth_nouns"])):
            return "growth"
    elif (verb and _BASELINE.search(prefix[-30:])) or _BASELINE_VERB.search(before):
        return "growth"
    return "level"


def _is_ratio(indicator: str | None) -> bool:
    """Whether an indicator names a part of a whole: 覆盖率, 占GDP比重, 城镇化率 (not 利率, 增长率)."""
    if not indicator:
        return False
    lists = _lists()
    if any(indicator.endswith(w) for w in lists["not_ratio_nouns"] + lists["growth_nouns"]):
        return False
    return any(indicator.endswith(w) for w in lists["ratio_nouns"])


def _modality(sentence_prefix: str) -> str | None:
    """The last of 力争 确保 争取 预计 计划 before the number; 计划 only as a verb."""
    best: tuple[int, str] | None = None
    for w in _lists()["modality"]:
        i = sentence_prefix.rfind(w)
        while i >= 0:
            if w == "计划":
                prev = sentence_prefix[i - 1 : i] if i else ""
                nxt = sentence_prefix[i + 2 : i + 3]
                if (prev and prev not in "，、：年内底将并还") or not nxt or nxt in "”》）)“，。、":
                    i = sentence_prefix.rfind(w, 0, i)
                    continue
            if best is None or i > best[0]:
                best = (i, w)
            break
    return best[1] if best else None


# a year that is a comparison's base, not a deadline: 较2023年, 比2020年末, 与2020年相比,
# 相较于2020年, 以2020年为基期, 在2020年基础上
# (与/同 need the 相比 after them: 2024年与2025年 is a pair of deadlines)
_BASE_BEFORE = re.compile(r"(?:较|比|相较于|相对于|相比于|对比|高于|低于|多于|少于)$")
_BASE_AFTER = re.compile(
    r"(?:底|末|年底|年末|同期|度)?(?:的)?(?:水平)?(?:相比|相较|比较|为基期|为基准|为基数|为基年|基础上|基数上)"
)
# a present base, not a report: 在现有基础上, 在已有水平上
_BASE_PHRASE = re.compile(r"(?:现有|已有|原有|目前)的?(?:基础|水平)")
# a year that dates the number right after it: 由2020年的|30%, 到2025年末的|35%
_OWN_DATE = re.compile(r"(?:底|末)?的(?=[\d一二两三四五六七八九十])")
# a year a span of reported time starts from: 2021年以来, 2020年底以来
_SINCE_AFTER = re.compile(r"(?:底|末|年底|年末|初|年初)?以来")


@dataclass(frozen=True, slots=True)
class When:
    """The time frame of a quantity: its year and how the text places it.

    ``explicit``: the year stands in the number's own sentence (到2025年，…);
    ``stated``: in its sentence or paragraph (not the title's year or 年内);
    ``deadline``: the year is a deadline (到2025年, 2025年底前, 2021—2025年);
    ``since``: the sentence counts from a past year (2021年以来); ``at``: where
    the year is said in the sentence, so that only what follows it dates the
    number (已建成3000个，今年再新建1000个: the 已 is before 今年); ``assumed``:
    the year is the document's period end, which only a target takes.
    """

    year: int | None
    explicit: bool = False
    stated: bool = False
    deadline: bool = False
    since: bool = False
    at: int | None = None
    assumed: bool = False


def _year_kind(text: str, m: re.Match[str], pos: int) -> str:
    """What one year mention is, for the number at ``pos``: ``base``, ``since``, ``start``,
    ``deadline`` or ``plain``.

    较2023年 -> base; 2021年以来 -> since; 2016—2018年 (the 2016) -> start;
    由2020年的30%提高到35% (the 2020, for the 35%) -> start: it dates only
    the number right after it; 到2025年 / 2025年底前 / 2018—2020年 -> deadline;
    截至2022年底 (a reporting date) and 2017年，… -> plain.
    """
    to, tail = m.group("to") or "", m.group("tail") or ""
    before = text[max(0, m.start("y") - 3) : m.start("y")]
    after = text[m.end() : m.end() + 6]
    nxt = after[:1]
    if nxt and nxt in "—-－至到~～":
        return "start"
    own = _OWN_DATE.match(text, m.end())
    if own and own.end() < pos:
        return "start"
    if (
        (to in ("", "于", "在") and _BASE_BEFORE.search(before))
        or _BASE_AFTER.match(after)
        or (before.endswith("以") and after.startswith("为基"))
    ):
        return "base"
    if _SINCE_AFTER.match(text, m.end() - len(tail)) or after.startswith("以来"):
        return "since"
    prev = text[m.start() - 1 : m.start()] if m.start() else ""
    if to in ("到", "至") or tail.endswith("前") or (prev and prev in "—-－~～") or _DATE_BEFORE.match(text, m.end()):
        return "deadline"
    return "plain"


# a five-year plan period: “十三五”期间 (2016—2020), 到“十四五”末 (2025), “十三五”以来
_PLAN_PERIOD = re.compile(
    r"(?P<to>到|至|截至|截止)?[“\"]?十(?P<n>[一二三四五六七八九])五[”\"]?(?:规划)?"
    r"(?P<tail>时期末|期末|末期|末|期间|时期|以来)?"
)


def _plan_period_end(n: str) -> int:
    """The last year of the tenth-and-nth five-year plan: 三 (十三五) -> 2020, 四 (十四五) -> 2025.

    From the third plan (1966—1970) on, the plans follow each other every five years.
    """
    return 1970 + 5 * (10 + "一二三四五六七八九".index(n) + 1 - 3)


def _year_mentions(
    text: str, lo: int, pos: int, protected: list[tuple[int, int]], pstarts: list[int]
) -> list[tuple[int, int | None, str]]:
    """(start, year, kind) of each year and plan period between ``lo`` and the number at ``pos``.

    The kinds are those of ``_year_kind``: 较2023年 -> base, 到2025年 -> deadline;
    “十三五”期间 gives 2020 (plain), 到“十四五”末 2025 (deadline), “十四五”以来
    2021 (since). A year or period inside a title (《…（2016—2018年）》) is skipped.
    """
    out = []
    for m in _YEAR.finditer(text, lo, pos):
        if not _inside(protected, pstarts, m.start()):
            out.append((m.start(), _year_value(m.group("y")), _year_kind(text, m, pos)))
    for m in _PLAN_PERIOD.finditer(text, lo, pos):
        if text.rfind("《", lo, m.start()) > text.rfind("》", lo, m.start()):
            continue  # 《“十四五”数字经济发展规划》
        to, tail = m.group("to") or "", m.group("tail") or ""
        if not to and not tail and m.group(0).endswith("规划"):
            continue  # 结合“十五五”规划编制: the plan as a document, not a time
        before = text[max(0, m.start() - 3) : m.start()]
        if tail == "以来":
            kind = "since"
        elif not to and _BASE_BEFORE.search(before):
            kind = "base"
        elif to in ("到", "至") or tail.endswith(("末", "末期")):
            kind = "deadline"
        else:
            kind = "plain"
        end = _plan_period_end(m.group("n"))
        out.append((m.start(), end - 4 if kind == "since" else end, kind))  # “十四五”以来 counts from 2021
    return sorted(out)


def _when(
    text: str,
    para_lo: int,
    sent_lo: int,
    pos: int,
    protected: list[tuple[int, int]],
    pstarts: list[int],
    ctx: DocContext,
    heading_year: int | None = None,
) -> When:
    """The year a quantity is for, and how the text places it (a ``When``).

    The last year before the number in its sentence (2017年，力争…; 到2020年),
    else in its paragraph; a comparison's base year is skipped (到2025年，
    能耗较2023年下降6% -> 2025). 年内/今年/全年 -> the document's year (the
    one year its title names, else the issue year); else the year of the
    heading above (二、2025年目标任务); else the end of the document's period
    (``DocContext.period_end``: …（2021—2025年） -> 2025, 郑州市2017年…实施方案
    -> 2017). Measures with no period give None.
    """
    for lo, explicit in ((sent_lo, True), (para_lo, False)):
        best, kind, since, at = None, "plain", False, lo
        mentions = _year_mentions(text, lo, pos, protected, pstarts)
        if explicit:
            mentions = sorted(mentions + _relative_mentions(text, lo, pos, ctx))
        for start, year, k in mentions:
            if k == "since":
                since = True
            if k in ("start", "base"):
                continue
            best, kind, at = year, k, start
        if best is not None:
            stated = kind not in ("this", "within")
            return When(
                best, explicit, stated, kind in ("deadline", "within"), since and explicit, at if explicit else None
            )
        if lo == para_lo:
            break
    if _THIS_YEAR.search(text, sent_lo, pos):
        # the year the document is about (a report issued in 2025 on 2024) before the issue year
        return When(ctx.current_year)
    if heading_year is not None:
        return When(heading_year, deadline=True)  # under 二、2025年主要目标
    # a 2021—2025 plan's targets without a year of their own are for 2025 (``assumed``: a fact
    # or a limit keeps only a year the title names)
    return When(ctx.period_end, assumed=True)


def _relative_mentions(text: str, lo: int, pos: int, ctx: DocContext) -> list[tuple[int, int | None, str]]:
    """(start, year, kind) of 今年 (``this``), 年内/年底前 (``within``), 明年 (``deadline``) and
    今年以来 (``since``) between ``lo`` and ``pos``: 明年底前 in a plan issued in 2023 -> 2024."""
    this = ctx.current_year
    out: list[tuple[int, int | None, str]] = []
    for m in _RELATIVE_YEAR.finditer(text, lo, pos):
        word = m.group(0)
        if m.group("since"):
            out.append((m.start(), this, "since"))
        elif word.startswith("明年"):
            if this is not None:
                out.append((m.start(), this + 1, "deadline"))
        elif word == "今年":
            out.append((m.start(), this, "this"))
        else:
            out.append((m.start(), this, "within"))
    return out


@cache
def _forward_regex() -> re.Pattern[str]:
    """Words that set a goal without a modal verb: 主要预期目标是, 年底前, 到年底, 年内, and
    a future auxiliary before a verb: 将新建, 要达到, 拟安排."""
    lists = _lists()
    words = "|".join(map(re.escape, _longest_first(lists["forward_cues"])))
    verbs = lists["lead_words"] + lists["future_verbs"] + tuple(w for w, _ in _comparators("comparator_prefix"))
    # 要 as an auxiliary, not inside 主要, 需要, 重要: 主要实施了 is no plan
    aux = "|".join(rf"(?<![主需重只紧摘纲提概必想]){re.escape(w)}" for w in _longest_first(lists["future_auxiliaries"]))
    verb = "|".join(map(re.escape, _longest_first(verbs)))
    return re.compile(rf"{words}|年底前|到年底|(?<![\d一二两三四五六七八九十百])年内|(?:{aux})(?:{verb})")


def _heading_year(title: str) -> int | None:
    """The last deadline or plain year of a heading: 2025年工作安排 -> 2025; 2021年以来 -> None."""
    best = None
    for _, year, kind in _year_mentions(title, 0, len(title), [], []):
        if kind in ("deadline", "plain"):
            best = year
    return best


class SectionIndex:
    """The sections holding each offset, found by bisection instead of a pass over every section.

    The section boundaries cut the text into pieces; each piece keeps the
    sections covering it, in tree order, so a lookup reads a handful of
    sections (the nesting depth) instead of all of them.

    Example: ``SectionIndex(sections).section_of(120)`` is ``"2.1"``.
    """

    def __init__(self, sections: Sequence[Section]) -> None:
        self.cuts = sorted({p for s in sections for p in s.span})
        self._frames: dict[int, str | None] = {}  # id() of a section -> its heading's frame
        self._years: dict[int, int | None] = {}  # id() of a section -> its heading's year
        self.holders: list[list[Section]] = [[] for _ in self.cuts]
        for s in sections:
            lo, hi = bisect.bisect_left(self.cuts, s.span[0]), bisect.bisect_left(self.cuts, s.span[1])
            for k in range(lo, hi):
                self.holders[k].append(s)

    def holding(self, pos: int) -> list[Section]:
        """The sections whose span holds ``pos``, in their order."""
        k = bisect.bisect_right(self.cuts, pos) - 1
        return self.holders[k] if k >= 0 else []

    def section_of(self, pos: int) -> str | None:
        """The id of the deepest section whose span holds ``pos`` (the last of equal depth)."""
        best: Section | None = None
        for s in self.holding(pos):
            if best is None or s.level >= best.level:
                best = s
        return best.id if best else None

    def frame(self, pos: int) -> str | None:
        """Whether the headings over ``pos`` look back or forward: 一、发展基础 -> ``back``;
        二、2024年工作安排 / 下一步工作打算 -> ``forward``; else None (the nearest heading wins)."""
        best: tuple[int, str] | None = None
        for s in self.holding(pos):
            frame = self._frame_of(s)
            if frame is not None and (best is None or s.level > best[0]):
                best = (s.level, frame)
        return best[1] if best else None

    def heading_year(self, pos: int) -> int | None:
        """The year the nearest heading over ``pos`` names as its time: 二、2025年主要目标 -> 2025,
        （一）到“十四五”末 -> 2025; not a base (与2020年相比) or a start (2021年以来); read once per heading."""
        for s in sorted(self.holding(pos), key=lambda s: -s.level):
            got = self._years.get(id(s), 0)
            if got == 0:
                got = self._years[id(s)] = _heading_year(s.title or "")
            if got is not None:
                return got  # type: ignore[return-value]
        return None

    def _frame_of(self, s: Section) -> str | None:
        """``back`` or ``forward`` as one heading's words have it (back first), or None; read once per heading."""
        got = self._frames.get(id(s), 0)
        if got == 0:
            frames = _cues()["section_frames"]
            got = self._frames[id(s)] = next(
                (f for f in ("back", "forward") if s.title and any(w in s.title for w in frames[f])), None)
        return got  # type: ignore[return-value]


def _role(
    sentence_prefix: str,
    sentence: str,
    modality: str | None,
    when: When,
    ctx: DocContext,
    bound: bool = False,
    frame: str | None = None,
    framed: str | None = None,
    benefit: bool = False,
) -> str:
    """target, fact or limit, from the sentence's cues, its time frame and the document's genre.

    In order: a rule's words (罚款, 不得, 给予…奖励) make a limit; a modal verb
    (力争, 确保, 预计) a target; in a regulation everything else is a limit.
    A deadline after the issue date (到2025年累计建成…) makes a target whatever
    已/累计 words the sentence holds; a backward cue (已, 截至, 以来, 同比, a past
    year) makes a fact; a goal word (目标, 年底前) a target; else the genre
    decides (plan -> target, report -> fact), unless the section's heading
    looks back (一、发展基础) or forward (下一步工作安排): ``frame``. ``bound``
    says the number is a duration under 不超过/最长 (办理时限不超过3个工作日).
    ``framed`` is the part of the prefix from the year the sentence names on,
    where backward cues count (目前已建成…，今年再新建1000个: not the 已).
    ``benefit`` says the number is what a rule grants (``_grants``).
    """
    if _word_regex("strong_limit_cues").search(sentence):
        return "limit"
    if bound and modality is None:
        return "limit"
    if ctx.genre == "plan" and modality is None and (_word_regex("limit_cues").search(sentence) or benefit):
        return "limit"  # 给予100万元奖励: a rule inside a plan
    if modality is not None:
        return "target"
    if ctx.genre == "regulation":
        return "limit"  # 已注册登记的…三十日内: conditions, not reported facts
    ref = ctx.doc_year if ctx.doc_year is not None else ctx.current_year
    year = when.year
    if when.explicit and year is not None and not when.since:
        if ref is not None and (year > ref or (year == ref and when.deadline and ctx.genre == "plan")):
            return "target"  # 到2025年累计建成5G基站6500个 in a plan issued in 2023
        if ref is None and when.deadline and ctx.genre == "plan":
            return "target"
    backward = framed if framed is not None else sentence_prefix
    if when.since or _fact_regex().search(_BASE_PHRASE.sub("", backward)):
        return "fact"
    if year is not None and ref is not None and year < ref and when.stated:
        return "fact"  # 2022年，全市新建…; a plan's 发展基础 paragraph on a past year
    if ctx.genre == "report" and when.deadline and year is not None and ref is not None and year < ref:
        return "fact"  # 年内共受理申请21件 in a report on 2024 issued in 2025
    if _forward_regex().search(sentence_prefix):
        return "target"
    if year is not None and ref is not None and year > ref and when.stated:
        return "target"  # a paragraph headed 2026年，… in a report issued in 2025
    if frame == "back":
        return "fact"  # a plan's 一、发展基础: 全市建成5G基站3200个
    if frame == "forward":
        return "target"  # a report's 二、2024年工作安排: 新建学校10所
    return {"plan": "target", "report": "fact", "regulation": "limit"}[ctx.genre]


def _with_predicate(text: str, indicator: str | None, share_tail: int, end: int, sent_hi: int, kind: str
                    ) -> str | None:
    """A share names its population and what that part of it does: 60%以上的市级妇幼保健院|达到“三级
    甲等”水平 -> 市级妇幼保健院达到“三级甲等”水平; a bare share names only the predicate:
    其中60%以上|达到“二级甲等”水平."""
    stop = end
    while stop < sent_hi and text[stop] not in _CLAUSE_END:
        stop += 1
    if kind == "share" and indicator and text.startswith(indicator, share_tail):
        rest = text[share_tail + len(indicator) : stop]
        m = re.match(r"[（(][^（）()]{1,6}[）)]", rest)  # 75%的县（市）|至少建成…
        verb = rest[m.end() :] if m else rest
        if verb and _word_regex("verb").match(verb) or verb.startswith(("纳入", "至少", "建成", "设立", "开展")):
            return (indicator + rest)[: MAX_INDICATOR + 8]
        return indicator
    if indicator is None:
        suffix, _ = _suffix(text, end, False)
        rest = text[end + len(suffix) : stop]
        if rest and _word_regex("verb").match(rest):
            return rest[:MAX_INDICATOR]
    return indicator


def _grants(text: str, clause_lo: int, start: int, end: int, sent_hi: int) -> bool:
    """Whether a number stands in a sentence of a benefit a rule grants (给予100万元奖励; 对…企业，
    分别奖励10万元、20万元); not where the word names a programme or a standard (2025年开展政府
    补贴性职业技能培训65万人次, 提高医保财政补助标准至人均730元)."""
    lo = text.rfind("\n", 0, start) + 1
    lo = max(lo, max(text.rfind(ch, 0, start) for ch in _SENTENCE_END) + 1)
    sentence = text[lo:sent_hi]
    for m in _word_regex("not_benefit").finditer(sentence):
        sentence = sentence[: m.start()] + "\u3000" * len(m.group(0)) + sentence[m.end():]
    # 财政补助省定基础标准: the standard a plan raises, not a grant
    return any("标准" not in sentence[m.end() : m.end() + 6] for m in _word_regex("benefit_words").finditer(sentence))


# the rest of a 分别 list after its first value, then the suffix it shares: 、8%和7%|以上
_LIST_REST = re.compile(r"(?:\s*[、和及与]\s*[\d.]+\s*(?:%|％|个百分点|[万亿千百]?[\u4e00-\u9fff]{0,2}?))+?(?=以上|以下|以内)")


def _list_suffix(text: str, end: int) -> str | None:
    """The comparator of a suffix closing a 分别 list that starts at ``end``: 和55%以上 -> >=."""
    m = _LIST_REST.match(text, end)
    if not m:
        return None
    word, op = _suffix(text, m.end(), False)
    return op if word else None


# a subject shared by every member of a list: 各50个, 均达到45%, 均不低于90%
_EACH = re.compile(r"(?:各|均)(?:自)?(?:达到|达|为|不少于|不低于|不超过|超过|实现|在|保持在|稳定在)?\s*$")


def _members(before: str) -> int:
    """How many members a quantity counts for: 安定区、陇西县、临洮县各 -> 3; 力争建成 -> 1."""
    m = _EACH.search(before)
    if not m:
        return 1
    subject = before[: m.start()]
    return subject.count("、") + 1 if "、" in subject else 1


def _enumeration_start(text: str, lo: int, clause_lo: int) -> int:
    """Reach back over a list the clause's subject belongs to: 其中马铃薯种植、|收获机械化率均达到45%
    -> from 其中; the list stops at ，；。 or at a member holding a number (团队20个、|人才200名)."""
    pos = clause_lo
    while pos > lo and text[pos - 1] == "、":
        prev = _clause_start(text, lo, pos - 1)
        member = text[prev : pos - 1]
        if not member or re.search(r"[\d]|[一二两三四五六七八九十百千万]+[个家名项所处]", member):
            break
        pos = prev
    return pos


def _never_target(text: str, n: NumberMatch, clause_lo: int, start: int, end: int, sent_hi: int,
                  modality: str | None) -> str | None:
    """The role of a quantity of a class that is never a target, or None.

    Ages and scores are conditions (2—3岁幼儿, 考核得分90分): ``limit``; so are
    time limits without a verb of shortening (5年内对…进行全覆盖, 1个月内公布),
    caps (最高给予200万元), rates a charge is computed at (按80%收取), and
    amounts a policy sets (降至1%的优惠政策). Counts of the document's own parts
    (八个方面工作, 4项行动), of members (由18个
    部门组成), of awards (命名20个村) and the start of a change (由3%降至1%) are
    ``fact``.
    """
    lists = _lists()
    category = unit_category(n.unit)
    before = text[clause_lo:start]
    after = text[end : end + 8]
    if category in ("age", "score"):
        return "limit"
    if category == "duration" and not any(w in before for w in lists["shorten_verbs"]):
        return "limit"
    if any(w in before[-6:] for w in lists["cap_words"]):
        return "limit"
    if any(after.startswith(w) for w in lists["rate_verbs"]):
        return "limit"
    if after.startswith("的") and any(after[1:].startswith(w) for w in lists["policy_nouns"]):
        return "limit"
    if any(after.startswith(w) for w in lists["item_nouns"]):
        return "fact"
    if re.search(r"(?:由|从)(?:(?:19|20)\d\d年(?:底|末)?的?)?$", before) and re.match(
        r"(?:" + "|".join(map(re.escape, lists["growth_verbs"])) + r")(?:到|至|为)", after
    ):
        return "fact"
    if "由" in before and "组成" in text[end:sent_hi]:
        return "fact"
    if modality is None and any(w in before for w in lists["award_verbs"]):
        return "fact"
    return None


def _qualifies(text: str, end: int) -> bool:
    """A number before 的 and a noun qualifies the noun: 超10亿元的企业; not 50亿元的目标."""
    if text[end : end + 1] != "的" or not re.match(r"[\u4e00-\u9fff]", text[end + 1 : end + 2]):
        return False
    return not any(text.startswith(w, end + 1) for w in _lists()["goal_nouns"])


def section_of(sections: Sequence[Section] | SectionIndex, pos: int) -> str | None:
    """The id of the deepest section whose span holds ``pos``; give a ``SectionIndex`` when asking often."""
    index = sections if isinstance(sections, SectionIndex) else SectionIndex(sections)
    return index.section_of(pos)


# --- the public functions ---------------------------------------------------


def find_quantities(
    text: str, sections: Sequence[Section] = (), doc_year: int | None = None, title: str | None = None
) -> list[Quantity]:
    """Find every quantity in a document and say what it measures and means.

    Args:
        text: the clean text, paragraphs separated by "\\n".
        sections: the section tree (may be empty); ``section`` is the id of the
            deepest one holding the number.
        doc_year: the year of the 成文日期, for 年内/今年 and for telling
            reported years from goals.
        title: the 标题 (metadata), which tells a plan (…实施方案的通知) from a
            report (…年度报告, …预算) or a regulation (…管理办法); without it the
            first short lines of ``text`` are read as the title.

    Returns:
        ``Quantity`` items in text order. 2017年，…航空港年旅客吞吐量达到2300万人次
        gives indicator 航空港年旅客吞吐量, value 2300, unit 万人次, normalized
        23000000 人次, comparator ``>=``, kind ``level``, year 2017, role ``target``.
    """
    ctx = document_context(text, doc_year, title)
    index = SectionIndex(sections)
    protected = _protected(text)
    pstarts = [s for s, _ in protected]
    sentences = _bounds(text, _SENTENCE_END)
    paragraphs = _bounds(text, "\n")
    out: list[Quantity] = []
    # sentence start, indicator and end of the previous quantity
    last: tuple[int, str | None, int, str] = (-1, None, -1, "level")
    for n in find_numbers(text, bare=False):
        start, end = n.span
        if _inside(protected, pstarts, start) or not _is_quantity(text, n):
            continue
        s_lo, s_hi = _enclosing(sentences, start, len(text))
        p_lo, _ = _enclosing(paragraphs, start, len(text))
        suffix, suffix_op = _suffix(text, end, unit_category(n.unit) == "duration")
        q_end = end + len(suffix)
        clause_lo = _enumeration_start(text, s_lo, _clause_start(text, s_lo, start))
        if last[0] == s_lo and last[2] > clause_lo:
            clause_lo = last[2]  # 由…2002亿元增加到…8114亿元: the second clause starts after the first number
        before = text[clause_lo:start]
        percent = n.unit in ("%", "‰") or n.fraction
        # 80%的市属三甲医院: a share names its population after 的
        share_tail = q_end + 1 if percent and text[q_end : q_end + 1] == "的" else q_end
        previous = last[1] if last[0] == s_lo else None
        indicator = _indicator(text, clause_lo, start, share_tail, s_hi, previous)
        prefix = text[s_lo:start]
        kind = _kind(text, n, before, q_end, prefix)
        if percent:
            bare = indicator is None
            indicator = _with_predicate(text, indicator, share_tail, q_end, s_hi, kind)
            if bare and indicator is not None and (previous is not None or "其中" in before):
                kind = "share"  # 其中60%以上达到“二级甲等”水平: a part of what the sentence counted
        if kind == "level" and percent and _is_ratio(indicator):
            kind = "share"  # 重点场所5G网络覆盖率达到98%, 占地区生产总值比重提高到12%
        if n.value_max is not None:
            comparator = "between"
        elif suffix_op and suffix_op != "=":
            comparator = suffix_op
        elif "分别" in before and (shared := _list_suffix(text, q_end)):
            comparator = shared  # 分别达到65%和55%以上: the trailing 以上 covers the list
        elif n.more:
            comparator = ">"
        else:
            comparator = _prefix_comparator(before) or "="
        modality = _modality(prefix)
        when = _when(text, p_lo, s_lo, start, protected, pstarts, ctx, index.heading_year(start))
        year = when.year
        bound = unit_category(n.unit) == "duration" and any(w in before[-len(w) - 2 :] for w in _lists()["rule_bounds"])
        # the frame's own words: from just before the year said in the sentence (已于2023年…), else all of it
        framed = text[max(s_lo, when.at - 3) : start] if when.at is not None else prefix
        frame = index.frame(start)
        role = _role(prefix, text[s_lo:s_hi], modality, when, ctx, bound, frame, framed,
                     _grants(text, clause_lo, start, q_end, s_hi))
        if not percent and _qualifies(text, q_end) and role == "target":
            role = "limit"  # 培育年营业收入超10亿元的企业: a threshold inside a noun phrase
        if role == "target":
            role = _never_target(text, n, clause_lo, start, q_end, s_hi, modality) or role
        if when.assumed and role != "target":
            year = ctx.title_year  # 全市现有绿色工厂25家 in a 2024—2026 plan: no year is said
        if last[0] == s_lo and before.strip() in _lists()["conjunctions"]:
            kind = last[3]  # 分别增长8%和7%: the second is what the first is
        # 安定区、陇西县、临洮县各50个; 马铃薯种植、收获机械化率均达到45%: one target per member
        copies = _members(text[clause_lo:start]) if role == "target" else 1
        out.extend(
            Quantity(
                text=text[start:q_end],
                span=(start, q_end),
                indicator=indicator,
                value=n.value,
                value_max=n.value_max,
                unit=n.unit,
                normalized=normalize(n.value, n.unit) if not n.fraction else Normalized(n.value * 100, "%"),
                comparator=comparator,
                kind=kind,
                year=year,
                modality=modality,
                section=index.section_of(start),
                sentence=text[s_lo:s_hi].strip().rstrip(_SENTENCE_END),
                role=role,
                approx=n.approx,
            )
            for _ in range(copies)
        )
        last = (s_lo, indicator, q_end, kind)
    return out


def find_targets(
    text: str, sections: Sequence[Section] = (), doc_year: int | None = None, title: str | None = None
) -> list[Quantity]:
    """Only the targets of ``find_quantities``: 力争突破850亿元, not 表彰4家单位."""
    return [q for q in find_quantities(text, sections, doc_year, title) if q.role == "target"]


# --- tables (指标 | 单位 | 2017年目标 | 2020年目标) ---------------------------------

# a header naming a year: 2017年, 2020年目标, 2017
_HEADER_YEAR = re.compile(r"((?:19|20)\d\d)(?:年|$|\D)")
# a unit in a header's brackets: 地区生产总值（亿元）, 2020年(%)
_BRACKET_UNIT = re.compile(r"[（(]([^（）()]{1,6})[）)]\s*$")
# a cell: an optional comparator sign, a number or range, an optional unit and suffix: ≥80, 1—2, 72%, 5000以上
_CELL = re.compile(r"^\s*(?P<op>≥|≤|>=|<=|＞|＜|>|<|=|不低于|不少于|不超过|不高于|达到|超过|突破)?\s*(?P<rest>.+?)\s*$")
_CELL_OPS = {
    "≥": ">=",
    ">=": ">=",
    "不低于": ">=",
    "不少于": ">=",
    "达到": "=",
    "≤": "<=",
    "<=": "<=",
    "不超过": "<=",
    "不高于": "<=",
    "＞": ">",
    ">": ">",
    "超过": ">",
    "突破": ">",
    "＜": "<",
    "<": "<",
}


def _header_role(header: str, year: int | None, doc_year: int | None, latest: int | None = None) -> str:
    """A column of 基期值/2016年完成/实际 reports facts; 目标/预期/规划 or a future year sets targets;
    of bare years (2020年 | 2025年) only the latest is a goal."""
    if re.search(r"基期|基数|现状|完成|实际|上年|现值|决算|执行", header):
        return "fact"
    if re.search(r"目标|预期|规划|计划|预计", header):
        return "target"
    if year is not None and doc_year is not None and year < doc_year:
        return "fact"
    if year is not None and latest is not None and year < latest:
        return "fact"
    return "target"


def _is_unit(word: str) -> bool:
    """A bracketed word is a unit: %, 个, 万人次, 亿元 (not 含临展)."""
    return word in ("%", "％", "‰") or unit_category(word) is not None


def targets_from_table(rows: list[list[str | None]], doc_year: int | None = None,
                       period_end: int | None = None) -> list[dict]:
    """Read a table of indicators and their yearly values.

    Args:
        rows: the table's cells, header row first, as pdfplumber gives them:
            ``[["指标", "单位", "2016年基期值", "2017年目标", "2020年目标"],
            ["地区生产总值", "亿元", "8114", "8800", "≥10000"], …]``.
        doc_year: the document's year, to tell reported columns from goals.
        period_end: the end of the document's period (``DocContext.period_end``), the
            year of a column whose header names none (目标值, “十四五”目标 -> 2025).

    Returns:
        One dict per numeric cell, with the fields of ``Quantity`` that a table
        can give and ``source="table"``: ``{"indicator": "地区生产总值", "value":
        10000.0, "unit": "亿元", "comparator": ">=", "year": 2020, "role": "target",
        "row": 1, "column": 4, …}``. Cells of a 基期/完成 column are ``fact``.
    """
    table = [[(c or "").replace("\n", "").strip() for c in row] for row in rows if row]
    if len(table) < 2:
        return []
    header, body = table[0], table[1:]
    width = max(len(r) for r in table)
    header += [""] * (width - len(header))
    unit_col = next((i for i, h in enumerate(header) if "单位" in h), None)
    value_cols = [i for i, h in enumerate(header) if _HEADER_YEAR.search(h) or re.search(r"目标|预期", h)]
    value_cols = [i for i in value_cols if i != unit_col and not re.search(r"属性|类型|性质", header[i])]
    # 指标 | 2020年 | 2025年: the earlier year of a bare pair is the base, not a goal
    years = [int(m.group(1)) for i in value_cols if (m := _HEADER_YEAR.search(header[i]))]
    latest = max(years) if years else None
    name_col = next((i for i, h in enumerate(header) if re.search(r"指标|名称|项目|内容", h) and i not in value_cols),
                    next((i for i in range(width) if i != unit_col and i not in value_cols), 0))
    out: list[dict] = []
    for r, row in enumerate(body, start=1):
        row = row + [""] * (width - len(row))
        name = re.sub(r"^\s*(?:\d+[.、]|[（(]?[一二三四五六七八九十]+[）)、])\s*", "", row[name_col])
        if not name:
            continue
        m = _BRACKET_UNIT.search(name)
        if m and not _is_unit(m.group(1)):
            m = None  # 陈列展览数量（含临展）: a note, not a unit
        row_unit = row[unit_col] if unit_col is not None else (m.group(1) if m else "")
        if m:
            name = name[: m.start()].strip()
        for c in value_cols:
            cell = row[c]
            parsed = _cell_value(cell, row_unit or _bracket_unit(header[c]))
            if parsed is None:
                continue
            value, value_max, unit, comparator = parsed
            ym = _HEADER_YEAR.search(header[c])
            pm = _PLAN_PERIOD.search(header[c])
            year = int(ym.group(1)) if ym else _plan_period_end(pm.group("n")) if pm else period_end or doc_year
            kind = (
                "growth" if re.search(r"增长|增速|增幅|提高|下降|降低", name) and unit in ("%", "个百分点") else "level"
            )
            if kind == "level" and unit == "%" and _is_ratio(name):
                kind = "share"  # 固体废物综合利用率 | % | 85
            norm = normalize(value, unit)
            out.append(
                {
                    "text": cell,
                    "indicator": name,
                    "value": value,
                    "value_max": value_max,
                    "unit": unit,
                    "normalized": {"value": norm.value, "unit": norm.unit} if norm else None,
                    "comparator": comparator,
                    "kind": kind,
                    "year": year,
                    "modality": None,
                    "role": _header_role(header[c], year, doc_year, latest),
                    "source": "table",
                    "row": r,
                    "column": c,
                }
            )
    return out


def _bracket_unit(header: str) -> str:
    m = _BRACKET_UNIT.search(header)
    return m.group(1) if m else ""


def _cell_value(cell: str, unit: str) -> tuple[float, float | None, str, str] | None:
    """One cell: 8800 -> (8800, None, unit, "="); ≥80 -> >=; 1—2 -> between; 72% -> unit %."""
    m = _CELL.match(cell)
    if not m or not re.search(r"\d|[一二三四五六七八九十]", cell):
        return None
    op = _CELL_OPS.get(m.group("op") or "", "=")
    rest = m.group("rest").strip("[]【】")  # [5]: a five-year cumulative figure
    bare_range = re.fullmatch(r"(\d[\d.,]*)\s*(?:—{1,2}|–|－|-|~|～|至)\s*(\d[\d.,]*)", rest)
    if bare_range:  # 1—2 under a unit column: the range find_numbers leaves alone without a unit
        lo, hi = parse_number(bare_range.group(1)), parse_number(bare_range.group(2))
        if lo is not None and hi is not None and hi >= lo:
            return lo, hi, unit, "between"
    nums = find_numbers(rest)
    if not nums or nums[0].span[0] != 0:
        return None
    n = nums[0]
    tail = rest[n.span[1] :]
    if tail.startswith("以上"):
        op = ">="
    elif tail.startswith(("以下", "以内")):
        op = "<="
    elif tail and not tail.startswith("左右"):
        return None  # text, not a figure
    if n.value_max is not None:
        op = "between"
    return n.value, n.value_max, n.unit or unit, op
