"""Clean text -> GB/T 9704-2012 parts (版头 / 主体 / 版记) and the section tree.

Layout cues and text cues together: the 发文机关标志 is large and red at the
top of page one, the red rule sits under the 发文字号, the title is centred
and larger than the body, the 成文日期 stands right, the 版记 sits at the
end under rules with labels (抄送：, …印发).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

from pipeline.clean import FULL_SPACE, is_red
from pipeline.dates import find_dates
from pipeline.docnumber import find_doc_numbers
from pipeline.model import Block, CleanText, Metadata


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
