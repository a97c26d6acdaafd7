"""Whether a quantity is a ``target`` the document sets, a ``fact`` it reports or a ``limit`` a
rule imposes: 力争突破850亿元 (target), 全市已建成5G基站3200个 (fact), 给予100万元奖励 (limit).

The sentence's own words come first (a rule's 罚款 or 不得, a modal verb
力争), then its time frame (a deadline after the issue date looks forward),
then the document's genre and the frame of the section's heading. Some
classes are never targets: ages, caps, charge rates, counts of the document's
own parts (``never_target``).
"""

from __future__ import annotations

import re
from functools import cache

from pipeline.numbers import NumberMatch, unit_category
from pipeline.targets.context import BASE_PHRASE, DocContext, When
from pipeline.targets.cues import SENTENCE_END, comparator_pairs, fact_regex, longest_first, word_lists, word_regex


@cache
def _forward_regex() -> re.Pattern[str]:
    """Words that set a goal without a modal verb: 主要预期目标是, 年底前, 到年底, 年内, and
    a future auxiliary before a verb: 将新建, 要达到, 拟安排."""
    lists = word_lists()
    words = "|".join(map(re.escape, longest_first(lists["forward_cues"])))
    verbs = lists["lead_words"] + lists["future_verbs"] + tuple(w for w, _ in comparator_pairs("comparator_prefix"))
    # 要 as an auxiliary, not inside 主要, 需要, 重要: 主要实施了 is no plan
    aux = "|".join(rf"(?<![主需重只紧摘纲提概必想]){re.escape(w)}" for w in longest_first(lists["future_auxiliaries"]))
    verb = "|".join(map(re.escape, longest_first(verbs)))
    return re.compile(rf"{words}|年底前|到年底|(?<![\d一二两三四五六七八九十百])年内|(?:{aux})(?:{verb})")


def role_of(
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
    ``benefit`` says the number is what a rule grants (``grants``).
    """
    if word_regex("strong_limit_cues").search(sentence):
        return "limit"
    if bound and modality is None:
        return "limit"
    if ctx.genre == "plan" and modality is None and (word_regex("limit_cues").search(sentence) or benefit):
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
    if when.since or fact_regex().search(BASE_PHRASE.sub("", backward)):
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


def grants(text: str, clause_lo: int, start: int, end: int, sent_hi: int) -> bool:
    """Whether a number stands in a sentence of a benefit a rule grants (给予100万元奖励; 对…企业，
    分别奖励10万元、20万元); not where the word names a programme or a standard (2025年开展政府
    补贴性职业技能培训65万人次, 提高医保财政补助标准至人均730元)."""
    lo = text.rfind("\n", 0, start) + 1
    lo = max(lo, max(text.rfind(ch, 0, start) for ch in SENTENCE_END) + 1)
    sentence = text[lo:sent_hi]
    for m in word_regex("not_benefit").finditer(sentence):
        sentence = sentence[: m.start()] + "\u3000" * len(m.group(0)) + sentence[m.end():]
    # 财政补助省定基础标准: the standard a plan raises, not a grant
    return any("标准" not in sentence[m.end() : m.end() + 6] for m in word_regex("benefit_words").finditer(sentence))


def never_target(text: str, n: NumberMatch, clause_lo: int, start: int, end: int, sent_hi: int,
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
    lists = word_lists()
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


def qualifies(text: str, end: int) -> bool:
    """A number before 的 and a noun qualifies the noun: 超10亿元的企业; not 50亿元的目标."""
    if text[end : end + 1] != "的" or not re.match(r"[\u4e00-\u9fff]", text[end + 1 : end + 2]):
        return False
    return not any(text.startswith(w, end + 1) for w in word_lists()["goal_nouns"])
