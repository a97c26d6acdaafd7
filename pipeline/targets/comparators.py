"""The comparator written around a number: 力争突破850亿元 -> >, 开行300班以上 -> >=,
控制在3%以内 -> <=, 分别达到65%和55%以上 -> >= for both.

The words are the ``comparator_prefix`` and ``comparator_suffix`` tables of
``data/target_cues.json``.
"""

from __future__ import annotations

import re

from pipeline.targets.cues import comparator_regex, word_lists


def comparator_after(text: str, end: int, duration: bool) -> tuple[str, str | None]:
    """The comparator written after the number: (以上, >=), (以内, <=), (左右, =)."""
    regex, ops = comparator_regex("comparator_suffix")
    m = regex.match(text, end)
    if not m:
        return "", None
    word = m.group(0)
    if word == "内" and (not duration or any(text.startswith(w, end) for w in word_lists()["not_within"])):
        return "", None  # 22个内设机构, 三类内部事务: 内 opens a word
    return word, ops[word]


def comparator_before(before: str) -> str | None:
    """The comparator written before the number: 力争突破 -> >, 达到 -> >=, 控制在 -> <=.

    The cue must end within two characters of the number (达到, 最高给予); of
    overlapping cues the longest wins (不超过, not 超过).
    """
    tail = before[-8:]
    regex, ops = comparator_regex("comparator_prefix")
    best: tuple[int, str] | None = None
    for i in range(len(tail)):
        m = regex.match(tail, i)
        if m and m.end() >= len(tail) - 2 and (best is None or m.end() > best[0]):
            best = (m.end(), ops[m.group(0)])
    return best[1] if best else None


# the rest of a 分别 list after its first value, then the suffix it shares: 、8%和7%|以上
_LIST_REST = re.compile(r"(?:\s*[、和及与]\s*[\d.]+\s*(?:%|％|个百分点|[万亿千百]?[\u4e00-\u9fff]{0,2}?))+?(?=以上|以下|以内)")


def list_comparator(text: str, end: int) -> str | None:
    """The comparator of a suffix closing a 分别 list that starts at ``end``: 和55%以上 -> >=."""
    m = _LIST_REST.match(text, end)
    if not m:
        return None
    word, op = comparator_after(text, m.end(), False)
    return op if word else None
