// expNeg against V8's Math.exp (itself within an ulp of the true value): relative
// differences of a few ulps at most, over a million arguments spread uniformly and
// log-uniformly, and at the edges of the tables and ranges.
import { describe, expect, it } from 'vitest';
import { expNeg } from '../src/losses/speed/fastMath.js';
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
