// The statistics kernels (statistics.md) against values known independently: erfc against
// the C library's erfc (glibc, via CPython's math.erfc), the Wilcoxon signed-rank test
// against brute-force enumeration of every sign assignment, Holm against its step-down
// definition, the bootstrap against properties of the resampling distribution and its
// coverage on a known distribution.
import { describe, expect, it } from 'vitest';
import { bootstrapMeanIntervals, quantileSorted, resampleMeans } from '../../src/stats/bootstrap.js';
import { erfc } from '../../src/stats/erfc.js';
import { holmAdjust } from '../../src/stats/holm.js';
import { createRng } from '../../src/stats/rng.js';
import { signedRankTest, subsetSumCounts } from '../../src/stats/wilcoxon.js';
import { rng } from '../helpers/rng.js';

describe('erfc', () => {
  // math.erfc of CPython 3 on glibc (correctly rounded or within an ulp).
  const REFERENCE: [number, number][] = [
    [0.1, 0.8875370839817152],
    [0.3, 0.6713732405408726],
    [0.5, 0.4795001221869535],
    [0.84, 0.23485728854500548],
    [0.85, 0.2293319423916475],
    [1, 0.15729920705028513],
    [1.2, 0.08968602177036465],
    [1.3, 0.06599205505934755],
    [2, 0.004677734981047265],
    [2.8, 7.501319466545911e-5],
    [2.9, 4.109787809945886e-5],
    [3, 2.2090496998585438e-5],
    [4, 1.541725790028002e-8],
    [5, 1.5374597944280351e-12],
    [6, 2.1519736712498916e-17],
    [8, 1.1224297172982928e-29],
    [10, 2.088487583762545e-45],
    [15, 7.212994172451206e-100],
    [20, 5.3958656116079005e-176],
    [26.5, 2.2109076642637343e-307],
    [-0.1, 1.1124629160182848],
    [-0.5, 1.5204998778130465],
    [-1, 1.842700792949715],
    [-2, 1.9953222650189528],
    [-3, 1.9999779095030015],
    [-5.5, 1.9999999999999927],
  ];

  it('matches the C library to a few ulps on every branch of the approximation', () => {
    for (const [x, want] of REFERENCE) {
      expect(Math.abs(erfc(x) - want) / want, `erfc(${x})`).toBeLessThan(4e-16);
    }
  });

  it('is 1 at 0, 0 and 2 at the infinities, NaN for NaN', () => {
    expect(erfc(0)).toBe(1);
    expect(erfc(Infinity)).toBe(0);
    expect(erfc(-Infinity)).toBe(2);
    expect(erfc(40)).toBe(0);
    expect(erfc(NaN)).toBeNaN();
  });

  it('satisfies erfc(−x) = 2 − erfc(x)', () => {
    const r = rng(3);
    for (let i = 0; i < 2000; i++) {
      const x = r() * 6;
      expect(Math.abs(erfc(-x) - (2 - erfc(x)))).toBeLessThan(4e-16);
    }
  });
});

/** Midranks of |d| computed the slow way: 1 + #smaller + (#equal − 1)/2. */
function midranks(d: number[]): number[] {
  const a = d.map(Math.abs);
  return a.map((x) => 1 + a.filter((y) => y < x).length + (a.filter((y) => y === x).length - 1) / 2);
}

/** R+ over every one of the 2^n sign assignments of the given ranks. */
function allRankSums(ranks: number[]): number[] {
  const out: number[] = [];
  for (let mask = 0; mask < 2 ** ranks.length; mask++) {
    let s = 0;
    for (let i = 0; i < ranks.length; i++) if (mask & (1 << i)) s += ranks[i];
    out.push(s);
  }
  return out;
}

function randomDiffs(r: () => number, n: number, levels: number): number[] {
  // Nonzero values on a lattice of `levels` magnitudes: small lattices give ties.
  return Array.from({ length: n }, () => (1 + Math.floor(r() * levels)) * 0.125 * (r() < 0.5 ? -1 : 1));
}

describe('Wilcoxon signed-rank', () => {
  it('counts subsets: the counts of {1..n} sum to 2^n and are symmetric', () => {
    for (const n of [1, 5, 12, 30, 50]) {
      const c = subsetSumCounts(n);
      let total = 0;
      for (const x of c) total += x;
      expect(total).toBe(2 ** n);
      for (let k = 0; k < c.length; k++) expect(c[k]).toBe(c[c.length - 1 - k]);
    }
    // {1,2,3}: sums 0,1,2,3,3,4,5,6
    expect(Array.from(subsetSumCounts(3))).toEqual([1, 1, 1, 2, 1, 1, 1]);
  });

  it('exact p without ties equals the brute-force share of sign assignments, n = 1..12', () => {
    const r = rng(11);
    for (let n = 1; n <= 12; n++) {
      for (let rep = 0; rep < 6; rep++) {
        // distinct magnitudes: a random permutation of 1..n, scaled
        const mags = Array.from({ length: n }, (_, i) => (i + 1) * 0.37).sort(() => r() - 0.5);
        const d = mags.map((m) => (r() < 0.4 ? -m : m));
        const ranks = midranks(d);
        const obs = d.reduce((s, x, i) => s + (x > 0 ? ranks[i] : 0), 0);
        const sums = allRankSums(ranks);
        const lower = sums.filter((s) => s <= obs).length / sums.length;
        const upper = sums.filter((s) => s >= obs).length / sums.length;
        const two = signedRankTest(d);
        expect(two.method).toBe('exact');
        expect(two.rPlus).toBe(obs);
        expect(two.p).toBe(Math.min(1, 2 * Math.min(lower, upper)));
        expect(signedRankTest(d, 'less').p).toBe(lower);
        expect(signedRankTest(d, 'greater').p).toBe(upper);
      }
    }
  });

  it('with ties uses the normal approximation whose mean and variance are the brute-force moments of R+, n ≤ 12', () => {
    const r = rng(12);
    let tested = 0;
    for (let n = 2; n <= 12; n++) {
      for (let rep = 0; rep < 5; rep++) {
        const d = randomDiffs(r, n, 3);
        const ranks = midranks(d);
        if (new Set(d.map(Math.abs)).size === n) continue; // no tie drawn
        const sums = allRankSums(ranks);
        const mean = sums.reduce((s, x) => s + x, 0) / sums.length;
        const variance = sums.reduce((s, x) => s + (x - mean) ** 2, 0) / sums.length;
        const obs = d.reduce((s, x, i) => s + (x > 0 ? ranks[i] : 0), 0);
        const z = (obs - mean) / Math.sqrt(variance);
        const t = signedRankTest(d);
        expect(t.method).toBe('approx');
        expect(t.rPlus).toBe(obs);
        expect(t.rMinus).toBe((n * (n + 1)) / 2 - obs);
        const close = (got: number | null, want: number) => expect(Math.abs((got as number) - want)).toBeLessThanOrEqual(1e-13 * Math.max(want, 1e-300) + 1e-300);
        close(t.p, erfc(Math.abs(z) / Math.SQRT2));
        close(signedRankTest(d, 'less').p, 0.5 * erfc(-z / Math.SQRT2));
        close(signedRankTest(d, 'greater').p, 0.5 * erfc(z / Math.SQRT2));
        tested++;
      }
    }
    expect(tested).toBeGreaterThan(30);
  });

  it('drops exact zeros; no pairs gives p null; only zeros gives p = 1', () => {
    const withZeros = signedRankTest([0, 0.5, -0.25, 0, 1.5, 2, 3]);
    const without = signedRankTest([0.5, -0.25, 1.5, 2, 3]);
    expect(withZeros.nNonzero).toBe(5);
    expect(withZeros.p).toBe(without.p);
    expect(signedRankTest([])).toMatchObject({ n: 0, method: null, p: null });
    expect(signedRankTest([0, 0, 0])).toMatchObject({ n: 3, nNonzero: 0, method: 'zero', p: 1 });
  });

  it('gives the table values: 4 positive differences p = 2/16, 10 positive p = 2/1024', () => {
    // all positive: only the all-plus assignment reaches R+ = max, so P(R ≥ max) = 2^-n
    expect(signedRankTest([0.1, 0.2, 0.3, 0.4]).p).toBe(0.125);
    expect(signedRankTest(Array.from({ length: 10 }, (_, i) => i + 1)).p).toBe(2 / 1024);
  });

  it('switches to the normal approximation above 50 untied differences', () => {
    const d = Array.from({ length: 51 }, (_, i) => (i % 3 === 0 ? -(i + 1) : i + 1));
    expect(signedRankTest(d).method).toBe('approx');
    expect(signedRankTest(d.slice(0, 50)).method).toBe('exact');
  });
});

/** Holm's step-down procedure at level a: which hypotheses it rejects. */
function holmRejects(ps: number[], a: number): boolean[] {
  const order = ps.map((_, i) => i).sort((i, j) => ps[i] - ps[j]);
  const m = ps.length;
  const out = ps.map(() => false);
  for (let j = 0; j < m; j++) {
    if (ps[order[j]] > a / (m - j)) break;
    out[order[j]] = true;
  }
  return out;
}

describe('Holm adjustment', () => {
  it('rejects at level a exactly the hypotheses the step-down procedure rejects, for every a', () => {
    const r = rng(5);
    for (let rep = 0; rep < 200; rep++) {
      const m = 1 + Math.floor(r() * 12);
      const ps = Array.from({ length: m }, () => (r() < 0.3 ? r() * 0.01 : r()));
      const adj = holmAdjust(ps) as number[];
      for (const a of [0.001, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5]) {
        expect(adj.map((p) => p <= a)).toEqual(holmRejects(ps, a));
      }
    }
  });

  it('gives the hand-computed values and leaves nulls out of m', () => {
    // sorted 0.005·4 = 0.02, 0.01·3 = 0.03, 0.03·2 = 0.06, 0.04·1 = 0.04 → running max 0.06
    const adj = holmAdjust([0.01, 0.04, null, 0.03, 0.005]) as number[];
    expect(adj[2]).toBeNull();
    [0.03, 0.06, null, 0.06, 0.02].forEach((want, i) => (want === null ? null : expect(adj[i]).toBeCloseTo(want, 15)));
    expect(holmAdjust([0.6, 0.9])).toEqual([1, 1]);
  });
});

describe('percentile bootstrap', () => {
  it('interpolates quantiles linearly like numpy', () => {
    expect(quantileSorted([1, 2, 3, 4], 0.25)).toBe(1.75);
    expect(quantileSorted([1, 2, 3, 4], 1)).toBe(4);
    expect(quantileSorted([5], 0.975)).toBe(5);
  });

  it('draws uniform indices', () => {
    const g = createRng(9);
    const counts = new Array(7).fill(0);
    const N = 70000;
    for (let i = 0; i < N; i++) counts[g.below(7)]++;
    // each count ~ Binomial(N, 1/7): sd = sqrt(N·(1/7)(6/7)) ≈ 92.6
    for (const c of counts) expect(Math.abs(c - N / 7)).toBeLessThan(5 * 92.6);
  });

  it('resample means have the sample mean as mean and σ²/n (population σ) as variance', () => {
    const r = rng(21);
    const n = 30;
    const xs = Float64Array.from({ length: n }, () => r() * 10);
    const mean = xs.reduce((s, x) => s + x, 0) / n;
    const varPop = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / n;
    const B = 20000;
    const means = resampleMeans(xs, n, 1, 4, B);
    const m = means.reduce((s, x) => s + x, 0) / B;
    const v = means.reduce((s, x) => s + (x - m) ** 2, 0) / (B - 1);
    const se = Math.sqrt(varPop / n);
    expect(Math.abs(m - mean)).toBeLessThan((5 * se) / Math.sqrt(B));
    // the variance estimate from B draws has relative sd ≈ sqrt(2/B) = 1 %
    expect(Math.abs(v / (varPop / n) - 1)).toBeLessThan(0.05);
  });

  it('covers the true mean of a normal sample about 94 % of the time at n = 40 (within 3 Monte-Carlo sd)', () => {
    // The percentile interval of the mean is close to x̄ ± 1.96·s_pop/√n; for normal data its
    // coverage is P(|t_39| ≤ 1.96·√(39/40)) = P(|t_39| ≤ 1.935) ≈ 0.940.
    const r = rng(77);
    const normal = () => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
    const reps = 1000;
    const n = 40;
    let covered = 0;
    for (let k = 0; k < reps; k++) {
      const xs = Float64Array.from({ length: n }, () => 3 + 2 * normal());
      const [iv] = bootstrapMeanIntervals([xs], { seed: k, resamples: 1000 });
      if (iv!.low <= 3 && 3 <= iv!.high) covered++;
    }
    const mcSd = Math.sqrt((0.94 * 0.06) / reps);
    expect(Math.abs(covered / reps - 0.94)).toBeLessThan(3 * mcSd);
  });

  it('gives null for no values and the value itself when all are equal', () => {
    const [a, b] = bootstrapMeanIntervals([[], [0.1, 0.1, 0.1]], { seed: 0 });
    expect(a).toBeNull();
    expect(b).toEqual({ low: 0.1, high: 0.1 });
  });

  it('is reproducible per seed and independent of the other samples computed with it', () => {
    const r = rng(8);
    const x = Float64Array.from({ length: 25 }, () => r());
    const y = Float64Array.from({ length: 25 }, () => r() * 3);
    const z = Float64Array.from({ length: 12 }, () => r());
    const alone = bootstrapMeanIntervals([x], { seed: 7 })[0];
    const together = bootstrapMeanIntervals([y, z, x], { seed: 7 })[2];
    expect(together).toEqual(alone);
    expect(bootstrapMeanIntervals([x], { seed: 8 })[0]).not.toEqual(alone);
    expect(alone!.low).toBeLessThan(alone!.high);
  });
});
