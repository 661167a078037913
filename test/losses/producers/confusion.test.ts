// The joint histogram of (ground truth, prediction) labels: the uint8 fast paths against
// the general one and an independent count.
import { describe, expect, it } from 'vitest';
import { jointHistogram, PairTables } from '../../../src/losses/producers/confusion.js';
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
  it('one thread\'s tables, case after case: each histogram is its own brute-force count, whatever the labels before it', () => {
    // Only the corner up to the labels' bit bound is read back and cleared, so a case with
    // large labels (up to 255, or 5 whose bound is 7) followed by one with small labels
    // would show stale counts if any cell were left. The last pair puts labels only in the
    // blocks of four that hold an out-of-range prediction (the single-table path).
    const tables = new PairTables();
    const brute = (g: Uint8Array, p: ArrayLike<number>) => {
      const m = new Map<string, number>();
      for (let i = 0; i < g.length; i++) m.set(`${g[i]},${p[i]}`, (m.get(`${g[i]},${p[i]}`) ?? 0) + 1);
      return m;
    };
    const cases: Array<[Uint8Array, Uint8Array | Int32Array]> = [];
    for (const top of [255, 5, 1, 200, 2]) {
      const g = Uint8Array.from({ length: 1001 }, () => Math.floor(r() * (top + 1)));
      const p = Uint8Array.from({ length: 1001 }, () => Math.floor(r() * (top + 1)));
      cases.push([g, p]);
    }
    // Mostly background, as a scan is: whole words of (0, 0) pairs, at every alignment.
    for (const shift of [0, 1, 2, 3]) {
      const mem = new Uint8Array(2003);
      const predMem = new Uint8Array(2003);
      for (let i = 0; i < mem.length; i++) if (r() < 0.05) mem[i] = 1 + Math.floor(r() * 3);
      for (let i = 0; i < predMem.length; i++) if (r() < 0.05) predMem[i] = 1 + Math.floor(r() * 3);
      cases.push([mem.subarray(shift), predMem.subarray(shift)], [mem.subarray(shift), predMem.subarray(0, mem.length - shift)]);
    }
    const g = new Uint8Array(1000);
    const p = new Int32Array(1000);
    for (let i = 0; i < 1000; i += 4) {
      g[i] = 6;
      p[i] = 9;
      p[i + 1] = 300;
    }
    cases.push([g, p], cases[1]);
    for (const [gt8, p8] of cases) {
      for (const ignore of [null, 3]) {
        const h = jointHistogram(gt8, p8, ignore, tables);
        const want = brute(gt8, p8);
        for (const [key, c] of want) {
          const [a, b] = key.split(',').map(Number);
          if (a === ignore) continue;
          expect(h.count(a, b), key).toBe(c);
        }
        expect(h.total).toBe(gt8.filter((v) => v !== ignore).length);
      }
    }
    expect(tables.dense.every((v) => v === 0) && tables.dense4.every((v) => v === 0)).toBe(true);
  });
});
