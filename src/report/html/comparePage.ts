// `segloss compare A.json B.json --out compare.html`: built from the two reports and the
// compare JSON (`compare --format json`, with `statistics` when that run computed them).
import type { Report } from '../model.js';
import { pairedScatter, type PairedPoint } from './charts.js';
import { directionOf, isNumber, valueAt } from './data.js';
import { esc, num, pageShell, sortableTable } from './page.js';

interface CaseChange {
  id: string;
  old: number | null;
  new: number | null;
  change: number | null;
}
interface Quantity {
  key: string;
  lowerIsBetter: boolean;
  compared: number;
  worse: CaseChange[];
  better: CaseChange[];
  unchanged: number;
  meanChange: number | null;
}
/** statistics.md `statistics.keys.<quantity>`. */
interface KeyStatistics {
  direction?: string;
  n?: number;
  mean_a?: number | null;
  mean_b?: number | null;
  mean_diff?: number | null;
  ci_low?: number | null;
  ci_high?: number | null;
  p?: number | null;
  p_holm?: number | null;
  verdict?: string;
}
export interface CompareJson {
  old: string;
  new: string;
  added?: string[];
  removed?: string[];
  statusChanged?: { id: string; old: string; new: string }[];
  quantities?: Quantity[];
  statistics?: { seed?: number; alpha?: number; confidence?: number; adjust?: string; paired_cases?: number; keys?: Record<string, KeyStatistics> };
}

export interface ComparePageOptions {
  now: Date;
  /** Cases listed per direction and quantity. */
  limit: number;
}

/** Case-level values of `key` ("metrics.dice", "labels.1.dice") for the cases ok in both reports. */
export function pairedValues(a: Report, b: Report, key: string): PairedPoint[] {
  const path = key.split('.');
  const inB = new Map(b.cases.filter((c) => c.status === 'ok').map((c) => [c.id, c]));
  const out: PairedPoint[] = [];
  for (const ca of a.cases) {
    const cb = inB.get(ca.id);
    if (ca.status !== 'ok' || !cb) continue;
    const va = valueAt(ca, path);
    const vb = valueAt(cb, path);
    if (isNumber(va) && isNumber(vb)) out.push({ id: ca.id, a: va, b: vb });
  }
  return out;
}

function keyDirection(key: string): 'higher' | 'lower' | null {
  const parts = key.split('.');
  return directionOf(parts[parts.length - 1], parts.includes('losses'));
}

function statisticsTable(s: NonNullable<CompareJson['statistics']>): string {
  const keys = Object.entries(s.keys ?? {});
  if (keys.length === 0) return '';
  const conf = Math.round((s.confidence ?? 0.95) * 100);
  const rows = keys.map(([k, st]) => ({
    id: k,
    cls: st.verdict === 'worse' ? 'error' : undefined,
    cells: [
      { html: `<code>${esc(k)}</code>`, v: k },
      { html: esc(st.direction ?? ''), v: st.direction ?? '' },
      { html: num(st.n), v: st.n ?? null },
      { html: num(st.mean_a), v: st.mean_a ?? null },
      { html: num(st.mean_b), v: st.mean_b ?? null },
      { html: `${num(st.mean_diff)} [${num(st.ci_low)}, ${num(st.ci_high)}]`, v: st.mean_diff ?? null },
      { html: num(st.p), v: st.p ?? null },
      { html: num(st.p_holm), v: st.p_holm ?? null },
      { html: `<span class="${st.verdict === 'better' ? 'pass' : st.verdict === 'worse' ? 'fail' : 'muted'}">${esc(st.verdict ?? '–')}</span>`, v: st.verdict ?? '' },
    ],
  }));
  const headings = ['quantity', 'direction', 'pairs', 'mean A', 'mean B', `mean B − A [${conf}% CI]`, 'p', `p (${s.adjust ?? 'holm'})`, 'verdict'].map((text, i) => ({ text, numeric: i >= 2 && i <= 7 }));
  return `<section id="statistics"><h2>Statistics</h2><p class="muted">Paired over ${num(s.paired_cases)} cases ok in both; Wilcoxon signed-rank, bootstrap CI of the mean difference (seed ${num(s.seed)}), α = ${num(s.alpha)}.</p>${sortableTable('statistics-table', headings, rows)}</section>`;
}

function changedList(q: Quantity, limit: number): string {
  const li = (c: CaseChange) => `<li><b>${esc(c.id)}</b> ${num(c.old)} → ${num(c.new)} (${c.change !== null && c.change > 0 ? '+' : ''}${num(c.change)})</li>`;
  const worse = q.worse.slice(0, limit);
  const better = q.better.slice(0, limit);
  return `<div class="changed"><p><span class="fail">worse ${q.worse.length}</span> · <span class="pass">better ${q.better.length}</span> · unchanged ${q.unchanged} · mean change ${num(q.meanChange)}</p>${worse.length ? `<p class="fail">most worse:</p><ol>${worse.map(li).join('')}</ol>` : ''}${better.length ? `<p class="pass">most improved:</p><ol>${better.map(li).join('')}</ol>` : ''}</div>`;
}

export async function renderComparePage(a: Report, b: Report, cmp: CompareJson, o: ComparePageOptions): Promise<string> {
  const quantities = cmp.quantities ?? [];
  const statKeys = Object.keys(cmp.statistics?.keys ?? {});
  const keys = [...new Set([...quantities.map((q) => q.key), ...statKeys])];
  const parts: string[] = [];
  parts.push(`<header><h1>segloss compare</h1><dl class="facts">
<dt>A (old)</dt><dd><code>${esc(cmp.old)}</code> <span class="muted">segloss ${esc(a.tool?.version ?? '?')}, ${a.summary.ok} ok of ${a.summary.cases}</span></dd>
<dt>B (new)</dt><dd><code>${esc(cmp.new)}</code> <span class="muted">segloss ${esc(b.tool?.version ?? '?')}, ${b.summary.ok} ok of ${b.summary.cases}</span></dd>
<dt>cases</dt><dd>${(cmp.added ?? []).length} only in B${(cmp.added ?? []).length ? `: ${cmp.added!.slice(0, 20).map(esc).join(', ')}` : ''}; ${(cmp.removed ?? []).length} only in A${(cmp.removed ?? []).length ? `: ${cmp.removed!.slice(0, 20).map(esc).join(', ')}` : ''}; ${(cmp.statusChanged ?? []).length} changed status${(cmp.statusChanged ?? []).map((s) => ` ${esc(s.id)} ${esc(s.old)}→${esc(s.new)}`).join(',')}</dd>
<dt>made</dt><dd>${esc(o.now.toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC'))}</dd>
</dl></header>`);
  if (cmp.statistics) parts.push(statisticsTable(cmp.statistics));
  parts.push('<section id="paired"><h2>Per case, A against B</h2><p class="muted">Each point is a case ok in both reports; on the dashed diagonal nothing changed. Green: better in B, orange: worse.</p><div class="grid">');
  for (const key of keys) {
    const pts = pairedValues(a, b, key);
    const q = quantities.find((x) => x.key === key);
    const stated = cmp.statistics?.keys?.[key]?.direction;
    const direction = stated === 'higher' || stated === 'lower' ? stated : q ? (q.lowerIsBetter ? 'lower' : 'higher') : keyDirection(key);
    parts.push(`<div class="chart paired" data-quantity="${esc(key)}"><h4><code>${esc(key)}</code> <span class="muted">${pts.length} pairs${direction ? `, ${direction} is better` : ''}</span></h4>${await pairedScatter(pts, key, direction)}${q ? changedList(q, o.limit) : ''}</div>`);
  }
  parts.push('</div></section>');
  return pageShell(`segloss compare – ${cmp.old} vs ${cmp.new}`, parts.join('\n'));
}
