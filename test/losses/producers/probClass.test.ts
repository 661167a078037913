// A float class: the float32 and float64 paths, and the sums taken in the walk against
// the voxel-order pass.
import { describe, expect, it } from 'vitest';
import { logitClass, probClass } from '../../../src/losses/producers/probClass.js';
import { lovaszDirect, randomCase } from '../../helpers/lovasz.js';

describe('float32 fast path', () => {
  it('gives the float64 path’s losses on random logits and probabilities (radix-sorted keys)', () => {
    const { t, z } = randomCase(10, 3000);
    const z32 = Float32Array.from(z);
    const z64 = Float64Array.from(z32);
    const a = logitClass(z32, t, 2, true);
    const b = logitClass(z64, t, 2, true);
    expect(a.sums.lovaszHinge).toBeCloseTo(b.sums.lovaszHinge, 10);
    expect(a.softmaxTerm).toBeCloseTo(b.softmaxTerm, 12);
    expect(a.complementSoftmaxTerm).toBeCloseTo(b.complementSoftmaxTerm, 12);
    const p32 = Float32Array.from(z64, (x) => 1 / (1 + Math.exp(-x)));
    const c = probClass(p32, t, 2, true);
    const d = probClass(Float64Array.from(p32), t, 2, true);
    expect(c.sums.lovaszHinge).toBeCloseTo(d.sums.lovaszHinge, 10);
    expect(c.softmaxTerm).toBeCloseTo(d.softmaxTerm, 12);
  });
  it('the one-walk Lovász terms equal the direct transcription on random probabilities', () => {
    const { p, t } = randomCase(11, 500);
    const r = probClass(p, t, 2, true);
    const e = Array.from(p, (pi, i) => {
      const z = Math.max(Math.log(pi), -100) - Math.max(Math.log(1 - pi), -100);
      return 1 - z * (2 * t[i] - 1);
    });
    expect(r.sums.lovaszHinge).toBeCloseTo(lovaszDirect(e, Array.from(t)), 10);
  });
});

describe('sums taken in the Lovász walk', () => {
  // With the Lovász terms the sums are taken in error order during the walk; without them
  // in one pass in voxel order. Float64 addition in another order: equal to 1e-12 relative.
  for (const input of ['logits', 'probs'] as const) {
    for (const [name, make] of [['float32', (a: Float64Array) => Float32Array.from(a)], ['float64', (a: Float64Array) => Float64Array.from(a)]] as const) {
      it(`${input}, ${name}: equal the voxel-order pass, ignored voxels and repeated keys included`, () => {
        const { t, z, p } = randomCase(31, 20_000);
        for (let i = 0; i < t.length; i += 97) t[i] = 255;
        // Every third value repeats its neighbour's: the walk reuses the exp and log1p of a repeated key.
        const v = make(input === 'logits' ? z : p);
        for (let i = 2; i < v.length; i += 3) v[i] = v[i - 1];
        const walked = (input === 'logits' ? logitClass : probClass)(v, t, 2, true).sums;
        const passed = (input === 'logits' ? logitClass : probClass)(v, t, 2, false).sums;
        for (const k of ['sp', 'spt', 'sumTLogP', 'sumNotTLog1mP', 'focalPos', 'focalNeg'] as const) {
          expect(Math.abs(walked[k] - passed[k]), k).toBeLessThanOrEqual(1e-12 * Math.abs(passed[k]));
        }
        expect(walked.n).toBe(passed.n);
        expect(walked.st).toBe(passed.st);
      });
    }
  }
});
