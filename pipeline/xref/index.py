"""The corpus filed by normalised number and title keys, and the questions asked of it: does a cited
title name this document, which corpus titles are one slip from a cited one."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from pipeline.xref.documents import CorpusDoc
from pipeline.xref.keys import (
    DEFAULT_NEAR_MAX_EDITS,
    bigrams,
    drop_note,
    fold_title,
    is_near,
    issuing_verbs,
    similarity,
    title_keys,
)


@dataclass(frozen=True)
class Index:
    """The corpus filed by normalised number and normalised title keys."""

    docs: Mapping[str, CorpusDoc]
    by_number: Mapping[str, tuple[str, ...]]
    by_title: Mapping[str, tuple[str, ...]]
    postings: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # bigram -> title keys holding it
    strong: Mapping[str, int] = field(default_factory=dict)  # documents whose own title (not one they name) a key is

    def ambiguous(self, key: str) -> bool:
        """Whether two documents share a title key as their own (not merely naming it)."""
        return self.strong.get(key, len(self.by_title.get(key, ()))) > 1


def build_index(docs: Iterable[CorpusDoc]) -> Index:
    """Take the corpus and file each document under its number and its title keys.

    Example: the notice 东政〔2023〕3号 关于印发《东川市…行动方案（2023—2025年）》的通知 is filed
    under 东政〔2023〕3号, under its whole title, under 关于印发…的通知 and under
    东川市…行动方案(2023-2025年), the title of the document it transmits.
    """
    table = {d.id: d for d in docs}
    by_number: dict[str, list[str]] = defaultdict(list)
    strong: dict[str, list[str]] = defaultdict(list)
    weak: dict[str, list[str]] = defaultdict(list)
    for d in table.values():
        if d.number:
            by_number[d.number].append(d.id)
        keys = doc_keys(d)
        own = doc_keys(d, issued=False)
        for k in keys:
            (strong if k in own else weak)[k].append(d.id)
    # a document's own title goes before a notice that merely names it (关于转发《X》的通知)
    by_title = {k: (*strong.get(k, ()), *weak.get(k, ())) for k in {**strong, **weak}}
    return Index(
        docs=table,
        by_number={k: tuple(v) for k, v in by_number.items()},
        by_title=by_title,
        postings=_postings(by_title),
        strong={k: len(v) for k, v in strong.items()},
    )


def _postings(keys: Iterable[str]) -> dict[str, tuple[str, ...]]:
    out: dict[str, list[str]] = defaultdict(list)
    for key in keys:
        for g in bigrams(key):
            out[g].append(key)
    return {g: tuple(v) for g, v in out.items()}


def doc_keys(d: CorpusDoc, issued: bool = True) -> tuple[str, ...]:
    keys: list[str] = []
    for t in (d.title, d.body_title):
        keys.extend(title_keys(t, issued) if t else ())
    return tuple(dict.fromkeys(keys))


def titles_agree(cited: str, d: CorpusDoc) -> bool:
    """Whether a cited title names ``d``: equal to a key, equal once trailing notes go (（试行）),
    or the document a notice issues as its title spells it (关于印发X的通知 for X, when the
    parse did not give the notice's body title)."""
    keys = doc_keys(d)
    if cited in keys or drop_note(cited) in {drop_note(k) for k in keys}:
        return True
    whole = fold_title(d.title) if d.title else ""
    at = whole.find(cited)
    # a notice's title names what it issues right after its verb: 关于印发X的通知
    return at > 0 and bool(re.search(rf"(?:{issuing_verbs()})$", whole[:at]))


def best_title(cited: str, d: CorpusDoc) -> tuple[str | None, float]:
    """The title key of ``d`` closest to ``cited`` and its similarity."""
    best: tuple[str | None, float] = (None, 0.0)
    for key in doc_keys(d):
        s = similarity(cited, key)
        if s > best[1]:
            best = (key, s)
    return best


def near_titles(cited: str, index: Index) -> list[tuple[str, float]]:
    """Corpus title keys one slip away from ``cited``, best first, with their similarity."""
    # each edit breaks at most two bigrams, so a title a few edits away holds at least one of
    # any 2 * DEFAULT_NEAR_MAX_EDITS + 1 bigrams of the cited one: look only under the rarest
    grams = sorted(bigrams(cited), key=lambda g: len(index.postings.get(g, ())))
    candidates: set[str] = set()
    for g in grams[: 2 * DEFAULT_NEAR_MAX_EDITS + 1]:
        candidates.update(index.postings.get(g, ()))
    out = [(key, similarity(cited, key)) for key in candidates if is_near(cited, key)]
    return sorted(out, key=lambda p: (-p[1], p[0]))

