"""A review page: the printed pages with every extracted item outlined, and the tables beside them.

``review_html(data, images)`` turns an output dict (schemas/document.schema.json)
and the rendered page images into one self-contained HTML file: page images
are embedded as base64 JPEG, the script and styles are inline, nothing is
fetched. Each target, quantity, date, reference and entity becomes a
coloured box over the words it was read from (``bbox`` in PDF points, origin
top-left, placed as percentages of the page so boxes scale with the image),
each section heading a dashed box; the section tree is a clickable outline
and the tables list the metadata and every item. Clicking a row scrolls to
its box and highlights both; clicking a box finds its row; hovering a box
shows its fields.

Element names are part of the interface (the browser test reads them):
``.page[data-page=N]`` holds ``img.page-image`` and the boxes
``#box-<kind>-<i>`` (``data-item="<kind>-<i>"``, ``<i>`` the item's index in
its JSON list); the row of the same item is ``#row-<kind>-<i>``; the
highlighted box and row carry the class ``hl``.

I/O stays at the edges: ``render_pages`` opens the PDF, ``write_review``
and ``write_batch_reviews`` write files.
"""

from __future__ import annotations

import base64
import html
import io
import os
import stat
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.emit import script_json
from pipeline.outputs import read_manifest_records, record_outcome

DEFAULT_SCALE = 1.5  # 1.5 px per PDF point: a 595 pt A4 page is 893 px wide, sharp enough for 仿宋 16 pt
DEFAULT_JPEG_QUALITY = 72  # ~60-100 kB a page of text; the red 版头 stays red
INDEX = "index.html"
DEFAULT_WRAPPED_LINES = 1.6  # a box this many median item heights tall spans lines ...
DEFAULT_WRAPPED_WIDTH = 0.5  # ... when it is also this much of the page wide (a union of full lines)

# (JSON list, item kind, colour): the order of the legend and of the tables
KINDS: tuple[tuple[str, str, str], ...] = (
    ("targets", "target", "#d62728"),
    ("tasks", "task", "#17becf"),
    ("quantities", "quantity", "#ff7f0e"),
    ("dates", "date", "#1f77b4"),
    ("references", "reference", "#2ca02c"),
    ("entities", "entity", "#9467bd"),
)
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


class ReviewError(Exception):
    """A review page cannot be made: no PDF to draw the pages from, unreadable JSON."""


@dataclass(frozen=True)
class PageImage:
    """One page rendered for the page: its number, pixel size and base64 image."""

    number: int  # 1-based
    width: int
    height: int
    mime: str  # image/jpeg
    data: str  # base64

    @property
    def src(self) -> str:
        return f"data:{self.mime};base64,{self.data}"


# --- rendering and finding the PDF ---------------------------------------------------------


def _turn_back(page: Any, read: dict[str, Any] | None) -> int:
    """The extra rotation that draws a page as it was read: a page turned by /Rotate whose text was read
    on the unturned page (``extract_pdfium``: a portrait document shown sideways) is drawn unturned."""
    rotation = page.get_rotation()
    if not rotation or not read:
        return 0
    x0, y0, x1, y1 = page.get_mediabox()
    portrait_box = abs(x1 - x0) <= abs(y1 - y0)
    portrait_read = float(read.get("width") or 0) <= float(read.get("height") or 0)
    if rotation == 180 or portrait_box == portrait_read:
        return (360 - rotation) % 360
    return 0


def render_pages(pdf: str | Path, *, scale: float = DEFAULT_SCALE, quality: int = DEFAULT_JPEG_QUALITY,
                 password: str | None = None, pages: Sequence[dict[str, Any]] = ()) -> tuple[PageImage, ...]:
    """Take a PDF and give every page as a base64 JPEG drawn by PDFium.

    Args:
        pdf: e.g. samples/zhengzhengban-2017-30.pdf (17 pages -> 17 images of 893x1263 px).
        scale: pixels per PDF point.
        quality: JPEG quality, 1-95.
        password: the user password of an encrypted PDF.
        pages: the output's ``pages``, so a turned page is drawn as it was read.

    Returns:
        One ``PageImage`` per page, in order.

    Raises:
        ReviewError: PDFium cannot open the file.
    """
    import pypdfium2 as pdfium

    from pipeline.extract import render_scale

    try:
        doc = pdfium.PdfDocument(str(pdf), password=password)
    except Exception as e:  # PdfiumError, OSError: one line for the CLI
        raise ReviewError(f"{pdf}: cannot render the pages ({type(e).__name__}: {str(e)[:120]})") from None
    images = []
    try:
        for i in range(len(doc)):
            try:
                page = doc[i]
                try:
                    width, height = page.get_size()  # a 200-inch page is drawn smaller, not at 2 GB
                    turn = _turn_back(page, pages[i] if i < len(pages) else None)
                    pil = page.render(scale=render_scale(width, height, scale), rotation=turn).to_pil().convert("RGB")
                finally:
                    page.close()
            except Exception as e:  # one bad page must not cost the others
                raise ReviewError(f"{pdf}: cannot render page {i + 1} ({type(e).__name__}: {str(e)[:120]})") from None
            buf = io.BytesIO()
            pil.save(buf, "JPEG", quality=quality, optimize=True, progressive=True)
            images.append(PageImage(i + 1, pil.width, pil.height, "image/jpeg",
                                    base64.b64encode(buf.getvalue()).decode("ascii")))
    finally:
        doc.close()
    return tuple(images)


# CJK fonts tried, in order, to draw an OFD's characters (Debian: fonts-wqy-zenhei, fonts-noto-cjk)
DEFAULT_CJK_FONTS = (
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
)


def render_ofd_pages(ofd: str | Path, *, scale: float = DEFAULT_SCALE,
                     quality: int = DEFAULT_JPEG_QUALITY) -> tuple[PageImage, ...]:
    """Take an OFD and give every page as a base64 JPEG: its characters drawn where the reader placed them,
    in their size and colour, and its rules; no OFD renderer is needed.

    Args:
        ofd: e.g. 东政办-12.ofd (read with ``pipeline.read.ofd.read_ofd``, the boxes the output gives).
        scale: pixels per point.
        quality: JPEG quality, 1-95.

    Returns:
        One ``PageImage`` per page. Without a CJK font installed each glyph is drawn as its box.
    """
    from PIL import Image, ImageDraw, ImageFont

    from pipeline.read.ofd import read_ofd

    path = next((p for p in DEFAULT_CJK_FONTS if Path(p).is_file()), None)
    fonts: dict[int, Any] = {}
    images = []
    for page in read_ofd(ofd):
        im = Image.new("RGB", (max(1, round(page.width * scale)), max(1, round(page.height * scale))), "white")
        draw = ImageDraw.Draw(im)
        for r in page.rules:
            draw.rectangle([r.x0 * scale, r.top * scale, r.x1 * scale, max(r.bottom, r.top + 0.5) * scale],
                           fill=r.color or "#000000")
        for c in page.chars:
            px = max(1, round(c.size * scale))
            box = [c.x0 * scale, c.top * scale, c.x1 * scale, c.bottom * scale]
            if path is None:
                draw.rectangle(box, outline=c.color or "#000000")
                continue
            if px not in fonts:
                fonts[px] = ImageFont.truetype(path, px)
            draw.text((box[0], box[1]), c.text, font=fonts[px], fill=c.color or "#000000")
        buf = io.BytesIO()
        im.save(buf, "JPEG", quality=quality, optimize=True, progressive=True)
        images.append(PageImage(page.number, im.width, im.height, "image/jpeg",
                                base64.b64encode(buf.getvalue()).decode("ascii")))
    return tuple(images)


def render_source(path: str | Path, data: dict[str, Any], *, scale: float = DEFAULT_SCALE,
                  quality: int = DEFAULT_JPEG_QUALITY, password: str | None = None) -> tuple[PageImage, ...]:
    """The page images of a document's source: a PDF drawn by PDFium, an OFD's characters drawn."""
    if (data.get("source") or {}).get("format") == "ofd":
        return render_ofd_pages(path, scale=scale, quality=quality)
    return render_pages(path, scale=scale, quality=quality, password=password, pages=data.get("pages") or ())


def find_pdf(json_path: str | Path, data: dict[str, Any]) -> Path | None:
    """Take a JSON output and its dict and give the PDF it was parsed from, if it can be found safely.

    First the folder of the JSON, for the file name ``source.file`` gives (an
    absolute ``source.file`` is never followed). Then the batch manifest beside
    the JSON (``pipeline.outputs.read_manifest_records``): the input path of a
    record whose ``output`` is this JSON, taken only when it is a regular file
    (not a link) whose SHA-256 is the JSON's ``source.sha256`` — so a crafted
    manifest or JSON can name no file but the very PDF that was parsed.

    Args:
        json_path: e.g. out/zhengzhengban-2017-30-1a899f7d.json, written by ``batch`` from
            /data/zhengzhengban-2017-30.pdf, or out/zhengzhengban-2017-30.json beside its PDF.
        data: the parsed JSON.

    Returns:
        The PDF's path (/data/zhengzhengban-2017-30.pdf), or None.
    """
    json_path = Path(json_path)
    source = data.get("source") or {}
    name = Path(str(source.get("file") or "")).name
    if name and name not in (".", ".."):
        p = json_path.parent / name
        if p.is_file():
            return p
    return _manifest_pdf(json_path, source.get("sha256"))


def _manifest_pdf(json_path: Path, sha256: Any) -> Path | None:
    """The input a batch manifest beside ``json_path`` records for it, checked by content; else None."""
    from pipeline.run import sha256_of

    if not isinstance(sha256, str) or not sha256:
        return None
    for rec in (read_manifest_records(json_path.parent) or {}).values():
        if rec.get("output") != json_path.name or rec.get("sha256") != sha256 or record_outcome(rec) != "ok":
            continue
        p = Path(rec["path"])
        try:
            if not stat.S_ISREG(os.lstat(p).st_mode) or sha256_of(p) != sha256:
                continue
        except OSError:
            continue
        return p
    return None


def load_source(path: str | Path, pdf: str | Path | None = None,
                password: str | None = None) -> tuple[dict[str, Any], Path]:
    """Take a PDF or a JSON output and give the output dict and the PDF to draw.

    A PDF is parsed here; a JSON is read and its PDF found with ``find_pdf``
    unless ``pdf`` names it.

    Args:
        path: samples/zhengzhengban-2017-30.pdf or out/zhengzhengban-2017-30.json.
        pdf: the PDF of a JSON, when it is not beside it.
        password: the user password of an encrypted PDF.

    Returns:
        ``(data, pdf_path)``.

    Raises:
        ReviewError: the file cannot be read or parsed, or the PDF of a JSON is not found.
        pipeline.extract.PdfError: the PDF cannot be parsed.
    """
    path = Path(path)
    try:
        with open(path, "rb") as f:
            head = f.read(1024)
    except OSError as e:
        raise ReviewError(f"{path}: cannot read: {e.strerror}") from None
    if b"%PDF-" in head:
        from pipeline.emit import to_dict
        from pipeline.run import parse_pdf

        return to_dict(parse_pdf(path, password=password)), Path(pdf) if pdf else path
    from pipeline.read import sniff

    if sniff(path) not in ("pdf", "unknown"):  # OFD (its pages drawn from its characters), DOCX, DOC, WPS, HTML (as text)
        from pipeline.emit import to_dict
        from pipeline.run import parse_file

        return to_dict(parse_file(path)), path
    from pipeline.outputs import NotAnOutput, read_output

    try:
        data = read_output(path)
    except NotAnOutput as e:
        why = str(e).removeprefix(f"{path}: ")
        raise ReviewError(f"{path}: neither a PDF nor a JSON output of `pipeline parse` ({why})") from None
    if not drawn(data):  # a format without page images needs no file beside it
        return data, Path(pdf) if pdf else path
    if pdf:
        if not Path(pdf).is_file():
            raise ReviewError(f"{pdf}: no such PDF")
        found: Path | None = Path(pdf)
    else:
        found = find_pdf(path, data)
    if found is None:
        name = (data.get("source") or {}).get("file")
        kind = "OFD" if (data.get("source") or {}).get("format") == "ofd" else "PDF"
        raise ReviewError(f"{path}: cannot find its {kind} {Path(str(name or '')).name!r} beside it; give it with --pdf")
    return data, found


def source_mismatch(data: dict[str, Any], pdf: str | Path) -> str | None:
    """Take an output dict and a PDF and say why the boxes may not fit it, or give None.

    Example: ``"x.pdf differs from the file parsed (SHA-256 1a2b3c4d…, not 7ff18aa2…)"``.
    """
    from pipeline.run import sha256_of

    want = (data.get("source") or {}).get("sha256")
    if not want:
        return None
    got = sha256_of(Path(pdf))
    if got == want:
        return None
    return f"{pdf} differs from the file parsed (SHA-256 {got[:8]}…, not {want[:8]}…): boxes may be misplaced"


def drawn(data: dict[str, Any]) -> bool:
    """Whether a document's pages are drawn as images (PDF, OFD) or it is shown as text (DOCX, DOC, WPS, HTML)."""
    return (data.get("source") or {}).get("format", "pdf") in ("pdf", "ofd")


# --- the page --------------------------------------------------------------------------------


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _cell(value: Any) -> str:
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
        return "；".join(f"{k}: {_cell(v)}" for k, v in value.items())
    if isinstance(value, list):
        return "、".join(_cell(v) for v in value)
    return str(value)


def _field(item: dict[str, Any], key: str, titles: dict[Any, str]) -> str:
    """A column of an item: a range as 80–100, a section as its heading 二、主要工作目标."""
    value = item.get(key)
    if key == "value" and item.get("value_max") is not None:
        return f"{_cell(value)}–{_cell(item['value_max'])}"
    if key == "section":
        return titles.get(value, _cell(value))
    if key == "text" and isinstance(value, str) and len(value) > DEFAULT_TEXT_CELL:
        return value[:DEFAULT_TEXT_CELL] + "…"  # a task's whole item: the tooltip has it all
    return _cell(value)


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
            rows.extend(f"<tr><th>{_e(k)}</th><td>{_e(_cell(v))}</td></tr>" for k, v in value.items())
            continue
        rows.append(f"<tr><th>{_e(key)}</th><td>{_e(_cell(value))}</td></tr>")
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
    doc_number = _cell(meta.get("doc_number"))
    sub = " · ".join(_e(x) for x in (doc_number, meta.get("issuer"), meta.get("issue_date"), src.get("file")) if x)
    css = "\n".join(f".k-{kind}{{--c:{colour}}}" for _, kind, colour in KINDS) + f"\n.k-section{{--c:{SECTION_COLOUR}}}"
    tables = _metadata_table(data) + "".join(_item_table(data, key, kind) for key, kind, _ in KINDS)
    warn = f'<div class="note">{_e(note)}</div>' if note else ""
    return _TEMPLATE.format(
        title=_e(title), sub=sub, kind_css=css, legend=_legend(data), outline=_outline(data),
        pages=_pages(data, images) if drawn(data) else _text_view(data), tables=tables, note=warn, items=_item_data(data),
        style=_STYLE, script=_SCRIPT,
    )


# --- files -----------------------------------------------------------------------------------


def write_review(path: str | Path, out: str | Path, *, pdf: str | Path | None = None,
                 scale: float = DEFAULT_SCALE, quality: int = DEFAULT_JPEG_QUALITY,
                 password: str | None = None) -> tuple[dict[str, Any], str | None]:
    """Take a PDF or JSON output and write its review page to ``out``.

    Args:
        path: samples/zhengzhengban-2017-30.pdf, or an output JSON such as out/z.json.
        out: the HTML file to write, e.g. review.html.
        pdf: the PDF of a JSON output when it is not beside it.
        scale: pixels per PDF point of the page images.
        quality: JPEG quality of the page images.
        password: the user password of an encrypted PDF.

    Returns:
        ``(data, warning)``: the output dict shown, and why the boxes may not
        fit the pages (the PDF differs from the one parsed) or None.

    Raises:
        ReviewError, pipeline.extract.PdfError: one-line reasons.
    """
    from pipeline.emit import write_atomic

    data, pdf_path = load_source(path, pdf, password)
    if not drawn(data):
        write_atomic(out, review_html(data, ()))
        return data, None
    warning = source_mismatch(data, pdf_path)
    images = render_source(pdf_path, data, scale=scale, quality=quality, password=password)
    write_atomic(out, review_html(data, images, note=warning))
    return data, warning


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
    return _INDEX.format(title=_e(title), head=head, body="".join(body), n=len(rows), ok=ok)


def write_batch_reviews(outdir: str | Path, records: Iterable[Any], *, scale: float = DEFAULT_SCALE,
                        quality: int = DEFAULT_JPEG_QUALITY) -> tuple[IndexRow, ...]:
    """Take a batch folder and its records and write ``<name>.html`` beside each JSON, and ``index.html``.

    A page newer than its JSON and its PDF is kept, so a rerun redraws only
    what changed. A document whose page cannot be drawn is listed with why.

    Args:
        outdir: the batch's output folder, e.g. out/ holding 郑政办-30-1a899f7d.json.
        records: ``pipeline.batch.Record`` values (path, output, status, previous, counts).

    Returns:
        The index rows, in the records' order.
    """
    from pipeline.emit import write_atomic
    from pipeline.outputs import read_output

    out = Path(outdir)
    rows = []
    for rec in records:
        outcome = rec.outcome if hasattr(rec, "outcome") else rec.status
        if outcome != "ok" or not rec.output or not (out / rec.output).is_file():
            rows.append(IndexRow(rec.path, None, None, "failed", error=rec.error))
            continue
        json_path = out / rec.output
        page = json_path.with_suffix(".html")
        try:
            data = read_output(json_path)  # checked: a listed file replaced by something else is no page
            pdf = Path(rec.path)
            stale = not page.is_file() or any(
                p.is_file() and os.stat(p).st_mtime_ns > os.stat(page).st_mtime_ns for p in (json_path, pdf))
            if stale and not drawn(data):
                write_atomic(page, review_html(data, ()))
            elif stale:
                images = render_source(pdf, data, scale=scale, quality=quality)
                write_atomic(page, review_html(data, images, note=source_mismatch(data, pdf)))
            error = None
        except Exception as e:  # as in the batch: one document's failure must not cost the others their pages
            data, error = {}, f"no review page: {str(e).splitlines()[0][:200] if str(e) else type(e).__name__}"
        meta = data.get("metadata") or {}
        rows.append(IndexRow(rec.path, page.name if error is None else None, rec.output, "ok",
                             title=meta.get("title"), doc_number=_cell(meta.get("doc_number")) or None,
                             pages=rec.pages, counts=tuple(len(data.get(key) or ()) if data else None
                                                            for key, _, _ in KINDS), error=error))
    write_atomic(out / INDEX, index_html(rows, title=f"review: {out.resolve().name}"))
    return tuple(rows)


# --- the template ----------------------------------------------------------------------------

_STYLE = """
*{box-sizing:border-box}
html,body{margin:0;height:100%;overflow:hidden}
body{display:flex;flex-direction:column;font:13px/1.45 system-ui,"Noto Sans CJK SC","Microsoft YaHei",sans-serif;
  color:#222;background:#eef0f3}
header{flex:none;padding:6px 12px;background:#263238;color:#fff;display:flex;flex-wrap:wrap;gap:4px 16px;align-items:center}
header h1{font-size:15px;margin:0;font-weight:600}
header .sub{color:#b0bec5;font-size:12px}
header .legends{margin-left:auto;display:flex;gap:10px;flex-wrap:wrap}
.legend{cursor:pointer;user-select:none;white-space:nowrap}
.swatch{display:inline-block;width:11px;height:11px;margin:0 4px 0 3px;vertical-align:-1px;
  border:2px solid var(--c);background:color-mix(in srgb,var(--c) 25%,transparent)}
#layout{flex:1;min-height:0;display:grid;grid-template-columns:minmax(160px,15%) minmax(0,1fr) minmax(320px,36%)}
#layout>*{overflow:auto;min-height:0}
nav{background:#fafafa;border-right:1px solid #ccd;padding:6px 4px 40px 0}
nav h2,aside h2{font-size:12px;text-transform:uppercase;color:#678;margin:4px 10px}
nav ul{list-style:none;margin:0;padding-left:12px}
nav li{margin:2px 0}
nav a{color:#234;text-decoration:none;cursor:pointer}
nav a:hover,nav a.hl{background:#fff3b0}
nav .pg{color:#999;font-size:11px}
main{padding:12px 16px 60vh;position:relative}
.page{margin:0 auto 18px}
.page-head{color:#567;font-size:12px;margin:0 0 2px}
.sheet{position:relative;width:100%;background:#fff;box-shadow:0 1px 4px rgba(0,0,0,.25)}
.page-image{display:block;width:100%;height:100%}
.page-image.missing{display:flex;align-items:center;justify-content:center;color:#999}
.box{position:absolute;border:1.5px solid var(--c);background:color-mix(in srgb,var(--c) 12%,transparent);
  cursor:pointer;border-radius:1px}
.box:hover{background:color-mix(in srgb,var(--c) 28%,transparent)}
.box.k-section{border-style:dashed;background:transparent}
.sheet.text{padding:28px 36px;font:16px/2 "FangSong","STFangsong","Noto Serif CJK SC",serif}
.sheet.text p{margin:0 0 4px}
.textdoc .box{position:static;border-width:0 0 2px;border-radius:0;padding:0 1px}
.textdoc .box.k-section{border-width:0 0 2px}
.box.wrapped{border-style:dotted;background:transparent}
.box.hl{outline:3px solid #ffd600;outline-offset:1px;background:color-mix(in srgb,#ffd600 35%,transparent);z-index:5;
  animation:pulse 1s ease-out 2}
@keyframes pulse{0%{outline-offset:8px}100%{outline-offset:1px}}
aside{background:#fff;border-left:1px solid #ccd;padding:4px 0 60vh}
details{margin:0 0 6px}
summary{position:sticky;top:0;z-index:1;background:#eceff1;padding:4px 10px;font-weight:600;cursor:pointer}
summary .count{color:#678;font-weight:400}
table{border-collapse:collapse;width:100%;font-size:12px}
th,td{text-align:left;vertical-align:top;padding:2px 6px;border-bottom:1px solid #eee}
table.items thead th{color:#678;font-weight:500;white-space:nowrap;position:sticky;top:27px;background:#fff}
table.items tbody tr{cursor:pointer}
table.items tbody tr:hover{background:#f3f6ff}
table.items tbody tr.hl{background:#fff3b0}
table.items tr.nobox{color:#a33}
table.kv th{width:9em;color:#567;font-weight:500}
tr.warn td{color:#a33}
.note{background:#fff3e0;border:1px solid #ffb74d;padding:6px 10px;margin:0 auto 12px;max-width:900px}
.none{color:#999}
""" + "".join(f".hide-{kind} .box.k-{kind}{{display:none}}\n" for _, kind, _ in KINDS) + \
    ".hide-section .box.k-section{display:none}\n" + """
#tip{position:fixed;z-index:10;display:none;max-width:420px;background:#263238;color:#eceff1;padding:6px 8px;
  border-radius:4px;font-size:12px;pointer-events:none;box-shadow:0 2px 8px rgba(0,0,0,.3)}
#tip b{color:#ffd54f}
#tip td{border:0;padding:0 6px 0 0;color:#eceff1}
#tip th{border:0;padding:0 6px 0 0;color:#90a4ae;font-weight:400}
"""

_SCRIPT = r"""
(function(){
  const ITEMS = JSON.parse(document.getElementById('items').textContent);
  const tip = document.getElementById('tip');
  const esc = s => String(s).replace(/[&<>"]/g, c => ({'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;'}[c]));
  const fmt = v => v === null || v === undefined ? '' :
    (typeof v === 'object' ? (Array.isArray(v) && v.every(x => typeof x !== 'object') ? v.join(', ')
                              : JSON.stringify(v)) : String(v));
  function show(id, ev){
    const entry = ITEMS[id]; if (!entry) return;
    const it = entry.fields;
    let rows = '';
    for (const [k, v] of Object.entries(it)) {
      if (k === 'text' || v === null || v === undefined) continue;
      let s = fmt(v); if (s.length > 160) s = s.slice(0, 160) + '…';
      rows += '<tr><th>' + esc(k) + '</th><td>' + esc(s) + '</td></tr>';
    }
    tip.innerHTML = '<b>' + esc(entry.kind) + '</b> ' + esc(it.text || it.title || it.marker || '') +
                    '<table>' + rows + '</table>';
    tip.style.display = 'block'; move(ev);
  }
  function move(ev){
    const w = tip.offsetWidth, h = tip.offsetHeight;
    let x = ev.clientX + 14, y = ev.clientY + 14;
    if (x + w > innerWidth) x = Math.max(0, ev.clientX - w - 14);
    if (y + h > innerHeight) y = Math.max(0, ev.clientY - h - 14);
    tip.style.left = x + 'px'; tip.style.top = y + 'px';
  }
  function select(id, from){
    document.querySelectorAll('.hl').forEach(e => e.classList.remove('hl'));
    const box = document.getElementById('box-' + id), row = document.getElementById('row-' + id);
    if (box) {
      const kind = box.dataset.kind;  // a hidden kind is shown again when one of its items is picked
      if (document.body.classList.contains('hide-' + kind)) {
        document.body.classList.remove('hide-' + kind);
        document.querySelector('.legend input[data-kind="' + kind + '"]').checked = true;
      }
      box.classList.add('hl');
      document.querySelectorAll('.box[data-item="' + id + '"]').forEach(e => e.classList.add('hl'));
      if (from !== 'box') box.scrollIntoView({block: 'center', inline: 'center', behavior: 'instant'});
    } else if (row && ITEMS[id] && ITEMS[id].fields.page) {
      const page = document.getElementById('page-' + ITEMS[id].fields.page);
      if (page) page.scrollIntoView({block: 'start', behavior: 'instant'});
    }
    if (row) {
      row.classList.add('hl');
      const d = row.closest('details'); if (d) d.open = true;
      if (from !== 'row') row.scrollIntoView({block: 'center', behavior: 'instant'});
    }
  }
  window.reviewSelect = select;
  document.addEventListener('click', ev => {
    const box = ev.target.closest('.box');
    if (box) { select(box.dataset.item, 'box'); return; }
    const row = ev.target.closest('tr[data-item], nav a[data-item]');
    if (row) { ev.preventDefault(); select(row.dataset.item, 'row'); }
  });
  document.addEventListener('keydown', ev => {
    const row = ev.target.closest && ev.target.closest('tr[data-item]');
    if (row && (ev.key === 'Enter' || ev.key === ' ')) { ev.preventDefault(); select(row.dataset.item, 'row'); }
  });
  document.addEventListener('mouseover', ev => {
    const box = ev.target.closest('.box'); if (box) show(box.dataset.item, ev);
  });
  document.addEventListener('mousemove', ev => { if (tip.style.display === 'block') move(ev); });
  document.addEventListener('mouseout', ev => {
    if (ev.target.closest('.box') && !(ev.relatedTarget && ev.relatedTarget.closest && ev.relatedTarget.closest('.box')))
      tip.style.display = 'none';
  });
  document.querySelectorAll('.legend input').forEach(cb => cb.addEventListener('change', () =>
    document.body.classList.toggle('hide-' + cb.dataset.kind, !cb.checked)));
})();
"""

_TEMPLATE = """<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
<title>review: {title}</title>
<style>{style}{kind_css}</style></head>
<body>
<header><h1>{title}</h1><span class="sub">{sub}</span><span class="legends">{legend}</span></header>
<div id="layout">
<nav><h2>sections</h2>{outline}</nav>
<main>{note}{pages}</main>
<aside>{tables}</aside>
</div>
<div id="tip"></div>
<script type="application/json" id="items">{items}</script>
<script>{script}</script>
</body></html>
"""

_INDEX = """<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>{title}</title>
<style>
body{{font:14px/1.5 system-ui,"Noto Sans CJK SC",sans-serif;margin:20px;color:#222}}
table{{border-collapse:collapse}} th,td{{padding:3px 10px;border-bottom:1px solid #ddd;text-align:left}}
td.n{{text-align:right}} tr.failed td{{color:#a33}} th{{background:#eceff1}}
</style></head>
<body><h1>{title}</h1><p>{ok} of {n} documents with a review page.</p>
<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></body></html>
"""
