// The joint histogram of (ground truth, prediction) labels: the uint8 fast paths against
// the general one and an independent count.
import { describe, expect, it } from 'vitest';
import { jointHistogram } from '../../../src/losses/producers/confusion.js';
import { rng } from '../../helpers/rng.js';

describe('joint histogram of (ground truth, prediction) labels', () => {
  // The uint8 fast path against the general one: the same arrays as float64 take the general path.
  const r = rng(41);
  const n = 30_000;
  const gt = Uint8Array.from({ length: n }, () => (r() < 0.1 ? 255 : Math.floor(r() * 4)));
  const pred = Int32Array.from({ length: n }, () => (r() < 0.01 ? 300 : r() < 0.01 ? -2 : Math.floor(r() * 5)));
  const counts = (h: ReturnType<typeof jointHistogram>, labels: number[]) =>
    labels.map((l) => h.confusion(new Set([l])));
  for (const ignore of [null, 255]) {
    it(`a uint8 ground truth counts like any other array, labels ≥ 256 and negative included (ignore ${ignore})`, () => {
      const fast = jointHistogram(gt, pred, ignore);
      const general = jointHistogram(Float64Array.from(gt), Float64Array.from(pred), ignore);
      expect(fast.total).toBe(general.total);
      expect(fast.gtLabels().sort()).toEqual(general.gtLabels().sort());
      expect(fast.predLabels().sort()).toEqual(general.predLabels().sort());
      const labels = [0, 1, 2, 3, 4, 255, 300, -2];
      expect(counts(fast, labels)).toEqual(counts(general, labels));
      // An independent count: true positives of label 1.
      let tp = 0;
      for (let i = 0; i < n; i++) if (gt[i] === 1 && pred[i] === 1) tp++;
      expect(fast.confusion(new Set([1])).tp).toBe(tp);
    });
  }
  it('two uint8 label maps (four tables, a length not a multiple of 4) count like the general path', () => {
    const m = n - 3;
    const g8 = gt.subarray(0, m);
    const p8 = Uint8Array.from(pred.subarray(0, m), (v) => (v < 0 ? 7 : v % 256));
    for (let rep = 0; rep < 2; rep++) {
      // Twice: the tables must be left at zero for the next case.
      const fast = jointHistogram(g8, p8, null);
      const general = jointHistogram(Float64Array.from(g8), Float64Array.from(p8), null);
      expect(fast.total).toBe(m);
      const labels = [0, 1, 2, 3, 4, 7, 44, 255];
      expect(counts(fast, labels)).toEqual(counts(general, labels));
    }
  });
});
