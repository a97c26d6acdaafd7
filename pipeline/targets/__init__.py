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

All cue words are data (``data/target_cues.json``, read by ``cues``). The rules are lexical:
the indicator is read from the clause around the number (the noun phrase
after ``N个`` when there is one, 建成9个以上功能性口岸; else the subject
before the verb, 航空港年旅客吞吐量达到…), which needs no segmenter.

The folder, by concern: ``cues`` (the cue file and its regexes), ``comparators``
(达到 -> >=), ``indicators`` (what is measured), ``context`` (the document's
genre and period, each quantity's year, the sections' headings) and ``roles``
(target, fact or limit).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from pipeline.model import Normalized, Quantity, Section
from pipeline.numbers import NumberMatch, find_numbers, normalize, split_unit, unit_category
from pipeline.targets.comparators import comparator_after, comparator_before, list_comparator
from pipeline.targets.context import DocContext, SectionIndex, document_context, inside, protected_spans, time_frame
from pipeline.targets.cues import CLAUSE_END, SENTENCE_END, word_lists, word_regex
from pipeline.targets.indicators import indicator_of, is_ratio, with_predicate
from pipeline.targets.roles import grants, never_target, qualifies, role_of

# --- what is a quantity -----------------------------------------------------


def _is_quantity(text: str, n: NumberMatch) -> bool:
    """Keep numbers that measure something; drop ordinals, dates, names and bare numbers.

    第二十三届 (ordinal), 2017年 (date), 3月13日 (date), 一个公平的环境 (the
    article 一), “三个一” (a name), 72小时过境免签 (a duration naming a
    policy) and 1125 (no unit) are not quantities.
    """
    if not n.unit and not n.fraction:
        return False  # 1125聚才计划, 世界500强, phone numbers, clause numbers
    if n.unit and unit_category(n.unit) is None and split_unit(n.unit)[1]:
        return False  # a unit the table does not know; a bare magnitude (人口突破1000万) is fine
    return not (_is_ordinal_or_date(text, n) or _is_name(text, n) or _is_time_named(text, n))


def _is_ordinal_or_date(text: str, n: NumberMatch) -> bool:
    """第二十三届, 排名前10名, 十二届五次全会, 建党100周年, 2017年, 3月13日, 秘密★1年."""
    start = n.span[0]
    before = text[start - 1] if start else ""
    if before == "第" or (before == "前" and n.unit in ("名", "位")):
        return True  # 第二十三届, 排名前10名
    if n.unit in word_lists()["anniversary_units"]:
        return True  # 中华人民共和国成立70周年, 建党100周年: an anniversary names a date
    if before in ("届", "★") or "★" in text[max(0, start - 2) : start]:
        return True  # 十二届五次全会 (an ordinal); 秘密★1年 (a 密级's term)
    if unit_category(n.unit) == "duration" and n.unit.endswith("年") and 1900 <= n.value <= 2100:
        return True  # 2017年, 2016—2018年
    return n.unit in ("日", "天") and before == "月"  # 3月13日


def _is_name(text: str, n: NumberMatch) -> bool:
    """A numeral that is part of a word or a name: 十分丰富, 三级医院, 扩建工程三期, 两位数, 一个, 三个一, 六处."""
    start, end = n.span
    before = text[start - 1] if start else ""
    after = text[end : end + 4]
    category = unit_category(n.unit)
    if n.unit == "期" and any(text[max(0, start - 4) : start].endswith(w) for w in word_lists()["phase_heads"]):
        return True  # 扩建工程三期: a phase
    if n.unit == "位" and after.startswith("数"):
        return True  # 两位数增长
    if not n.chinese:
        return False
    if n.text == "十分" and re.match(r"[\u4e00-\u9fff]", after[:1]):
        return True  # 文物资源十分丰富: the adverb 'very'
    if n.unit in ("次", "期", "级") and re.match(r"[\u4e00-\u9fff]", after[:1]) and not any(
        after.startswith(w) for w in word_lists()["duration_followers"]
    ):
        return True  # 二次手术, 三次产业, 三期扩建工程, 三级医院: a name, not a count
    if n.value == 1 and n.value_max is None and n.text[0] == "一" and category != "duration":
        return True  # 一个公平和谐的环境, 一次, 一批: the article, not a count (一年内 is a duration)
    if category == "count" and after[:1] and after[:1] in "一二两三四五六七八九十":
        return True  # 三个一, 五个一: names
    return n.unit in ("处", "科", "室") and bool(before) and before in "厅局委办部院会司"  # 市政府办公厅六处


def _is_time_named(text: str, n: NumberMatch) -> bool:
    """A duration that names a policy (72小时过境免签, 15分钟生活圈) or the time a report looks back
    over (过去一年，…, 近五年来); 3个工作日内 and 用3年时间 bound something and stay."""
    if unit_category(n.unit) != "duration":
        return False
    start, end = n.span
    after = text[end : end + 4]
    follow = after[:1]
    if (
        follow
        and follow not in "，。；、：！？）)\n,;:"
        and not any(after.startswith(w) for w in word_lists()["duration_followers"])
    ):
        return True  # 72小时过境免签, 15分钟生活圈
    # 过去一年，… / 近五年来: the time a report looks back over
    return text[max(0, start - 2) : start].endswith(("过去", "近", "这")) and follow in ("，", ",", "来", "里", "中")


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
        elif depth == 0 and ch in CLAUSE_END:
            return i + 1
    return lo


# a stated baseline makes an absolute change a growth: 比2024年预算减少990万元
_BASELINE = re.compile(r"(?:比|较)(?:上年|去年|上一|(?:19|20)\d\d年)|同比|环比|相比")


@cache
def _baseline_verb() -> re.Pattern[str]:
    """A baseline then a change verb, its object before the number: 比2023年末增加公共充电桩2000个."""
    verbs = "|".join(map(re.escape, word_lists()["baseline_verbs"]))
    return re.compile(rf"(?:比|较)(?:上年|去年|上一年度?|(?:19|20)\d\d年)(?:底|末|度)?(?:同期)?(?:{verbs})")


def _kind(text: str, n: NumberMatch, before: str, tail_end: int, prefix: str) -> str:
    """growth for 增长25%, 提高2个百分点, 比上年减少990万元; share for 80%的市属三甲医院; else level."""
    if n.unit in ("%", "‰") or n.fraction:
        rest = text[tail_end : tail_end + 2]
        if rest[:1] == "的" and re.match(r"[\u4e00-\u9fff]", rest[1:2]) and not rest.startswith("的比"):
            return "share"
    if n.unit.endswith("百分点"):
        return "growth"
    b = before.rstrip("了约近超过达")  # 增长了, 增长约, 增长超过 -> 增长
    for base in word_lists()["baseline"]:
        b = b.removesuffix(base)
    verb = bool(word_regex("growth_verb").search(b)) and not re.search(r"[到至为]$", before)
    if n.unit in word_lists()["growth_units"]:
        # 居民消费价格涨幅3%; 增速均达到20%; 涨幅在2%左右; 按不低于8%增幅提高
        noun = re.sub(r"(?:均|都|分别)?(?:达到|达|为|在|保持在|不低于|不少于|不高于|不超过|控制在)$", "", b)
        if (verb or word_regex("growth_noun").search(noun)
                or any(text.startswith(w, tail_end) for w in word_lists()["growth_nouns"])):
            return "growth"
    elif (verb and _BASELINE.search(prefix[-30:])) or _baseline_verb().search(before):
        return "growth"
    return "level"


def _modality(sentence_prefix: str) -> str | None:
    """The last of 力争 确保 争取 预计 计划 before the number; 计划 only as a verb."""
    best: tuple[int, str] | None = None
    for w in word_lists()["modality"]:
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
    protected = protected_spans(text)
    doc = _Document(text, document_context(text, doc_year, title), SectionIndex(sections), protected,
                    [s for s, _ in protected], _bounds(text, SENTENCE_END), _bounds(text, "\n"))
    out: list[Quantity] = []
    last = _Previous()
    for n in find_numbers(text, bare=False):
        if inside(doc.protected, doc.pstarts, n.span[0]) or not _is_quantity(text, n):
            continue
        at = _place(doc, n, last)
        indicator, kind = _measure(doc, n, at, last)
        modality = _modality(at.prefix)
        role, year = _role_and_year(doc, n, at, modality)
        if last.sentence == at.s_lo and at.before.strip() in word_lists()["conjunctions"]:
            kind = last.kind  # 分别增长8%和7%: the second is what the first is
        # 安定区、陇西县、临洮县各50个; 马铃薯种植、收获机械化率均达到45%: one target per member
        copies = _members(text[at.clause_lo : at.start]) if role == "target" else 1
        comparator = _comparator(text, n, at)
        out.extend(
            Quantity(
                text=text[at.start : at.end],
                span=(at.start, at.end),
                indicator=indicator,
                value=n.value,
                value_max=n.value_max,
                unit=n.unit,
                normalized=normalize(n.value, n.unit) if not n.fraction else Normalized(n.value * 100, "%"),
                comparator=comparator,
                kind=kind,
                year=year,
                modality=modality,
                section=doc.index.section_of(at.start),
                sentence=text[at.s_lo : at.s_hi].strip().rstrip(SENTENCE_END),
                role=role,
                approx=n.approx,
            )
            for _ in range(copies)
        )
        last = _Previous(at.s_lo, indicator, at.end, kind)
    return out


@dataclass(frozen=True, slots=True)
class _Document:
    """What every number of one document is read against: its context, sections, names and sentences."""

    text: str
    ctx: DocContext
    index: SectionIndex
    protected: list[tuple[int, int]]  # names and titles: “五个一”, 《…（2016—2018年）》
    pstarts: list[int]  # their starts
    sentences: list[int]  # sentence starts
    paragraphs: list[int]  # paragraph starts


@dataclass(frozen=True, slots=True)
class _Previous:
    """The quantity before, which a clause without a subject of its own goes on from: 分别增长8%和7%."""

    sentence: int = -1  # its sentence's start
    indicator: str | None = None
    end: int = -1
    kind: str = "level"


@dataclass(frozen=True, slots=True)
class _Place:
    """Where one number stands: 力争|航空港年旅客吞吐量达到|2300万人次|以上 in its sentence and clause."""

    start: int
    end: int  # after a comparator written after the number (以上, 以内)
    suffix_op: str | None  # that comparator
    s_lo: int  # the sentence
    s_hi: int
    p_lo: int  # the paragraph's start
    clause_lo: int  # the clause's start
    before: str  # the clause up to the number
    prefix: str  # the sentence up to the number
    percent: bool
    share_tail: int  # after the 的 of 80%的市属三甲医院, where a share names its population


def _place(doc: _Document, n: NumberMatch, last: _Previous) -> _Place:
    """Where the number ``n`` stands in its sentence, paragraph and clause."""
    text = doc.text
    start, end = n.span
    s_lo, s_hi = _enclosing(doc.sentences, start, len(text))
    p_lo, _ = _enclosing(doc.paragraphs, start, len(text))
    suffix, suffix_op = comparator_after(text, end, unit_category(n.unit) == "duration")
    q_end = end + len(suffix)
    clause_lo = _enumeration_start(text, s_lo, _clause_start(text, s_lo, start))
    if last.sentence == s_lo and last.end > clause_lo:
        clause_lo = last.end  # 由…2002亿元增加到…8114亿元: the second clause starts after the first number
    percent = n.unit in ("%", "‰") or n.fraction
    # 80%的市属三甲医院: a share names its population after 的
    share_tail = q_end + 1 if percent and text[q_end : q_end + 1] == "的" else q_end
    return _Place(start, q_end, suffix_op, s_lo, s_hi, p_lo, clause_lo, text[clause_lo:start], text[s_lo:start],
                  percent, share_tail)


def _measure(doc: _Document, n: NumberMatch, at: _Place, last: _Previous) -> tuple[str | None, str]:
    """What the number measures and its kind: (航空港年旅客吞吐量, level), (市级妇幼保健院…, share)."""
    text = doc.text
    previous = last.indicator if last.sentence == at.s_lo else None
    indicator = indicator_of(text, at.clause_lo, at.start, at.share_tail, at.s_hi, previous)
    kind = _kind(text, n, at.before, at.end, at.prefix)
    if at.percent:
        bare = indicator is None
        indicator = with_predicate(text, indicator, at.share_tail, at.end, at.s_hi, kind)
        if bare and indicator is not None and (previous is not None or "其中" in at.before):
            kind = "share"  # 其中60%以上达到“二级甲等”水平: a part of what the sentence counted
    if kind == "level" and at.percent and is_ratio(indicator):
        kind = "share"  # 重点场所5G网络覆盖率达到98%, 占地区生产总值比重提高到12%
    return indicator, kind


def _comparator(text: str, n: NumberMatch, at: _Place) -> str:
    """The comparator: a range's ``between``, else the suffix's (以上 -> >=), else the list's
    (分别达到65%和55%以上), else 余/多's ``>``, else the prefix's (力争突破 -> >), else ``=``."""
    if n.value_max is not None:
        return "between"
    if at.suffix_op and at.suffix_op != "=":
        return at.suffix_op
    if "分别" in at.before and (shared := list_comparator(text, at.end)):
        return shared  # 分别达到65%和55%以上: the trailing 以上 covers the list
    if n.more:
        return ">"
    return comparator_before(at.before) or "="


def _role_and_year(doc: _Document, n: NumberMatch, at: _Place, modality: str | None) -> tuple[str, int | None]:
    """The role (target, fact, limit) and the year of the number at ``at``."""
    text, ctx = doc.text, doc.ctx
    start = at.start
    when = time_frame(text, at.p_lo, at.s_lo, start, doc.protected, doc.pstarts, ctx, doc.index.heading_year(start))
    year = when.year
    bound = unit_category(n.unit) == "duration" and any(
        w in at.before[-len(w) - 2 :] for w in word_lists()["rule_bounds"])
    # the frame's own words: from just before the year said in the sentence (已于2023年…), else all of it
    framed = text[max(at.s_lo, when.at - 3) : start] if when.at is not None else at.prefix
    role = role_of(at.prefix, text[at.s_lo : at.s_hi], modality, when, ctx, bound, doc.index.frame(start), framed,
                   grants(text, at.clause_lo, start, at.end, at.s_hi))
    if not at.percent and qualifies(text, at.end) and role == "target":
        role = "limit"  # 培育年营业收入超10亿元的企业: a threshold inside a noun phrase
    if role == "target":
        role = never_target(text, n, at.clause_lo, start, at.end, at.s_hi, modality) or role
    if when.assumed and role != "target":
        year = ctx.title_year  # 全市现有绿色工厂25家 in a 2024—2026 plan: no year is said
    return role, year


def find_targets(
    text: str, sections: Sequence[Section] = (), doc_year: int | None = None, title: str | None = None
) -> list[Quantity]:
    """Only the targets of ``find_quantities``: 力争突破850亿元, not 表彰4家单位."""
    return [q for q in find_quantities(text, sections, doc_year, title) if q.role == "target"]
