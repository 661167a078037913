// `segloss compare A B` statistics (statistics.md): for every directed quantity of both
// reports, over the cases ok in both, the mean difference B − A with a paired percentile
// bootstrap interval, the two-sided Wilcoxon signed-rank p, Holm's adjustment over the
// quantities, and a verdict at alpha.
import type { Report } from '../report/model.js';
import { bootstrapMeanIntervals, DEFAULT_CONFIDENCE, DEFAULT_RESAMPLES } from './bootstrap.js';
import { holmAdjust } from './holm.js';
import { directedQuantities, okPairs, pairedValues, pathSegments, quantityDirection, type Direction } from './quantities.js';
import { signedRankTest, type SignedRankMethod } from './wilcoxon.js';

export type Verdict = 'better' | 'worse' | 'not_significant';

export interface QuantityStatistics {
  direction: Direction;
  /** Pairs: cases ok in both with a number on both sides. */
  n: number;
  mean_a: number | null;
  mean_b: number | null;
  /** Mean of d = B − A. */
  mean_diff: number | null;
  ci_low: number | null;
  ci_high: number | null;
  /** Pairs with d ≠ 0 (the ones the test ranks). */
  n_nonzero: number | null;
  r_plus: number | null;
  r_minus: number | null;
  method: SignedRankMethod | null;
  /** Two-sided Wilcoxon signed-rank p. */
  p: number | null;
  p_holm: number | null;
  verdict: Verdict;
}

export interface CompareStatistics {
  seed: number;
  alpha: number;
  resamples: number;
  confidence: number;
  adjust: 'holm';
  paired_cases: number;
  keys: Record<string, QuantityStatistics>;
}

export interface CompareStatisticsOptions {
  seed?: number;
  alpha?: number;
  resamples?: number;
}

function mean(xs: Float64Array): number {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i];
  return s / xs.length;
}

export function compareStatistics(a: Report, b: Report, opts: CompareStatisticsOptions = {}): CompareStatistics {
  const seed = opts.seed ?? 0;
  const alpha = opts.alpha ?? 0.05;
  const resamples = opts.resamples ?? DEFAULT_RESAMPLES;
  const inB = directedQuantities(b);
  const keys = [...directedQuantities(a)].filter((k) => inB.has(k)).sort();
  const pairs = okPairs(a, b);

  const diffs: Float64Array[] = [];
  const rows: QuantityStatistics[] = [];
  for (const key of keys) {
    const segments = pathSegments(key);
    const { a: va, b: vb } = pairedValues(pairs, segments);
    const n = va.length;
    const d = new Float64Array(n);
    for (let i = 0; i < n; i++) d[i] = vb[i] - va[i];
    diffs.push(d);
    const t = signedRankTest(d);
    rows.push({
      direction: quantityDirection(segments) as Direction,
      n,
      mean_a: n ? mean(va) : null,
      mean_b: n ? mean(vb) : null,
      mean_diff: n ? mean(d) : null,
      ci_low: null,
      ci_high: null,
      n_nonzero: n ? t.nNonzero : null,
      r_plus: n ? t.rPlus : null,
      r_minus: n ? t.rMinus : null,
      method: t.method,
      p: t.p,
      p_holm: null,
      verdict: 'not_significant',
    });
  }
  const intervals = bootstrapMeanIntervals(diffs, { seed, resamples });
  const adjusted = holmAdjust(rows.map((r) => r.p));
  const out: Record<string, QuantityStatistics> = {};
  rows.forEach((r, i) => {
    r.ci_low = intervals[i]?.low ?? null;
    r.ci_high = intervals[i]?.high ?? null;
    r.p_holm = adjusted[i];
    r.verdict = verdictOf(r, alpha);
    out[keys[i]] = r;
  });
  return { seed, alpha, resamples, confidence: DEFAULT_CONFIDENCE, adjust: 'holm', paired_cases: pairs.length, keys: out };
}

/** better/worse when Holm's p is at most alpha and the rank sums differ, in the quantity's direction. */
export function verdictOf(r: Pick<QuantityStatistics, 'p_holm' | 'r_plus' | 'r_minus' | 'direction'>, alpha: number): Verdict {
  if (r.p_holm === null || r.p_holm > alpha || r.r_plus === null || r.r_minus === null || r.r_plus === r.r_minus) return 'not_significant';
  const up = r.r_plus > r.r_minus;
  return up === (r.direction === 'higher') ? 'better' : 'worse';
}

/**
 * The keys a user asked to see: `labels` (label or region names) keeps only per-label keys
 * of those labels; `metrics` keeps keys whose metric is named (`dice`), or whose loss is
 * named as `losses.<name>`. The statistics themselves (Holm's family) are not changed.
 */
export function filterKeys(keys: readonly string[], labels: readonly string[], metrics: readonly string[]): string[] {
  return keys.filter((k) => {
    const s = k.split('.');
    const label = s[0] === 'labels' ? s[1] : null;
    if (labels.length > 0 && (label === null || !labels.includes(label))) return false;
    if (metrics.length === 0) return true;
    const rest = label === null ? s : s.slice(2);
    const name = rest[0] === 'losses' ? `losses.${rest[1]}` : rest[rest.length - 1];
    return metrics.includes(name);
  });
}
