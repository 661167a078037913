// e^{−a} and log1p(E) on the ranges the logit sums need (a ≥ 0, 0 ≤ E ≤ 1), about four
// times faster than Math.exp and Math.log1p in V8, which dominate a walk over a CT's
// voxels. Table-driven with short polynomials, within a few units in the last place of
// the correctly rounded value (test/fastMath.test.ts bounds the error against Math's on
// a million arguments): float64 sums of them stay as exact as sums of Math's.

const LN2_HI = 6.93147180369123816490e-1; // ln 2, high part: 32 low bits zero (fdlibm)
const LN2_LO = 1.90821492927058770002e-10; // ln 2 − LN2_HI
const STEPS = 64; // e^{−a} = 2^{−k/64} · e^{−r}, |r| ≤ ln 2 / 128
const INV_STEP = STEPS / Math.LN2;
/** Adding then subtracting 1.5 · 2^52 rounds a double to the nearest integer. */
const ROUNDER = 6755399441055744;

/** 2^{j/64}, j = 0 … 63 */
const POW2_FRAC = Float64Array.from({ length: STEPS }, (_, j) => Math.pow(2, j / STEPS));
/** 2^{−n}, n = 0 … 1074 (the last ones subnormal) */
const POW2_NEG = Float64Array.from({ length: 1075 }, (_, n) => Math.pow(2, -n));

/** Beyond this, e^{−a} is subnormal or 0: left to Math.exp. */
const EXP_FAST_MAX = 700;

/** e^{−a} for a ≥ 0. */
export function expNeg(a: number): number {
  if (!(a <= EXP_FAST_MAX)) return Math.exp(-a);
  // k = round(a · 64 / ln 2) ≥ 0, a = k · ln2/64 + r with |r| ≤ ln 2 / 128 (k · LN2_HI is exact).
  const k = a * INV_STEP + ROUNDER - ROUNDER;
  const r = a - k * (LN2_HI / STEPS) - k * (LN2_LO / STEPS);
  const ki = k | 0;
  // e^{−r} to degree 6: the next term, r^7/5040 < 2e-20, is far below an ulp.
  const x = -r;
  const p = 1 + x * (1 + x * (1 / 2 + x * (1 / 6 + x * (1 / 24 + x * (1 / 120 + x * (1 / 720))))));
  // 2^{−k/64} = 2^{−(n+1)} · 2^{(64 − j)/64} for k = 64n + j, j > 0; 2^{−n} when j = 0.
  const j = ki & (STEPS - 1);
  const n = ki >> 6;
  return j === 0 ? POW2_NEG[n] * p : POW2_NEG[n + 1] * POW2_FRAC[STEPS - j] * p;
}

const LOG_STEPS = 64;
/** log(1 + j/64), j = 0 … 64 */
const LOG_TABLE = Float64Array.from({ length: LOG_STEPS + 1 }, (_, j) => Math.log1p(j / LOG_STEPS));

/** log1p(E) for 0 ≤ E ≤ 1. */
export function log1pUnit(E: number): number {
  // u = 1 + E rounded, with the rounding error c recovered exactly (u − 1 is exact in [1, 2]).
  const u = 1 + E;
  const c = E - (u - 1);
  // Nearest table point m = 1 + j/64; log(u/m) = 2 atanh(s), s = (u − m)/(u + m), |s| ≤ 1/257
  // (u − m is exact). For E below 1/128, m = 1 and the table adds nothing: no cancellation.
  const j = ((u - 1) * LOG_STEPS + 0.5) | 0;
  const m = 1 + j / LOG_STEPS;
  const s = (u - m) / (u + m);
  const s2 = s * s;
  // 2 atanh(s) = 2s (1 + s²/3 + s⁴/5 + s⁶/7 + s⁸/9): the next term is below 1e-24 relative.
  const atanh2 = 2 * s * (1 + s2 * (1 / 3 + s2 * (1 / 5 + s2 * (1 / 7 + s2 * (1 / 9)))));
  return LOG_TABLE[j] + atanh2 + c / u;
}
