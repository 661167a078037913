// Descriptive statistics of a metric over cases (cli.md summary): nulls are left out,
// std is the population standard deviation, the median averages the two middle values.
import type { Stats } from '../../report/model.js';

export function describe(values: ReadonlyArray<number | null | undefined>): Stats {
  // +∞ (a convention's distance to an empty surface) is a value: the mean is then +∞.
  const xs = values.filter((v): v is number => typeof v === 'number' && (Number.isFinite(v) || v === Infinity));
  const n = xs.length;
  if (n === 0) return { mean: null, std: null, median: null, min: null, max: null, n: 0 };
  const sorted = Float64Array.from(xs).sort();
  let sum = 0;
  for (const x of xs) sum += x;
  const mean = sum / n;
  let ss = 0;
  for (const x of xs) ss += (x - mean) * (x - mean);
  const mid = n >> 1;
  const median = n % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { mean, std: Number.isFinite(mean) ? Math.sqrt(ss / n) : null, median, min: sorted[0], max: sorted[n - 1], n };
}

/** Mean over the non-null values, null when there are none (case level: mean over labels). */
export function meanOf(values: ReadonlyArray<number | null | undefined>): number | null {
  let s = 0;
  let n = 0;
  for (const v of values) {
    if (typeof v === 'number' && Number.isFinite(v)) {
      s += v;
      n++;
    }
  }
  return n ? s / n : null;
}
