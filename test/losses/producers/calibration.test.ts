// Calibration sums (metrics-extra.md): the bin rule at its edges, and Brier/ECE/reliability
// on small cases computed by hand.
import { describe, expect, it } from 'vitest';
import {
  binOf, calibrationMetrics, calibrationSums, quantizedCalibrationSums, reliabilityTable,
} from '../../../src/losses/producers/calibration.js';
import { IGNORED } from '../../../src/losses/producers/truth.js';
import { valueHistograms } from '../../../src/losses/producers/quantizedClass.js';
import { lovaszTerms } from '../../../src/losses/walk/lovaszWalk.js';
import { rng } from '../../helpers/rng.js';

describe('binOf: bins (k/B, (k+1)/B], p = 0 in bin 0', () => {
  it('puts p = 0 in the first bin and p = 1 in the last', () => {
    for (const B of [1, 8, 10, 15, 20]) {
      expect(binOf(0, B)).toBe(0);
      expect(binOf(-0, B)).toBe(0);
      expect(binOf(1, B)).toBe(B - 1);
    }
  });

  it('puts a p on an inner edge k/B in the lower bin k − 1', () => {
    // k/16 with B = 8: k even is the edge (k/2)/8, in bin k/2 − 1; k odd is inside bin (k−1)/2.
    for (let k = 1; k < 16; k++) expect(binOf(k / 16, 8)).toBe(k % 2 === 0 ? k / 2 - 1 : (k - 1) / 2);
  });

  it('puts 8-bit PNG values v = 17k (p = k/15 as v/255) in bin k − 1 with B = 15, and 17k ± 8 around it', () => {
    for (let k = 1; k <= 15; k++) {
      expect(binOf((17 * k) / 255, 15)).toBe(k - 1);
      expect(binOf((17 * k - 8) / 255, 15)).toBe(k - 1);
      if (k < 15) expect(binOf((17 * k + 8) / 255, 15)).toBe(k);
    }
  });

  it('follows the one float64 product p·B: 0.1·10 rounds to 1 exactly, so 0.1 is in bin 0', () => {
    expect(0.1 * 10).toBe(1);
    expect(binOf(0.1, 10)).toBe(0);
    // 1 − 0.7 = 0.30000000000000004 in float64, and ·10 = 3.0000000000000004: above the edge 3/10, bin 3.
    expect((1 - 0.7) * 10).toBeGreaterThan(3);
    expect(binOf(1 - 0.7, 10)).toBe(3);
    expect(binOf(0.3, 10)).toBe(2);
  });
});

describe('calibrationSums', () => {
  it('gives the Brier score, the ECE and the reliability table of a hand-worked case', () => {
    // B = 4. p: 0 (t 0), 0.25 (t 1), 0.5 (t 0), 0.6 (t 1), 1 (t 1), one ignored voxel.
    // bins: 0 ← {0, 0.25}, 1 ← {0.5}, 2 ← {0.6}, 3 ← {1}.
    // Brier = (0 + 0.5625 + 0.25 + 0.16 + 0)/5 = 0.1945.
    // ECE = (|1 − 0.25| + |0 − 0.5| + |1 − 0.6| + |1 − 1|)/5 = 1.65/5 = 0.33.
    const p = Float64Array.of(0, 0.25, 0.5, 0.6, 1, 0.9);
    const t = Uint8Array.of(0, 1, 0, 1, 1, IGNORED);
    const c = calibrationSums('probs', p, t, 4);
    const m = calibrationMetrics(c);
    expect(m.brier).toBeCloseTo(0.1945, 15);
    expect(m.ece).toBeCloseTo(0.33, 15);
    expect(reliabilityTable(c)).toEqual({ count: [2, 1, 1, 1], mean_p: [0.125, 0.5, 0.6, 1], mean_t: [0.5, 0, 1, 1] });
  });

  it('leaves empty bins null in the reliability table', () => {
    const c = calibrationSums('probs', Float64Array.of(0.95, 0.99), Uint8Array.of(1, 0), 5);
    expect(reliabilityTable(c)).toEqual({ count: [0, 0, 0, 0, 2], mean_p: [null, null, null, null, 0.97], mean_t: [null, null, null, null, 0.5] });
  });

  it('takes p = sigmoid(z) for one-channel logits, exactly where the sigmoid saturates', () => {
    // z = 0 → p = ½ (bin 1 of 2 … (0, ½] is bin 0); z = 40 → p = 1 in float64; z = −40 → p ≈ 4.2e-18.
    const c = calibrationSums('logits', Float64Array.of(0, 40, -40), Uint8Array.of(1, 1, 0), 2);
    expect(Array.from(c.count)).toEqual([2, 1]);
    expect(c.squaredError).toBeCloseTo(0.25, 15);
  });

  it('is null for a class without evaluated voxels', () => {
    expect(calibrationMetrics(calibrationSums('probs', Float64Array.of(0.3), Uint8Array.of(IGNORED), 15))).toEqual({ brier: null, ece: null });
  });

  it('bins quantised probabilities as v / max, and the complement as 1 − v / max', () => {
    // 8-bit v = 17 (p = 1/15, the first edge) and 255 − 17 = 238; B = 15.
    const v = Uint8Array.of(17, 238, 0);
    const t = Uint8Array.of(0, 1, 0);
    const fg = quantizedCalibrationSums(...valueHistograms(v, 255, t), 255, 15, false);
    expect(Array.from(fg.count)).toEqual([2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0]);
    const bg = quantizedCalibrationSums(...valueHistograms(v, 255, t), 255, 15, true);
    // 1 − 17/255 = 14/15 (edge, bin 13); 1 − 238/255 = 1/15 (edge, bin 0); 1 − 0 = 1 (bin 14).
    expect(Array.from(bg.count)).toEqual([1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1]);
    const direct = calibrationSums('probs', Float64Array.from(v, (x) => x / 255), t, 15);
    expect(calibrationMetrics(fg).brier).toBeCloseTo(calibrationMetrics(direct).brier!, 15);
    expect(calibrationMetrics(fg).ece).toBeCloseTo(calibrationMetrics(direct).ece!, 15);
  });
});

/** The next float64 above (dir 1) or below (dir −1) x, for finite x ≠ 0. */
function nextDouble(x: number, dir: 1 | -1): number {
  const v = new DataView(new ArrayBuffer(8));
  v.setFloat64(0, x);
  v.setBigInt64(0, v.getBigInt64(0) + BigInt(x > 0 ? dir : -dir));
  return v.getFloat64(0);
}

/** Each truth group ascending, as the Lovász walk takes them. */
function groups(values: Float64Array, t: Uint8Array): [Float64Array, Float64Array] {
  return [Float64Array.from(values.filter((_, i) => t[i] === 1)).sort(), Float64Array.from(values.filter((_, i) => t[i] === 0)).sort()];
}

describe('calibration sums from the Lovász walk (CalibrationWalk) = the voxel pass', () => {
  it('gives the same counts and sums, probabilities and logits, ties included', () => {
    let a = 7;
    const r = () => ((a = (a * 1103515245 + 12345) % 2147483648), a / 2147483648);
    const n = 2000;
    const t = Uint8Array.from({ length: n }, () => (r() < 0.3 ? 1 : 0));
    // 40 logit levels from −6 to 6 (ties), and their sigmoids as probabilities.
    const z = Float64Array.from(t, (ti) => Math.round((r() * 12 - 6 + ti) * 3) / 3);
    for (const [input, values] of [['logits', z], ['probs', Float64Array.from(z, (x) => 1 / (1 + Math.exp(-x)))]] as const) {
      const [pos, neg] = groups(values, t);
      const fromWalk = lovaszTerms([pos], [neg], input, 2, undefined, 15).calibration!;
      const direct = calibrationSums(input, values, t, 15);
      expect(fromWalk.n).toBe(n);
      expect(Array.from(fromWalk.count)).toEqual(Array.from(direct.count));
      expect(Array.from(fromWalk.sumT)).toEqual(Array.from(direct.sumT));
      fromWalk.sumP.forEach((s, b) => expect(s).toBeCloseTo(direct.sumP[b], 10));
      expect(fromWalk.squaredError).toBeCloseTo(direct.squaredError, 10);
    }
  });

  it('gives the same from several sorted runs per group (the k-way walk, as float64 values are sorted) and 10000 bins', () => {
    const r = rng(3);
    const n = 5000;
    const t = Uint8Array.from({ length: n }, () => (r() < 0.4 ? 1 : 0));
    const z = Float64Array.from(t, (ti) => (r() - 0.5) * 12 + ti);
    const runs = (g: number) => [0, 1, 2].map((k) => Float64Array.from(z.filter((_, i) => t[i] === g && i % 3 === k)).sort());
    for (const B of [15, 10000]) {
      const fromWalk = lovaszTerms(runs(1), runs(0), 'logits', 2, undefined, B).calibration!;
      const direct = calibrationSums('logits', z, t, B);
      expect(Array.from(fromWalk.count)).toEqual(Array.from(direct.count));
      expect(Array.from(fromWalk.sumT)).toEqual(Array.from(direct.sumT));
      fromWalk.sumP.forEach((x, b) => expect(Math.abs(x - direct.sumP[b])).toBeLessThanOrEqual(1e-12 * direct.sumP[b]));
      expect(Math.abs(fromWalk.squaredError - direct.squaredError)).toBeLessThanOrEqual(1e-12 * direct.squaredError);
    }
  });

  it('bins every value at and around each edge as binOf(sigmoid(z)) (logits) and binOf(p) (probabilities) do', () => {
    for (const B of [2, 7, 10, 15, 20, 10000]) {
      const zs: number[] = [];
      const ps: number[] = [];
      const step = Math.max(1, Math.floor(B / 40));
      for (let k = 1; k < B; k += step) {
        // The edge, its float64 and float32 neighbours, and points across the bands (±1e-6 in z, ±1e-9 in p).
        const zk = Math.log(k / (B - k));
        const pk = k / B;
        for (const x of [zk, nextDouble(zk || 1e-300, 1), nextDouble(zk || 1e-300, -1), Math.fround(zk)]) zs.push(x);
        for (let m = -30; m <= 30; m++) zs.push(zk + m * 5e-8, Math.fround(zk + m * 5e-8));
        for (const x of [pk, nextDouble(pk, 1), nextDouble(pk, -1), Math.fround(pk)]) ps.push(x);
        for (let m = -30; m <= 30; m++) ps.push(pk + m * 5e-11, pk + m * 1e-4 / B);
      }
      zs.push(-40, 40, 0, -0);
      ps.push(0, 1, 0.5);
      for (const [input, list] of [['logits', zs], ['probs', ps.filter((p) => p >= 0 && p <= 1)]] as const) {
        const values = Float64Array.from(list);
        const t = Uint8Array.from(values, (_, i) => (i * 7919) % 3 === 0 ? 1 : 0);
        const [pos, neg] = groups(values, t);
        const fromWalk = lovaszTerms([pos], [neg], input, 2, undefined, B).calibration!;
        const direct = calibrationSums(input, values, t, B);
        expect(Array.from(fromWalk.count), `${input} B=${B}`).toEqual(Array.from(direct.count));
        expect(Array.from(fromWalk.sumT), `${input} B=${B}`).toEqual(Array.from(direct.sumT));
      }
    }
  });
});
