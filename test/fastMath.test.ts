// expNeg and log1pUnit against V8's Math.exp and Math.log1p (each within an ulp of the
// true value): relative differences of a few ulps at most, over a million arguments
// spread uniformly and log-uniformly, and at the edges of the tables and ranges.
import { describe, expect, it } from 'vitest';
import { expNeg, log1pUnit } from '../src/losses/fastMath.js';
import { rng } from './helpers/rng.js';

const ULP = 2 ** -52;

function worstRelative(args: number[], fast: (x: number) => number, exact: (x: number) => number): number {
  let worst = 0;
  for (const x of args) {
    const want = exact(x);
    const got = fast(x);
    const rel = want === 0 ? Math.abs(got) : Math.abs(got - want) / Math.abs(want);
    if (!(rel <= worst)) worst = rel; // NaN makes worst NaN, which fails the bound
  }
  return worst;
}

function spread(seed: number, n: number, lo: number, hi: number): number[] {
  const r = rng(seed);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    out.push(lo + (hi - lo) * r());
    out.push(Math.exp(Math.log(Math.max(lo, 1e-300)) + (Math.log(hi) - Math.log(Math.max(lo, 1e-300))) * r()));
  }
  return out;
}

describe('expNeg (e^{−a}, a ≥ 0)', () => {
  it('is within 4 ulp of Math.exp(−a) on a million arguments in [0, 745]', () => {
    expect(worstRelative(spread(1, 500_000, 0, 745), expNeg, (a) => Math.exp(-a))).toBeLessThanOrEqual(4 * ULP);
  });
  it('is exact at 0 and right at the edges of its tables and of its fast range', () => {
    expect(expNeg(0)).toBe(1);
    const edges = [5e-324, 1e-300, 1e-17, Math.LN2 / 128, Math.LN2 / 64, Math.LN2, 1, 2.5, 699.999, 700, 700.001, 708.39, 744];
    expect(worstRelative(edges, expNeg, (a) => Math.exp(-a))).toBeLessThanOrEqual(4 * ULP);
  });
  it('underflows to 0 and keeps infinity and NaN as Math.exp does', () => {
    expect(expNeg(746)).toBe(0);
    expect(expNeg(Infinity)).toBe(0);
    expect(expNeg(NaN)).toBeNaN();
  });
});

describe('log1pUnit (log1p(E), 0 ≤ E ≤ 1)', () => {
  it('is within 4 ulp of Math.log1p on a million arguments in [0, 1]', () => {
    expect(worstRelative(spread(2, 500_000, 0, 1), log1pUnit, Math.log1p)).toBeLessThanOrEqual(4 * ULP);
  });
  it('is exact at 0 and 1, equals E below 2^−53, and is right at the table points', () => {
    expect(log1pUnit(0)).toBe(0);
    expect(log1pUnit(1)).toBe(Math.log1p(1));
    expect(log1pUnit(1e-300)).toBe(1e-300);
    expect(log1pUnit(2 ** -60)).toBe(2 ** -60);
    const points: number[] = [];
    for (let j = 0; j <= 64; j++) for (const d of [-1e-9, -ULP, 0, ULP, 1e-9]) points.push(Math.min(1, Math.max(0, j / 64 + 1 / 128 + d)), Math.min(1, Math.max(0, j / 64 + d)));
    expect(worstRelative(points, log1pUnit, Math.log1p)).toBeLessThanOrEqual(4 * ULP);
  });
});
