"""One parse output as the cross-referencer sees it: its number and titles, its references (a title
written just before a bare number restored), which of them are the document itself, and where its own
number is written."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pipeline.docnumber import find_doc_numbers
from pipeline.references import relation_of
from pipeline.xref.keys import number_key


@dataclass(frozen=True)
class CorpusDoc:
    """One parse output as the cross-referencer sees it.

    ``id`` is the JSON file's stem (unique in a batch folder); ``number`` the
    normalised 发文字号 (东政〔2023〕3号), ``number_raw``/``number_span`` the
    same as written in the text (东政[2023]3号), when found there.
    """

    id: str
    file: str
    number: str | None
    title: str | None
    body_title: str | None
    issue_date: str | None
    issuer: str | None
    references: tuple[Mapping[str, Any], ...]
    number_raw: str | None = None
    number_span: tuple[int, int] | None = None
    number_page: int | None = None
    path: str | None = None
    transmitted: frozenset[int] = frozenset()  # references a cue marks as the document itself
    number_guessed: bool = False  # the printed number is OCR's reading (repaired or unverified): its form proves nothing


def _own_number(data: Mapping[str, Any], key: str | None) -> tuple[str, tuple[int, int], int | None] | None:
    """Where the document's own 发文字号 is printed: (as written, span, page), or None.

    The parse says so in ``metadata.doc_number_written`` (郑发 〔2016〕35号 at [120, 132] on page 1; null when
    the number is not printed in the text); an output written before it had that field is searched instead.
    """
    meta = data.get("metadata") or {}
    if "doc_number_written" not in meta:
        return _own_number_as_written(data, key)
    written = meta["doc_number_written"]
    if not written:
        return None
    return str(written["text"]), (int(written["span"][0]), int(written["span"][1])), written.get("page")


def _own_number_as_written(data: Mapping[str, Any], key: str | None) -> tuple[str, tuple[int, int], int] | None:
    """Find the document's own 发文字号 in the text of an output without ``doc_number_written``: (raw, span, page)."""
    text = data.get("text") or ""
    if not key:
        return None
    for (a, b), num in find_doc_numbers(text[:4000]):
        if number_key({"agency_code": num.agency_code, "year": num.year, "serial": num.serial}) == key:
            return text[a:b], (a, b), _page_at(data, a)
    return None


def _page_at(data: Mapping[str, Any], offset: int) -> int:
    """The page an offset of the text is on, from the located items around it (page 1 by default)."""
    best, page = -1, 1
    for group in ("sections", "references", "dates", "entities"):
        for item in data.get(group) or ():
            span, p = item.get("span"), item.get("page")
            if span and p and best < span[0] <= offset:
                best, page = span[0], p
    return page


def doc_from_dict(data: Mapping[str, Any], doc_id: str, path: str | None = None) -> CorpusDoc:
    """Take one parse output (document.schema.json) and give its ``CorpusDoc``.

    Example: the output of 东政〔2023〕3号 ->
    CorpusDoc(id="a_plan_notice-1a2b3c4d", number="东政〔2023〕3号", title="东川市人民政府关于印发…的通知", …).
    """
    meta = data.get("metadata") or {}
    key = number_key(meta.get("doc_number"))
    written = _own_number(data, key)
    return CorpusDoc(
        id=doc_id,
        file=str((data.get("source") or {}).get("file") or doc_id),
        number=key,
        title=meta.get("title"),
        body_title=meta.get("body_title"),
        issue_date=meta.get("issue_date"),
        issuer=meta.get("issuer"),
        references=_titled(data),
        number_raw=written[0] if written else None,
        number_span=written[1] if written else None,
        number_page=written[2] if written else None,
        path=path,
        transmitted=_transmitted(data),
        number_guessed=_number_guessed(meta, data.get("pages") or (), written[2] if written else None),
    )


# the metadata stage's flags on a 发文字号 read by OCR and checked against the agency table
_OCR_NUMBER_FLAGS = frozenset({"doc_number_repaired", "doc_number_unverified"})


def _number_guessed(meta: Mapping[str, Any], pages: Sequence[Mapping[str, Any]], page: int | None) -> bool:
    """Whether the own number as printed is OCR's reading: flagged by the metadata stage, or on an OCR'd page."""
    if _OCR_NUMBER_FLAGS & set(meta.get("flags") or ()):
        return True
    return any(p.get("number") == page and p.get("quality") == "ocr" for p in pages) if page else False


# a title in book-title marks just before a 发文字号, across layout spaces and line breaks:
# 《东川市…培育行动方案\n（2023—2025年）》（东政〔2023〕3号）
_TITLE_BEFORE = re.compile(r"《(?P<title>[^《》]{2,200})》\s*[（(]?\s*$")
# how far before a number its title may start
DEFAULT_TITLE_LOOKBACK = 240


def _titled(data: Mapping[str, Any]) -> tuple[Mapping[str, Any], ...]:
    """The document's references, a cited number without a title given the title written just before it.

    A title wrapped across a line break can reach the output as a number alone;
    the title is in the text, in 《》 right before the number, and a citation of a
    corpus document's title with a wrong number is a ``title_number_mismatch``,
    not an unknown number. Whitespace inside a title (the line break) is dropped.
    """
    text = data.get("text") or ""
    out = []
    for ref in data.get("references") or ():
        title = ref.get("title")
        if not title and ref.get("doc_number") and ref.get("span"):
            start = int(ref["span"][0])
            written = str(ref.get("text") or "")
            number = str((ref.get("doc_number") or {}).get("text") or "")
            cut = written.find(number) if number else -1
            before = text[max(0, start - DEFAULT_TITLE_LOOKBACK) : start] + (written[:cut] if cut > 0 else "")
            m = _TITLE_BEFORE.search(before)
            if m:
                title = m.group("title")
        if isinstance(title, str) and any(c.isspace() for c in title):
            title = "".join(title.split()) if not re.search(r"[A-Za-z0-9]\s+[A-Za-z0-9]", title) else " ".join(
                title.split())
        out.append(ref if title == ref.get("title") else {**ref, "title": title})
    return tuple(out)


def _transmitted(data: Mapping[str, Any]) -> frozenset[int]:
    """The references a cue marks as the document itself, by position.

    references.py calls a title linked to the document's own number ``self``
    whatever the wording; only a cue makes it the document promulgated or
    transmitted: 中华人民共和国国务院令 第663号 《居住证暂行条例》已经…通过，现予公布.
    Without one, 按照《X办法》（own number）规定 is a self-citation.
    """
    text = data.get("text") or ""
    body_title = (data.get("metadata") or {}).get("body_title")
    out = set()
    for k, ref in enumerate(data.get("references") or ()):
        if ref.get("relation") != "self" or not ref.get("title") or not ref.get("span"):
            continue
        written, start = str(ref.get("text") or ""), int(ref["span"][0])
        i, j = written.find("《"), written.rfind("》")
        if i < 0 or j < i:
            continue
        tspan = (start + i, start + j + 1)
        if (
            text[tspan[0] : tspan[1]] == written[i : j + 1]
            and relation_of(text, tspan, ref["title"], body_title) == "self"
        ):
            out.add(k)
    return frozenset(out)

