// `segloss eval --ci` (statistics.md): every summary entry gains a percentile-bootstrap
// interval of its mean, over exactly the values the mean is over. Those values are read
// back from the cases: the ok cases' numbers, plus one zero per missing case when the
// entry's n says the mean included them (--missing zero for dice/iou).
import type { Report, Stats } from '../report/model.js';
import { bootstrapMeanIntervals, type Interval } from './bootstrap.js';
import { caseValue } from './quantities.js';

export interface SummaryEntry {
  /** `metrics.<k>`, `losses.<k>` or `labels.<L>.<k>`. */
  key: string;
  stats: Stats;
  values: Float64Array;
}

function isStats(v: unknown): v is Stats {
  return v !== null && typeof v === 'object' && 'mean' in v && 'n' in v && typeof (v as Stats).n === 'number';
}

/** The summary entries and the values behind each mean; entries whose values cannot be matched to their n are left out. */
export function summaryEntries(report: Pick<Report, 'cases' | 'summary'>): SummaryEntry[] {
  const ok = report.cases.filter((c) => c.status === 'ok');
  const missing = report.cases.filter((c) => c.status === 'missing').length;
  const out: SummaryEntry[] = [];
  const add = (key: string, stats: unknown, segments: string[]) => {
    if (!isStats(stats)) return;
    const xs: number[] = [];
    for (const c of ok) {
      const v = caseValue(c, segments);
      if (v !== null) xs.push(v);
    }
    if (xs.length !== stats.n && xs.length + missing === stats.n) for (let i = 0; i < missing; i++) xs.push(0);
    if (xs.length !== stats.n) return;
    out.push({ key, stats, values: Float64Array.from(xs) });
  };
  const s = report.summary;
  for (const [k, st] of Object.entries(s.metrics ?? {})) add(`metrics.${k}`, st, ['metrics', k]);
  for (const [k, st] of Object.entries(s.losses ?? {})) add(`losses.${k}`, st, ['losses', k]);
  for (const [label, entries] of Object.entries(s.labels ?? {})) {
    for (const [k, st] of Object.entries(entries ?? {})) add(`labels.${label}.${k}`, st, ['labels', label, k]);
  }
  return out;
}

/**
 * The report (or a report's body) with `ci_low`/`ci_high` on every summary entry (null when
 * n = 0 or the values behind the mean are unknown); the input is not changed.
 */
export function withSummaryIntervals<R extends Pick<Report, 'cases' | 'summary'>>(report: R, seed: number, resamples?: number): R {
  const copy: R = { ...report, summary: structuredClone(report.summary) };
  const entries = summaryEntries(copy);
  const intervals = bootstrapMeanIntervals(
    entries.map((e) => e.values),
    { seed, resamples },
  );
  const found = new Map<Stats, Interval | null>();
  entries.forEach((e, i) => found.set(e.stats, intervals[i]));
  const visit = (st: unknown) => {
    if (!isStats(st)) return;
    const iv = found.get(st) ?? null;
    st.ci_low = iv?.low ?? null;
    st.ci_high = iv?.high ?? null;
  };
  const s = copy.summary;
  for (const st of Object.values(s.metrics ?? {})) visit(st);
  for (const st of Object.values(s.losses ?? {})) visit(st);
  for (const entries2 of Object.values(s.labels ?? {})) for (const st of Object.values(entries2 ?? {})) visit(st);
  return copy;
}
