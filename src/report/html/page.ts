// The page's frame: escaping, the inline style sheet and the few lines of inline script
// (sort by a column, filter by id). Nothing here loads anything: the Content-Security-Policy
// forbids every request, so a page that tried would show it as a console error.

export const esc = (s: unknown): string =>
  String(s).replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);

/** A number as a table shows it: 4 significant digits, exponent for the very large or small. */
export function num(v: unknown): string {
  if (typeof v !== 'number' || !Number.isFinite(v)) return '–';
  if (Number.isInteger(v) && Math.abs(v) < 1e9) return String(v);
  if (v !== 0 && (Math.abs(v) >= 1e5 || Math.abs(v) < 1e-3)) return v.toExponential(2);
  return String(Number(v.toPrecision(4)));
}

const CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src 'unsafe-inline'";

const STYLE = `
:root { color-scheme: light; --muted:#666; --line:#ddd; --ok:#1a7f37; --bad:#c62828; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0 auto; max-width: 1240px; padding: 16px 24px 48px; color:#222; background:#fff; }
h1 { font-size: 22px; margin: 8px 0 4px; } h2 { font-size: 18px; margin: 28px 0 8px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
h3 { font-size: 15px; margin: 16px 0 6px; }
.muted { color: var(--muted); } .pass { color: var(--ok); font-weight: 600; } .fail { color: var(--bad); font-weight: 600; }
.badge { display:inline-block; padding: 1px 8px; border-radius: 10px; font-weight:600; color:#fff; }
.badge.pass { background: var(--ok); color:#fff; } .badge.fail { background: var(--bad); color:#fff; }
dl.facts { display:grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 8px 0; }
dl.facts dt { color: var(--muted); } dl.facts dd { margin: 0; }
code { font: 12.5px ui-monospace, SFMono-Regular, Menlo, monospace; background:#f4f4f4; padding: 0 3px; border-radius: 3px; }
.grid { display:flex; flex-wrap: wrap; gap: 8px 20px; }
.chart { width: 420px; } .chart h4 { margin: 6px 0 0; font-size: 13px; font-weight: 600; }
.chart p.nulls { margin: 0 0 4px; font-size: 12px; color: var(--bad); }
.chart svg { overflow: visible; }
table { border-collapse: collapse; font-size: 13px; }
th, td { padding: 3px 8px; border-bottom: 1px solid var(--line); text-align: right; white-space: nowrap; }
th:first-child, td:first-child { text-align: left; }
table.sortable th { cursor: pointer; user-select: none; background:#f7f7f7; position: sticky; top: 0; }
table.sortable th[data-dir="asc"]::after { content: " ▲"; } table.sortable th[data-dir="desc"]::after { content: " ▼"; }
tr.missing td, tr.error td { color: var(--bad); }
.tablewrap { max-height: 640px; overflow: auto; border: 1px solid var(--line); }
input#case-filter { font: inherit; padding: 4px 8px; margin: 4px 0 8px; width: 280px; }
.worst { display:flex; flex-wrap: wrap; gap: 16px; }
figure.case { margin: 0; width: 260px; } figure.case img { display:block; max-width: 256px; max-height: 256px; image-rendering: pixelated; border: 1px solid var(--line); }
figure.case figcaption { font-size: 12.5px; }
.legend span { display:inline-block; margin-right: 14px; } .legend i { display:inline-block; width: 12px; height: 12px; margin-right: 4px; vertical-align: -1px; border: 1px solid #0003; }
.note { background: #fff8e1; border-left: 4px solid #f0b400; padding: 6px 10px; margin: 8px 0; }
@media print {
  body { max-width: none; padding: 0; } input#case-filter { display: none; }
  .tablewrap { max-height: none; overflow: visible; border: 0; }
  .chart, figure.case, h2, h3 { break-inside: avoid; } h2 { break-after: avoid; }
  table.sortable th { position: static; }
}`;

// Sorting: by the cell's data-v (numbers numerically, nulls last in both directions),
// then by id; filtering: rows whose id contains the typed text.
const SCRIPT = `
(function () {
  for (const table of document.querySelectorAll('table.sortable')) {
    const heads = Array.from(table.tHead.rows[0].cells);
    heads.forEach(function (th, col) {
      th.addEventListener('click', function () {
        const dir = th.dataset.dir === 'asc' ? 'desc' : 'asc';
        heads.forEach(function (h) { delete h.dataset.dir; });
        th.dataset.dir = dir;
        const numeric = th.dataset.type === 'num';
        const body = table.tBodies[0];
        const rows = Array.from(body.rows);
        const key = function (r) { const c = r.cells[col]; return c && c.dataset.v !== undefined ? c.dataset.v : ''; };
        rows.sort(function (a, b) {
          const x = key(a), y = key(b);
          let d;
          if (numeric) {
            if (x === '' || y === '') d = (x === '') - (y === '');
            else d = (dir === 'asc' ? 1 : -1) * (Number(x) - Number(y));
          } else {
            d = (dir === 'asc' ? 1 : -1) * (x < y ? -1 : x > y ? 1 : 0);
          }
          return d || (a.dataset.id < b.dataset.id ? -1 : a.dataset.id > b.dataset.id ? 1 : 0);
        });
        for (const r of rows) body.appendChild(r);
      });
    });
  }
  const filter = document.getElementById('case-filter');
  if (filter) filter.addEventListener('input', function () {
    const q = filter.value.toLowerCase();
    for (const r of document.querySelectorAll('#cases tbody tr')) r.hidden = q !== '' && !r.dataset.id.toLowerCase().includes(q);
  });
})();`;

export function pageShell(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<link rel="icon" href="data:,">
<style>${STYLE}</style>
</head>
<body>
${body}
<script>${SCRIPT}</script>
</body>
</html>
`;
}

/** A sortable table: headings (text or numeric), rows of cells with their sort key. */
export interface SortableCell {
  html: string;
  /** Sort key; null sorts last. */
  v: string | number | null;
}

export function sortableTable(id: string, headings: { text: string; numeric: boolean }[], rows: { id: string; cls?: string; cells: SortableCell[] }[]): string {
  const head = headings.map((h) => `<th data-type="${h.numeric ? 'num' : 'text'}">${esc(h.text)}</th>`).join('');
  const body = rows
    .map((r) => `<tr data-id="${esc(r.id)}"${r.cls ? ` class="${r.cls}"` : ''}>${r.cells.map((c) => `<td data-v="${c.v === null ? '' : esc(c.v)}">${c.html}</td>`).join('')}</tr>`)
    .join('\n');
  return `<div class="tablewrap"><table class="sortable" id="${esc(id)}"><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table></div>`;
}
