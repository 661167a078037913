// Calibration sums of one class (metrics-extra.md): Σ (p − t)² for the Brier score and,
// per equal-width bin of p, the voxel count, Σ p and Σ t for the ECE and the reliability
// table, all in float64 over the class probability p of every evaluated voxel.
import { expNeg } from '../speed/fastMath.js';
import { inChunks } from '../speed/chunks.js';
import { IGNORED } from './truth.js';

export interface CalibrationSums {
  /** Evaluated voxels. */
  n: number;
  /** Σ (p − t)². */
  squaredError: number;
  /** Per bin: voxels, Σ p, Σ t. */
  count: Float64Array;
  sumP: Float64Array;
  sumT: Float64Array;
}

/**
 * The bin of p among B bins (k/B, (k+1)/B]: ⌈p·B⌉ − 1 from one float64 product, clamped
 * to [0, B − 1], so p = 0 falls in bin 0 and a p on an inner edge k/B in bin k − 1.
 */
export function binOf(p: number, bins: number): number {
  const b = Math.ceil(p * bins) - 1;
  return b < 0 ? 0 : b > bins - 1 ? bins - 1 : b;
}

export function emptyCalibration(bins: number): CalibrationSums {
  return { n: 0, squaredError: 0, count: new Float64Array(bins), sumP: new Float64Array(bins), sumT: new Float64Array(bins) };
}

/** p = sigmoid(z) without cancellation on either side. */
export function sigmoid(z: number): number {
  const e = expNeg(z < 0 ? -z : z);
  return z >= 0 ? 1 / (1 + e) : e / (1 + e);
}

/**
 * Calibration sums fed tie groups (voxels sharing one probability): `a` with t = 1 and `b`
 * with t = 0 at p. The totals live in a typed array so their updates stay unboxed doubles.
 */
export class CalibrationSink {
  private readonly c: CalibrationSums;
  private readonly totals = new Float64Array(2); // n, Σ (p − t)²

  constructor(bins: number) {
    this.c = emptyCalibration(bins);
  }

  add(p: number, a: number, b: number): void {
    const { count, sumP, sumT } = this.c;
    const bin = binOf(p, count.length);
    const k = a + b;
    count[bin] += k;
    sumP[bin] += k * p;
    sumT[bin] += a;
    this.totals[0] += k;
    this.totals[1] += a * (1 - p) * (1 - p) + b * p * p;
  }

  sums(): CalibrationSums {
    return { ...this.c, n: this.totals[0], squaredError: this.totals[1] };
  }
}

/**
 * One pass over the voxels, for when nothing sorts the class (see runMetrics.ts otherwise).
 * @param input 'probs': values are p; 'logits': values are a one-channel logit z and
 *   p = sigmoid(z) (for the background class the caller passes −z)
 */
export function calibrationSums(input: 'probs' | 'logits', values: ArrayLike<number>, t: Uint8Array, bins: number): CalibrationSums {
  const c = emptyCalibration(bins);
  const acc = new Float64Array(2); // n, Σ (p − t)²
  const logits = input === 'logits';
  inChunks(t.length, (from, to) => addVoxels(c, acc, logits, values, t, bins, from, to));
  c.n = acc[0];
  c.squaredError = acc[1];
  return c;
}

function addVoxels(
  c: CalibrationSums, acc: Float64Array, logits: boolean, values: ArrayLike<number>,
  t: Uint8Array, bins: number, from: number, to: number,
): void {
  const { count, sumP, sumT } = c;
  let n = 0;
  let se = 0;
  for (let i = from; i < to; i++) {
    const ti = t[i];
    if (ti === IGNORED) continue;
    const p = logits ? sigmoid(values[i]) : values[i];
    const d = p - ti;
    se += d * d;
    n++;
    const b = binOf(p, bins);
    count[b]++;
    sumP[b] += p;
    sumT[b] += ti;
  }
  acc[0] += n;
  acc[1] += se;
}

/**
 * The same for a probability quantised to v / max (8/16-bit PNG), from the histograms of
 * the stored value v among the t = 1 (h1) and t = 0 (h0) voxels (quantizedClass's
 * valueHistograms): p = v / max, or 1 − v / max for the complement (the background of a
 * binary map).
 */
export function quantizedCalibrationSums(h1: Float64Array, h0: Float64Array, max: number, bins: number, complement: boolean): CalibrationSums {
  const sink = new CalibrationSink(bins);
  for (let v = 0; v <= max; v++) if (h1[v] > 0 || h0[v] > 0) sink.add(complement ? 1 - v / max : v / max, h1[v], h0[v]);
  return sink.sums();
}

/** Brier score and ECE; null without evaluated voxels. */
export function calibrationMetrics(c: CalibrationSums): { brier: number | null; ece: number | null } {
  if (c.n === 0) return { brier: null, ece: null };
  let gap = 0;
  for (let b = 0; b < c.count.length; b++) gap += Math.abs(c.sumT[b] - c.sumP[b]);
  return { brier: c.squaredError / c.n, ece: gap / c.n };
}

/** One label's reliability table (metrics-extra.md): null means for empty bins. */
export interface ReliabilityTable {
  count: number[];
  mean_p: (number | null)[];
  mean_t: (number | null)[];
}

export function reliabilityTable(c: CalibrationSums): ReliabilityTable {
  const count = Array.from(c.count);
  return {
    count,
    mean_p: count.map((k, b) => (k > 0 ? c.sumP[b] / k : null)),
    mean_t: count.map((k, b) => (k > 0 ? c.sumT[b] / k : null)),
  };
}
