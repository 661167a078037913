// `eval --baseline … --max-drop PATH=DELTA --regression-test` (statistics.md): a check on the
// mean/median/min/max of a directed case-level quantity fails only when the plain rule fails
// (worsening > DELTA) and a one-sided paired Wilcoxon signed-rank test says this run is
// worse at alpha. Fewer than 6 pairs, or a path without a per-case quantity, keeps the plain
// rule. No adjustment across checks.
import type { Report } from '../report/model.js';
import { okPairs, pairedValues, quantityDirection } from './quantities.js';
import { signedRankTest } from './wilcoxon.js';

export const MIN_PAIRS = 6;
const PER_CASE_STATS = new Set(['mean', 'median', 'min', 'max']);

export interface RegressionTestResult {
  test: 'wilcoxon' | 'plain';
  /** Pairs (cases ok in both, numbers on both sides); null without a per-case quantity. */
  n: number | null;
  /** One-sided p ("current is worse"); null unless the test ran. */
  p: number | null;
  alpha: number;
  pass: boolean;
}

/** The case-level path behind a summary path (`labels.1.dice.mean` → labels.1.dice), or null. */
export function perCaseQuantity(path: string): string[] | null {
  const s = path.split('.');
  if (s.length < 2 || !PER_CASE_STATS.has(s[s.length - 1])) return null;
  const q = s.slice(0, -1);
  return quantityDirection(q) === null ? null : q;
}

/**
 * The check's outcome with or without the test. `worsening` is baseline − current for
 * higher-is-better quantities, current − baseline otherwise, null when either side is
 * null (which fails either way); `enabled` is --regression-test.
 */
export function regressionTest(
  path: string,
  worsening: number | null,
  delta: number,
  current: Pick<Report, 'cases'>,
  baseline: Pick<Report, 'cases'>,
  opts: { enabled: boolean; alpha: number },
): RegressionTestResult {
  const plainPass = worsening !== null && worsening <= delta;
  const plain: RegressionTestResult = { test: 'plain', n: null, p: null, alpha: opts.alpha, pass: plainPass };
  if (!opts.enabled) return plain;
  const q = perCaseQuantity(path);
  if (q === null) return plain;
  const { a: base, b: cur } = pairedValues(okPairs(baseline, current), q);
  const n = base.length;
  if (n < MIN_PAIRS) return { ...plain, n };
  const d = new Float64Array(n);
  for (let i = 0; i < n; i++) d[i] = cur[i] - base[i];
  const alternative = quantityDirection(q) === 'higher' ? 'less' : 'greater';
  const p = signedRankTest(d, alternative).p as number;
  const pass = worsening !== null && !(worsening > delta && p <= opts.alpha);
  return { test: 'wilcoxon', n, p, alpha: opts.alpha, pass };
}

/**
 * What the test added to a check, for stderr: why a failure is significant, or why a drop
 * beyond DELTA did not fail. null for plain checks and for tested checks within DELTA.
 */
export function regressionTestText(c: { path: string; test?: string; n?: number | null; p?: number | null; alpha?: number; pass: boolean; change: number | null; max_drop: number; lower_is_better: boolean }): string | null {
  if (c.test !== 'wilcoxon' || c.p === null || c.p === undefined || c.change === null) return null;
  const w = c.lower_is_better ? c.change : -c.change;
  if (w <= c.max_drop) return null;
  const p = c.p < 1e-3 ? c.p.toExponential(2) : c.p.toPrecision(3);
  return c.pass
    ? `note: ${c.path} got worse by more than ${c.max_drop}, but not significantly (one-sided paired Wilcoxon p = ${p} > alpha ${c.alpha}, ${c.n} pairs): check passes`
    : `  (significant: one-sided paired Wilcoxon p = ${p} ≤ alpha ${c.alpha}, ${c.n} pairs)`;
}
