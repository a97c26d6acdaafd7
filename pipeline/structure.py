"""Clean text -> GB/T 9704-2012 parts (版头 / 主体 / 版记) and the section tree.

Layout cues and text cues together: the 发文机关标志 is large and red at the
top of page one, the red rule sits under the 发文字号, the title is centred
and larger than the body, the 成文日期 stands right, the 版记 sits at the
end under rules with labels (抄送：, …印发).
"""

from __future__ import annotations

import json
import re
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from pipeline.clean import FULL_SPACE, is_red
from pipeline.dates import find_dates
from pipeline.docnumber import find_doc_numbers
from pipeline.model import Block, CleanText, Metadata, Section
from pipeline.numerals import cn_to_int

_CN = "一二三四五六七八九十百零〇"
_CNX = _CN + "千"


@cache
def _data(name: str) -> dict:
    return json.loads(resources.files("pipeline.data").joinpath(name).read_text("utf-8"))


# --- dates --------------------------------------------------------------------

def find_full_date(text: str) -> tuple[str, tuple[int, int]] | None:
    """Find the first full date (year, month and day) in ``text``, as ISO with its span.

    Args:
        text: 二〇一七年三月十三日 / 2017年3月13日印发 / 2017.3.13

    Returns:
        ("2017-03-13", (0, 10)) or None. The date reading is ``dates.find_dates``'s.
    """
    for d in find_dates(text):
        if d.kind == "date":
            return d.value, d.span
    return None


# --- section markers ----------------------------------------------------------

# (kind, regex on the start of a paragraph); ranks order the kinds from
# outermost to innermost as GB/T 9704 7.3.3 and legislative drafting use them.
_MARKERS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("part", re.compile(rf"^第([{_CNX}\d]+)编")),  # 第一编
    ("chapter", re.compile(rf"^第([{_CNX}\d]+)章")),  # 第三章 监督管理
    ("subchapter", re.compile(rf"^第([{_CNX}\d]+)节")),  # 第二节 机动车驾驶人
    ("article", re.compile(rf"^第([{_CNX}\d]+)条")),  # 第十二条
    ("cn", re.compile(rf"^([{_CN}]+)、")),  # 一、
    ("cn_paren", re.compile(rf"^[（(]([{_CN}]+)[）)]")),  # （一）
    ("num", re.compile(r"^(\d{1,2})[.．、](?!\d)")),  # 1.  1．  1、
    ("num_paren", re.compile(r"^[（(](\d{1,2})[）)]")),  # （1）
    ("circled", re.compile(r"^([①-⑳])")),  # ①
)
_RANK = {kind: i for i, (kind, _) in enumerate(_MARKERS)}
_CONTINUOUS = ("part", "chapter", "article")  # numbered through the whole text (立法技术规范)
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
# 一是…二是…: an inline enumeration item, at a sentence start
_ITEM = re.compile(rf"(?:^|(?<=[。；;！？，,：:\s]))([{_CN}]{{1,3}})是(?=[\u4e00-\u9fff“（《])")
# a heading set inline with its first sentence: （一）强化组织领导。坚持…
DEFAULT_INLINE_TITLE_MAX = 30
_INLINE_TITLE = re.compile(rf"^([^。；;！？!?]{{1,{DEFAULT_INLINE_TITLE_MAX}}})([。；;！？!?]|$)")


def match_marker(text: str) -> tuple[str, str, int] | None:
    """Read a section marker at the start of a paragraph.

    Args:
        text: 三、主要任务 / （十一）提升… / 第十二条　… / 2.完善…

    Returns:
        (kind, marker as written, number), e.g. ("cn_paren", "（十一）", 11), or None.
    """
    for kind, rx in _MARKERS:
        m = rx.match(text)
        if m:
            raw = m.group(1)
            number = _CIRCLED.index(raw) + 1 if kind == "circled" else cn_to_int(raw)
            if number is None or number <= 0:
                return None
            return kind, m.group(0), number
    return None


def _heading_title(kind: str, rest: str) -> tuple[str | None, int]:
    """The title after a marker and how many characters of ``rest`` it covers.

    三、主要任务 -> 主要任务 (a whole short paragraph); （一）强化组织领导。坚持… ->
    强化组织领导 (a short first sentence); 第一条　为了… -> None (articles have
    no titles unless bracketed: 第一条【立法目的】).
    """
    body = rest.lstrip(" " + FULL_SPACE)
    skip = len(rest) - len(body)
    title, covered = _raw_heading_title(kind, body)
    if title is not None:
        title = _SPACES_IN_TITLE.sub("", title)  # 总　则
    return title, (skip + covered if covered else 0)


# layout spaces between two ideographs of a title: 总　则
_SPACES_IN_TITLE = re.compile(rf"(?<=[\u4e00-\u9fff])[ {FULL_SPACE}]+(?=[\u4e00-\u9fff])")
# an article's bracketed title: 第一条【立法目的】
_ARTICLE_TITLE = re.compile(r"^[【\[［(（]([^】\]］)）]{1,20})[】\]］)）]")


def _raw_heading_title(kind: str, body: str) -> tuple[str | None, int]:
    """The title at the start of ``body`` (marker and leading spaces removed)."""
    if kind == "article":
        m = _ARTICLE_TITLE.match(body)
        return (m.group(1), m.end()) if m else (None, 0)
    if kind in ("part", "chapter", "subchapter"):
        return (body.strip() or None, len(body))
    m = _INLINE_TITLE.match(body)
    if m and (m.group(2) == "" or len(body) > m.end()):
        title = m.group(1).strip().rstrip("：:")
        if "，" in title and m.group(2) != "":
            return None, 0  # a plain sentence, not a heading: 1.完善制度，加强管理。…
        return (title or None), m.end()
    return None, 0


# --- metadata -----------------------------------------------------------------


def split_list(text: str) -> list[str]:
    """Split a list of bodies at top-level commas: 各县（市、区）人民政府，市人民政府有关部门 -> two.

    Falls back to 、 only when no comma separates the list."""
    text = text.strip().rstrip("。.；;:：")
    seps = "，,；;" if re.search(r"[，,；;]", _depth0(text)) else "、"
    out: list[str] = []
    cur: list[str] = []
    depth = 0
    for ch in text:
        if ch in "（(《【":
            depth += 1
        elif ch in "）)》】":
            depth = max(0, depth - 1)
        if depth == 0 and ch in seps:
            out.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    out.append("".join(cur))
    return [s.strip(" " + FULL_SPACE) for s in out if s.strip(" " + FULL_SPACE)]


def _depth0(text: str) -> str:
    return re.sub(r"[（(][^）)]*[）)]", "", text)


def doc_type_of(title: str) -> str | None:
    """文种 from a title's last word: …的通知 -> 通知, …实施方案 -> 方案, …暂行条例 -> 条例."""
    t = re.sub(r"[（(][^）)]*[）)]$", "", title.strip())  # 办法（试行）
    cues = _data("doc_types.json")
    for word in sorted(cues["statutory"], key=len, reverse=True):
        if t.endswith(word):
            if word == "令" and not t.endswith("命令"):
                return "命令"
            return word
    for word in sorted(cues["common"], key=len, reverse=True):
        if t.endswith(word):
            # 实施方案 -> 方案: the kind is the head noun
            return next((w for w in ("方案", "办法", "细则", "计划") if word.endswith(w)), word)
    return None


def body_title_of(title: str) -> str | None:
    """The document a notice transmits: 关于印发X的通知 -> X; 关于转发A关于B的通知的通知 -> A关于B的通知."""
    verbs = "|".join(sorted(_data("structure_cues.json")["transmit_verbs"], key=len, reverse=True))
    m = re.search(rf"关于(?:{verbs})(.+)的通知$", title)
    if not m:
        return None
    inner = m.group(1).strip()
    if inner.startswith("《") and inner.endswith("》"):
        inner = inner[1:-1]
    return inner or None


@dataclass
class _Cursor:
    """Where the 版头, title and 主送 end; the body lies between these and the 版记."""

    head_end: int = 0
    body_start: int = 0
    body_end: int = 0
    skip: set[int] = field(default_factory=set)  # blocks read as metadata inside the body (附件说明)


def _text(ct: CleanText, b: Block) -> str:
    return ct.text[b.span[0]:b.span[1]]


def read_metadata(ct: CleanText) -> tuple[Metadata, _Cursor]:
    """Read the document's own elements from its first and last blocks.

    Args:
        ct: the clean text with its layout blocks.

    Returns:
        The metadata, and where the body starts and ends (block indexes).
    """
    blocks = ct.blocks
    cues = _data("structure_cues.json")
    md: dict = {"flags": []}
    cur = _Cursor(body_end=len(blocks))
    if not blocks:
        md["flags"].append("no_text")
        return Metadata(flags=tuple(md["flags"])), cur
    first_page = blocks[0].page
    head = [i for i, b in enumerate(blocks[:12]) if b.page == first_page]

    # 发文机关标志: large red text at the top (or a large line ending 文件)
    mark = [i for i in head if (is_red(blocks[i].color) and blocks[i].size >= ct.body_size * 1.3)
            or (blocks[i].size >= ct.body_size * 1.5 and _text(ct, blocks[i]).endswith("文件"))]
    if not mark:
        # a mark printed black (a copy, a fax) still stands above the red rule that closes the 版头
        rule_i = next((i for i in head if is_red(blocks[i].after_rule)), None)
        if rule_i is not None:
            mark = [i for i in head if i < rule_i and blocks[i].size >= ct.body_size * 1.3]
    # 份号, 密级, 紧急程度 stand above the mark
    for i in head[: (mark[0] if mark else 3)]:
        t = _text(ct, blocks[i])
        if re.fullmatch(r"\d{6}", t):
            md["copy_number"] = t
        for word in cues["secrecy"]:
            if t.startswith(word):
                md["secrecy"] = t
        for word in cues["urgency"]:
            if word in t and len(t) <= 6:
                md["urgency"] = t
    if mark:
        names: list[str] = []
        for i in mark:
            t = re.sub(r"文件$", "", _text(ct, blocks[i]))
            names.extend(x for x in re.split(rf"[{FULL_SPACE} ]+", t) if x)
        md["issuers"] = names
        md["issuer"] = names[0] if names else None  # joint documents: the 主办 body stands first
        cur.head_end = mark[-1] + 1

    # 发文字号 (and 签发人 on the same line for 上行文): under the mark, or under
    # the title in parentheses as gazettes print it: （青政发〔2023〕7号）
    mark_end = cur.head_end
    number_i = None
    for i in head[mark_end:]:
        t = _text(ct, blocks[i])
        hits = find_doc_numbers(t)
        if hits and len(t) <= hits[0][0][1] - hits[0][0][0] + 20:
            md["doc_number"] = hits[0][1]
            sm = re.search(r"签发人[:：]\s*(\S+)", t)
            if sm:
                md["signer"] = sm.group(1).strip(FULL_SPACE)
            number_i = i
            break
    if "doc_number" not in md:
        md["flags"].append("no_doc_number")

    # title: the first centred block larger than the body after the 版头
    window = [i for i in range(mark_end, min(len(blocks), mark_end + 8)) if i != number_i]
    # (a one-line title may fill the measure and read as justified)
    title_i = next((i for i in window if not is_red(blocks[i].color) and (
        (blocks[i].align == "centre" and (blocks[i].size >= ct.body_size + 1.5 or blocks[i].bold))
        or (blocks[i].align == "justify" and blocks[i].size >= ct.body_size + 1.5))), None)
    if title_i is None:
        title_i = next((i for i in window[:6] if blocks[i].align == "centre"
                        and not _text(ct, blocks[i]).endswith(("。", "："))), None)
    if title_i is not None:
        title = re.sub(r"\s+", "", _text(ct, blocks[title_i]))
        md["title"] = title
        md["doc_type"] = doc_type_of(title)
        md["body_title"] = body_title_of(title)
        if "issuer" not in md:
            m = re.match(r"^(.+?)关于", title)
            if m:
                md["issuer"] = m.group(1)
                md["issuers"] = [m.group(1)]
    else:
        md["flags"].append("no_title")
    cur.head_end = max(mark_end, (title_i if title_i is not None else -1) + 1,
                       (number_i if number_i is not None else -1) + 1)
    cur.body_start = cur.head_end

    # 主送机关: the block right after the title ending with a colon
    if cur.body_start < len(blocks):
        t = _text(ct, blocks[cur.body_start])
        if re.search(r"[：:]$", t) and len(t) < 200 and "。" not in t:
            md["recipients"] = split_list(t[:-1])
            cur.body_start += 1

    # 版记: labelled lines and the 印发 line at the very end
    colophon = _read_colophon(ct, blocks, cues, md)
    cur.body_end = colophon

    # 成文日期 and 发文机关署名: the first right-standing date after the body start
    for i in range(cur.body_start, cur.body_end):
        b = blocks[i]
        t = _text(ct, b)
        found = find_full_date(t)
        if not found or b.align not in ("right", "centre") or len(t) > found[1][1] - found[1][0] + 40:
            continue
        iso, (start, _) = found
        md["issue_date"] = iso
        sig = [t[:start].strip(" " + FULL_SPACE)] if t[:start].strip() else []
        j = i - 1
        while j > cur.body_start and blocks[j].align in ("right", "centre") and "。" not in _text(ct, blocks[j]) \
                and len(_text(ct, blocks[j])) <= 40:
            sig.insert(0, _text(ct, blocks[j]))
            j -= 1
        signatories = [x for s in sig for x in re.split(rf"[{FULL_SPACE} ]+", s) if x]
        if signatories:
            md["signatories"] = signatories
        # 附注: （此件公开发布） right under the date
        if i + 1 < cur.body_end and re.fullmatch(r"[（(][^）)]{2,60}[）)]", _text(ct, blocks[i + 1])):
            md["note"] = _text(ct, blocks[i + 1])[1:-1]
        break

    # 附件说明: 附件：1．… 2．… before the signature
    for i in range(cur.body_start, cur.body_end):
        t = _text(ct, blocks[i])
        m = re.match(r"^附件[:：]\s*(.+)$", t)
        if m:
            items = [m.group(1)]
            j = i + 1
            while j < cur.body_end and re.match(r"^\d{1,2}[.．、]", _text(ct, blocks[j])) \
                    and blocks[j].indent > blocks[i].indent + 0.5:
                items.append(_text(ct, blocks[j]))
                j += 1
            cur.skip.update(range(i, j))
            md["attachments"] = [re.sub(r"^\d{1,2}[.．、]\s*", "", x).strip() for x in items]
            break

    for key in ("issuers", "recipients", "signatories", "attachments", "cc", "flags"):
        md[key] = tuple(md.get(key, ()))
    md["extra"] = tuple(md.get("extra", ()))
    return Metadata(**md), cur




def _read_colophon(ct: CleanText, blocks: tuple[Block, ...], cues: dict, md: dict) -> int:
    """Read the 版记 at the end; return the index of its first block."""
    labels = "|".join(sorted(cues["colophon_labels"], key=len, reverse=True))
    label_rx = re.compile(rf"^(?:{labels})[:：]")
    start = len(blocks)
    cc: list[str] = []
    extra: list[tuple[str, str]] = []
    for i in range(len(blocks) - 1, max(-1, len(blocks) - 12), -1):
        t = _text(ct, blocks[i])
        found = find_full_date(t) if t.endswith("印发") else None
        if found:
            iso, (date_start, _) = found
            md["print_date"] = iso
            org = t[:date_start].strip(" " + FULL_SPACE)
            if org:
                md["printer"] = org
            start = i
        elif label_rx.match(t):
            start = i
        elif i + 1 == start and blocks[i].size < ct.body_size - 0.5 and not _text(ct, blocks[i]).endswith("："):
            # a continuation of a 抄送 list, or an unlabelled 版记 line
            start = i
        elif start < len(blocks):
            break
    # read labelled lines in order, continuations go with the label before
    label = None
    for i in range(start, len(blocks)):
        t = _text(ct, blocks[i])
        if t.endswith("印发") and find_full_date(t):
            label = None
            continue
        parts = [p for p in re.split(rf"{FULL_SPACE}+", t) if p]
        if label_rx.match(t):
            for p in parts:
                m = re.match(r"^([\u4e00-\u9fff]{1,5})[:：]\s*(.*)$", p)
                if m:
                    label = m.group(1)
                    if label == "抄送":
                        cc.extend(split_list(m.group(2)))
                    elif label == "主送" and not md.get("recipients"):
                        md["recipients"] = split_list(m.group(2))
                    else:
                        extra.append((label, m.group(2).rstrip("。")))
                elif label == "抄送":
                    cc.extend(split_list(p))
        elif label == "抄送":
            cc.extend(split_list(t))
    if cc:
        md["cc"] = cc
    if extra:
        md["extra"] = extra
    # the date line of a 版记 may stand before the labels; never cut into the body
    return start


# --- sections -----------------------------------------------------------------


def segment_sections(ct: CleanText, start_block: int, end_block: int, skip: AbstractSet[int] = frozenset()
                     ) -> list[Section]:
    """Build the section tree of the body.

    Args:
        ct: the clean text.
        start_block: index of the first body block (after 主送).
        end_block: index of the first 版记 block.
        skip: blocks already read as metadata (附件说明).

    Returns:
        Sections in document order, headings and 一是 items, with parents.
    """
    blocks = [(i, ct.blocks[i]) for i in range(start_block, end_block)]
    body_end = blocks[-1][1].span[1] if blocks else 0
    raw: list[dict[str, Any]] = []
    stack: list[dict[str, Any]] = []  # open headings, outermost first
    last_number: dict[str, int] = {}
    for i, b in blocks:
        if i in skip:
            continue
        t = _text(ct, b)
        found = match_marker(t)
        if not found or t.count(FULL_SPACE) >= 2:
            continue  # 附件 lists and table rows (cells apart by field gaps) are no headings
        kind, marker, number = found
        # the nearest open heading of the same kind: its next sibling must follow it
        same = next((h for h in reversed(stack) if h["kind"] == kind), None)
        if same is not None and not (number == 1 or same["number"] < number <= same["number"] + 2):
            continue  # a paragraph that happens to start like a marker
        # a list starts at 一 (or skips one at most): 第二十条 in a table is no heading;
        # articles and chapters number on through the chapters and parts that hold them
        prev = last_number.get(kind, 0) if kind in _CONTINUOUS else 0
        if same is None and not (number <= 2 or prev < number <= prev + 2):
            continue
        last_number[kind] = number
        if same is not None:
            while stack and stack[-1] is not same:
                stack.pop()
            stack.pop()
        else:
            while stack and _RANK[stack[-1]["kind"]] > _RANK[kind]:
                stack.pop()
        title, covered = _heading_title(kind, t[len(marker):])
        heading_end = b.span[0] + len(marker) + covered if covered else b.span[0] + len(marker)
        node: dict[str, Any] = {"kind": kind, "marker": marker, "number": number, "title": title,
                "parent": stack[-1] if stack else None, "start": b.span[0], "heading_end": heading_end,
                "level": len(stack) + 1}
        stack.append(node)
        raw.append(node)
    # extents: to the next heading at the same or an outer level (one pass, open headings on a stack)
    open_nodes: list[dict[str, Any]] = []
    for node in raw:
        while open_nodes and open_nodes[-1]["level"] >= node["level"]:
            open_nodes.pop()["end"] = node["start"]
        open_nodes.append(node)
    for node in open_nodes:
        node["end"] = body_end
    # inline 一是…二是… items inside each leaf's own text
    items: list[dict[str, Any]] = []
    for i, node in enumerate(raw):
        own_end = raw[i + 1]["start"] if i + 1 < len(raw) else node["end"]
        items.extend(_inline_items(ct.text, node, node["heading_end"], min(own_end, node["end"])))
    nodes = sorted(raw + items, key=lambda n: (n["start"], n["level"]))
    # ids from tree positions: s3.2 is the second child of the third top-level heading
    counters: dict[int | None, int] = {}
    out: list[Section] = []
    for n in nodes:
        parent = n["parent"]
        key = id(parent) if parent is not None else None
        counters[key] = counters.get(key, 0) + 1
        n["id"] = (parent["id"] + "." if parent is not None else "s") + str(counters[key])
        page, bbox = ct.locate((n["start"], n["heading_end"]))
        out.append(Section(
            id=n["id"], level=n["level"], marker=n["marker"], number=n["number"], title=n["title"],
            parent=parent["id"] if parent is not None else None,
            kind="item" if n["kind"] == "item" else ("article" if n["kind"] == "article" else "heading"),
            span=(n["start"], n["end"]), heading=(n["start"], n["heading_end"]), page=page, bbox=bbox,
        ))
    return out


def _inline_items(text: str, node: dict, start: int, end: int) -> list[dict]:
    """Find 一是…二是…三是… in ``text[start:end]``: at least 一是 and 二是, in order."""
    found = [m for m in _ITEM.finditer(text, start, end)]
    out: list[dict] = []
    expect = 1
    for m in found:
        n = cn_to_int(m.group(1))
        if n == expect:
            out.append({"kind": "item", "marker": m.group(0), "number": n, "title": None, "parent": node,
                        "start": m.start(), "heading_end": m.end(), "level": node["level"] + 1})
            expect += 1
        elif n == 1 and out and len(out) >= 2:
            break  # a second enumeration in the same section is left for a later rule
    if len(out) < 2:
        return []
    for a, b in zip(out, out[1:]):
        a["end"] = b["start"]
    last_para = text.find("\n", out[-1]["start"], end)
    out[-1]["end"] = last_para if last_para != -1 else end
    return out
