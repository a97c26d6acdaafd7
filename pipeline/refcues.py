"""The cue words of ``data/reference_cues.json``, typed and read once.

Each list is sorted longest first, so a caller that takes the first match
takes the longest (关于印发 before 印发). ``docnumber`` reads ``before_agency``
(the prose before a 机关代字), ``references`` the rest.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from pipeline.loader import data_json


@dataclass(frozen=True, slots=True)
class ReferenceCues:
    """The cue lists, each longest first."""

    before_agency: tuple[str, ...]  # words that end the prose before a 机关代字: 根据, 落实, 的
    drafting_before: tuple[str, ...]  # a document being drafted: 尽快制定《X》
    drafting_after: tuple[str, ...]  # …《X》编制工作
    past_before_drafting: tuple[str, ...]  # 已经制定《X》 is in force, not drafted
    self_before: tuple[str, ...]  # the document a notice transmits: 关于印发《X》
    self_after: tuple[str, ...]  # 《X》已经…同意，现印发给你们
    document_types: tuple[str, ...]  # how a document's title ends: 批复, 条例, 规划, 方案


@cache
def reference_cues() -> ReferenceCues:
    """``data/reference_cues.json`` as ``ReferenceCues``: ``reference_cues().before_agency[0]`` is a longest cue (根据, 文件…)."""
    raw = data_json("reference_cues.json")
    return ReferenceCues(**{k: tuple(sorted(v, key=len, reverse=True)) for k, v in raw.items() if isinstance(v, list)})
