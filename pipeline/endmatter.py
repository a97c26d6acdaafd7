"""The end of a 公文: the 成文日期 and 署名 under the body, and the 版记 (抄送：…, 郑州市人民政府办公厅
2017年3月13日印发) after it.

``structure.read_metadata`` reads the head and calls these once it knows where the body
starts; each reads into the metadata under construction (a dict of ``Metadata`` fields).
"""

from __future__ import annotations

import re

from pipeline.clean import FULL_SPACE
from pipeline.dateforms import find_full_date
from pipeline.frontmatter import effective_date_at, is_body_name, is_web_furniture, split_recipients
from pipeline.loader import data_json
from pipeline.model import Block, CleanText
from pipeline.sections import match_marker


def read_signature(ct: CleanText, body_start: int, body_end: int, md: dict, ocr_pages: set[int]) -> None:
    """The 成文日期 and the 署名 above it, in the body's blocks ``body_start`` to ``body_end``: a right-standing
    (or centred) short date line.

    Never a date of taking effect (第三十条　本条例自2023年6月1日起施行), a dated
    sentence, a web page's 发布时间, or an article.
    """
    blocks = ct.blocks
    ocr_date = None
    for i in range(body_start, body_end):
        b = blocks[i]
        t = ct.block_text(b)
        found = find_full_date(t)
        if not found:
            if b.page in ocr_pages and b.align == "right" and re.search(r"年.{0,3}月", t) and len(t) <= 16:
                md["flags"].append("issue_date_unreadable")  # 20X3年3月昌: an OCR'd date that is no date
                ocr_date = t
                break
            continue
        iso, (start, end) = found
        if b.align not in ("right", "centre") or len(t) > end - start + 40:
            continue
        before = t[:start]
        if effective_date_at(t, end) or match_marker(t) or re.search(r"[。：:；]", before) \
                or is_web_furniture(t) or before.strip(" " + FULL_SPACE).startswith(("（", "(", "——")):
            continue
        md["issue_date"] = iso
        sig = [before.strip(" " + FULL_SPACE)] if before.strip() else []
        j = i - 1
        while j > body_start and blocks[j].align in ("right", "centre") and "。" not in ct.block_text(blocks[j]) \
                and len(ct.block_text(blocks[j])) <= 40 and not match_marker(ct.block_text(blocks[j])):
            sig.insert(0, ct.block_text(blocks[j]))
            j -= 1
        signatories = [x for s in sig for x in re.split(rf"[{FULL_SPACE} ]+", s) if x]
        if b.page in ocr_pages:
            signatories = [x for x in signatories if is_body_name(x)]  # a seal's OCR (令化人) is no name
        if signatories:
            md["signatories"] = signatories
        # 附注: （此件公开发布） right under the date
        if i + 1 < body_end and re.fullmatch(r"[（(][^）)]{2,60}[）)]", ct.block_text(blocks[i + 1])):
            md["note"] = ct.block_text(blocks[i + 1])[1:-1]
        break
    if ocr_date and md.get("print_date") and ocr_date_agrees(ocr_date, md["print_date"]):
        # what OCR read of the date agrees with the 版记's date, digit for digit
        md["issue_date"] = md["print_date"]
        md["flags"].append("issue_date_from_print_date")


def ocr_date_agrees(read: str, iso: str) -> bool:
    """Whether a garbled OCR date agrees with an ISO date where it is legible: 20X年3月0 ~ 2023-03-08."""
    m = re.search(r"(.{0,8}?)年(\d{1,2})月(\d{0,2})", read)
    if not m:
        return False
    y, mo, d = iso.split("-")
    digits = re.sub(r"\D", "", m.group(1))  # 20 .23 -> 2023; 20X -> 20
    return ((y.startswith(digits) or y.endswith(digits)) and int(mo) == int(m.group(2))
            and (not m.group(3) or d.lstrip("0").startswith(m.group(3).lstrip("0"))))


def _print_line(t: str) -> tuple[str, tuple[int, int]] | None:
    """The date of a 版记's 印发 line: 郑州市人民政府办公厅　2017年3月13日印发 (and a proof-reading
    note after it: …2021年10月27日印发初校：…), as ISO with its span; None for other lines."""
    at = t.find("印发")
    if at < 0:
        return None
    found = find_full_date(t[:at])
    if not found or t[found[1][1]:at].strip(" " + FULL_SPACE):
        return None
    rest = t[at + 2:]
    if rest and not re.match(r"^[\s\u3000]*(?:[\u4e00-\u9fff]{1,4}[:：]|（|\(|$)", rest):
        return None
    return found


def read_colophon(ct: CleanText, md: dict) -> int:
    """Read the 版记 at the end into ``md`` (cc, printer, print_date, extra lines, 主送 when missing); return
    the index of its first block (the body's end), ``len(ct.blocks)`` when there is none."""
    blocks = ct.blocks
    labels = "|".join(sorted(data_json("structure_cues.json")["colophon_labels"], key=len, reverse=True))
    label_rx = re.compile(rf"^(?:{labels})[:：]")
    start = _colophon_start(ct, blocks, label_rx, md)
    _read_colophon_labels(ct, blocks, start, label_rx, md)
    # the date line of a 版记 may stand before the labels; never cut into the body
    return start


def _colophon_start(ct: CleanText, blocks: tuple[Block, ...], label_rx: re.Pattern[str], md: dict) -> int:
    """The first block of the 版记, read upwards from the end over labelled lines (抄送：…), the
    印发 line (郑州市人民政府办公厅　2017年3月13日印发, whose date and body are kept) and their
    continuations; ``len(blocks)`` when there is none."""
    start = len(blocks)
    for i in range(len(blocks) - 1, max(-1, len(blocks) - 12), -1):
        t = ct.block_text(blocks[i])
        found = _print_line(t)
        if found:
            iso, (date_start, _) = found
            md["print_date"] = iso
            org = t[:date_start].strip(" " + FULL_SPACE)
            if org:
                md["printer"] = org
            start = i
        elif label_rx.match(t):
            start = i
        elif i + 1 == start and blocks[i].size < ct.body_size - 0.5 and not ct.block_text(blocks[i]).endswith("："):
            # a continuation of a 抄送 list, or an unlabelled 版记 line
            start = i
        elif i + 1 == start and i > 0 and t.endswith("。") and "：" not in t \
                and re.match(r"^抄送[:：]", ct.block_text(blocks[i - 1])):
            # the second line of a 抄送 list set in the body's size (a web page, a Word file without 4号)
            start = i
        elif start < len(blocks):
            break
    return start


def _read_colophon_labels(ct: CleanText, blocks: tuple[Block, ...], start: int, label_rx: re.Pattern[str],
                          md: dict) -> None:
    """Read the 版记's labelled lines in order, continuations going with the label before: 抄送 (cc),
    主送 when the head had none, other labels as extra lines (主办：市商务局)."""
    cc: list[str] = []
    extra: list[tuple[str, str]] = []
    label = None
    for i in range(start, len(blocks)):
        t = ct.block_text(blocks[i])
        if _print_line(t):
            label = None
            continue
        parts = [p for p in re.split(rf"{FULL_SPACE}+", t) if p]
        if label_rx.match(t):
            for p in parts:
                m = re.match(r"^([\u4e00-\u9fff]{1,5})[:：]\s*(.*)$", p)
                if m:
                    label = m.group(1)
                    if label == "抄送":
                        cc.extend(split_recipients(m.group(2)))
                    elif label == "主送" and not md.get("recipients"):
                        md["recipients"] = split_recipients(m.group(2))
                    else:
                        extra.append((label, m.group(2).rstrip("。")))
                elif label == "抄送":
                    cc.extend(split_recipients(p))
        elif label == "抄送":
            cc.extend(split_recipients(t))
    if cc:
        md["cc"] = cc
    if extra:
        md["extra"] = extra
