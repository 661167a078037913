// Calibration sums of one class (metrics-extra.md): Σ (p − t)² for the Brier score and,
// per equal-width bin of p, the voxel count, Σ p and Σ t for the ECE and the reliability
// table, all in float64 over the class probability p of every evaluated voxel. Three
// producers: one pass over the voxels (nothing sorted), the Lovász walk over the sorted
// groups (BinRanges, CalibrationWalk: the walk has each voxel's p already), and the
// histograms of a quantised map (quantizedCalibrationSums).
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

/** The sums of two disjoint sets of voxels (two walk segments) together. */
export function addCalibration(a: CalibrationSums, b: CalibrationSums): CalibrationSums {
  const add = (x: Float64Array, y: Float64Array) => x.map((v, k) => v + y[k]);
  return { n: a.n + b.n, squaredError: a.squaredError + b.squaredError, count: add(a.count, b.count), sumP: add(a.sumP, b.sumP), sumT: add(a.sumT, b.sumT) };
}

/**
 * Half-widths W of the bands around each inner bin edge, in the walk's value space: inside
 * a band a voxel's bin is computed as calibrationSums computes it (binOf(sigmoid(z)),
 * binOf(p)); outside, it follows from the value alone. Why that is exact — logits: the
 * edge is z_k = ln(k/(B − k)); outside [z_k − W, z_k + W] the true sigmoid is at least
 * W·σ'(z_k)·(1 − W) ≥ W(B − 1)/B² from k/B (σ' = k(B − k)/B² at z_k), so p·B is at least
 * W(B − 1)/B − O(W²) ≥ 4.9e-7 from k for any B ≥ 2, while the computed sigmoid (a few ulp
 * of p ≤ 1), z_k itself (an ulp of |z_k| ≤ ln 9999) and the product's rounding (an ulp of
 * k ≤ 1e4, --ece-bins' limit) move it by less than 1e-11: ⌈p·B⌉ − 1 is the same for the
 * computed p as for the true one. Probabilities: p is the value; outside
 * [k/B − W, k/B + W], |p·B − k| ≥ W·B ≥ 1e-9 against the same rounding bounds. Both
 * margins also absorb an ulp of the walk's rounded key 1 − p (lovaszWalk.ts).
 */
const LOGIT_BAND = 1e-6;
const PROB_BAND = 1e-9;

/**
 * Where each bin's values certainly lie, in the walk's value space (z for one-channel
 * logits, p for probabilities): [low[b], high[b]], between the bands around the edges.
 */
export class BinRanges {
  readonly low: Float64Array;
  readonly high: Float64Array;

  constructor(readonly bins: number, readonly logits: boolean) {
    const band = logits ? LOGIT_BAND : PROB_BAND;
    const edge = (k: number) => (logits ? Math.log(k / (bins - k)) : k / bins);
    this.low = Float64Array.from({ length: bins }, (_, b) => (b === 0 ? -Infinity : edge(b) + band));
    this.high = Float64Array.from({ length: bins }, (_, b) => (b === bins - 1 ? Infinity : edge(b + 1) - band));
  }

  /** The bin v is certainly in; −1 in a band (or NaN). */
  binAt(v: number): number {
    // The last bin whose range starts at or below v (low rises with b), by bisection.
    let lo = 0;
    let hi = this.bins - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.low[mid] <= v) lo = mid;
      else hi = mid - 1;
    }
    return v >= this.low[lo] && v <= this.high[lo] ? lo : -1;
  }

  /** The bin of v as calibrationSums computes it. */
  exactBin(v: number): number {
    return binOf(this.logits ? sigmoid(v) : v, this.bins);
  }

  /** Every finite end of a range: where bins and bands meet. */
  ends(): number[] {
    return [...this.low, ...this.high].filter((v) => Number.isFinite(v));
  }
}

/** Adds `k` voxels of truth `positive` with Σp = sumP to bin b. */
export function addToBin(c: CalibrationSums, b: number, k: number, sumP: number, positive: boolean): void {
  if (k === 0) return;
  c.count[b] += k;
  c.sumP[b] += sumP;
  if (positive) c.sumT[b] += k;
}

/**
 * The calibration sums fed voxel by voxel by a walk that takes each truth group in value
 * order (the Lovász walk's pieces around the bands, walk/lovaszWalk.ts; it is right
 * anywhere, but the pieces inside certain bins need less per voxel): that walk computes
 * each voxel's p and its error |t − p| already, so this adds no sigmoid per voxel. A voxel's bin comes from its
 * value, not from p: each group remembers the range of values certainly in its current
 * bin (between the edges' bands, see LOGIT_BAND), and only a value outside it computes
 * its bin exactly — at most B times per group along the walk, plus each distinct value
 * inside a band. Within a bin the counts and Σp of a group's stretch of voxels are summed
 * in place and added to the bin when the stretch ends. Every sum is float64, in walk order.
 */
export class CalibrationWalk {
  /**
   * Per group (offset 0: t = 1, 6: t = 0): the current range's low and high value, its bin,
   * the stretch's voxels and Σp; then Σ(p − t)² and n. A typed array keeps them unboxed.
   */
  private readonly s = new Float64Array(14);
  private readonly c: CalibrationSums;

  constructor(private readonly ranges: BinRanges) {
    this.c = emptyCalibration(ranges.bins);
    // Empty ranges: each group's first voxel finds its bin.
    this.s[0] = this.s[6] = Infinity;
    this.s[1] = this.s[7] = -Infinity;
  }

  /**
   * `count` voxels of truth `positive` with value v (z or p), probability p and error
   * e = |t − p|, as the walk computed them.
   */
  take(v: number, p: number, e: number, positive: boolean, count: number): void {
    const s = this.s;
    const o = positive ? 0 : 6;
    if (!(v >= s[o] && v <= s[o + 1])) this.enter(v, o);
    s[o + 3] += count;
    s[o + 4] += count * p;
    s[12] += count * (e * e);
  }

  /** Ends the group's stretch and starts one in the bin of v, computed as calibrationSums does. */
  private enter(v: number, o: number): void {
    const s = this.s;
    this.close(o);
    const { low, high } = this.ranges;
    const b = this.ranges.exactBin(v);
    s[o + 2] = b;
    const inRange = v >= low[b] && v <= high[b];
    // In a band (or NaN): only the same value again is certainly in this bin.
    s[o] = inRange ? low[b] : v;
    s[o + 1] = inRange ? high[b] : v;
  }

  private close(o: number): void {
    const s = this.s;
    const k = s[o + 3];
    if (k === 0) return;
    addToBin(this.c, s[o + 2], k, s[o + 4], o === 0);
    s[13] += k;
    s[o + 3] = 0;
    s[o + 4] = 0;
  }

  sums(): CalibrationSums {
    this.close(0);
    this.close(6);
    return { ...this.c, n: this.s[13], squaredError: this.s[12] };
  }
}

/**
 * One pass over the voxels, for when nothing sorts the class (else the Lovász walk takes
 * the sums: walk/lovaszWalk.ts, CalibrationWalk).
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
