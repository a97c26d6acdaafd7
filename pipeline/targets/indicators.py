"""What a quantity measures: the noun phrase after the number when there is one
(建成9个以上|功能性口岸), else the subject before the verb (航空港年旅客吞吐量|达到2300万人次).

The rules are lexical: lead words, trailing verbs and noun-phrase stops are
the word lists of ``data/target_cues.json``; no segmenter is needed.
"""

from __future__ import annotations

import re
from functools import cache

from pipeline.targets.comparators import comparator_after
from pipeline.targets.context import THIS_YEAR, YEAR
from pipeline.targets.cues import CLAUSE_END, cue_words, cues, word_lists, word_regex

# the longest indicator kept, in characters; a longer clause is cut at a verb
MAX_INDICATOR = 32


# a list marker or article number opening a clause: 第十一条, （一）, 1., 2、, 三是
_MARKER = re.compile(
    r"^(?:第[一二三四五六七八九十百零〇\d]+条\s*|[（(][一二三四五六七八九十\d]+[）)]|\d+[.．、](?!\d)\s*|\d{1,2}[.．](?=(?:19|20)\d\d年)"
    r"|[一二三四五六七八九十]是)"
)


@cache
def _front_time() -> re.Pattern[str]:
    """A relative deadline or a comparison's base opening a clause: 明年底前, 比2023年末增加 (not 增加值)."""
    verbs = "|".join(map(re.escape, word_lists()["front_change_verbs"]))
    return re.compile(
        r"^(?:明年(?:底前|底|内)?|(?:比|较)(?:(?:19|20)\d\d年|上年|去年|上一年)(?:底|末|度)?(?:同期)?"
        rf"(?:{verbs})(?![值率量额]))"
    )


# how often, before the verb: 每年新认定…, 每季度开展…
_EVERY = re.compile(r"^(?:每年度|每年|每季度|每个月|每月|每半年)")


def _strip_front(s: str) -> str:
    """Drop what stands before the noun phrase: 2017年，力争引进 -> (empty); 实现外汇收入 -> 外汇收入."""
    lead = word_regex("lead")
    while True:
        old = s
        m = YEAR.match(s)
        if m:
            s = s[m.end() :]
        m = THIS_YEAR.match(s) or _front_time().match(s)
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
            m = word_regex("modifier").match(s)
            if m and lead.match(s[m.end() :]):
                s = s[m.end() :]
        if s == old:
            return s


def _strip_back(s: str) -> str:
    """Drop what stands between the noun phrase and the number: 增加值力争突破 -> 增加值."""
    trail = word_regex("trail")
    while True:
        m = trail.search(s, max(0, len(s) - 12))
        if not m or m.start() == 0:
            return s
        s = s[: m.start()]


def _after_enumeration(s: str) -> str:
    """Keep what follows 等 in 交易会、展览会等国际性展会: the class counted."""
    i = s.rfind(cues()["enumeration_end"])
    while i >= 0:
        pair_before = s[max(0, i - 1) : i + 1]
        pair_after = s[i : i + 2]
        rest = s[i + 1 :]
        if (
            pair_before not in word_lists()["not_enumeration"]
            and pair_after not in word_lists()["not_enumeration"]
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
    stops = word_regex("stop")
    i = pos
    limit = min(hi, pos + MAX_INDICATOR)
    while i < limit:
        ch = text[i]
        if ch == "“" and (close := text.find("”", i, limit)) > i:
            i = close + 1  # 10个以上“好房子”示范项目: a quoted name inside the noun phrase
            continue
        if ch in CLAUSE_END or ch in '（(）)“”"《》':
            break
        m = stops.match(text, i)
        if m and i > pos:
            break
        if i == pos and ((m and len(m.group(0)) > 1) or word_regex("verb").match(text, i)):
            return ""  # a verb first: 50万元用于…, 2002亿元增加到…; 对外文化交流活动 is a noun
        i += 1
    phrase = text[pos:i]
    if not phrase or phrase[0] in cues()["np_function_chars"] or not re.match(r"[\u4e00-\u9fff“]", phrase):
        return ""
    if len(phrase) == 1 and i < limit and text[i] in CLAUSE_END:
        return ""  # 5个，: a lone character before punctuation is no object
    return phrase


def _with_action(text: str, obj: str, end: int, sent_hi: int) -> str:
    """A counted class (企业, 家庭) is counted by what it does next: 20家企业|参加放心消费活动 ->
    企业参加放心消费活动; 7000户困难老年人家庭|实施适老化改造. Other objects stand alone."""
    lists = word_lists()
    if not any(obj.endswith(w) for w in lists["class_nouns"]):
        return obj
    verb = next((w for w in lists["action_verbs"] if text.startswith(w, end)), None)
    if verb is None:
        return obj
    stop = end
    while stop < sent_hi and text[stop] not in CLAUSE_END:
        stop += 1
    return (obj + text[end:stop])[: MAX_INDICATOR]


def indicator_of(text: str, clause_lo: int, n_start: int, after: int, sent_hi: int, previous: str | None) -> str | None:
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
    if previous and (not subj or subj in cue_words() or _COMPARISON.match(subj)):
        return previous
    return subj if subj and subj not in cue_words() else None


# a comparison, not a subject: 比2024年预算, 较上一年度, 与2023年度相比, 占本年支出合计的
_COMPARISON = re.compile(r"(?:比|较|与|同|占)")


def with_predicate(text: str, indicator: str | None, share_tail: int, end: int, sent_hi: int, kind: str
                    ) -> str | None:
    """A share names its population and what that part of it does: 60%以上的市级妇幼保健院|达到“三级
    甲等”水平 -> 市级妇幼保健院达到“三级甲等”水平; a bare share names only the predicate:
    其中60%以上|达到“二级甲等”水平."""
    stop = end
    while stop < sent_hi and text[stop] not in CLAUSE_END:
        stop += 1
    if kind == "share" and indicator and text.startswith(indicator, share_tail):
        rest = text[share_tail + len(indicator) : stop]
        m = re.match(r"[（(][^（）()]{1,6}[）)]", rest)  # 75%的县（市）|至少建成…
        verb = rest[m.end() :] if m else rest
        if verb and word_regex("verb").match(verb) or verb.startswith(("纳入", "至少", "建成", "设立", "开展")):
            return (indicator + rest)[: MAX_INDICATOR + 8]
        return indicator
    if indicator is None:
        suffix, _ = comparator_after(text, end, False)
        rest = text[end + len(suffix) : stop]
        if rest and word_regex("verb").match(rest):
            return rest[:MAX_INDICATOR]
    return indicator


def is_ratio(indicator: str | None) -> bool:
    """Whether an indicator names a part of a whole: 覆盖率, 占GDP比重, 城镇化率 (not 利率, 增长率)."""
    if not indicator:
        return False
    lists = word_lists()
    if any(indicator.endswith(w) for w in lists["not_ratio_nouns"] + lists["growth_nouns"]):
        return False
    return any(indicator.endswith(w) for w in lists["ratio_nouns"])
