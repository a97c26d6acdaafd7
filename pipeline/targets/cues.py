"""The cue words of ``data/target_cues.json``, loaded once, and the regexes built from them.

Every word list of the file is here as a tuple, longest word first
(``word_lists()["modality"]``: 力争, 确保, 争取, 预计, 计划); the comparator
tables as (word, comparator) pairs (不超过 -> <=, 突破 -> >); the regexes
that the indicator, kind and role rules share (``word_regex("growth_verb")``
finds 增长 at the end of 地区生产总值增长).
"""

from __future__ import annotations

import re
from functools import cache

from pipeline.loader import data_json

# a sentence ends at 。；！？ or a paragraph break
SENTENCE_END = "。；;！？!?\n"
# a clause ends at those and at ，、：
CLAUSE_END = SENTENCE_END + "，,、：:"


def cues() -> dict:
    return data_json("target_cues.json")


def longest_first(words) -> tuple[str, ...]:
    return tuple(sorted(words, key=len, reverse=True))


@cache
def word_lists() -> dict[str, tuple[str, ...]]:
    c = cues()
    return {k: longest_first(v) for k, v in c.items() if isinstance(v, list)}


@cache
def comparator_pairs(which: str) -> tuple[tuple[str, str], ...]:
    """(word, comparator) pairs, longest word first: 不超过 before 超过."""
    pairs = [(w, op) for op, words in cues()[which].items() for w in words]
    return tuple(sorted(pairs, key=lambda p: -len(p[0])))


@cache
def fact_regex() -> re.Pattern[str]:
    """Fact cues; 上年/去年 only outside a comparison (比上年增长8% may be a goal)."""
    words = longest_first(cues()["fact_cues"])
    alt = "|".join(re.escape(w) if w not in ("上年", "去年") else rf"(?<![比较同与]){w}" for w in words)
    return re.compile(alt)


@cache
def names_regex() -> re.Pattern[str]:
    return re.compile("|".join(re.escape(n) for n in word_lists()["number_names"]))


@cache
def comparator_regex(which: str) -> tuple[re.Pattern[str], dict[str, str]]:
    pairs = comparator_pairs(which)
    return re.compile("|".join(re.escape(w) for w, _ in pairs)), dict(pairs)


@cache
def word_regex(kind: str) -> re.Pattern[str]:
    """One alternation per word list, longest first: lead words at the start, trail words at
    the end, noun-phrase stops anywhere."""
    lists = word_lists()
    if kind == "lead":
        words = lists["lead_connectives"] + lists["lead_words"] + lists["modality"]
        # 建成区, 完成率: a verb before a nominal suffix is part of a noun
        keep = "|".join(map(re.escape, lists["nominal_suffixes"]))
        return re.compile("^(?:" + "|".join(map(re.escape, longest_first(words))) + f")(?!{keep})")
    if kind == "trail":
        words = (
            lists["trail_words"]
            + lists["modality"]
            + lists["growth_verbs"]
            + tuple(w for w, _ in comparator_pairs("comparator_prefix"))
        )
        # 比2016年 / 较上年同期 before a growth verb is a baseline, not part of the subject
        return re.compile(
            "(?:"
            + "|".join(map(re.escape, longest_first(words)))
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
        words = lists["growth_verbs"] + tuple(w for w, _ in comparator_pairs("comparator_prefix"))
        return re.compile("|".join(map(re.escape, longest_first(words))))
    return re.compile("|".join(map(re.escape, longest_first(lists["np_stop"]))))


@cache
def cue_words() -> frozenset[str]:
    """Words that cannot be an indicator on their own: 增长, 突破, 占."""
    words = set(word_lists()["growth_verbs"]) | set(word_lists()["trail_words"]) | set(word_lists()["modality"])
    words |= {w for w, _ in comparator_pairs("comparator_prefix")}
    return frozenset(words | set(word_lists()["conjunctions"]) | {"占", "占比", "由", "从", "比", "较"})
