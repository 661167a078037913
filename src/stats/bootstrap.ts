// Percentile bootstrap of the mean (statistics.md): B resamples of the n values with
// replacement, each resample's mean, bounds at the 2.5th and 97.5th percentiles (linear
// interpolation, numpy's default). Each sample gets a fresh generator seeded with the same
// seed, so its interval does not depend on which other samples are computed with it; samples
// of equal size therefore share the drawn indices, and are resampled together: one draw,
// then one gathered sum per sample (the cost is B·n draws and B·n·Q additions).
import { createRng } from './rng.js';

export const DEFAULT_RESAMPLES = 10000;
export const DEFAULT_CONFIDENCE = 0.95;

export interface BootstrapOptions {
  seed: number;
  resamples?: number;
  confidence?: number;
}

export interface Interval {
  low: number;
  high: number;
}

/** The q-quantile (0 ≤ q ≤ 1) of ascending values, linear interpolation between order statistics. */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const h = (sorted.length - 1) * q;
  const i = Math.floor(h);
  const g = h - i;
  if (g === 0 || i + 1 >= sorted.length) return sorted[i];
  const a = sorted[i];
  const b = sorted[i + 1];
  return a + (b - a) * g;
}

/**
 * The resample means of Q samples of one size n: column-major `values` (Q columns of n), one
 * generator seeded `seed`. Returns Q·B means, sample q's at [q·B, (q+1)·B).
 */
export function resampleMeans(values: Float64Array, n: number, q: number, seed: number, resamples: number): Float64Array {
  const rng = createRng(seed);
  const idx = new Int32Array(n);
  const means = new Float64Array(q * resamples);
  for (let b = 0; b < resamples; b++) {
    rng.fillBelow(idx, n);
    for (let k = 0; k < q; k++) {
      // Column k is contiguous (column-major values): the sum stays in a register.
      // Four running sums, so that the additions do not wait on each other (float add
      // latency): this loop is the whole cost of `compare` (docs/statistics.md, Measurements).
      const off = k * n;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      let i = 0;
      for (; i + 3 < n; i += 4) {
        s0 += values[off + idx[i]];
        s1 += values[off + idx[i + 1]];
        s2 += values[off + idx[i + 2]];
        s3 += values[off + idx[i + 3]];
      }
      for (; i < n; i++) s0 += values[off + idx[i]];
      means[k * resamples + b] = (s0 + s1 + (s2 + s3)) / n;
    }
  }
  return means;
}

function allEqual(xs: ArrayLike<number>): boolean {
  for (let i = 1; i < xs.length; i++) if (xs[i] !== xs[0]) return false;
  return true;
}

/**
 * A percentile-bootstrap interval of the mean for every sample; null for an empty sample,
 * both bounds equal to the value when every value is the same.
 */
export function bootstrapMeanIntervals(samples: ReadonlyArray<ArrayLike<number>>, opts: BootstrapOptions): (Interval | null)[] {
  const resamples = opts.resamples ?? DEFAULT_RESAMPLES;
  const alpha = 1 - (opts.confidence ?? DEFAULT_CONFIDENCE);
  const out: (Interval | null)[] = samples.map(() => null);
  const bySize = new Map<number, number[]>();
  samples.forEach((s, i) => {
    if (s.length === 0) return;
    if (allEqual(s)) {
      out[i] = { low: s[0], high: s[0] };
      return;
    }
    const group = bySize.get(s.length);
    if (group) group.push(i);
    else bySize.set(s.length, [i]);
  });
  for (const [n, members] of bySize) {
    const q = members.length;
    const values = new Float64Array(n * q);
    members.forEach((m, k) => {
      const s = samples[m];
      for (let i = 0; i < n; i++) values[k * n + i] = s[i];
    });
    const means = resampleMeans(values, n, q, opts.seed, resamples);
    members.forEach((m, k) => {
      const sorted = means.subarray(k * resamples, (k + 1) * resamples).sort();
      out[m] = { low: quantileSorted(sorted, alpha / 2), high: quantileSorted(sorted, 1 - alpha / 2) };
    });
  }
  return out;
}
