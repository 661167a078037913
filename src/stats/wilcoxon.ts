// Wilcoxon signed-rank test of paired differences (statistics.md): zeros dropped, midranks
// for equal |d|, the exact null distribution for ≤ 50 differences without ties, otherwise
// the normal approximation with the tie-corrected variance and no continuity correction.
import { erfc } from './erfc.js';

export type Alternative = 'two-sided' | 'less' | 'greater';
export type SignedRankMethod = 'exact' | 'approx' | 'zero';

export interface SignedRankResult {
  /** Differences given (pairs). */
  n: number;
  /** Differences left after dropping exact zeros. */
  nNonzero: number;
  /** Rank sums of the positive and of the negative differences (midranks: may end in .5). */
  rPlus: number;
  rMinus: number;
  /** null when there are no pairs. */
  method: SignedRankMethod | null;
  /** null when there are no pairs; 1 when every difference is zero. */
  p: number | null;
  /** The normal statistic (approx only), for the record. */
  z: number | null;
}

/** Largest n_r for the exact distribution (its counts stay below 2^53). */
export const EXACT_MAX_N = 50;

const countCache = new Map<number, Float64Array>();

/**
 * c[k] = number of subsets of {1..n} whose sum is k, k = 0..n(n+1)/2: under the null every
 * sign pattern is equally likely, so P(R+ = k) = c[k] / 2^n. Counted by adding the ranks
 * one at a time (c_new[k] = c[k] + c[k − r]); every count is an integer below 2^50 for n ≤ 50,
 * so exact in float64.
 */
export function subsetSumCounts(n: number): Float64Array {
  const cached = countCache.get(n);
  if (cached) return cached;
  const max = (n * (n + 1)) / 2;
  const c = new Float64Array(max + 1);
  c[0] = 1;
  let top = 0;
  for (let r = 1; r <= n; r++) {
    top += r;
    for (let k = top; k >= r; k--) c[k] += c[k - r];
  }
  countCache.set(n, c);
  return c;
}

/** P(R ≤ r) and P(R ≥ r) under the exact null of n untied ranks. */
export function exactTails(n: number, r: number): { lower: number; upper: number } {
  const c = subsetSumCounts(n);
  const total = 2 ** n;
  let below = 0;
  let above = 0;
  for (let k = 0; k < c.length; k++) {
    if (k <= r) below += c[k];
    if (k >= r) above += c[k];
  }
  return { lower: below / total, upper: above / total };
}

/**
 * The test on differences d (B − A, or current − baseline). `alternative` as in scipy:
 * `less`: d tends to be negative (p = P(R ≤ R+)), `greater`: positive.
 */
export function signedRankTest(d: ArrayLike<number>, alternative: Alternative = 'two-sided'): SignedRankResult {
  const n = d.length;
  if (n === 0) return { n: 0, nNonzero: 0, rPlus: 0, rMinus: 0, method: null, p: null, z: null };
  const abs: number[] = [];
  const positive: boolean[] = [];
  for (let i = 0; i < n; i++) {
    const v = d[i];
    if (v === 0) continue;
    abs.push(Math.abs(v));
    positive.push(v > 0);
  }
  const nr = abs.length;
  if (nr === 0) return { n, nNonzero: 0, rPlus: 0, rMinus: 0, method: 'zero', p: 1, z: null };

  const order = Array.from({ length: nr }, (_, i) => i).sort((i, j) => abs[i] - abs[j]);
  let rPlus = 0;
  let rMinus = 0;
  let tieTerm = 0; // Σ (t³ − t) over groups of equal |d|
  for (let start = 0; start < nr; ) {
    let end = start + 1;
    while (end < nr && abs[order[end]] === abs[order[start]]) end++;
    const t = end - start;
    const midrank = (start + 1 + end) / 2; // ranks start+1 .. end
    for (let k = start; k < end; k++) {
      if (positive[order[k]]) rPlus += midrank;
      else rMinus += midrank;
    }
    if (t > 1) tieTerm += t * t * t - t;
    start = end;
  }

  if (nr <= EXACT_MAX_N && tieTerm === 0) {
    const { lower, upper } = exactTails(nr, rPlus);
    const p = alternative === 'less' ? lower : alternative === 'greater' ? upper : Math.min(1, 2 * Math.min(lower, upper));
    return { n, nNonzero: nr, rPlus, rMinus, method: 'exact', p, z: null };
  }
  const mean = (nr * (nr + 1)) / 4;
  const variance = (nr * (nr + 1) * (2 * nr + 1) - tieTerm / 2) / 24;
  const z = (rPlus - mean) / Math.sqrt(variance);
  const p = alternative === 'less' ? 0.5 * erfc(-z / Math.SQRT2) : alternative === 'greater' ? 0.5 * erfc(z / Math.SQRT2) : erfc(Math.abs(z) / Math.SQRT2);
  return { n, nNonzero: nr, rPlus, rMinus, method: 'approx', p, z };
}
