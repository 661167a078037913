// The engine's losses against hand calculations, identities of losses.md, and a direct
// (slow, obviously-correct) transcription of the Lovász definitions.
import { describe, expect, it } from 'vitest';
import {
  binaryLosses,
  jointHistogram,
  DEFAULT_LOSS_PARAMS,
  describe as stats,
  labelMapSums,
  logitClass,
  lovaszMerge,
  probClass,
  classPart,
  lovaszTerms,
  walkPivots,
  segmentsOf,
  walkClaimed,
  addTerms,
  type LovaszTerms,
  quantizedClass,
  radixSortFloat64,
  type LossParams,
} from '../src/losses/index.js';
import { bucketGroups, BUCKETS, middleBucket, sortBucketRange, sortedRuns } from '../src/losses/sort/bucketSort.js';
import { rng } from './helpers/rng.js';

const P = (over: Partial<LossParams> = {}): LossParams => ({ ...DEFAULT_LOSS_PARAMS, ...over });
const ALL = ['dice', 'bce_dice', 'iou', 'focal', 'focal_global', 'tversky', 'focal_tversky', 'lovasz_hinge', 'combo'];


function randomCase(seed: number, n: number): { p: Float64Array; t: Uint8Array; z: Float64Array } {
  const r = rng(seed);
  const t = new Uint8Array(n);
  const z = new Float64Array(n);
  const p = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    t[i] = r() < 0.3 ? 1 : 0;
    z[i] = (r() - 0.5) * 8 + (t[i] ? 1 : -1);
    p[i] = 1 / (1 + Math.exp(-z[i]));
  }
  return { p, t, z };
}

/** lovasz_grad and the sum exactly as losses.md writes them, with a comparator sort. */
function lovaszDirect(e: number[], t: number[]): number {
  const order = e.map((_, i) => i).sort((a, b) => e[b] - e[a]);
  const g = order.map((i) => t[i]);
  const G = g.reduce((a, b) => a + b, 0);
  let cum1 = 0;
  let cum0 = 0;
  let prev = 0;
  let loss = 0;
  order.forEach((i, k) => {
    cum1 += g[k];
    cum0 += 1 - g[k];
    const J = 1 - (G - cum1) / (G + cum0);
    loss += Math.max(e[i], 0) * (J - prev);
    prev = J;
  });
  return loss;
}

describe('dice loss', () => {
  it('is 1 − (2·Spt + s)/(Sp + St + s) — hand example', () => {
    // p = [1, 0, 1, 0], t = [1, 1, 0, 0]: Sp = 2, St = 2, Spt = 1 → 1 − 3/5 = 0.4
    const r = probClass([1, 0, 1, 0], Uint8Array.from([1, 1, 0, 0]), 2, false);
    expect(binaryLosses(r.sums, P(), ['dice']).dice).toBeCloseTo(0.4, 15);
  });
  it('is 0/0 → null with smooth 0 on an empty pair', () => {
    const r = probClass([0, 0], Uint8Array.from([0, 0]), 2, false);
    expect(binaryLosses(r.sums, P({ smooth: 0 }), ['dice']).dice).toBeNull();
  });
});

describe('iou loss', () => {
  it('is 1 − (Spt + s)/(Sp + St − Spt + s) — hand example', () => {
    // Sp = 1.5, St = 2, Spt = 0.5 (p = [0.5, 0, 1], t = [1, 1, 0]) → 1 − 1.5/4 = 0.625
    const r = probClass([0.5, 0, 1], Uint8Array.from([1, 1, 0]), 2, false);
    expect(binaryLosses(r.sums, P(), ['iou']).iou).toBeCloseTo(0.625, 15);
  });
});

describe('bce and focal', () => {
  it('focal with γ = 0 and α = 1 equals the mean BCE', () => {
    const { p, t } = randomCase(1, 500);
    const r = probClass(p, t, 0, false);
    const l = binaryLosses(r.sums, P({ focalGamma: 0, focalAlpha: 1, smooth: 0 }), ['focal', 'bce_dice', 'dice']);
    expect(l.focal!).toBeCloseTo(l.bce_dice! - l.dice!, 12);
  });
  it('BCE clamps log 0 at −100 (PyTorch binary_cross_entropy)', () => {
    // One wrong hard voxel of two: BCE = (100 + 0)/2 = 50; dice = 1 − (0 + 1)/(0 + 1 + 1) = 1/2
    const r = probClass([0, 0], Uint8Array.from([1, 0]), 2, false);
    expect(binaryLosses(r.sums, P(), ['bce_dice']).bce_dice).toBeCloseTo(50.5, 12);
  });
  it('balanced focal weighs positives α and negatives 1 − α', () => {
    // p = 0.5 everywhere: BCE_i = ln 2, focal term (1 − ½)² ln 2 = ln2/4 per voxel.
    // t = [1, 0]: balanced α = 0.25 → (0.25·ln2/4 + 0.75·ln2/4)/2 = ln2/8
    const r = probClass([0.5, 0.5], Uint8Array.from([1, 0]), 2, false);
    expect(binaryLosses(r.sums, P({ focalMode: 'balanced', focalAlpha: 0.25 }), ['focal']).focal).toBeCloseTo(Math.LN2 / 8, 14);
  });
  it('focal_global applies the focal term to the mean BCE', () => {
    // BCE = ln 2 → 0.8 · (1 − ½)² · ln 2
    const r = probClass([0.5, 0.5], Uint8Array.from([1, 0]), 2, false);
    expect(binaryLosses(r.sums, P(), ['focal_global']).focal_global).toBeCloseTo(0.8 * 0.25 * Math.LN2, 14);
  });
  it('logits give the same sums as their sigmoid probabilities', () => {
    const { p, t, z } = randomCase(2, 400);
    const a = binaryLosses(logitClass(z, t, 2, true).sums, P(), ALL);
    const b = binaryLosses(probClass(p, t, 2, true).sums, P(), ALL);
    for (const k of ALL) expect(a[k]!).toBeCloseTo(b[k]!, 9);
  });
  it('logits are exact where probabilities would saturate', () => {
    // z = −40 with t = 1: BCE = softplus(40) = 40 + log1p(e^−40), not the −100 clamp of p = 0
    const r = logitClass([-40], Uint8Array.from([1]), 2, false);
    expect(-r.sums.sumTLogP).toBeCloseTo(40 + Math.log1p(Math.exp(-40)), 12);
  });
});

describe('tversky', () => {
  const { p, t } = randomCase(3, 300);
  const sums = probClass(p, t, 2, false).sums;
  // The identities hold for the unsmoothed indices: with s > 0, T adds s where Dice adds s/2.
  it('α = β = 0.5 is Dice', () => {
    const l = binaryLosses(sums, P({ smooth: 0 }), ['tversky', 'dice']);
    expect(l.tversky!).toBeCloseTo(l.dice!, 14);
  });
  it('α = β = 1 is Jaccard', () => {
    const l = binaryLosses(sums, P({ tverskyAlpha: 1, tverskyBeta: 1, smooth: 0 }), ['tversky', 'iou']);
    expect(l.tversky!).toBeCloseTo(l.iou!, 14);
  });
  it('focal tversky is (1 − T)^γ', () => {
    const l = binaryLosses(sums, P({ focalTverskyGamma: 0.75 }), ['tversky', 'focal_tversky']);
    expect(l.focal_tversky!).toBeCloseTo(Math.pow(l.tversky!, 0.75), 14);
  });
});

describe('combo', () => {
  it('is α·wBCE − (1 − α)·DSC (Taghanaki et al.) — hand example', () => {
    // p = [0.5, 0.5], t = [1, 0]: wBCE = −(β ln½ + (1−β) ln½)/2 = ln2/2 for any β;
    // DSC = (2·0.5 + 1)/(1 + 1 + 1) = 2/3 → 0.5·ln2/2 − 0.5·2/3
    const r = probClass([0.5, 0.5], Uint8Array.from([1, 0]), 2, false);
    expect(binaryLosses(r.sums, P(), ['combo']).combo).toBeCloseTo(0.25 * Math.LN2 - 1 / 3, 14);
  });
  it('has its minimum −(1 − α) on a perfect prediction', () => {
    const r = probClass([1, 0, 1], Uint8Array.from([1, 0, 1]), 2, false);
    expect(binaryLosses(r.sums, P({ comboAlpha: 0.6 }), ['combo']).combo).toBeCloseTo(-0.4, 14);
  });
});

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

describe('lovaszMerge', () => {
  it('gives the same value whichever group a tie is taken from', () => {
    // Errors 2 (t=1) and 2 (t=0): continuity of the extension makes the order irrelevant.
    const a = lovaszMerge([2], [2], 1);
    const b = lovaszDirect([2, 2], [0, 1]);
    expect(a).toBeCloseTo(b, 14);
  });
});

describe('label-map closed forms', () => {
  it('equal the general probability path on random hard predictions', () => {
    const r = rng(8);
    const n = 200;
    const p = Array.from({ length: n }, () => (r() < 0.4 ? 1 : 0));
    const t = Uint8Array.from({ length: n }, () => (r() < 0.35 ? 1 : 0));
    let tp = 0, fp = 0, fn = 0;
    for (let i = 0; i < n; i++) {
      if (p[i] && t[i]) tp++;
      else if (p[i]) fp++;
      else if (t[i]) fn++;
    }
    const closed = binaryLosses(labelMapSums({ tp, fp, fn, tn: n - tp - fp - fn }, 2), P(), ALL);
    const general = binaryLosses(probClass(p, t, 2, true).sums, P(), ALL);
    for (const k of ALL) expect(closed[k]!).toBeCloseTo(general[k]!, 9);
  });
});

describe('summary statistics', () => {
  it('use the population std and the mean of the two middle values as median', () => {
    // [1, 2, 3, 4]: mean 2.5, population variance 1.25, median 2.5
    const s = stats([4, null, 1, 3, 2]);
    expect(s).toEqual({ mean: 2.5, std: Math.sqrt(1.25), median: 2.5, min: 1, max: 4, n: 4 });
  });
  it('are all null with n = 0 when every value is null', () => {
    expect(stats([null, null])).toEqual({ mean: null, std: null, median: null, min: null, max: null, n: 0 });
  });
});

describe('bucket sort of float32 values by truth group', () => {
  it('orders each group like the built-in sort, negatives, zeros and infinities included, ignored voxels left out', () => {
    const r = rng(9);
    const n = 20_000;
    // Values over 16 decades and both signs: many buckets, some large, some of one value.
    const v = Float32Array.from({ length: n }, (_, i) => (i % 5 === 0 ? 0.75 : (r() - 0.5) * 10 ** Math.floor(r() * 16 - 8)));
    v.set([-0, 0, Infinity, -Infinity, 2 ** -149, -(2 ** -149)], 0);
    const t = Uint8Array.from({ length: n }, (_, i) => (i % 11 === 0 ? 255 : r() < 0.4 ? 1 : 0));
    const g = bucketGroups(v, t);
    sortBucketRange(g, 0, BUCKETS);
    const [pos, neg] = sortedRuns(g);
    const of = (want: number) => Float32Array.from(Array.from(v).filter((_, i) => t[i] === want)).sort();
    expect(Array.from(pos)).toEqual(Array.from(of(1)));
    expect(Array.from(neg)).toEqual(Array.from(of(0)));
  });
  it('sorts the same when the buckets are sorted in two ranges (the split over two threads)', () => {
    const r = rng(19);
    const v = Float32Array.from({ length: 50_000 }, () => (r() - 0.5) * 8);
    const t = Uint8Array.from(v, () => (r() < 0.3 ? 1 : 0));
    const g = bucketGroups(v, t);
    const mid = middleBucket(g);
    expect(mid).toBeGreaterThan(0);
    expect(mid).toBeLessThan(BUCKETS);
    sortBucketRange(g, mid, BUCKETS);
    sortBucketRange(g, 0, mid);
    const [pos] = sortedRuns(g);
    expect(Array.from(pos)).toEqual(Array.from(Float32Array.from(Array.from(v).filter((_, i) => t[i] === 1)).sort()));
  });
});

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

describe('radix sort of float64 keys', () => {
  it('orders like the built-in sort, including values that share their high word', () => {
    const r = rng(12);
    const v = Float64Array.from({ length: 4000 }, (_, i) => (i % 3 === 0 ? 0.5 + r() * 1e-9 : (r() - 0.5) * 10 ** Math.floor(r() * 10 - 5)));
    v[0] = -0;
    v[1] = 0;
    v[2] = -Infinity;
    v[3] = Infinity;
    const expected = Float64Array.from(v).sort();
    expect(Array.from(radixSortFloat64(Float64Array.from(v)))).toEqual(Array.from(expected));
  });
});

describe('quantised probabilities (8/16-bit PNG)', () => {
  for (const max of [255, 65535]) {
    it(`histogram path equals the general path on random v/${max}, ties included`, () => {
      const r = rng(max);
      const n = 4000;
      const v = Uint16Array.from({ length: n }, () => Math.floor(r() * 12) * Math.floor(max / 11));
      const t = Uint8Array.from({ length: n }, () => (r() < 0.4 ? 1 : 0));
      t[5] = 255; // an ignored voxel
      const q = quantizedClass(v, max, t, 2, true);
      const g = probClass(Float64Array.from(v, (x) => x / max), t, 2, true);
      const a = binaryLosses(q.sums, P(), ALL);
      const b = binaryLosses(g.sums, P(), ALL);
      for (const k of ALL) expect(a[k]!).toBeCloseTo(b[k]!, 9);
      expect(q.softmaxTerm).toBeCloseTo(g.softmaxTerm, 12);
      expect(q.complementSoftmaxTerm).toBeCloseTo(g.complementSoftmaxTerm, 12);
    });
  }
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
  // Reference: hinge errors of each group sorted natively (descending), merged by lovaszMerge.
  const pos: number[] = [];
  const neg: number[] = [];
  for (let i = 0; i < n; i++) (t[i] ? pos : neg).push(t[i] ? 1 - z[i] : 1 + z[i]);
  const desc = (a: number[]) => Float64Array.from(a).sort().reverse();
  const expected = lovaszMerge(desc(pos), desc(neg), pos.length);
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
  };
  for (const [input, values] of [['logits', z], ['probs', p]] as const) {
    const { pos, neg } = classPart(input, values, t, 2, true);
    const whole = lovaszTerms(pos, neg, input, 2);
    it(`${input}: the segments between any falling pivots add up to the whole walk, ties included`, () => {
      for (const pivots of [[0], [0.25], [-1], [1e9], [-1e9], [1e9, 0.5, 0.25, 0, -1, -1e9], [0.5, 0.5 - 2 ** -20]]) {
        expectSame(segmentsOf(pivots).map((seg) => lovaszTerms(pos, neg, input, 2, seg)), whole, `${input} pivots ${pivots}`);
      }
    });
    it(`${input}: walkPivots gives strictly falling keys whose segments, each claimed once, add up to the whole walk`, () => {
      const pivots = walkPivots(pos, neg, input, 8);
      expect(pivots.length).toBeGreaterThanOrEqual(2);
      for (let k = 1; k < pivots.length; k++) expect(pivots[k]).toBeLessThan(pivots[k - 1]);
      const parts = segmentsOf(pivots).map((seg) => lovaszTerms(pos, neg, input, 2, seg));
      expectSame(parts, whole, `${input} walkPivots`);
      // Claimed from a shared counter by one thread: every segment once.
      const claimed = walkClaimed(pos, neg, input, 2, segmentsOf(pivots), new Int32Array(new SharedArrayBuffer(4)));
      expect(claimed.size).toBe(pivots.length + 1);
      expectSame([...claimed.values()], whole, `${input} claimed`);
    });
  }
});

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
