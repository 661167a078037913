// The one walk's Lovász terms (hinge, softmax of a class and of its complement) against a
// direct transcription of losses.md, on small random classes, a tie, a CT-sized class,
// and the walk cut into key-range segments.
import { describe, expect, it } from 'vitest';
import { labelMapSums } from '../../../src/losses/producers/labelMapClass.js';
import { classPart, logitClass, probClass } from '../../../src/losses/producers/probClass.js';
import { addTerms, lovaszOrder, lovaszTerms, type LovaszTerms } from '../../../src/losses/walk/lovaszWalk.js';
import { segmentsOf, walkClaimed, walkPivots } from '../../../src/losses/walk/segments.js';
import { lovaszDirect, lovaszOfSortedErrors, randomCase } from '../../helpers/lovasz.js';
import { rng } from '../../helpers/rng.js';

describe('lovasz hinge', () => {
  it('matches a direct transcription of losses.md on random logits', () => {
    for (const seed of [4, 5, 6]) {
      const { t, z } = randomCase(seed, 300);
      const e = Array.from(z, (zi, i) => 1 - zi * (2 * t[i] - 1));
      expect(logitClass(z, t, 2, true).sums.lovaszHinge).toBeCloseTo(lovaszDirect(e, Array.from(t)), 10);
    }
  });
  it('of a hard prediction is 101·(1 − tp/(tp+fp+fn)) (logits ±100 from the clamp)', () => {
    // tp = 2, fp = 1, fn = 1, tn = 2 → 101 · (1 − 2/4) = 50.5
    const p = [1, 1, 1, 0, 0, 0];
    const t = Uint8Array.from([1, 1, 0, 1, 0, 0]);
    expect(probClass(p, t, 2, true).sums.lovaszHinge).toBeCloseTo(50.5, 10);
    expect(labelMapSums({ tp: 2, fp: 1, fn: 1, tn: 2 }, 2).lovaszHinge).toBeCloseTo(50.5, 12);
  });
  it('is 0 for a perfect prediction with margin', () => {
    expect(logitClass([5, -5, 3], Uint8Array.from([1, 0, 1]), 2, true).sums.lovaszHinge).toBe(0);
  });
});

describe('lovasz softmax term', () => {
  it('matches a direct transcription on random probabilities, both classes of a binary prediction', () => {
    const { p, t } = randomCase(7, 300);
    const r = probClass(p, t, 2, true);
    const fg = lovaszDirect(Array.from(p, (pi, i) => Math.abs(t[i] - pi)), Array.from(t));
    const bg = lovaszDirect(Array.from(p, (pi, i) => Math.abs(1 - t[i] - (1 - pi))), Array.from(t, (x) => 1 - x));
    expect(r.softmaxTerm).toBeCloseTo(fg, 12);
    expect(r.complementSoftmaxTerm).toBeCloseTo(bg, 12);
  });
  it('is NaN (left out) for a class absent from the ground truth', () => {
    expect(probClass([0.2, 0.3], Uint8Array.from([0, 0]), 2, true).softmaxTerm).toBeNaN();
  });
});

describe('the Lovász extension at a tie between the truth groups', () => {
  it('gives the same value whichever group the tie is taken from', () => {
    // z = −1 with t = 1 and z = 1 with t = 0: both hinge errors are 2. Continuity of the
    // extension makes the order irrelevant: either order of the direct transcription.
    const walked = logitClass([-1, 1], Uint8Array.from([1, 0]), 2, true).sums.lovaszHinge;
    expect(walked).toBeCloseTo(lovaszDirect([2, 2], [1, 0]), 14);
    expect(walked).toBeCloseTo(lovaszDirect([2, 2], [0, 1]), 14);
  });
});

describe('Lovász on a CT-sized class (bucketed float32 sort, float64 runs)', () => {
  // 2.5 Mi voxels: float32 keys are bucketed by their top 16 bits and each bucket sorted on
  // its own; float64 values are sorted in runs of 1 Mi and the runs merged in the walk.
  const n = 2_621_440;
  const r = rng(13);
  const t = new Uint8Array(n);
  const z = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    t[i] = r() < 0.3 ? 1 : 0;
    z[i] = (r() - 0.5) * 8 + (t[i] ? 1 : -1);
  }
  // Reference: hinge errors of each group sorted natively (descending), merged by the transcription.
  const pos: number[] = [];
  const neg: number[] = [];
  for (let i = 0; i < n; i++) (t[i] ? pos : neg).push(t[i] ? 1 - z[i] : 1 + z[i]);
  const desc = (a: number[]) => Float64Array.from(a).sort().reverse();
  const expected = lovaszOfSortedErrors(desc(pos), desc(neg));
  for (const [name, values] of [['float32', z], ['float64', Float64Array.from(z)]] as const) {
    it(`${name}: the value of one fully sorted error list`, () => {
      expect(logitClass(values, t, 2, true).sums.lovaszHinge).toBeCloseTo(expected, 9);
    });
  }
});

describe('Lovász walk split by merge key (two threads)', () => {
  const r = rng(14);
  const n = 60_000;
  const t = Uint8Array.from({ length: n }, () => (r() < 0.3 ? 1 : 0));
  // Values on a coarse grid so that many keys tie, also exactly at the pivots.
  const z = Float32Array.from(t, (ti) => Math.round(((r() - 0.5) * 8 + (ti ? 1 : -1)) * 4) / 4);
  const p = Float32Array.from(z, (x) => Math.round(100 / (1 + Math.exp(-x))) / 100);
  const expectSame = (parts: LovaszTerms[], whole: LovaszTerms, what: string) => {
    const sum = parts.reduce(addTerms);
    expect(sum.hinge, `${what} hinge`).toBeCloseTo(whole.hinge, 10);
    expect(sum.soft, `${what} soft`).toBeCloseTo(whole.soft, 12);
    expect(sum.complementSoft, `${what} bg`).toBeCloseTo(whole.complementSoft, 12);
    for (const k of Object.keys(whole.sums) as (keyof typeof whole.sums)[]) {
      expect(sum.sums[k], `${what} ${k}`).toBeCloseTo(whole.sums[k], 6);
    }
    // The calibration sums the walk takes (15 bins): counts exact, sums in another order.
    const [c, w] = [sum.calibration!, whole.calibration!];
    expect(Array.from(c.count), `${what} bins`).toEqual(Array.from(w.count));
    expect(Array.from(c.sumT), `${what} Σt`).toEqual(Array.from(w.sumT));
    const near = (x: number, y: number, name: string) => expect(Math.abs(x - y), `${what} ${name}`).toBeLessThanOrEqual(1e-12 * Math.abs(y));
    c.sumP.forEach((x, b) => near(x, w.sumP[b], `Σp ${b}`));
    near(c.squaredError, w.squaredError, 'Σ(p − t)²');
    expect(c.n).toBe(w.n);
  };
  for (const [input, values] of [['logits', z], ['probs', p]] as const) {
    const { pos, neg } = classPart(input, values, t, 2, true);
    const whole = lovaszTerms(pos, neg, input, 2, undefined, 15);
    it(`${input}: the segments between any falling pivots add up to the whole walk, ties included`, () => {
      for (const pivots of [[0], [0.25], [-1], [1e9], [-1e9], [1e9, 0.5, 0.25, 0, -1, -1e9], [0.5, 0.5 - 2 ** -20]]) {
        expectSame(segmentsOf(pivots).map((seg) => lovaszTerms(pos, neg, input, 2, seg, 15)), whole, `${input} pivots ${pivots}`);
      }
    });
    it(`${input}: walkPivots gives strictly falling keys whose segments, each claimed once, add up to the whole walk`, () => {
      const pivots = walkPivots(pos, neg, lovaszOrder(input), 8);
      expect(pivots.length).toBeGreaterThanOrEqual(2);
      for (let k = 1; k < pivots.length; k++) expect(pivots[k]).toBeLessThan(pivots[k - 1]);
      const parts = segmentsOf(pivots).map((seg) => lovaszTerms(pos, neg, input, 2, seg, 15));
      expectSame(parts, whole, `${input} walkPivots`);
      // Claimed from a shared counter by one thread: every segment once.
      const claimed = walkClaimed(pos, neg, input, 2, segmentsOf(pivots), new Int32Array(new SharedArrayBuffer(4)), 15);
      expect(claimed.size).toBe(pivots.length + 1);
      expectSame([...claimed.values()], whole, `${input} claimed`);
    });
  }
});
