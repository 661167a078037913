// A large case split over this thread and a helper gives the one-thread numbers.
// Runs the compiled engine (dist/): worker threads cannot load .ts sources.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT } from '../../helpers/cli.js';
import { rng } from '../../helpers/rng.js';

const dist = (m: string) => import(pathToFileURL(join(ROOT, 'dist', 'losses', m)).href);


describe('splitClass (one case over two threads)', async () => {
  const { splitClass, SplitHelper, SPLIT_MIN } = await dist('parallel/split.js');
  const { ThreadScratch } = await dist('scratch.js');
  const helper = SplitHelper.start();
  const n = SPLIT_MIN + 12_345; // just above the split threshold, odd halves
  const r = rng(21);
  const t = new Uint8Array(n);
  const z = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    t[i] = r() < 0.02 ? 255 : r() < 0.25 ? 1 : 0; // some voxels ignored
    z[i] = (r() - 0.5) * 10 + (t[i] === 1 ? 1.5 : -1.5);
  }
  const p = Float32Array.from(z, (x) => 1 / (1 + Math.exp(-x)));

  it('has a helper thread when running from dist', () => {
    expect(helper).not.toBeNull();
  });
  for (const [input, values] of [['logits', z], ['probs', p]] as const) {
    it(`${input}: the same sums and Lovász terms as one thread`, () => {
      const one = splitClass(input, values, t, 2, true, new ThreadScratch());
      const two = splitClass(input, values, t, 2, true, new ThreadScratch(helper));
      // Float64 sums over two halves differ from one pass only by rounding: 1e-12 relative.
      for (const k of Object.keys(one.sums)) expect(Math.abs(two.sums[k] - one.sums[k]), k).toBeLessThanOrEqual(1e-12 * Math.abs(one.sums[k]) + 1e-9);
      expect(two.sums.n).toBe(one.sums.n);
      expect(two.sums.st).toBe(one.sums.st);
      expect(two.sums.lovaszHinge).toBeCloseTo(one.sums.lovaszHinge, 9);
      expect(two.softmaxTerm).toBeCloseTo(one.softmaxTerm, 12);
      expect(two.complementSoftmaxTerm).toBeCloseTo(one.complementSoftmaxTerm, 12);
    });
    it(`${input}: the calibration sums the walk takes over both threads are the voxel pass's`, async () => {
      const { calibrationSums } = await dist('producers/calibration.js');
      const two = splitClass(input, values, t, 2, true, new ThreadScratch(helper), undefined, false, false, 15).calibration;
      const direct = calibrationSums(input, values, t, 15);
      expect(two.n).toBe(direct.n);
      expect(Array.from(two.count)).toEqual(Array.from(direct.count));
      expect(Array.from(two.sumT)).toEqual(Array.from(direct.sumT));
      two.sumP.forEach((x: number, b: number) => expect(Math.abs(x - direct.sumP[b])).toBeLessThanOrEqual(1e-12 * direct.sumP[b]));
      expect(Math.abs(two.squaredError - direct.squaredError)).toBeLessThanOrEqual(1e-12 * direct.squaredError);
    });

    it(`${input}: values in shared memory that may be consumed are sorted in place by both threads, with the same numbers`, async () => {
      const one = splitClass(input, values, t, 2, true, new ThreadScratch());
      const shared = new Float32Array(new SharedArrayBuffer(4 * n));
      shared.set(values);
      const scratch = new ThreadScratch(helper);
      const two = splitClass(input, shared, t, 2, true, scratch, undefined, true, false, 15);
      const { calibrationSums } = await dist('producers/calibration.js');
      expect(Array.from(two.calibration.count)).toEqual(Array.from(calibrationSums(input, values, t, 15).count));
      // The sort is exact and in one order on either road; only the sums' halves round apart.
      for (const k of Object.keys(one.sums)) expect(Math.abs(two.sums[k] - one.sums[k]), k).toBeLessThanOrEqual(1e-12 * Math.abs(one.sums[k]) + 1e-9);
      expect(two.sums.st).toBe(one.sums.st);
      expect(two.sums.lovaszHinge).toBeCloseTo(one.sums.lovaszHinge, 9);
      expect(two.softmaxTerm).toBeCloseTo(one.softmaxTerm, 12);
      // In place: the class took the values' memory (it now holds sort keys), and no key buffer.
      expect(Array.from(shared.subarray(0, 64))).not.toEqual(Array.from(values.subarray(0, 64)));
      expect(scratch.keys.take(0).buffer.byteLength).toBeLessThanOrEqual(4);
    });
  }
});
