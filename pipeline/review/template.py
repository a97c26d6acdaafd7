"""The review page's item kinds and their colours, styles, script and HTML skeletons (``str.format`` templates)."""

# (JSON list, item kind, colour): the order of the legend and of the tables
KINDS: tuple[tuple[str, str, str], ...] = (
    ("targets", "target", "#d62728"),
    ("tasks", "task", "#17becf"),
    ("quantities", "quantity", "#ff7f0e"),
    ("dates", "date", "#1f77b4"),
    ("references", "reference", "#2ca02c"),
    ("entities", "entity", "#9467bd"),
)

STYLE = """
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

SCRIPT = r"""
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

TEMPLATE = """<!DOCTYPE html>
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

INDEX_TEMPLATE = """<!DOCTYPE html>
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
