"""jieba's view of a paragraph, for the entity rules: its token boundaries and dictionary words.

Where a short name must stand on its own (营口 is no place in 经营口径), the
token boundaries decide; whether a name opens with a proper word (长江 ns)
or an ordinary one (产权 n) is read from jieba's dictionary. The segmenter is
``rjieba`` (jieba-rs); without it boundaries and word lists are empty.

Example: ``sorted(token_boundaries("经营口径"))`` is ``[0, 2, 4]`` (经营|口径).
"""

from __future__ import annotations

from collections.abc import Container
from functools import lru_cache
from typing import Any

from pipeline.loader import data_lines


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
    proper = frozenset(data_lines("gazetteer/jieba_proper.txt"))
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
