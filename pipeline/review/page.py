"""A review page and a batch's index page as HTML: boxes over the page images, the outline, the tables."""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.emit import script_json
from pipeline.review.render import DEFAULT_SCALE, PageImage
from pipeline.review.source import drawn
from pipeline.review.template import INDEX_TEMPLATE, KINDS, SCRIPT, STYLE, TEMPLATE

DEFAULT_WRAPPED_LINES = 1.6  # a box this many median item heights tall spans lines ...
DEFAULT_WRAPPED_WIDTH = 0.5  # ... when it is also this much of the page wide (a union of full lines)
SECTION_COLOUR = "#7f7f7f"
# the characters of an item's text a table cell shows
DEFAULT_TEXT_CELL = 60

# the columns shown per table; the tooltip shows every field
COLUMNS: dict[str, tuple[str, ...]] = {
    "targets": ("text", "indicator", "value", "unit", "comparator", "year", "modality", "task"),
    "tasks": ("id", "text", "lead", "units_full", "deadline", "deadline_text", "targets"),
    "quantities": ("text", "indicator", "value", "unit", "comparator", "year"),
    "dates": ("text", "value", "kind"),
    "references": ("text", "doc_number", "relation", "issuer_guess"),
    "entities": ("text", "label", "source"),
}


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def cell(value: Any) -> str:
    """A field as table text: 郑政办〔2017〕30号 for a doc_number, lists joined with 、."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dict):
        if "text" in value:
            return str(value["text"])
        return "；".join(f"{k}: {cell(v)}" for k, v in value.items())
    if isinstance(value, list):
        return "、".join(cell(v) for v in value)
    return str(value)


def _field(item: dict[str, Any], key: str, titles: dict[Any, str]) -> str:
    """A column of an item: a range as 80–100, a section as its heading 二、主要工作目标."""
    value = item.get(key)
    if key == "value" and item.get("value_max") is not None:
        return f"{cell(value)}–{cell(item['value_max'])}"
    if key == "section":
        return titles.get(value, cell(value))
    if key == "text" and isinstance(value, str) and len(value) > DEFAULT_TEXT_CELL:
        return value[:DEFAULT_TEXT_CELL] + "…"  # a task's whole item: the tooltip has it all
    return cell(value)


def _pct(value: float, whole: float) -> str:
    return f"{100.0 * value / whole:.4f}%"


def _section_label(section: dict[str, Any]) -> str:
    """一、总体思路; a section without a title shows its marker or id."""
    marker, title = section.get("marker") or "", section.get("title") or ""
    return (marker + title) or str(section.get("id") or "")


def _items(data: dict[str, Any]) -> list[tuple[str, str, str, dict[str, Any]]]:
    """Every item with a box: (item id, kind, colour, item); item ids are <kind>-<index>."""
    out = [(f"section-{i}", "section", SECTION_COLOUR, s) for i, s in enumerate(data.get("sections") or ())]
    for key, kind, colour in KINDS:
        out.extend((f"{kind}-{i}", kind, colour, item) for i, item in enumerate(data.get(key) or ()))
    return out


def _box(item_id: str, kind: str, item: dict[str, Any], page: dict[str, Any], line: float) -> str:
    x0, top, x1, bottom = item["bbox"]
    # an item wrapped over a line break has the union of its lines as its box: drawn light, so the
    # words it covers stay readable (25% at 2017年3月 / 13日 ...)
    tall, wide = bottom - top > DEFAULT_WRAPPED_LINES * line, x1 - x0 > DEFAULT_WRAPPED_WIDTH * float(page["width"])
    wrapped = " wrapped" if tall and wide else ""  # a large-print title is tall but not wide
    w, h = float(page["width"]), float(page["height"])
    style = (f"left:{_pct(x0, w)};top:{_pct(top, h)};width:{_pct(max(x1 - x0, 0.5), w)};"
             f"height:{_pct(max(bottom - top, 0.5), h)}")
    label = f"{kind}: {item.get('text') or _section_label(item)}"
    return (f'<div class="box k-{kind}{wrapped}" id="box-{item_id}" data-item="{item_id}" data-kind="{kind}" '
            f'style="{style}" aria-label="{_e(label)}"></div>')


def _pages(data: dict[str, Any], images: Sequence[PageImage]) -> str:
    by_number = {im.number: im for im in images}
    boxes: dict[int, list[tuple[float, str]]] = {}
    for item_id, _kind, _, item in _items(data):
        if item.get("page") is None or not item.get("bbox"):
            continue
        x0, top, x1, bottom = item["bbox"]
        boxes.setdefault(int(item["page"]), []).append(((x1 - x0) * (bottom - top), item_id))
    pages_by_number = {int(p["number"]): p for p in data.get("pages") or ()}
    placed = {iid: (kind, item) for iid, kind, _, item in _items(data)}
    heights = sorted(b[3] - b[1] for kind, it in placed.values() if kind != "section" and (b := it.get("bbox")))
    line = heights[len(heights) // 2] if heights else float("inf")  # the median item is one line high
    parts = []
    total = len(pages_by_number)
    for number, page in sorted(pages_by_number.items()):
        im = by_number.get(number)
        ratio = f"{float(page['width']):.3f} / {float(page['height']):.3f}"
        img = (f'<img class="page-image" alt="page {number}" src="{im.src}" width="{im.width}" '
               f'height="{im.height}">' if im else '<div class="page-image missing">no image of this page</div>')
        # larger boxes first, so a smaller box inside one is drawn over it and can be hovered and clicked
        layer = "".join(_box(iid, *placed[iid], page, line) for _, iid in sorted(boxes.get(number, ()), reverse=True))
        max_w = im.width if im else round(float(page["width"]) * DEFAULT_SCALE)
        parts.append(f'<section class="page" id="page-{number}" data-page="{number}" style="max-width:{max_w}px">'
                     f'<div class="page-head">page {number} / {total}'
                     f'{" · " + _e(page["page_number"]) if page.get("page_number") else ""}</div>'
                     f'<div class="sheet" style="aspect-ratio:{ratio}">{img}{layer}</div></section>')
    return "\n".join(parts)


def _text_view(data: dict[str, Any]) -> str:
    """The clean text, one paragraph a line, every item marked over its span with the colours of the boxes.

    Items that overlap nest (a place inside a target); an item is one mark per
    stretch of text between the edges of others, the first carrying its id
    (``#box-<kind>-<i>``), so rows and marks find each other as on a page image.
    """
    text = data.get("text") or ""
    spans: list[tuple[int, int, str, str]] = []  # start, end, item id, kind
    for item_id, kind, _, item in _items(data):
        span = item.get("heading") if kind == "section" else item.get("span")
        if span and 0 <= span[0] < span[1] <= len(text):
            spans.append((span[0], span[1], item_id, kind))
    edges = sorted({0, len(text), *(a for a, _, _, _ in spans), *(b for _, b, _, _ in spans)}
                   | {i + 1 for i, ch in enumerate(text) if ch == "\n"} | {i for i, ch in enumerate(text) if ch == "\n"})
    spans.sort()
    first: set[str] = set()
    paras: list[str] = []
    cur: list[str] = []
    active: list[tuple[int, int, str, str]] = []
    k = 0
    for a, b in zip(edges, edges[1:]):  # one sweep: spans open at their start and close at their end
        while k < len(spans) and spans[k][0] <= a:
            active.append(spans[k])
            k += 1
        active = [s for s in active if s[1] > a]
        piece = text[a:b]
        if piece == "\n":
            paras.append("".join(cur))
            cur = []
            continue
        covering = sorted((s for s in active if b <= s[1]), key=lambda s: (s[0] - s[1], s[0]))
        out = _e(piece)
        for _, _, item_id, kind in reversed(covering):  # the longest outermost
            ident = "" if item_id in first else f' id="box-{item_id}"'
            first.add(item_id)
            out = f'<span class="box k-{kind}"{ident} data-item="{item_id}" data-kind="{kind}">{out}</span>'
        cur.append(out)
    paras.append("".join(cur))
    body = "".join(f'<p class="para" data-n="{n}">{p or "&nbsp;"}</p>' for n, p in enumerate(paras, 1))
    fmt = _e(((data.get("source") or {}).get("format") or "").upper())
    return (f'<section class="page textdoc" id="page-1" data-page="1"><div class="page-head">{fmt}: the clean text, '
            f'{len(paras)} paragraphs; items carry their source paragraph (para) or page</div>'
            f'<div class="sheet text">{body}</div></section>')


def _outline(data: dict[str, Any]) -> str:
    sections = list(enumerate(data.get("sections") or ()))
    ids = {s.get("id") for _, s in sections}
    children: dict[Any, list[tuple[int, dict[str, Any]]]] = {}
    for i, s in sections:
        parent = s.get("parent") if s.get("parent") in ids else None
        children.setdefault(parent, []).append((i, s))

    def tree(parent: Any, depth: int) -> str:
        kids = children.get(parent)
        if not kids or depth > 12:
            return ""
        lis = []
        for i, s in kids:
            page = f' <span class="pg">p.{s["page"]}</span>' if s.get("page") else ""
            lis.append(f'<li><a href="#page-{s.get("page") or 1}" data-item="section-{i}" id="row-section-{i}">'
                       f'{_e(_section_label(s))}</a>{page}{tree(s.get("id"), depth + 1)}</li>')
        return f"<ul>{''.join(lis)}</ul>"

    return tree(None, 0) or '<p class="none">no sections</p>'


def _metadata_table(data: dict[str, Any]) -> str:
    rows: list[str] = []
    for key, value in (data.get("metadata") or {}).items():
        if value in (None, [], {}, ""):
            continue
        if key == "extra" and isinstance(value, dict):
            rows.extend(f"<tr><th>{_e(k)}</th><td>{_e(cell(v))}</td></tr>" for k, v in value.items())
            continue
        rows.append(f"<tr><th>{_e(key)}</th><td>{_e(cell(value))}</td></tr>")
    src = data.get("source") or {}
    for key in ("file", "format", "pages", "engine", "sha256"):
        if src.get(key) is not None:
            rows.append(f'<tr class="src"><th>source.{key}</th><td>{_e(src[key])}</td></tr>')
    for w in data.get("warnings") or ():
        rows.append(f'<tr class="warn"><th>warning</th><td>{_e(w)}</td></tr>')
    return f'<details open id="table-metadata"><summary>metadata</summary><table class="kv">{"".join(rows)}</table></details>'


def _item_table(data: dict[str, Any], key: str, kind: str) -> str:
    items = data.get(key) or []
    titles = {s.get("id"): _section_label(s) for s in data.get("sections") or ()}
    cols = COLUMNS.get(key) or tuple(k for k in (items[0] if items else {}) if k not in ("span", "page", "bbox"))
    cols = tuple(c for c in cols if any(c in it for it in items)) or ("text",)
    head = "".join(f"<th>{_e(c)}</th>" for c in ("#", *cols, "page"))
    rows = []
    for i, item in enumerate(items):
        para = item.get("para")
        placed = (item.get("page") is not None and bool(item.get("bbox"))) or bool(para)
        cells = "".join(f"<td>{_e(_field(item, c, titles))}</td>" for c in cols)
        page = f"¶{para['index']}" if para else f"p.{item['page']}" if placed else "no box"
        rows.append(f'<tr id="row-{kind}-{i}" data-item="{kind}-{i}" tabindex="0"'
                    f'{"" if placed else " class=nobox"}><td>{i}</td>{cells}<td>{page}</td></tr>')
    body = "".join(rows) or f'<tr><td colspan="{len(cols) + 2}" class="none">none</td></tr>'
    return (f'<details open id="table-{key}"><summary><span class="swatch k-{kind}"></span>{_e(key)} '
            f'<span class="count">{len(items)}</span></summary>'
            f'<table class="items" data-kind="{kind}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'
            f"</details>")


def _legend(data: dict[str, Any]) -> str:
    entries = [(kind, colour, len(data.get(key) or ())) for key, kind, colour in KINDS]
    entries.append(("section", SECTION_COLOUR, len(data.get("sections") or ())))
    return "".join(f'<label class="legend"><input type="checkbox" checked data-kind="{kind}">'
                   f'<span class="swatch k-{kind}"></span>{kind} {n}</label>' for kind, _, n in entries)


def _item_data(data: dict[str, Any]) -> str:
    """The fields of every item for the tooltips, as JSON safe inside a script element."""
    titles = {s.get("id"): f"{s.get('id')} {_section_label(s)}" for s in data.get("sections") or ()}
    fields = {}
    for iid, kind, _, item in _items(data):
        item = dict(item)
        if kind != "section" and item.get("section") in titles:
            item["section"] = titles[item["section"]]  # s2 -> s2 二、主要工作目标
        fields[iid] = {"kind": kind, "fields": item}  # the item's own kind (level, growth …) stays in fields
    return script_json(fields)


def review_html(data: dict[str, Any], images: Sequence[PageImage], *, note: str | None = None) -> str:
    """Take an output dict and its page images and give the review page as one HTML string.

    Args:
        data: a parse output, e.g. that of samples/zhengzhengban-2017-30.pdf, whose
            targets[0] is 9个以上 on page 2 at [177.56, 661.94, 234.65, 677.94].
        images: ``render_pages`` of its PDF; a page without an image is drawn
            blank at its size, boxes still in place.
        note: a warning to show above the pages (a PDF that differs from the one parsed).

    Returns:
        The HTML text; nothing in it refers outside itself.
    """
    meta = data.get("metadata") or {}
    src = data.get("source") or {}
    title = meta.get("title") or src.get("file") or "document"
    doc_number = cell(meta.get("doc_number"))
    sub = " · ".join(_e(x) for x in (doc_number, meta.get("issuer"), meta.get("issue_date"), src.get("file")) if x)
    css = "\n".join(f".k-{kind}{{--c:{colour}}}" for _, kind, colour in KINDS) + f"\n.k-section{{--c:{SECTION_COLOUR}}}"
    tables = _metadata_table(data) + "".join(_item_table(data, key, kind) for key, kind, _ in KINDS)
    warn = f'<div class="note">{_e(note)}</div>' if note else ""
    return TEMPLATE.format(
        title=_e(title), sub=sub, kind_css=css, legend=_legend(data), outline=_outline(data),
        pages=_pages(data, images) if drawn(data) else _text_view(data), tables=tables, note=warn, items=_item_data(data),
        style=STYLE, script=SCRIPT,
    )



@dataclass(frozen=True)
class IndexRow:
    """One document of a batch index: its input, review page (or why none) and counts."""

    path: str
    review: str | None  # file name of its page, beside the index
    output: str | None  # its JSON
    status: str  # ok / failed
    title: str | None = None
    doc_number: str | None = None
    pages: int | None = None
    counts: tuple[int | None, ...] = ()  # in KINDS order
    error: str | None = None


def index_html(rows: Iterable[IndexRow], title: str = "review") -> str:
    """Take the documents of a batch and give an index page linking their review pages.

    Example row: 郑政办〔2017〕30号 | 郑州市人民政府办公厅关于印发…的通知 | 17 pages | 33 targets ….
    """
    rows = list(rows)
    head = "".join(f"<th>{_e(c)}</th>" for c in ("document", "发文字号", "title", "pages",
                                                    *(key for key, _, _ in KINDS), "status"))
    body = []
    for r in rows:
        name = Path(r.path).name
        link = f'<a href="{_e(r.review)}">{_e(name)}</a>' if r.review else _e(name)
        counts = "".join(f'<td class="n">{"" if c is None else c}</td>' for c in r.counts) or \
            "".join("<td></td>" for _ in KINDS)
        status = _e(r.status if not r.error else f"{r.status}: {r.error}")
        if r.output:
            status += f' · <a href="{_e(r.output)}">JSON</a>'
        body.append(f'<tr class="{_e(r.status)}"><td title="{_e(r.path)}">{link}</td><td>{_e(r.doc_number or "")}</td>'
                    f'<td>{_e(r.title or "")}</td><td class="n">{r.pages or ""}</td>{counts}<td>{status}</td></tr>')
    ok = sum(1 for r in rows if r.review)
    return INDEX_TEMPLATE.format(title=_e(title), head=head, body="".join(body), n=len(rows), ok=ok)

