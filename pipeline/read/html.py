"""A saved government portal page -> labelled metadata and styled paragraphs of the document.

Portal pages put the document between site furniture: a labelled block
above the text (索引号 / 发文机关 / 发文字号 / 成文日期 / 标题, as a table, a list
or one line), the article itself, then share buttons, print and close links
and lists of related documents. ``read_html``:

1. decodes the page (BOM, ``<meta charset>``, else UTF-8, else GB18030) and
   builds a small tree with the standard library's parser;
2. drops furniture: scripts and styles, forms, navigation (``<nav>``,
   elements whose class or id says nav, share, footer, related… in
   ``data/web_page.json``), link lists, short lines of site chrome (打印本页);
3. reads the labelled block into fields (``labels``) and drops it;
4. takes the article: the element holding the most sentence text (scored
   per paragraph, as readability tools do), with the page's headline when the
   article does not open with it;
5. writes the article's blocks as ``Paragraph``s with their style: size
   (CSS pt/px/em, ``<font size>``, h1–h3), colour, bold, alignment
   (``text-align``, ``align``, ``<center>``; headlines centred), first-line
   indent (``text-indent``, leading U+3000); a table row as one paragraph of
   cells joined by U+3000.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

from pipeline.clean import FULL_SPACE
from pipeline.loader import data_json
from pipeline.model import Paragraph
from pipeline.read.base import FormatError
from pipeline.read.paras import default_align

# Browser defaults: 16 px = 12 pt body text; headings 2em, 1.5em, 1.17em.
DEFAULT_SIZE = 12.0
HEADING_SIZES = {"h1": 24.0, "h2": 18.0, "h3": 14.0, "h4": 12.0, "h5": 10.0, "h6": 8.0}
# <font size=N> in points (browsers' table).
FONT_SIZES = {1: 7.5, 2: 10.0, 3: 12.0, 4: 13.5, 5: 18.0, 6: 24.0, 7: 36.0}
# The most a page may be, decoded (a 100 MB "page" is not a policy document).
DEFAULT_MAX_BYTES = 50 << 20
# A labelled block is at most this long; its labels at least this many.
DEFAULT_LABEL_BLOCK_CHARS = 1500
DEFAULT_MIN_LABELS = 2
VOID = {"br", "hr", "img", "input", "meta", "link", "area", "base", "col", "embed", "param", "source", "track", "wbr"}
DROP = {"script", "style", "noscript", "iframe", "nav", "form", "button", "select", "input", "textarea", "svg",
        "canvas", "template", "object", "embed", "audio", "video", "map", "head", "title", "aside"}
BLOCK = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "table", "tbody", "thead", "tfoot", "tr",
         "td", "th", "blockquote", "pre", "center", "section", "article", "header", "footer", "main", "dl", "dt",
         "dd", "address", "figure", "figcaption", "body", "html", "form", "hr", "br"}
# elements a <p> closes when it opens (HTML's implied end tags, the ones portal markup leans on)
CLOSES_P = {"p", "div", "table", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "center",
            "section", "article", "dl", "address", "hr"}
NAMED_COLOURS = {"red": "#ff0000", "black": "#000000", "blue": "#0000ff", "green": "#008000", "white": "#ffffff",
                 "gray": "#808080", "grey": "#808080", "darkred": "#8b0000", "crimson": "#dc143c"}


def _cues() -> dict:
    return data_json("web_page.json")


@dataclass(eq=False)
class Node:
    """An element of the page: tag, attributes and children (nodes and text strings)."""

    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list = field(default_factory=list)
    parent: Node | None = None

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else ("\n" if c.tag in BLOCK else "") + c.text() for c in self.children)

    def walk(self) -> Iterator[Node]:
        yield self
        for c in self.children:
            if isinstance(c, Node):
                yield from c.walk()


class _TreeBuilder(HTMLParser):
    """The standard library's tokenizer with the few implied end tags portal markup needs."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("root")
        self.cur = self.root

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag == "p" or tag in CLOSES_P:
            self._close_open("p")
        if tag in ("li", "dt", "dd", "tr", "td", "th", "option"):
            self._close_same(tag)
        node = Node(tag, {k: (v or "") for k, v in attrs}, [], self.cur)
        self.cur.children.append(node)
        if tag not in VOID:
            self.cur = node

    def handle_startendtag(self, tag: str, attrs: list) -> None:
        self.cur.children.append(Node(tag, {k: (v or "") for k, v in attrs}, [], self.cur))

    def handle_endtag(self, tag: str) -> None:
        node: Node | None = self.cur
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.cur = node.parent

    def handle_data(self, data: str) -> None:
        self.cur.children.append(data)

    def _close_open(self, tag: str) -> None:
        node: Node | None = self.cur
        while node is not None and node.tag not in ("root", "div", "td", "th", "li", "body", "table"):
            if node.tag == tag:
                self.cur = node.parent or self.root
                return
            node = node.parent

    def _close_same(self, tag: str) -> None:
        stop = {"li": ("ul", "ol"), "dt": ("dl",), "dd": ("dl",), "tr": ("table", "tbody", "thead", "tfoot"),
                "td": ("tr", "table"), "th": ("tr", "table"), "option": ("select",)}[tag]
        same = {"tr": ("tr",), "td": ("td", "th"), "th": ("td", "th"), "li": ("li",), "dt": ("dt", "dd"),
                "dd": ("dt", "dd"), "option": ("option",)}[tag]
        node: Node | None = self.cur
        while node is not None and node.tag != "root" and node.tag not in stop:
            if node.tag in same:
                self.cur = node.parent or self.root
                return
            node = node.parent


# --- decoding --------------------------------------------------------------------------


def decode_page(data: bytes) -> str:
    """A page's text: by its BOM, its declared charset (gb2312 read as GB18030), else UTF-8, else GB18030."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", "replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", "replace")
    m = re.search(rb"""charset\s*=\s*["']?([A-Za-z0-9_\-]+)""", data[:4096], re.I)
    declared = m.group(1).decode("ascii").lower() if m else None
    if declared in ("gb2312", "gbk", "gb18030", "x-gbk", "cp936"):
        return data.decode("gb18030", "replace")
    if declared and declared not in ("utf-8", "utf8"):
        try:
            return data.decode(declared, "replace")
        except LookupError:
            pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("gb18030", "replace")


# --- furniture -------------------------------------------------------------------------


def _tokens(node: Node) -> list[str]:
    return [t for t in re.split(r"[^a-z0-9]+", (node.attrs.get("class", "") + " " + node.attrs.get("id", "")).lower())
            if t]


def _has_heading(node: Node) -> bool:
    return any(n.tag in ("h1", "h2") for n in node.walk())


def is_furniture(node: Node) -> bool:
    """Navigation, share bars, footers, related-link lists: by tag, by class/id words, by link density."""
    if node.tag in DROP:
        return True
    style = node.attrs.get("style", "").replace(" ", "").lower()
    if "display:none" in style or "visibility:hidden" in style or "hidden" in node.attrs:
        return True  # text a reader never sees: search-engine keywords, templates
    if node.tag in ("header", "footer") and not _has_heading(node):
        return True
    words = _cues()["furniture"]
    if any(t.startswith(w) or t.endswith(w) for t in _tokens(node) for w in words if "-" not in w):
        text = node.text()
        return not _has_heading(node) and text.count("。") < 3
    if node.tag in ("ul", "ol", "table", "div", "dl"):  # a list of links: related documents, site menus
        text = re.sub(r"\s+", "", node.text())
        linked = sum(len(re.sub(r"\s+", "", a.text())) for a in node.walk() if a.tag == "a")
        if text and len(text) >= 8 and linked >= 0.7 * len(text) and text.count("。") < 2:
            return True
    return False


def prune(node: Node) -> None:
    """Remove furniture subtrees in place."""
    keep = []
    for c in node.children:
        if isinstance(c, Node):
            if is_furniture(c):
                continue
            prune(c)
        keep.append(c)
    node.children = keep


# --- the labelled block ----------------------------------------------------------------


@cache
def _label_rx() -> tuple[re.Pattern, dict[str, str]]:
    labels = _cues()["labels"]
    field_of = {word: key for key, words in labels.items() if key != "other" for word in words}
    words = sorted({w for ws in labels.values() for w in ws}, key=len, reverse=True)
    # a label spelled with layout spaces (标　　题, 发文字号 :) followed by a colon or a cell boundary,
    # or in brackets ([成文日期]2021-01-05, 【发文字号】)
    spelled = "|".join(r"[\s\u3000]*".join(map(re.escape, w)) for w in words)
    return re.compile(rf"(?:^|(?<=[\s\u3000|]))(?:[\[【]\s*({spelled})\s*[\]】][:：]?"
                      rf"|({spelled})[\s\u3000]*(?:[:：]|(?=\n)))"), field_of


def read_labels(text: str) -> dict[str, str]:
    """Read ``label：value`` pairs from a labelled block's text.

    Args:
        text: the block with cells and lines on lines of their own:
            "索引号：\\n11410100/2017-0030\\n发文机关：\\n东川市人民政府办公室\\n标　　题：\\n关于…的通知"

    Returns:
        The fields ``data/web_page.json`` maps labels to: ``{"issuer": "东川市人民政府办公室", "title": "关于…的通知"}``;
        a field stated twice keeps the value of its more trusted label (the one listed first), else the first.
    """
    rx, field_of = _label_rx()
    rank = {w: i for words in _cues()["labels"].values() for i, w in enumerate(words)}
    hits = list(rx.finditer(text))
    out: dict[str, str] = {}
    trust: dict[str, int] = {}
    for k, m in enumerate(hits):
        end = hits[k + 1].start() if k + 1 < len(hits) else len(text)
        value = " ".join(text[m.end():end].split()).strip(" ：:|")
        label = re.sub(r"[\s\u3000]", "", m.group(1) or m.group(2))
        key = field_of.get(label)
        if key and value and rank[label] < trust.get(key, len(rank)):  # 发文机关 over 发布机构
            out[key], trust[key] = value, rank[label]
    return out


def _label_count(text: str) -> int:
    rx, _ = _label_rx()
    return len({re.sub(r"[\s\u3000]", "", m.group(1) or m.group(2)) for m in rx.finditer(text)})


def find_label_block(root: Node) -> Node | None:
    """The smallest element holding at least two labels, short enough to be a labelled block."""
    best: Node | None = None
    best_key = (0, 0)
    for node in root.walk():
        if node.tag in ("root", "html", "body"):
            continue
        text = node.text()
        if len(text) > DEFAULT_LABEL_BLOCK_CHARS * 3:
            continue
        flat = re.sub(r"\s+", "", text)
        if len(flat) > DEFAULT_LABEL_BLOCK_CHARS:
            continue
        n = _label_count(text)
        if n >= DEFAULT_MIN_LABELS and (n, -len(flat)) > best_key:
            best, best_key = node, (n, -len(flat))
    return best


def _detach(node: Node) -> None:
    if node.parent is not None:
        node.parent.children = [c for c in node.parent.children if c is not node]


# --- the article -----------------------------------------------------------------------


def _sentence_score(text: str) -> float:
    flat = re.sub(r"\s+", "", text)
    return len(flat) * (1 + flat.count("。") + flat.count("；")) if len(flat) >= 10 else 0.0


def _own_text(node: Node) -> str:
    """The text a node holds itself, outside its block children: lines parted by <br> in an id=zoom div."""
    return "".join(c if isinstance(c, str) else (c.text() if c.tag not in BLOCK or c.tag == "br" else "")
                   for c in node.children)


def find_article(root: Node) -> Node:
    """The element holding the document, as readability tools find it: each paragraph's sentence text
    scored to its parent (and half to the grandparent); text a container holds itself between its blocks
    (lines parted by <br>) scored to the container (and half to its parent)."""
    scores: dict[int, float] = {}
    nodes: dict[int, Node] = {}
    hints = _cues()["body_hints"]
    for node in root.walk():
        if node.tag not in ("p", "div", "td", "li", "pre", "blockquote", "span", "font", "h1", "h2", "h3"):
            continue
        mixed = any(isinstance(c, Node) and c.tag in ("p", "div", "table") for c in node.children)
        s = _sentence_score(_own_text(node) if mixed else node.text())
        if not s:
            continue
        ups = (node, node.parent) if mixed else (node.parent, node.parent.parent if node.parent else None)
        for up, share in zip(ups, (1.0, 0.5)):
            if up is not None:
                scores[id(up)] = scores.get(id(up), 0.0) + s * share
                nodes[id(up)] = up
    if not scores:
        body = next((n for n in root.walk() if n.tag == "body"), root)
        return body
    for key, node in nodes.items():  # the container portals name (TRS_Editor, zoom, article) by a small margin
        if any(t.startswith(h) for t in _tokens(node) for h in hints):
            scores[key] *= 1.1
    return nodes[max(scores, key=scores.__getitem__)]


def _headline(root: Node, article: Node) -> Node | None:
    """The page's headline before the article: its last h1–h3 (or a title-classed block) outside it."""
    found = None
    for node in root.walk():
        if node is article:
            break
        if node.tag in ("h1", "h2", "h3") or (node.tag in ("div", "p", "td") and
                                               any(t in ("title", "bt", "tit", "article-title") for t in _tokens(node))):
            text = re.sub(r"\s+", "", node.text())
            if 4 <= len(text) <= 120 and not any(a is article for a in node.walk()):
                found = node
    return found


# --- styles ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Style:
    size: float = DEFAULT_SIZE
    color: str | None = None
    bold: bool = False
    align: str | None = None
    indent: float | None = None  # in characters


def _css(node: Node) -> dict[str, str]:
    out = {}
    for part in node.attrs.get("style", "").split(";"):
        if ":" in part:
            k, v = part.split(":", 1)
            out[k.strip().lower()] = v.strip().lower()
    return out


def _colour(value: str) -> str | None:
    value = value.strip().lower().replace("!important", "").strip()
    if value in NAMED_COLOURS:
        return NAMED_COLOURS[value]
    m = re.fullmatch(r"#([0-9a-f]{6})", value)
    if m:
        return "#" + m.group(1)
    m = re.fullmatch(r"#([0-9a-f]{3})", value)
    if m:
        return "#" + "".join(c * 2 for c in m.group(1))
    m = re.fullmatch(r"rgba?\((\d+)\s*,\s*(\d+)\s*,\s*(\d+).*\)", value)
    if m:
        return "#" + "".join(f"{min(255, int(v)):02x}" for v in m.groups())
    return None


def _length(value: str, size: float) -> float | None:
    """A CSS length in points: 16pt, 21.3333px, 2em, 150%, 三号 is not CSS."""
    m = re.match(r"^(-?[\d.]+)\s*(pt|px|em|rem|%)?", value.strip())
    if not m:
        return None
    n = float(m.group(1)) if m.group(1) not in ("", ".", "-") else 0.0
    unit = m.group(2) or "px"
    return {"pt": n, "px": n * 0.75, "em": n * size, "rem": n * DEFAULT_SIZE, "%": n * size / 100}[unit]


def _style_of(node: Node, parent: _Style) -> _Style:
    css = _css(node)
    size, color, bold, align, indent = parent.size, parent.color, parent.bold, parent.align, parent.indent
    if node.tag in HEADING_SIZES:
        size, bold = HEADING_SIZES[node.tag], True
        if node.tag in ("h1", "h2", "h3"):
            align = "centre"  # portal stylesheets centre the headline; the page's CSS file is not saved with it
    if node.tag in ("b", "strong"):
        bold = True
    if node.tag == "center":
        align = "centre"
    if node.tag == "font":
        if node.attrs.get("color"):
            color = _colour(node.attrs["color"]) or color
        s = node.attrs.get("size", "").strip()
        if s.isdigit() and int(s) in FONT_SIZES:
            size = FONT_SIZES[int(s)]
    a = node.attrs.get("align", "").lower() if node.tag not in ("table", "img", "iframe") else ""
    if a:  # a table's align places the table, not its text
        align = {"center": "centre", "middle": "centre", "right": "right", "justify": "justify"}.get(a, "left")
    if "font-size" in css:
        size = _length(css["font-size"], parent.size) or size
    if "font" in css:
        m = re.search(r"([\d.]+(?:pt|px|em))", css["font"])
        if m:
            size = _length(m.group(1), parent.size) or size
    if "color" in css:
        color = _colour(css["color"]) or color
    if "font-weight" in css:
        w = css["font-weight"]
        bold = w.startswith("bold") or (w.isdigit() and int(w) >= 600)
    if "text-align" in css:
        t = css["text-align"]
        align = "centre" if t.startswith("center") else "right" if t.startswith("right") else \
            "justify" if t.startswith("justify") else "left"
    if "text-indent" in css:
        n = _length(css["text-indent"], size)
        if n is not None and size:
            indent = round(n / size, 2)
    return _Style(size, color, bold, align, indent)


# --- paragraphs ------------------------------------------------------------------------


@dataclass
class _Para:
    runs: list[tuple[str, _Style]] = field(default_factory=list)
    style: _Style = field(default_factory=_Style)
    table_row: bool = False


class _Writer:
    def __init__(self) -> None:
        self.paras: list[_Para] = []
        self.cur: _Para | None = None

    def start(self, style: _Style, table_row: bool = False) -> None:
        self.end()
        self.cur = _Para([], style, table_row)

    def end(self) -> None:
        if self.cur is not None and "".join(t for t, _ in self.cur.runs).strip():
            self.paras.append(self.cur)
        self.cur = None

    def add(self, text: str, style: _Style, block_style: _Style) -> None:
        if self.cur is None:
            self.cur = _Para([], block_style)
        self.cur.runs.append((text, style))

    def walk(self, node: Node, style: _Style) -> None:
        for c in node.children:
            if isinstance(c, str):
                if c.strip("\r\n"):  # markup's line breaks and indentation are one space, as a browser shows them
                    self.add(re.sub(r"[ \t\r\n]+", " ", c), style, style)
                continue
            st = _style_of(c, style)
            if c.tag == "br":
                block = self.cur.style if self.cur else style
                self.end()
                self.cur = _Para([], block)
            elif c.tag == "hr":
                self.end()
            elif c.tag == "tr":
                self.end()
                cells = [self._cell(td, st) for td in c.children if isinstance(td, Node) and td.tag in ("td", "th")]
                cells = [x for x in cells if x]
                if cells:
                    self.cur = _Para([(FULL_SPACE.join(cells), st)], st, table_row=len(cells) > 1)
                    self.end()
            elif c.tag in BLOCK:
                self.end()
                self.cur = _Para([], st)
                self.walk(c, st)
                self.end()
            else:
                self.walk(c, st)

    @staticmethod
    def _cell(td: Node, style: _Style) -> str:
        return " ".join(td.text().split())  # one cell: its own blanks are spaces (closed beside CJK later)


def _paragraph(p: _Para, index: int) -> Paragraph:
    text = "".join(t for t, _ in p.runs)
    weights: dict[tuple, int] = {}
    for t, s in p.runs:
        key = (s.size, s.color, s.bold)
        weights[key] = weights.get(key, 0) + len(t.strip())
    size, color, bold = max(weights, key=weights.__getitem__)
    lead = len(text) - len(text.lstrip(" \u3000\u00a0\t"))
    # CSS text-indent and typed blanks add up: "　　各县（市、区）…" (U+3000 one character, others half)
    head = text[:lead]
    indent = (p.style.indent or 0.0) + head.count("\u3000") + 0.5 * (len(head) - head.count("\u3000"))
    return Paragraph(text, index, round(size, 2), color, bold, p.style.align or default_align(text), indent,
                     table_row=p.table_row)


def read_html(path: str | Path) -> tuple[list[Paragraph], dict[str, str]]:
    """Read a saved portal page.

    Args:
        path: the .html/.htm file as a browser saves it ("网页，仅HTML").

    Returns:
        The document's paragraphs (``Paragraph.index`` numbering the page's
        blocks from 1), and the labelled block's fields:
        ``{"issuer": …, "doc_number": …, "issue_date": "2023年05月08日", "title": …}``; a page
        without a labelled 标题 but with ``<meta name="ArticleTitle">`` gives it as ``title_fallback``.

    Raises:
        FormatError: a page over the size limit, or with no text.
    """
    path = Path(path)
    data = path.read_bytes()
    if len(data) > DEFAULT_MAX_BYTES:
        raise FormatError(f"{path}: web page over {DEFAULT_MAX_BYTES >> 20} MB (the limit)")
    builder = _TreeBuilder()
    builder.feed(decode_page(data))
    builder.close()
    root = builder.root
    # the article title many portals' content systems write into the head: <meta name="ArticleTitle">
    meta_title = next((n.attrs.get("content", "").strip() for n in root.walk()
                       if n.tag == "meta" and n.attrs.get("name", "").lower() == "articletitle"), "")
    prune(root)
    labels: dict[str, str] = {}
    block = find_label_block(root)
    if block is not None:
        labels = read_labels(block.text())
        _detach(block)
    if meta_title and "title" not in labels:
        labels["title_fallback"] = meta_title
    article = find_article(root)
    writer = _Writer()
    head = _headline(root, article)
    first = re.sub(r"\s+", "", article.text())[:200]
    if head is not None and re.sub(r"\s+", "", head.text()) not in first:
        writer.walk(Node("div", {}, [head]), _style_of(head, _Style()))
    style = _Style()
    chain = []
    up: Node | None = article
    while up is not None:
        chain.append(up)
        up = up.parent
    for node in reversed(chain):
        style = _style_of(node, style)
    writer.walk(article, style)
    writer.end()
    paragraphs = [_paragraph(p, k) for k, p in enumerate(writer.paras, 1)]
    stop = _cues()["furniture_text"]
    paragraphs = [p for p in paragraphs if not (len(p.text.strip()) <= 30 and any(w in p.text for w in stop))]
    if not paragraphs and not labels:
        raise FormatError(f"{path}: web page with no document text")
    return paragraphs, labels
