// Terminal rendering of `compare` statistics: the verdict counts first, then one row per
// quantity, worse before better before not significant, each with B − A [95 % CI], p and
// Holm's p, so a long list of labels still reads from the top.
import Table from 'cli-table3';

import type { CompareStatistics, QuantityStatistics, Verdict } from '../stats/compare.js';
import { paint } from './ansi.js';
import { fmt4 } from './util.js';

export interface StatisticsTableOptions {
  color?: boolean;
  /** The keys to show (after --label/--metric), in the order given; default: all. */
  keys?: readonly string[];
  /** Names of the two reports, for the header. */
  names?: { a: string; b: string };
}

const VERDICT_ORDER: Verdict[] = ['worse', 'better', 'not_significant'];

/** A signed difference, 3 significant digits. */
function signed(v: number | null): string {
  if (v === null) return '—';
  if (v === 0) return '0';
  const s = Math.abs(v) < 1e-3 || Math.abs(v) >= 1e5 ? v.toExponential(2) : v.toPrecision(3);
  return v > 0 ? `+${s}` : s;
}

/** A p-value: 3 significant digits, scientific below 0.001. */
export function fmtP(p: number | null): string {
  if (p === null) return '—';
  if (p === 0) return '0';
  return p < 1e-3 ? p.toExponential(1) : p.toPrecision(2);
}

export function writeStatisticsTable(st: CompareStatistics, opts: StatisticsTableOptions = {}): string {
  const p = paint(opts.color === true);
  const keys = opts.keys ?? Object.keys(st.keys);
  const rows: [string, QuantityStatistics][] = keys.map((k) => [k, st.keys[k]]);
  const count = (v: Verdict) => rows.filter(([, r]) => r.verdict === v).length;
  const tested = Object.values(st.keys).filter((r) => r.p !== null).length;
  const names = opts.names ?? { a: 'A', b: 'B' };
  const out: string[] = [];
  out.push(
    `${p.bold('Is B better than A?')} B = ${names.b}, A = ${names.a}; ${st.paired_cases} cases ok in both.`,
    `${p.red(`${count('worse')} worse`)}, ${p.green(`${count('better')} better`)}, ${count('not_significant')} not significant` +
      `${rows.length < Object.keys(st.keys).length ? ` (of ${rows.length} shown; ${Object.keys(st.keys).length} compared)` : ''}` +
      ` at alpha ${st.alpha} (two-sided Wilcoxon signed-rank, Holm over ${tested} quantities).`,
  );
  const t = new Table({
    head: ['verdict', 'quantity', 'n', 'A mean', 'B mean', `B − A [${Math.round(st.confidence * 100)} % CI]`, 'p', 'p Holm'].map((h) => p.dim(h)),
    colAligns: ['left', 'left', 'right', 'right', 'right', 'left', 'right', 'right'],
    style: { head: [], border: [], compact: true },
  });
  for (const v of VERDICT_ORDER) {
    for (const [key, r] of rows) {
      if (r.verdict !== v) continue;
      const mark = v === 'worse' ? p.red('worse') : v === 'better' ? p.green('better') : p.dim('n.s.');
      const arrow = r.direction === 'higher' ? '↑' : '↓';
      const ci = r.ci_low === null || r.ci_high === null ? '' : ` [${signed(r.ci_low)}, ${signed(r.ci_high)}]`;
      t.push([mark, `${key} ${p.dim(arrow)}`, String(r.n), fmt4(r.mean_a ?? undefined), fmt4(r.mean_b ?? undefined), `${signed(r.mean_diff)}${ci}`, fmtP(r.p), fmtP(r.p_holm)]);
    }
  }
  if (rows.length > 0) out.push(t.toString());
  out.push(
    p.dim(
      `↑ higher is better, ↓ lower is better. CI: paired percentile bootstrap of the mean difference (${st.resamples} resamples, seed ${st.seed}). ` +
        'A verdict needs Holm-adjusted p ≤ alpha; "n.s." means the data do not show a difference, not that there is none.',
    ),
  );
  return `${out.join('\n')}\n`;
}
