"""Clean text -> GB/T 9704-2012 parts (版头 / 主体 / 版记) and the section tree.

Layout cues and text cues together: the 发文机关标志 is large and red at the
top of page one, the red rule sits under the 发文字号, the title is centred
and larger than the body, the 成文日期 stands right, the 版记 sits at the
end under rules with labels (抄送：, …印发).
"""

from __future__ import annotations

import re
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field

from pipeline.clean import FULL_SPACE, is_red
from pipeline.dateforms import find_full_date
from pipeline.docnumber import find_doc_numbers, guess_issuer, make_doc_number, parse_doc_number
from pipeline.endmatter import read_colophon, read_signature
from pipeline.frontmatter import (
    Caption,
    Header,
    displaced_date,
    is_body_name,
    is_labelled_line,
    is_web_furniture,
    leading_body,
    looks_like_recipients,
    promulgated_title,
    read_caption,
    read_header,
    split_bodies,
    split_recipients,
    web_fields,
)
from pipeline.loader import data_json
from pipeline.model import Block, CleanText, DocNumber, Metadata, NumberWritten, Span
from pipeline.sections import match_marker

# --- metadata -----------------------------------------------------------------


def split_list(text: str) -> list[str]:
    """Split a list of bodies into complete names (``frontmatter.split_recipients``).

    各县（市、区）人民政府，市人民政府有关部门 -> two; 各省、自治区、直辖市人民政府 -> one;
    市发展改革委、市财政局 -> two."""
    return split_recipients(text)


def doc_type_of(title: str) -> str | None:
    """文种 from a title's last word: …的通知 -> 通知, …实施方案 -> 方案, …暂行条例 -> 条例."""
    t = re.sub(r"[（(][^）)]*[）)]$", "", title.strip())  # 办法（试行）
    cues = data_json("doc_types.json")
    for word in sorted(cues["statutory"], key=len, reverse=True):
        if t.endswith(word):
            if word == "令" and not t.endswith("命令"):
                return "命令"
            return word
    for word in sorted(cues["common"], key=len, reverse=True):
        if t.endswith(word):
            # 实施方案 -> 方案, 若干措施 -> 措施: the kind is the head noun
            return next((w for w in cues["heads"] if word.endswith(w)), word)
    return None


def body_title_of(title: str) -> str | None:
    """The document a notice transmits: 关于印发X的通知 -> X; 关于转发A关于B的通知的通知 -> A关于B的通知."""
    verbs = "|".join(sorted(data_json("structure_cues.json")["transmit_verbs"], key=len, reverse=True))
    m = re.search(rf"关于(?:{verbs})(.+)的通知$", title)
    if m:
        inner = m.group(1).strip()
    else:
        # no 关于: 东川市人民政府办公室转发市商务局关于…的通知, the transmitting bodies first
        m = re.match(rf"^(.+?)(?:{verbs})(.+)的通知$", title)
        if not m or not all(is_body_name(x) for x in split_bodies(m.group(1))):
            return None
        inner = m.group(2).strip()
    if inner.startswith("《") and inner.endswith("》"):
        inner = inner[1:-1]
    return inner or None


@dataclass(frozen=True, slots=True)
class BodyBounds:
    """Where the body lies among the clean text's blocks, as ``read_metadata`` found it.

    ``start`` is the first block after the 版头, title and 主送 (主送：各区财政局 ends the
    head), ``end`` the first block of the 版记 (抄送：…); ``skip`` the blocks inside the
    body read as metadata (附件：1．… ); ``own_number`` the span of the document's own
    发文字号 where the 版头 prints it under the 标志, so a misread of it is no reference.
    """

    start: int
    end: int
    skip: frozenset[int] = frozenset()
    own_number: Span | None = None


@dataclass
class _Head:
    """What ``read_metadata`` knows of the first blocks while it reads them."""

    ct: CleanText
    texts: list[str]  # the first blocks' texts (at most DEFAULT_HEAD_BLOCKS)
    aside: set[int]  # a web print's frame, labelled fields, a sidebar: never title nor body
    labelled: set[int]  # blocks of labelled fields (标题：…, 索引号：…)
    fields: dict[str, str]  # a web print's labelled fields: title, issuer, doc_number, issue_date…
    head: list[int]  # the first page's first blocks outside the frame: where the 版头 is
    ocr_pages: set[int]
    md: dict = field(default_factory=lambda: {"flags": []})
    mark: list[int] = field(default_factory=list)  # the 发文机关标志's blocks
    mark_end: int = 0  # the block after the 标志
    mark_ocr: str | None = None  # an OCR'd 标志 that reads as no name, kept to check a witness against
    last_i: int = -1  # the last block read as metadata before the body
    title_i: int | None = None
    number_i: int | None = None  # the block of the 发文字号 under the 标志
    number_blocks: range | None = None  # the blocks the 发文字号 was read from, any way
    own_number: Span | None = None

    def after(self, i: int) -> str | None:
        """The text of the head block after ``i``, None past the head."""
        return self.texts[i + 1] if i + 1 < len(self.texts) else None


def _plain(text: str) -> str:
    return re.sub(rf"[\s{FULL_SPACE}]+", "", text)


# how far into the document the 版头, a 令's header, a web page's fields and the title are looked for
DEFAULT_HEAD_BLOCKS = 24


def read_metadata(ct: CleanText) -> tuple[Metadata, BodyBounds]:
    """Read the document's own elements from its first and last blocks.

    Args:
        ct: the clean text with its layout blocks, e.g. of 郑政办〔2017〕30号: 郑州市人民政府办公厅文件 /
            郑政办〔2017〕30号 / 郑州市人民政府办公厅关于…的通知 / 各县（市、区）人民政府，…： / … / 抄送：….

    Returns:
        The metadata (issuer 郑州市人民政府办公厅, doc_number 郑政办〔2017〕30号, title, …, and where
        the number is written), and where the body starts and ends (``BodyBounds``, block indexes).
    """
    blocks = ct.blocks
    if not blocks:
        return Metadata(flags=("no_text",)), BodyBounds(0, 0)
    h = _read_frame(ct)
    md = h.md
    _read_mark(h)
    _read_header(h)
    _read_number(h)
    _read_title(h)
    _read_caption_or_subtitle(h)
    if "doc_number" not in md:
        md["flags"].append("no_doc_number")
    if "issuer" not in md and h.mark_ocr is None:
        _issuer_from_fields_or_title(h)
    head_end = max(h.mark_end, h.last_i + 1)
    body_start = _read_recipients(h, _body_start(h, head_end))
    # 版记: labelled lines and the 印发 line at the very end
    body_end = read_colophon(ct, md)
    # 成文日期: a web page's labelled field, else the date under the signature
    if "issue_date" not in md and h.fields.get("issue_date"):
        found = find_full_date(h.fields["issue_date"])
        if found:
            md["issue_date"] = found[0]
    if "issue_date" not in md:
        read_signature(ct, body_start, body_end, md, h.ocr_pages)
    # an OCR'd 版头 checked against what the text layer says: the 版记's 印发机关
    if h.mark_ocr is not None:
        _issuer_from_witness(md, h.mark_ocr)
    if h.number_i is not None and blocks[h.number_i].page in h.ocr_pages and md.get("doc_number") is not None:
        _check_ocr_number(md)
    skip = _read_attachments(ct, body_start, body_end, md)
    md["doc_number_written"] = _number_written(h)
    for key in ("issuers", "recipients", "signatories", "attachments", "cc", "flags"):
        md[key] = tuple(md.get(key, ()))
    md["extra"] = tuple(md.get("extra", ()))
    return Metadata(**md), BodyBounds(body_start, body_end, frozenset(skip), h.own_number)


def _read_frame(ct: CleanText) -> _Head:
    """The head blocks, and which of them are a web print's frame (navigation, breadcrumbs, date-time
    lines), its labelled fields (标题：…, 发文字号：…) or a sidebar right of the text column (历史版本)."""
    blocks = ct.blocks
    n_head = min(len(blocks), DEFAULT_HEAD_BLOCKS)
    texts = [ct.block_text(blocks[i]) for i in range(n_head)]
    furniture = {i for i in range(n_head) if is_web_furniture(texts[i], blocks[i].color)}
    fields: dict[str, str] = {}
    labelled: set[int] = set()
    for i in range(n_head):
        got = web_fields(texts[i], texts[i + 1] if i + 1 < n_head else None)
        if got or is_labelled_line(texts[i]):  # 索引号：… is the block's frame though its value is not kept
            labelled.add(i)
            for k, v in got.items():
                fields.setdefault(k, v)
    sidebar = {i for i in range(n_head) if ct.text_right and blocks[i].x0 >= ct.text_right}
    aside = furniture | labelled | sidebar
    head = [i for i in range(min(n_head, 12)) if blocks[i].page == blocks[0].page and i not in aside]
    ocr_pages = {p.number for p in ct.pages if p.quality == "ocr"}
    return _Head(ct, texts, aside, labelled, fields, head, ocr_pages)


def _find_mark(h: _Head) -> list[int]:
    """The 发文机关标志's blocks: large red text at the top (or a large line ending 文件), one run;
    or, printed black (a copy, a fax), the large lines above the red rule that closes the 版头."""
    ct, blocks, texts = h.ct, h.ct.blocks, h.texts

    def is_mark(i: int) -> bool:
        b = blocks[i]
        return (is_red(b.color) and b.size >= ct.body_size * 1.3) or (
            b.size >= ct.body_size * 1.5 and texts[i].endswith("文件"))

    mark: list[int] = []
    for i in h.head:
        if read_header(texts[i], h.after(i)) is not None:
            break  # a 令 or 公告 header, red and large as it may be, is read below
        if is_mark(i):
            mark.append(i)
        elif mark:
            break  # a seal or a red signature further down is no part of the 标志
    if not mark:
        rule_i = next((i for i in h.head if is_red(blocks[i].after_rule)), None)
        if rule_i is not None:
            mark = [i for i in h.head if i < rule_i and blocks[i].size >= ct.body_size * 1.3]
    return mark


def _read_mark(h: _Head) -> None:
    """Read the 标志 (issuers: 中共东川市委　东川市人民政府文件 -> two) and the 份号, 密级 and
    紧急程度 above it (000123, 机密★1年, 特急)."""
    md, texts = h.md, h.texts
    cues = data_json("structure_cues.json")
    h.mark = mark = _find_mark(h)
    for i in h.head[: (h.head.index(mark[0]) if mark else 3)]:
        t = texts[i]
        if re.fullmatch(r"\d{6}", t):
            md["copy_number"] = t
        for word in cues["secrecy"]:
            if t.startswith(word):
                md["secrecy"] = t
        for word in cues["urgency"]:
            if word in t and len(t) <= 6:
                md["urgency"] = t
    if not mark:
        return
    names: list[str] = []
    for i in mark:
        t = re.sub(r"文件$", "", texts[i])
        names.extend(x for x in re.split(rf"[{FULL_SPACE} ]+", t) if x)
    if h.ct.blocks[mark[0]].page in h.ocr_pages and not all(is_body_name(x) for x in names):
        # an OCR'd 标志 that reads as no name (湖Y |/省】文化和旅外游厅》) is no fact
        md["flags"].append("issuer_ocr_unverified")
        h.mark_ocr = "".join(names)
    else:
        md["issuers"] = names
        md["issuer"] = names[0] if names else None  # joint documents: the 主办 body stands first
    h.mark_end = mark[-1] + 1
    h.last_i = h.mark_end - 1


def _read_header(h: _Head) -> None:
    """A 令 or 公告 header after the 标志: 中华人民共和国国务院令 / 第801号; …人大常委会公告 / （十三届第7号）,
    and what it heads (``_read_promulgation``)."""
    for i in range(h.mark_end, len(h.texts)):
        if i in h.aside:
            continue
        found = read_header(h.texts[i], h.after(i))
        if found:
            header, lines = found
            h.last_i = i + lines - 1
            if header.number is not None:
                h.number_blocks = range(i, i + lines)
            h.last_i, h.title_i = _read_promulgation(h.md, header, h.texts, h.last_i)
            return


def _read_number(h: _Head) -> None:
    """发文字号 (and 签发人 on the same line for 上行文): a web print's labelled field, else under the
    mark, or under the title in parentheses as gazettes print it: （青政发〔2023〕7号）."""
    md, texts, blocks = h.md, h.texts, h.ct.blocks
    if "doc_number" not in md and h.fields.get("doc_number"):
        number = parse_doc_number(h.fields["doc_number"])
        if number is not None:
            md["doc_number"] = number
            h.number_blocks = range(len(texts))  # where the head prints it first (the field's block or a line of its own)
    if "doc_number" in md:
        return
    for i in h.head[h.head.index(h.mark[-1]) + 1 if h.mark else 0:]:
        t = texts[i]
        hits = find_doc_numbers(t)
        # (a number after another field's label is not the document's: 相关文件：东发〔2020〕5号)
        if hits and len(t) <= hits[0][0][1] - hits[0][0][0] + 20 and read_caption(t) is None \
                and not re.search(r"[：:]", t[:hits[0][0][0]]):
            md["doc_number"] = hits[0][1]
            sm = re.search(r"签发人[:：]\s*(\S+)", t)
            if sm:
                md["signer"] = sm.group(1).strip(FULL_SPACE)
            h.number_i = i
            a, b = hits[0][0]
            h.own_number = (blocks[i].span[0] + a, blocks[i].span[0] + b)
            return


def _read_title(h: _Head) -> None:
    """The title: a labelled 标题 field, else the first centred block larger than the body after the
    版头, run on over the lines it was broken into; then its 文种 and the document it transmits."""
    md, texts, blocks, n_head = h.md, h.texts, h.ct.blocks, len(h.texts)
    if "title" not in md:
        window = [i for i in range(h.mark_end, n_head) if i not in h.aside and i != h.number_i
                  and not is_red(blocks[i].color)][:8]
        if h.fields.get("title"):
            md["title"] = labelled_title = _plain(h.fields["title"])
            # the page's heading, also when the field's cell cut the title short
            h.title_i = next((i for i in window if _plain(texts[i]) == labelled_title
                              or (len(labelled_title) >= 8 and _plain(texts[i]).startswith(labelled_title)
                                  and i not in h.labelled)), None)
            if h.title_i is not None:
                md["title"] = _plain(texts[h.title_i])
        else:
            h.title_i = _find_title(h.ct, window, texts)
            if h.title_i is not None:
                md["title"] = re.sub(r"\s+", "", texts[h.title_i])
                nxt = h.title_i + 1
                while nxt < n_head and nxt not in h.aside and _continues_title(
                        h.ct, blocks[h.title_i], blocks[nxt], md["title"], texts[nxt]):
                    md["title"] += re.sub(r"\s+", "", texts[nxt])
                    h.title_i = nxt
                    nxt += 1
    if "title" in md:
        _title_kind(md)
    else:
        md["flags"].append("no_title")
    if h.title_i is not None:
        h.last_i = max(h.last_i, h.title_i)
    if h.number_i is not None:
        h.last_i = max(h.last_i, h.number_i)


def _title_kind(md: dict) -> None:
    """The 文种 and body title of the title read; a news page's headline gives the title it quotes
    and its bodies: 中共东川市委办公厅　东川市人民政府办公厅印发《关于…的意见》."""
    title = md["title"]
    news = _NEWS_HEADLINE.match(title)
    if news and "issuer" not in md:
        bodies = split_bodies(news.group(1))
        if bodies and all(is_body_name(x) for x in bodies):
            md["title"] = title = news.group(2)
            md["issuer"], md["issuers"] = bodies[0], bodies
    md["doc_type"] = doc_type_of(title)
    md["body_title"] = body_title_of(title)


def _read_caption_or_subtitle(h: _Head) -> None:
    """The 题注 under a regulation's title: （2022年9月6日…令第31号公布　自…起施行）; or a speech's
    subtitle: ——2025年1月14日在…会议上."""
    md, n_head = h.md, len(h.texts)
    caption, caption_end = _read_caption_blocks(h.ct, h.last_i + 1, n_head, h.aside)
    if caption is not None:
        if "doc_number" not in md and caption.number is not None:
            md["doc_number"] = caption.number
            h.number_blocks = range(h.last_i + 1, caption_end + 1)
        h.last_i = caption_end
        if "issue_date" not in md:
            md["issue_date"] = caption.date
        body = caption.body
        if body is None and caption.number is not None:
            body = re.sub(r"^中华人民共和国(?=.)|令第.*$", "", caption.number.text) or None
        if "issuer" not in md and body and is_body_name(body):
            md["issuer"], md["issuers"] = body, [body]
    elif h.last_i + 1 < n_head and h.title_i is not None:
        t = h.texts[h.last_i + 1]
        found = find_full_date(t)
        if t.startswith(("——", "—", "--")) and found and "issue_date" not in md:
            md["issue_date"] = found[0]
            h.last_i += 1


def _issuer_from_fields_or_title(h: _Head) -> None:
    """The issuer, when no 标志 or header named it: a labelled field, a budget's owner, the body
    before 关于 in the title, or before the verb of a notice that transmits: X转发Y关于…的通知."""
    md = h.md
    title = md.get("title") or ""
    verbs = "|".join(sorted(data_json("structure_cues.json")["transmit_verbs"], key=len, reverse=True))
    m = re.match(rf"^(.+?)(?:关于|{verbs})", title)
    for cand in (h.fields.get("issuer"), h.fields.get("budget_owner"),
                 m.group(1) if m else None, leading_body(title)):
        if cand and is_body_name(_plain(cand)):
            md["issuer"], md["issuers"] = _plain(cand), [_plain(cand)]
            return


def _body_start(h: _Head, head_end: int) -> int:
    """The first block after the head, past the page's frame and the number printed again under a
    web page's heading: 国办发〔2021〕9号."""
    start = head_end
    while start < len(h.texts) and (start in h.aside or _only_number(h.texts[start])):
        start += 1
    return start


def _read_recipients(h: _Head, start: int) -> int:
    """主送机关: the block at ``start`` ending with a colon, whose names are complete; a list wrapped
    onto a second block is read whole. Gives where the body starts after them."""
    ct, blocks, md = h.ct, h.ct.blocks, h.md
    if start >= len(blocks):
        return start
    line = ct.block_text(blocks[start])
    after = ct.block_text(blocks[start + 1]) if start + 1 < len(blocks) else ""
    if looks_like_recipients(line):
        md["recipients"] = split_recipients(line[:-1])
        return start + 1
    if not re.search(r"[：:。]$", line) and looks_like_recipients(line + after):
        md["recipients"] = split_recipients((line + after)[:-1])
        return start + 2
    return start


def _read_attachments(ct: CleanText, start: int, end: int, md: dict) -> set[int]:
    """附件说明 before the signature: 附件：1．… 2．…; gives the blocks read, which the body skips."""
    blocks = ct.blocks
    for i in range(start, end):
        m = re.match(r"^附件[:：]\s*(.+)$", ct.block_text(blocks[i]))
        if m:
            items = [m.group(1)]
            j = i + 1
            while j < end and re.match(r"^\d{1,2}[.．、]", ct.block_text(blocks[j])) \
                    and blocks[j].indent > blocks[i].indent + 0.5:
                items.append(ct.block_text(blocks[j]))
                j += 1
            md["attachments"] = [re.sub(r"^\d{1,2}[.．、]\s*", "", x).strip() for x in items]
            return set(range(i, j))
    return set()


def _number_written(h: _Head) -> NumberWritten | None:
    """Where the document's own 发文字号 is written: the span found under the 标志, else the number in
    the blocks it was read from (a 令's header, a 题注, a web print's field) that is the one kept.

    Returns:
        NumberWritten("郑政办〔2017〕30号", (12, 23), page=1, bbox=…) (as printed, spaces and
        brackets kept: 郑发 〔2016〕35号); None when no number was kept or it is printed nowhere
        in those blocks (a web page's number given only beside the text).
    """
    number = h.md.get("doc_number")
    if number is None:
        return None
    ct = h.ct
    span = h.own_number
    if span is None and h.number_blocks is not None:
        span = _number_in_blocks(ct, h.number_blocks, number)
    if span is None:
        return None
    text = ct.text[span[0]:span[1]]
    if ct.paras:
        return NumberWritten(text, span, para=ct.para_of(span))
    page, bbox = ct.locate(span)
    return NumberWritten(text, span, page=page, bbox=bbox)


def _number_in_blocks(ct: CleanText, blocks: range, number: DocNumber) -> Span | None:
    """The span of ``number`` (same 机关代字, year and serial) written in these blocks, None when none holds it.

    The blocks are read as one text: a 令's number runs over two lines (中华人民共和国国务院令 / 第801号).
    """
    if not blocks:
        return None
    start, end = ct.blocks[blocks[0]].span[0], ct.blocks[blocks[-1]].span[1]
    for (a, e), found in find_doc_numbers(ct.text[start:end]):
        if (found.agency_code, found.year, found.serial) == (number.agency_code, number.year, number.serial):
            return start + a, start + e
    return None


def _read_promulgation(md: dict, header: Header, texts: list[str], last_i: int) -> tuple[int, int | None]:
    """Read what a 令 or 公告 header heads: the promulgating sentence (its 《title》), the signature
    and date under it, and the block where the promulgated text's own title stands.

    Returns:
        The last block read and the title's block (None when the title is not printed again).
    """
    n_head = len(texts)
    title_i: int | None = None
    md["issuer"] = header.issuer
    md["issuers"] = [header.issuer]
    if header.number is not None:
        md["doc_number"] = header.number
    else:
        md["flags"].append("doc_number_unreadable")
    # 《X》已经…通过，现予公布 / the signature / the date / the regulation's own title
    for i in range(last_i + 1, min(n_head, last_i + 4)):
        title = promulgated_title(texts[i])
        if title:
            md["title"] = title
            last_i = i
            # the sentence may run on over lines a layout broke (and digit rows set apart)
            while not texts[last_i].endswith("。") and last_i + 1 < min(n_head, i + 4) and (
                    _DIGITS_ONLY.match(texts[last_i + 1]) or texts[last_i + 1].endswith("。")):
                last_i += 1
            break
    sig: list[str] = []
    for i in range(last_i + 1, min(n_head, last_i + 6)):
        t = texts[i]
        found = find_full_date(t)
        if found and len(_plain(t)) <= found[1][1] - found[1][0] + 2:
            md["issue_date"] = found[0]
            md["signatories"] = sig
            last_i = i
            break
        moved = displaced_date(t, texts[i + 1] if i + 1 < n_head else None)
        if moved:
            md["issue_date"], md["signatories"] = moved, sig
            last_i = i + 1
            break
        if _DIGITS_ONLY.match(t):
            continue  # the digits of a line above, set apart (自　年月日起施行 / 2023　5　1)
        if len(t) > 30 or "。" in t:
            break
        sig.append(t)
    if "title" in md:
        want = _plain(md["title"])
        title_i = next((i for i in range(last_i + 1, min(n_head, last_i + 5)) if _plain(texts[i]) == want), None)
        last_i = title_i if title_i is not None else last_i
    return last_i, title_i


def _only_number(text: str) -> bool:
    """Whether a line is a 发文字号 alone, bracketed or not: 国办发〔2021〕9号, （青政发〔2023〕7号）."""
    hits = find_doc_numbers(text)
    return bool(hits) and len(_plain(text).strip("（()）")) <= hits[0][0][1] - hits[0][0][0]


_DIGITS_ONLY = re.compile(rf"^[\d{FULL_SPACE} ]+$")
# a news page's headline over a document: 中共东川市委办公厅东川市人民政府办公厅印发《关于…的意见》
_NEWS_HEADLINE = re.compile(r"^([\u4e00-\u9fff]{3,60}?)(?:印发|发布|公布|转发)《(.+)》$")


def _find_title(ct: CleanText, window: list[int], texts: list[str]) -> int | None:
    """The title block: centred and larger (or bold); else set much larger than the body; else centred."""
    blocks = ct.blocks

    def sentence(i: int) -> bool:
        return texts[i].endswith(("。", "：", ":")) or match_marker(texts[i]) is not None

    # (a one-line title may fill the measure and read as justified)
    found = next((i for i in window if not sentence(i) and (
        (blocks[i].align == "centre" and (blocks[i].size >= ct.body_size + 1.5 or blocks[i].bold))
        or (blocks[i].align == "justify" and blocks[i].size >= ct.body_size + 1.5))), None)
    if found is None:
        # a web page's heading set off by size alone (right or left of the centre)
        found = next((i for i in window if not sentence(i) and blocks[i].size >= ct.body_size + 2.5), None)
    if found is None:
        found = next((i for i in window[:6] if blocks[i].align == "centre" and not sentence(i)), None)
    if found is None:
        # a web page's headline set in the body size, bold: 中共东川市委办公厅　东川市人民政府办公厅印发《…》
        found = next((i for i in window[:3] if blocks[i].bold and not sentence(i) and len(texts[i]) <= 80
                      and not re.search(r"[。，；]", texts[i])), None)
    return found


def _continues_title(ct: CleanText, title: Block, b: Block, so_far: str, t: str) -> bool:
    """Whether block ``b`` carries on a title broken over lines set apart (OCR, letter-spacing):
    as large, on the same page, close under it, and the title so far still open (an unclosed
    《 or no 文种 at its end)."""
    if b.page != title.page or abs(b.size - title.size) > 3 or b.size < ct.body_size + 1.5:
        return False
    if b.top - title.bottom > 2.5 * title.size or t.endswith(("。", "：", ":")) or match_marker(t):
        return False
    if re.fullmatch(r"[（(][^（()）]{2,20}[）)]", _plain(t)) and not find_doc_numbers(t):
        return True  # the period or status under a plan's title: （2021—2025年）, （试行）
    return so_far.count("《") > so_far.count("》") or doc_type_of(so_far) is None


def _read_caption_blocks(ct: CleanText, start: int, stop: int, aside: AbstractSet[int]
                         ) -> tuple[Caption | None, int]:
    """Read a 题注 opening at block ``start`` and running to its closing bracket (at most 8 blocks)."""
    i = start
    while i < stop and i in aside:
        i += 1
    if i >= stop:
        return None, start - 1
    first = ct.block_text(ct.blocks[i])
    if not first.startswith(("（", "(")):
        return None, start - 1
    parts = [first]
    j = i
    while not re.search(r"[）)]$", parts[-1]) and j + 1 < min(stop, i + 8):
        j += 1
        if j not in aside:
            parts.append(ct.block_text(ct.blocks[j]))
    caption = read_caption("".join(parts))
    return (caption, j) if caption else (None, start - 1)


def _issuer_from_witness(md: dict, read: str) -> None:
    """Take the 印发机关 or a signatory (text layer) as issuer when the OCR'd 标志 ``read`` holds
    most of its characters: 湖Y |/省】文化和旅外游厅》 ~ 湖南省示例文化和旅游厅办公室."""
    for cand in (md.get("printer"), *(md.get("signatories") or ())):
        if not cand or not is_body_name(cand):
            continue
        shared = sum(1 for ch in cand if ch in read)
        if shared / len(cand) >= 0.6:
            md["issuer"], md["issuers"] = cand, [cand]
            md["flags"].append("issuer_from_colophon")
            return


def _check_ocr_number(md: dict) -> None:
    """Check an OCR'd 发文字号 against the 机关代字 table and the issuer's province.

    A code the table knows, or one opening with the issuer's province abbreviation (湘 for
    湖南省…), stands. One opening with another character (汀文旅发 for a 湖南省
    body) is put right and flagged; anything else is flagged and dropped.
    """
    number = md["doc_number"]
    code = number.agency_code
    if guess_issuer(code) is not None:
        return
    abbrev = data_json("structure_cues.json")["province_abbreviations"]
    issuer = md.get("issuer") or ""
    own = next((a for name, a in abbrev.items() if issuer.startswith(name)), None)
    place = re.match(r"^([\u4e00-\u9fff]{1,6}?)[省市县区州]", issuer)
    if (own and code.startswith(own)) or (place and code[0] == place.group(1)[0]):
        return  # 湘文旅发 of 湖南省…厅, 东商发 of 东川市商务局
    if own and any(ch in issuer for ch in code[1:]):
        # the rest of the code agrees with the issuer (文旅 of 文化和旅游厅): only the
        # province's abbreviation was misread (汀文旅发 for a 湖南省 body)
        md["doc_number"] = make_doc_number(own + code[1:], number.year, number.serial)
        md["flags"].append("doc_number_repaired")
        return
    md["doc_number"] = None
    md["flags"].append("doc_number_unverified")
