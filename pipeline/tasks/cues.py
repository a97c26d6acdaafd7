"""The cue words of ``data/task_cues.json``, loaded once: the labels of a note (责任单位, 牵头单位,
配合单位, 完成时限), the verbs of duty (牵头, 负责), vague words (有关部门) and table headers.

Example: ``label_kind()["配合单位"]`` is ``"support"``.
"""

from __future__ import annotations

import re
from functools import cache

from pipeline.loader import data_json


def cues() -> dict:
    return data_json("task_cues.json")


def longest(words) -> tuple[str, ...]:
    return tuple(sorted(words, key=len, reverse=True))


def alternation(words) -> str:
    return "|".join(map(re.escape, longest(words)))


@cache
def label_kind() -> dict[str, str]:
    """Label -> lead / responsible / support / deadline: 配合单位 -> support."""
    return {w: kind for kind, words in cues()["labels"].items() for w in words}


@cache
def label_regex() -> re.Pattern[str]:
    # 责任单位：…  【牵头单位】…  牵头单位:…
    # 以上任务的牵头单位为市发展改革委: 为 as a colon
    return re.compile(rf"【(?P<a>{alternation(label_kind())})】[：:]?|(?P<b>{alternation(label_kind())})\s*(?:[：:]|为(?=[\u4e00-\u9fff]))")
