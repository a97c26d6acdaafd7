"""The citation graph as one self-contained HTML page (no network, no library).

Documents are solid nodes, documents cited from outside the corpus dashed
ghost nodes, citations arrows coloured by status. The layout is a small force
simulation written inline and run in the browser when the page loads; the
findings and the documents are listed under the graph as plain HTML (readable
without scripts), each finding linked to its document.
"""

from __future__ import annotations

import html
from typing import Any

from pipeline.emit import script_json

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

_CSS = """
body{font-family:"Noto Sans CJK SC","Source Han Sans SC","Microsoft YaHei",sans-serif;margin:1.5em;color:#222}
h1{font-size:1.3em}h2{font-size:1.1em;margin-top:1.5em}
#graph{border:1px solid #ccc;width:100%;height:640px;background:#fafafa}
.node circle{stroke:#333;stroke-width:1.2px}.node.ghost circle{fill:#fff;stroke:#999;stroke-dasharray:4 3}
.node text{font-size:11px;pointer-events:none}.node.sel circle{stroke:#000;stroke-width:3px}
.legend span{display:inline-block;margin-right:1em}.legend i{display:inline-block;width:1.5em;height:.3em;
vertical-align:middle;margin-right:.3em}
table{border-collapse:collapse;font-size:.9em}td,th{border:1px solid #ddd;padding:.25em .5em;text-align:left;
vertical-align:top}tr.hl{background:#fff6c8}.sev{font-weight:bold}
"""

_JS = r"""
(function(){
var data=JSON.parse(document.getElementById('xref-data').textContent);
var colours=JSON.parse(document.getElementById('xref-colours').textContent);
var NS='http://www.w3.org/2000/svg',svg=document.getElementById('graph');
var total=data.documents.length+data.ghosts.length;
// a big corpus gets a taller canvas
svg.style.height=Math.max(640,Math.round(Math.sqrt(total)*45))+'px';
var W=svg.clientWidth||1000,H=svg.clientHeight||640;
svg.setAttribute('viewBox','0 0 '+W+' '+H);
var nodes=[],byId={};
data.documents.forEach(function(d,i){var n={id:d.id,label:d.doc_number||d.title||d.file,ghost:false,
  title:(d.doc_number||'')+' '+(d.title||d.file),anchor:'doc-'+i,bad:0};nodes.push(n);byId[d.id]=n;});
data.ghosts.forEach(function(g,i){var n={id:g.id,label:g.doc_number||g.title,ghost:true,
  title:'not in the corpus: '+(g.doc_number||'')+' '+(g.title||''),anchor:null,bad:0};nodes.push(n);byId[g.id]=n;});
data.findings.forEach(function(f){if(f.severity!=='info'&&byId[f.citing])byId[f.citing].bad++;});
var N=nodes.length,R=Math.min(W,H)*0.4;
nodes.forEach(function(n,i){var a=2*Math.PI*i/Math.max(N,1);n.x=W/2+R*Math.cos(a);n.y=H/2+R*Math.sin(a);
  n.vx=0;n.vy=0;});
var links=data.edges.map(function(e){return {s:byId[e.citing],t:byId[e.cited],status:e.status};})
  .filter(function(l){return l.s&&l.t;});
// Fruchterman-Reingold: repulsion k^2/d between all nodes, attraction d^2/k along edges, a pull to the
// centre for loose nodes; the step is capped by a temperature that cools to nothing
// the all-pairs step is N^2: fewer rounds for a big corpus keep the page quick to open
var k=Math.sqrt((W-200)*(H-60)/Math.max(N,1))*0.7,T=W/8,ITER=Math.max(5,Math.min(400,Math.floor(2e8/(N*N+1))));
for(var it=0;it<ITER;it++){
  nodes.forEach(function(n){n.dx=0;n.dy=0;});
  for(var i=0;i<N;i++){for(var j=i+1;j<N;j++){var a=nodes[i],b=nodes[j],dx=a.x-b.x,dy=a.y-b.y,
    d=Math.sqrt(dx*dx+dy*dy)||0.01,f=k*k/d;a.dx+=dx/d*f;a.dy+=dy/d*f;b.dx-=dx/d*f;b.dy-=dy/d*f;}}
  links.forEach(function(l){if(l.s===l.t)return;var dx=l.t.x-l.s.x,dy=l.t.y-l.s.y,
    d=Math.sqrt(dx*dx+dy*dy)||0.01,f=d*d/k;l.s.dx+=dx/d*f;l.s.dy+=dy/d*f;l.t.dx-=dx/d*f;l.t.dy-=dy/d*f;});
  var t=T*(1-it/ITER);
  nodes.forEach(function(n){n.dx+=(W/2-n.x)*0.05*k/100;n.dy+=(H/2-n.y)*0.05*k/100;
    var d=Math.sqrt(n.dx*n.dx+n.dy*n.dy)||0.01,m=Math.min(d,t);n.x+=n.dx/d*m;n.y+=n.dy/d*m;
    n.x=Math.max(30,Math.min(W-170,n.x));n.y=Math.max(25,Math.min(H-25,n.y));});
}
function el(tag,attrs,parent){var e=document.createElementNS(NS,tag);for(var a in attrs)e.setAttribute(a,attrs[a]);
  if(parent)parent.appendChild(e);return e;}
var defs=el('defs',{},svg);
Object.keys(colours).forEach(function(s){var m=el('marker',{id:'arrow-'+s,viewBox:'0 0 10 10',refX:'18',refY:'5',
  markerWidth:'7',markerHeight:'7',orient:'auto-start-reverse'},defs);el('path',{d:'M0,0L10,5L0,10z',fill:colours[s]},m);});
var gl=el('g',{'class':'edges'},svg),gn=el('g',{'class':'nodes'},svg);
links.forEach(function(l){var c=colours[l.status]||'#000',e;
  if(l.s===l.t){e=el('path',{d:'M'+l.s.x+','+(l.s.y-8)+' c 30,-40 -30,-40 0,0','class':'edge '+l.status,
    stroke:c,fill:'none','stroke-width':'2'},gl);}
  else{e=el('line',{x1:l.s.x,y1:l.s.y,x2:l.t.x,y2:l.t.y,'class':'edge '+l.status,stroke:c,'stroke-width':'2',
    'marker-end':'url(#arrow-'+l.status+')'},gl);}
  el('title',{},e).textContent=l.s.label+' → '+l.t.label+' ('+l.status+')';});
nodes.forEach(function(n){
  var g=el('g',{'class':'node '+(n.ghost?'ghost':'doc'),'data-id':n.id,transform:'translate('+n.x+','+n.y+')'},gn);
  el('circle',{r:n.ghost?7:10,fill:n.ghost?'#fff':(n.bad?'#ffccbc':'#bbdefb')},g);
  var t=el('text',{x:13,y:4},g);t.textContent=n.label.length>18?n.label.slice(0,17)+'…':n.label;el('title',{},g).textContent=n.title;
  g.style.cursor=n.anchor?'pointer':'default';
  g.addEventListener('click',function(){select(n.id);if(n.anchor)location.hash=n.anchor;});});
function select(id){
  Array.prototype.forEach.call(document.querySelectorAll('.node'),function(g){
    g.classList.toggle('sel',g.getAttribute('data-id')===id);});
  Array.prototype.forEach.call(document.querySelectorAll('tr.finding'),function(r){
    r.classList.toggle('hl',r.getAttribute('data-citing')===id);});}
Array.prototype.forEach.call(document.querySelectorAll('tr.finding'),function(r){
  r.addEventListener('click',function(){select(r.getAttribute('data-citing'));});});
svg.setAttribute('data-rendered',String(N));
})();
"""


def _e(value: Any) -> str:
    return html.escape("" if value is None else str(value))


def render_graph(report: dict[str, Any]) -> str:
    """Take the ``report.json`` object and give the graph page's HTML.

    Example: a corpus of a dozen 东川市 notices gives a page whose SVG holds a
    ``<g class="node doc" data-id="…">`` for each and a dashed ghost for
    《江澜省数字经济促进条例》（澜人常〔2021〕7号）, cited from outside.
    """
    anchors = {d["id"]: f"doc-{i}" for i, d in enumerate(report["documents"])}
    payload = script_json({k: report[k] for k in ("documents", "ghosts", "edges", "findings")})
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
<title>Citation graph: {s["documents"]} documents</title>
<style>{_CSS}</style></head>
<body>
<h1>Citation graph</h1>
<p>{s["documents"]} documents, {s["citations"]} citations ({s["resolved"]} resolved in the corpus),
{s["unresolved_documents"]} documents cited from outside (dashed).
{sev["error"]} errors, {sev["warning"]} warnings, {sev["info"]} notes.</p>
<p class="legend">{legend}</p>
<svg id="graph" xmlns="http://www.w3.org/2000/svg" role="img" aria-label="citation graph"></svg>
<h2>Findings</h2>
<table id="findings"><thead><tr><th>#</th><th>severity</th><th>kind</th><th>document</th><th>page</th>
<th>reference as written</th><th>compared with</th><th>similarity</th><th>message</th></tr></thead>
<tbody>{"".join(rows)}</tbody></table>
<h2>Documents</h2>
<table id="documents"><thead><tr><th>id</th><th>发文字号</th><th>title</th><th>成文日期</th><th>file</th></tr></thead>
<tbody>{"".join(docs)}</tbody></table>
<script type="application/json" id="xref-data">{payload}</script>
<script type="application/json" id="xref-colours">{script_json(STATUS_COLOURS)}</script>
<script>{_JS}</script>
</body></html>
"""
