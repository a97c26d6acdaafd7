"""References: the documents a 公文 cites, drafts, transmits or names.

A reference is a title in 《》, a document number (发文字号), or both linked:
《国务院关于中原城市群发展规划的批复》（国函〔2016〕210号）. The finder reads
numbers with ``docnumber.find_doc_numbers`` (every bracket form, spaces, OCR
pairs such as 【2017], 令 numbers such as 国令第711号), reads titles with
balanced 《》 (nested 〈〉 and quotes are part of the title), links each title to
the number right after it (or a number to the title right after it), and gives
each a relation:

- ``self``: the document a notice transmits (关于印发《X》的通知, 现将《X》印发给你们,
  《X》已经…同意，现印发给你们, or a title equal to the notice's body title);
- ``drafts``: a document this one announces (制定 / 编制 / 出台《X》, 开展《X》编制工作);
- ``other``: a 《》 name that is no document: newspapers, books, brochures, cards
  (《人民日报》, 《上海市居住证》), told by the last word of the title;
- ``cites``: everything else, laws and documents in force.

The document's own 发文字号 is metadata: a bare occurrence is dropped, one
linked to a title is ``self``.

Cue words live in ``data/reference_cues.json``; the 机关代字 table in
``data/agency_codes.csv`` (see ``docnumber.load_agency_codes``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from pipeline.docnumber import (
    find_doc_numbers,
    guess_issuer,
    load_agency_codes,
    repair_doc_number,
    repairs_at,
    same_number,
)
from pipeline.model import DocNumber, Reference, Span
from pipeline.refcues import reference_cues

__all__ = ["find_references", "find_titles", "guess_issuer", "load_agency_codes", "relation_of"]

# the longest title we accept; a 《 without its 》 within this reach is a typo
MAX_TITLE = 160
# what may follow a line break inside a title before its 》
MAX_TITLE_TAIL = 40
# between a title and its number: spaces and an opening parenthesis: 》（国函〔2016〕204号）
_BETWEEN_TITLE_NUMBER = re.compile(r"[ \t\u3000]*[（(]?[ \t\u3000]*")
# after a number: its closing parenthesis: 204号）
_CLOSE_PAREN = re.compile(r"[ \t\u3000]*[）)]")
# between a number and a title that follows it: 国发〔2017〕9号《…》, （国发〔2017〕9号）《…》
# 国发〔2017〕9号文件《X》; …令第4号公布的《X》 (the 令 that published it)
_BETWEEN_NUMBER_TITLE = re.compile(r"[ \t\u3000]*[）)]?[ \t\u3000]*(?:文件|(?:公布|发布|印发)的?)?[ \t\u3000]*$")
# trailing qualifiers of a title: （2016—2018年） （试行） （2017-2030） （2021年修正）
_TRAILING_NOTE = re.compile(r"(?:[（(][^（()）]{0,20}[）)]|[\s\u3000])+$")
# the issuer named at the head of a title: 国务院关于…, 中共河南省委　河南省人民政府关于…
_TITLE_ISSUER = re.compile(r"^(?P<issuer>[\u4e00-\u9fff\s\u3000、]{2,40}?)关于")
_BODY_END = re.compile(r"(?:委|政府|厅|部|院|局|署|会|办|办公室|中央|总局|银行|委员会)$")
# the rest of a notice title after the 《X》 it transmits, up to a number: 》的通知（
_NOTICE_TAIL = re.compile(r"[^。；，\n《》（()）]{0,8}[ \t\u3000]*[（(]?[ \t\u3000]*")
# titles joined into one list share their verb: 制定《A》和《B》, 编制《A》、《B》
_JOIN = re.compile(r"[ \t\u3000]*(?:、|，|,|和|及|与|以及|或)?[ \t\u3000]*")
# the sentence a title sits in ends here
_SENTENCE_END = re.compile(r"[。！？\n]")


def norm_title(title: str) -> str:
    """Fold a title for comparison: width, spaces, dashes and quotes.

    《郑州市2017年…实施方案》 and 《郑州市２０１７年 …实施方案》 compare equal.
    """
    s = unicodedata.normalize("NFKC", title)
    s = re.sub(r"\s+", "", s)
    s = re.sub(r"[—–―‐\-~～]+", "-", s)
    return s.replace("“", '"').replace("”", '"').replace("‘", "'").replace("’", "'")


def find_titles(text: str) -> list[tuple[Span, str]]:
    """Find every top-level 《…》 with its title, inner 《》 or 〈〉 kept.

    Args:
        text: 根据《国务院关于促进中部地区崛起“十三五”规划的批复》（国函〔2016〕204号）.

    Returns:
        ``[((2, 28), "国务院关于促进中部地区崛起“十三五”规划的批复")]``; the span
        covers the 《》, the title drops line breaks a page break left inside.
    """
    out: list[tuple[Span, str]] = []
    i = 0
    while True:
        start = text.find("《", i)
        if start < 0:
            return out
        depth = 0
        end = newline = -1
        for j in range(start, min(len(text), start + MAX_TITLE)):
            ch = text[j]
            if ch == "《":
                depth += 1
            elif ch == "》":
                depth -= 1
                if depth == 0:
                    end = j + 1
                    break
            elif ch == "\n":
                if newline >= 0:
                    break  # a second paragraph: this 《 lost its 》
                newline = j
        # a title broken by a page break goes on for a line at most: 《…\n…》
        if end < 0 or (newline >= 0 and end - newline > MAX_TITLE_TAIL):
            i = start + 1
            continue
        title = re.sub(r"\s*\n\s*", "", text[start + 1 : end - 1]).strip()
        if title:
            out.append(((start, end), title))
        i = end


def _is_document(title: str) -> bool:
    """A title naming a document ends with a document type: 批复, 条例, 规划, 方案.

    《人民日报》, 《2017中国郑州》, 《上海市居住证》 end otherwise and are ``other``.
    """
    core = _TRAILING_NOTE.sub("", title).rstrip("”\"'’")
    return any(core.endswith(t) for t in reference_cues().document_types)


def _ends_with(before: str, words: tuple[str, ...]) -> str | None:
    before = before.rstrip(" \t\u3000")
    return next((w for w in words if before.endswith(w)), None)


def relation_of(text: str, span: Span, title: str | None, body_title: str | None = None) -> str:
    """Tell how a document refers to the title at ``span``: self / drafts / other / cites.

    Args:
        text: the clean text.
        span: the reference's span (its 《》 for a titled one).
        title: the title inside the 《》, or None for a bare number.
        body_title: the title of the document the notice transmits, if any.

    Returns:
        ``"drafts"`` for 尽快启动编制《郑州大都市区空间规划》, ``"self"`` for
        现将《…实施方案》印发给你们, ``"other"`` for 编辑印制《中国城市》,
        ``"cites"`` otherwise.
    """
    if title is None:
        return "cites"
    cues = reference_cues()
    start, end = span
    if body_title and norm_title(title) == norm_title(body_title):
        return "self"
    before = text[max(0, start - 12) : start]
    cue = _ends_with(before, cues.self_before)
    if cue:
        # 根据关于印发《X》的通知（郑政〔2017〕1号）: another notice, cited by its number
        return "cites" if cue.startswith("关于") and _numbered_notice_follows(text, end) else "self"
    # 《X》已经市政府研究同意，现印发给你们: the last title before the cue in its sentence
    stop = _SENTENCE_END.search(text, end)
    sentence_rest = text[end : stop.start() if stop else len(text)]
    for cue in cues.self_after:
        k = sentence_rest.find(cue)
        if k >= 0 and "《" not in sentence_rest[:k]:
            return "self"
    if not _is_document(title):
        return "other"
    verb = _ends_with(before, cues.drafting_before)
    if verb:
        head = before.rstrip(" \t\u3000")[: -len(verb)]
        if not _ends_with(head, cues.past_before_drafting):
            return "drafts"
    after = text[end : end + 8].lstrip(" \t\u3000")
    if any(after.startswith(c) for c in cues.drafting_after):
        return "drafts"
    return "cites"


def _numbered_notice_follows(text: str, end: int) -> bool:
    """Whether a document number closes the notice title a 《X》 sits in: 》的通知（郑政〔2017〕1号）."""
    hits = find_doc_numbers(text[end : end + 40])
    return bool(hits) and _NOTICE_TAIL.fullmatch(text, end, end + hits[0][0][0]) is not None


def _title_issuer(title: str | None) -> str | None:
    """The body at the head of a title: 国务院关于… -> 国务院."""
    if not title:
        return None
    m = _TITLE_ISSUER.match(title)
    if not m:
        return None
    issuer = m.group("issuer").strip()
    return issuer if _BODY_END.search(issuer) else None


def _number_issuer(number: DocNumber) -> str | None:
    """The body behind a number: the table's (国函 -> 国务院), else the name a 令 or
    公告 number spells out (河南省人民政府令 -> 河南省人民政府)."""
    found = guess_issuer(number.agency_code)
    if found:
        return found
    name = re.sub(r"(?:令|公告)$", "", number.agency_code)
    return name if name != number.agency_code and _BODY_END.search(name) else None


def find_references(text: str, own_number: DocNumber | None = None, body_title: str | None = None,
                    repair: bool | Sequence[Span] = False, own_span: Span | None = None,
                    numbers: Sequence[tuple[Span, DocNumber]] | None = None) -> list[Reference]:
    """Find every reference to another document, in text order.

    Args:
        text: clean text, e.g. 为深入贯彻落实《郑州市…三年行动计划（2016—2018年）》（郑发〔2016〕35号）要求.
        own_number: the document's own 发文字号; it is no reference (dropped when
            bare, ``self`` when linked to a title).
        body_title: the title of the document a notice transmits (its 《X》 is ``self``).
        repair: where misread 机关代字 are repaired (``docnumber.find_doc_numbers``):
            the spans of text OCR read; a repaired reference has ``repaired=True``.
        own_span: where the 版头 prints the document's own number; a number there is no
            reference even when OCR misread it (汀文旅发 for 湘文旅发).
        numbers: the text's document numbers as written (``docnumber.find_doc_numbers(text)``),
            when the caller has them already; None reads them here.

    Returns:
        ``[Reference(text="《郑州市…（2016—2018年）》（郑发〔2016〕35号）", doc_number=
        DocNumber("郑发〔2016〕35号", "郑发", 2016, 35), title="郑州市…（2016—2018年）",
        relation="cites", issuer_guess="中共郑州市委", span=(…))]``.
    """
    # numbers as written, then repaired where allowed (人杜部 read for 人社部; 国画 stays, being
    # a character from several codes), so a reference knows whether its number was repaired
    written = find_doc_numbers(text) if numbers is None else list(numbers)
    fixed = [(span, repair_doc_number(number) if repairs_at(span, repair) else number) for span, number in written]
    repaired = {span for (span, number), (_, new) in zip(written, fixed) if new is not number}
    refs: list[Reference] = []
    last_title: tuple[int, str] | None = None  # end of the previous 《》 and its relation
    for span, num, name, where, number_span in _link(text, find_titles(text), fixed):
        relation = relation_of(text, where or span, name, body_title)
        if where and last_title and relation == "cites" and last_title[1] == "drafts":
            if _JOIN.fullmatch(text, last_title[0], where[0]):
                relation = "drafts"  # 制定《A》和《B》
        if where:
            last_title = (where[1], relation)
        if num is not None:
            if own_span is not None and number_span is not None and own_span[0] <= number_span[0] < own_span[1]:
                continue  # the 版头's own 发文字号, as OCR read it
            if same_number(num, own_number):
                if name is None:
                    continue  # the 版头's own 发文字号
                relation = "self"
            elif relation in ("drafts", "other"):
                relation = "cites"  # a numbered document exists already
        issuer = (_number_issuer(num) if num else None) or _title_issuer(name)
        refs.append(
            Reference(
                text=text[span[0] : span[1]],
                span=span,
                doc_number=num,
                title=name,
                relation=relation,
                issuer_guess=issuer,
                repaired=number_span in repaired,
            )
        )
    return refs


# a reference before its relation: (span, number, title, title span, number span)
_Linked = tuple[Span, DocNumber | None, str | None, Span | None, Span | None]


def _link(text: str, titles: list[tuple[Span, str]], numbers: list[tuple[Span, DocNumber]]) -> list[_Linked]:
    """Link each 《title》 to the number right after it (《X》（国函〔2016〕204号）) or, not yet linked,
    right before it (国发〔2017〕9号《X》); give titles and numbers left alone on their own, in text order."""
    used: set[int] = set()
    items: list[_Linked] = []
    by_start = {span[0]: k for k, (span, _) in enumerate(numbers)}
    for tspan, title in titles:
        m = _BETWEEN_TITLE_NUMBER.match(text, tspan[1])
        k = by_start.get(m.end()) if m else None
        if m and k is not None and k not in used:
            used.add(k)
            nspan, number = numbers[k]
            end = nspan[1]
            if "（" in m.group() or "(" in m.group():
                close = _CLOSE_PAREN.match(text, end)
                end = close.end() if close else end
            items.append(((tspan[0], end), number, title, tspan, nspan))
            continue
        k = _number_before(text, tspan, numbers, used)
        if k is None:
            items.append((tspan, None, title, tspan, None))
        else:
            used.add(k)
            nspan, number = numbers[k]
            items.append(((nspan[0], tspan[1]), number, title, tspan, nspan))
    items.extend((nspan, number, None, None, nspan) for k, (nspan, number) in enumerate(numbers) if k not in used)
    return sorted(items, key=lambda it: it[0])


def _number_before(text: str, tspan: Span, numbers: list[tuple[Span, DocNumber]], used: set[int]) -> int | None:
    """The first number not yet linked that stands right before a title: 国发〔2017〕9号《X》, …令第4号公布的《X》."""
    for k, (nspan, _) in enumerate(numbers):
        if k in used or nspan[1] > tspan[0] or tspan[0] - nspan[1] > 6:
            continue
        if _BETWEEN_NUMBER_TITLE.match(text[nspan[1] : tspan[0]]):
            return k
    return None
