"""The citation graph as one self-contained HTML page (nothing fetched, no library).

The layout is computed here, in Python, and drawn as plain SVG, so the page
reads without scripts and a test can check it without a browser: a layered
layout by date. Documents stand in columns by the year of their 成文日期 (a
document cited from outside the corpus, a dashed ghost, by the year of its
发文字号; "undated" on the left), oldest on the left, so a citation mostly runs
right to left, from a document to an older one. A year with more documents
than a column holds gets several columns; within a year documents are ordered
by the mean height of what they cite (the barycentre heuristic of layered
drawing, which keeps arrows short and crossings few), then by date. Every node
has its own cell of the grid, so nodes and labels never overlap whatever the
corpus's size.

A small inline script makes a big corpus usable: a filter box (number, title
or file), "only documents with findings", "hide ghosts", and a click on a node
that keeps only it and its neighbours lit and picks out its findings in the
table below. The findings and the documents are listed under the graph as
plain HTML, each finding linked to its document.
"""

from __future__ import annotations

import html
import math
import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

# edge status -> colour; the legend lists them in this order
STATUS_COLOURS = {
    "resolved": "#2e7d32",
    "later": "#ef6c00",
    "ambiguous": "#8e24aa",
    "near_match": "#f9a825",
    "mismatch": "#c62828",
    "self": "#6d4c41",
    "unresolved": "#9e9e9e",
}
SEVERITY_COLOURS = {"error": "#c62828", "warning": "#ef6c00", "info": "#607d8b"}

# the grid: a column per layer (px), a row per node (px), margins (px)
DEFAULT_COLUMN_WIDTH = 210
DEFAULT_ROW_HEIGHT = 24
DEFAULT_MARGIN_LEFT = 24
DEFAULT_MARGIN_TOP = 46
# rows a column holds: about 1.5 x the square root of the node count, within these bounds
# (12 rows for 60 nodes, 40 for 2,000: wide rather than endlessly tall)
DEFAULT_MIN_ROWS = 8
DEFAULT_MAX_ROWS = 40
# node radii and label length (characters; a CJK character is about 11 px at 11 px type)
DOC_RADIUS = 7
GHOST_RADIUS = 5
LABEL_CHARS = 15
# a label starts this far right of its node's centre: room for an arrowhead arriving from the right
LABEL_OFFSET = DOC_RADIUS + 10
UNDATED = "undated"
# the year of a 发文字号, for a ghost: 澜人常〔2021〕7号 -> 2021
_NUMBER_YEAR = re.compile(r"[〔\[［(（【](\d{4})[〕\]］)）】]")


@dataclass(frozen=True)
class Node:
    """One node of the drawing: a document or a ghost, its cell's centre and its label."""

    id: str
    label: str
    title: str
    ghost: bool
    layer: str  # a year, or "undated"
    x: float
    y: float
    bad: int = 0  # error and warning findings of the document
    anchor: str | None = None  # the id of its row in the documents table


@dataclass(frozen=True)
class Layout:
    nodes: tuple[Node, ...]
    width: int
    height: int
    layers: tuple[tuple[str, float, float], ...]  # (year, x from, x to) of each layer's band


def _year(date: str | None, number: str | None) -> str:
    if date and re.match(r"\d{4}", date):
        return date[:4]
    m = _NUMBER_YEAR.search(number or "")
    return m.group(1) if m else UNDATED


def _short(text: str, n: int = LABEL_CHARS) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def layout(report: dict[str, Any], rows: int | None = None) -> Layout:
    """Take the ``report.json`` object and place every document and ghost in a layered grid by date.

    Example: a dozen 东川市 notices of 2023 citing 江澜省's 条例 of 2021 give two
    layers: the ghost 澜人常〔2021〕7号 alone in the 2021 column on the left, the
    notices in 2023 columns to its right, each in its own 24 px row.

    Args:
        report: from ``xref.report_to_dict``.
        rows: rows per column; by default from the node count.

    Returns:
        The nodes with their centres, the page size and each year's band.
    """
    bad: dict[str, int] = defaultdict(int)
    for f in report["findings"]:
        if f["severity"] != "info":
            bad[f["citing"]] += 1
    items: list[dict[str, Any]] = []
    for i, d in enumerate(report["documents"]):
        label = d.get("doc_number") or d.get("title") or d.get("file") or d["id"]
        items.append({"id": d["id"], "label": label, "ghost": False, "anchor": f"doc-{i}",
                      "title": " ".join(x for x in (d.get("doc_number"), d.get("title") or d.get("file")) if x),
                      "date": d.get("issue_date") or "", "layer": _year(d.get("issue_date"), d.get("doc_number"))})
    for g in report["ghosts"]:
        label = g.get("doc_number") or g.get("title") or g["id"]
        items.append({"id": g["id"], "label": label, "ghost": True, "anchor": None,
                      "title": "not in the corpus: " + " ".join(x for x in (g.get("doc_number"), g.get("title")) if x),
                      "date": "", "layer": _year(None, g.get("doc_number"))})
    n = len(items)
    per_column = rows or max(DEFAULT_MIN_ROWS, min(DEFAULT_MAX_ROWS, math.ceil(1.5 * math.sqrt(max(n, 1)))))
    neighbours: dict[str, list[str]] = defaultdict(list)  # either end of a citation -> the other
    for e in report["edges"]:
        if e["citing"] != e["cited"]:
            neighbours[e["citing"]].append(e["cited"])
            neighbours[e["cited"]].append(e["citing"])
    by_layer: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for it in items:
        by_layer[it["layer"]].append(it)
    order = sorted(by_layer, key=lambda y: (y != UNDATED, y))
    placed: dict[str, float] = {}  # id -> row position (fraction of a column's height)
    nodes: list[Node] = []
    bands: list[tuple[str, float, float]] = []
    column = 0
    for year in order:
        # a year's documents fill its columns in date order, the oldest on the left ...
        group = sorted(by_layer[year], key=lambda it: (it["date"] or "9999", it["ghost"], it["id"]))
        first = column
        for start in range(0, len(group), per_column):
            chunk = group[start : start + per_column]

            # ... and within a column stand by the mean row of what they cite or are cited by, placed before
            def centre(k: int, it: dict[str, Any], size: int = len(chunk)) -> float:
                ys = [placed[o] for o in neighbours.get(it["id"], ()) if o in placed]
                return sum(ys) / len(ys) if ys else k / size

            ranked = sorted((centre(k, it), k, it) for k, it in enumerate(chunk))
            x = DEFAULT_MARGIN_LEFT + column * DEFAULT_COLUMN_WIDTH + DOC_RADIUS
            for row, (_, _, it) in enumerate(ranked):
                y = DEFAULT_MARGIN_TOP + row * DEFAULT_ROW_HEIGHT + DEFAULT_ROW_HEIGHT / 2
                placed[it["id"]] = row / per_column
                nodes.append(Node(it["id"], _short(str(it["label"])), it["title"], it["ghost"], year, x, y,
                                  bad.get(it["id"], 0), it["anchor"]))
            column += 1
        bands.append((year, DEFAULT_MARGIN_LEFT / 2 + first * DEFAULT_COLUMN_WIDTH,
                      DEFAULT_MARGIN_LEFT / 2 + column * DEFAULT_COLUMN_WIDTH))
    used_rows = min(per_column, n) if n else 1
    width = int(DEFAULT_MARGIN_LEFT + max(column, 1) * DEFAULT_COLUMN_WIDTH)
    height = int(DEFAULT_MARGIN_TOP + used_rows * DEFAULT_ROW_HEIGHT + 16)
    return Layout(tuple(nodes), width, height, tuple(bands))


_CSS = """
body{font-family:"Noto Sans CJK SC","Source Han Sans SC","Microsoft YaHei",sans-serif;margin:1.5em;color:#222}
h1{font-size:1.3em}h2{font-size:1.1em;margin-top:1.5em}
#frame{border:1px solid #ccc;background:#fafafa;overflow:auto;max-height:80vh}
#graph{display:block}
.band{fill:#f1f3f6}.band.odd{fill:#fafbfc}.year{font-size:13px;font-weight:bold;fill:#546e7a}
.node circle{stroke:#37474f;stroke-width:1.2px;fill:#bbdefb}.node.bad circle{fill:#ffccbc}
.node.ghost circle{fill:#fff;stroke:#999;stroke-dasharray:3 2}
.node text{font-size:11px;fill:#222;dominant-baseline:middle;stroke:#fafafa;stroke-width:3px;paint-order:stroke}.node.ghost text{fill:#777}
.node{cursor:pointer}.node.sel circle{stroke:#000;stroke-width:3px}
.edge{fill:none;stroke-width:1.4px;opacity:.75}.edge.unresolved{stroke-dasharray:4 3;opacity:.5}
#graph.focus .node:not(.lit),#graph.focus .edge:not(.lit){opacity:.08}
#graph.filtered .node.out{opacity:.08}#graph.filtered .edge.out{display:none}
.hidden{display:none}
.controls{margin:.5em 0}.controls label{margin-right:1.2em}.controls input[type=search]{width:22em}
.legend span{display:inline-block;margin-right:1em}.legend i{display:inline-block;width:1.5em;height:.3em;
vertical-align:middle;margin-right:.3em}
table{border-collapse:collapse;font-size:.9em}td,th{border:1px solid #ddd;padding:.25em .5em;text-align:left;
vertical-align:top}tr.hl{background:#fff6c8}.sev{font-weight:bold}
"""

_JS = r"""
(function(){
var svg=document.getElementById('graph');
var nodes=Array.prototype.slice.call(svg.querySelectorAll('g.node'));
var edges=Array.prototype.slice.call(svg.querySelectorAll('.edge'));
var byId={},adj={};
nodes.forEach(function(g){byId[g.getAttribute('data-id')]=g;adj[g.getAttribute('data-id')]=[];});
edges.forEach(function(e){var s=e.getAttribute('data-citing'),t=e.getAttribute('data-cited');
  if(adj[s])adj[s].push(e);if(adj[t]&&t!==s)adj[t].push(e);});
var selected=null;
function select(id){
  selected=(id===selected)?null:id;
  svg.classList.toggle('focus',!!selected);
  nodes.forEach(function(g){g.classList.remove('lit');g.classList.toggle('sel',g.getAttribute('data-id')===selected);});
  edges.forEach(function(e){e.classList.remove('lit');});
  if(selected&&byId[selected]){byId[selected].classList.add('lit');
    adj[selected].forEach(function(e){e.classList.add('lit');
      [e.getAttribute('data-citing'),e.getAttribute('data-cited')].forEach(function(o){if(byId[o])byId[o].classList.add('lit');});});}
  Array.prototype.forEach.call(document.querySelectorAll('tr.finding'),function(r){
    r.classList.toggle('hl',!!selected&&r.getAttribute('data-citing')===selected);});
}
nodes.forEach(function(g){g.addEventListener('click',function(){var id=g.getAttribute('data-id');select(id);
  var a=g.getAttribute('data-anchor');if(a&&selected)history.replaceState(null,'','#'+a);});});
Array.prototype.forEach.call(document.querySelectorAll('tr.finding'),function(r){
  r.addEventListener('click',function(){var id=r.getAttribute('data-citing');select(id);
    if(byId[id])byId[id].scrollIntoView({block:'center',inline:'center'});});});
var q=document.getElementById('filter'),onlyBad=document.getElementById('only-bad'),noGhosts=document.getElementById('no-ghosts');
function filter(){
  var text=(q.value||'').trim().toLowerCase(),on=!!text||onlyBad.checked;
  svg.classList.toggle('filtered',on);
  var keep={};
  nodes.forEach(function(g){var ok=(!text||g.getAttribute('data-search').toLowerCase().indexOf(text)>=0)&&
    (!onlyBad.checked||g.classList.contains('bad'));g.classList.toggle('out',on&&!ok);if(ok)keep[g.getAttribute('data-id')]=1;
    g.classList.toggle('hidden',noGhosts.checked&&g.classList.contains('ghost'));});
  edges.forEach(function(e){var s=e.getAttribute('data-citing'),t=e.getAttribute('data-cited');
    e.classList.toggle('out',on&&!(keep[s]||keep[t]));
    e.classList.toggle('hidden',noGhosts.checked&&t.indexOf('ghost:')===0);});
  document.getElementById('shown').textContent=on?Object.keys(keep).length+' of '+nodes.length+' shown':'';
}
[q,onlyBad,noGhosts].forEach(function(el){el.addEventListener('input',filter);el.addEventListener('change',filter);});
svg.setAttribute('data-rendered',String(nodes.length));
})();
"""


def _e(value: Any) -> str:
    return html.escape("" if value is None else str(value))


def _svg(report: dict[str, Any], lay: Layout) -> str:
    at = {n.id: n for n in lay.nodes}
    parts = [f'<svg id="graph" xmlns="http://www.w3.org/2000/svg" role="img" aria-label="citation graph" '
             f'width="{lay.width}" height="{lay.height}" viewBox="0 0 {lay.width} {lay.height}">']
    parts.append("<defs>" + "".join(
        f'<marker id="arrow-{s}" viewBox="0 0 10 10" refX="10" refY="5" markerUnits="userSpaceOnUse" '
        f'markerWidth="7" markerHeight="7" '
        f'orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" fill="{c}"/></marker>'
        for s, c in STATUS_COLOURS.items()) + "</defs>")
    for k, (year, x0, x1) in enumerate(lay.layers):
        parts.append(f'<rect class="band{" odd" if k % 2 else ""}" x="{x0:.0f}" y="0" width="{x1 - x0:.0f}" '
                     f'height="{lay.height}"/><text class="year" x="{x0 + 8:.0f}" y="24">{_e(year)}</text>')
    parts.append('<g class="edges">')
    for e in report["edges"]:
        s, t = at.get(e["citing"]), at.get(e["cited"])
        if s is None or t is None:
            continue
        colour = STATUS_COLOURS.get(e["status"], "#000")
        if s is t:  # a self-citation: a small loop above the node
            d = f"M{s.x - 4:.1f},{s.y - 6:.1f} c -10,-18 18,-18 8,0"
        else:
            # leave the citing node and reach the cited one at the side facing the other
            sx = s.x - DOC_RADIUS if t.x < s.x else s.x + DOC_RADIUS
            tr = GHOST_RADIUS if t.ghost else DOC_RADIUS
            tx = t.x + tr + 1 if t.x < s.x else t.x - tr - 1
            if abs(t.x - s.x) < 1:  # the same column: bow out to the left
                bend = -40 - abs(t.y - s.y) / 4
                sx, tx = s.x - DOC_RADIUS, t.x - tr - 1
                d = f"M{sx:.1f},{s.y:.1f} C{sx + bend:.1f},{s.y:.1f} {tx + bend:.1f},{t.y:.1f} {tx:.1f},{t.y:.1f}"
            else:
                mid = (sx + tx) / 2
                d = f"M{sx:.1f},{s.y:.1f} C{mid:.1f},{s.y:.1f} {mid:.1f},{t.y:.1f} {tx:.1f},{t.y:.1f}"
        parts.append(f'<path class="edge {_e(e["status"])}" d="{d}" stroke="{colour}" '
                     f'marker-end="url(#arrow-{_e(e["status"])})" data-citing="{_e(e["citing"])}" '
                     f'data-cited="{_e(e["cited"])}"><title>{_e(s.label)} → {_e(t.label)} '
                     f'({_e(e["status"])})</title></path>')
    parts.append('</g><g class="nodes">')
    for n in lay.nodes:
        cls = "node " + ("ghost" if n.ghost else "doc") + (" bad" if n.bad else "")
        search = f"{n.id} {n.title}"
        parts.append(f'<g class="{cls}" data-id="{_e(n.id)}" data-search="{_e(search)}"'
                     + (f' data-anchor="{_e(n.anchor)}"' if n.anchor else "")
                     + f' transform="translate({n.x:.1f},{n.y:.1f})">'
                     f'<circle r="{GHOST_RADIUS if n.ghost else DOC_RADIUS}"/>'
                     f'<text x="{LABEL_OFFSET}" y="0">{_e(n.label)}</text><title>{_e(n.title)}</title></g>')
    parts.append("</g></svg>")
    return "".join(parts)


def render_graph(report: dict[str, Any]) -> str:
    """Take the ``report.json`` object and give the graph page's HTML.

    Example: a corpus of a dozen 东川市 notices gives a page whose SVG holds a
    ``<g class="node doc" data-id="…">`` for each and a dashed ghost for
    《江澜省数字经济促进条例》（澜人常〔2021〕7号）, cited from outside.
    """
    lay = layout(report)
    anchors = {d["id"]: f"doc-{i}" for i, d in enumerate(report["documents"])}
    s = report["summary"]
    legend = "".join(f'<span><i style="background:{c}"></i>{_e(st)}</span>' for st, c in STATUS_COLOURS.items())
    rows = []
    for f in report["findings"]:
        ref = f.get("reference") or {}
        doc = f.get("citing")
        link = f'<a href="#{anchors[doc]}">{_e(doc)}</a>' if doc in anchors else _e(doc)
        cw = f.get("compared_with") or {}
        compared = " ".join(_e(x) for x in (cw.get("doc_number"), cw.get("title"), cw.get("form")) if x)
        if cw.get("document") in anchors:
            compared = f'<a href="#{anchors[cw["document"]]}">{compared or _e(cw["document"])}</a>'
        sim = "" if f.get("similarity") is None else f"{f['similarity']:.3f}"
        rows.append(
            f'<tr class="finding {_e(f["severity"])}" id="{_e(f["id"])}" data-citing="{_e(doc)}">'
            f'<td>{_e(f["id"])}</td><td class="sev" style="color:{SEVERITY_COLOURS.get(f["severity"], "#000")}">'
            f"{_e(f['severity'])}</td><td>{_e(f['kind'])}</td><td>{link}</td><td>{_e(ref.get('page'))}</td>"
            f"<td>{_e(ref.get('text'))}</td><td>{compared}</td><td>{sim}</td><td>{_e(f['message'])}</td></tr>"
        )
    docs = []
    for d in report["documents"]:
        docs.append(
            f'<tr id="{anchors[d["id"]]}" data-id="{_e(d["id"])}"><td>{_e(d["id"])}</td><td>{_e(d["doc_number"])}</td>'
            f"<td>{_e(d['title'])}</td><td>{_e(d['issue_date'])}</td><td>{_e(d['file'])}</td></tr>"
        )
    sev = s["by_severity"]
    return f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
<title>Citation graph: {s["documents"]} documents</title>
<style>{_CSS}</style></head>
<body>
<h1>Citation graph</h1>
<p>{s["documents"]} documents, {s["citations"]} citations ({s["resolved"]} resolved in the corpus),
{s["unresolved_documents"]} documents cited from outside (dashed).
{sev["error"]} errors, {sev["warning"]} warnings, {sev["info"]} notes. Columns are years of 成文日期 (of the
发文字号 for documents outside the corpus); an arrow runs from the citing document to the one it cites.
Click a document to light it and its neighbours.</p>
<p class="legend">{legend}</p>
<p class="controls"><input type="search" id="filter" placeholder="filter: 发文字号, title or file">
<label><input type="checkbox" id="only-bad"> only documents with findings</label>
<label><input type="checkbox" id="no-ghosts"> hide documents outside the corpus</label>
<span id="shown"></span></p>
<div id="frame">{_svg(report, lay)}</div>
<h2>Findings</h2>
<table id="findings"><thead><tr><th>#</th><th>severity</th><th>kind</th><th>document</th><th>page</th>
<th>reference as written</th><th>compared with</th><th>similarity</th><th>message</th></tr></thead>
<tbody>{"".join(rows)}</tbody></table>
<h2>Documents</h2>
<table id="documents"><thead><tr><th>id</th><th>发文字号</th><th>title</th><th>成文日期</th><th>file</th></tr></thead>
<tbody>{"".join(docs)}</tbody></table>
<script>{_JS}</script>
</body></html>
"""
