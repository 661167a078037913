// Complementary error function in double precision: the piecewise rational approximations
// of fdlibm's s_erf.c (Sun Microsystems, 1993; coefficients as published there, error
// below 1 ulp). The Numerical-Recipes erfcc (1.2e-7 relative) is far too coarse for the
// p-values of statistics.md, which are compared to 1e-9 relative.

// erf(x) = x + x·R(x²) on |x| < 0.84375
const PP = [1.28379167095512558561e-1, -3.25042107247001499370e-1, -2.84817495755985104766e-2, -5.77027029648944159157e-3, -2.37630166566501626084e-5];
const QQ = [1, 3.97917223959155352819e-1, 6.50222499887672944485e-2, 5.08130628187576562776e-3, 1.32494738004321644526e-4, -3.96022827877536812320e-6];
// erf(1 + s) = ERX + P(s)/Q(s) on 0.84375 ≤ |x| < 1.25
const ERX = 8.45062911510467529297e-1;
const PA = [-2.36211856075265944077e-3, 4.14856118683748331666e-1, -3.72207876035701323847e-1, 3.18346619901161753674e-1, -1.10894694282396677476e-1, 3.54783043256182359371e-2, -2.16637559486879084300e-3];
const QA = [1, 1.06420880400844228286e-1, 5.40397917702171048937e-1, 7.18286544141962662868e-2, 1.26171219808761642112e-1, 1.36370839120290507362e-2, 1.19844998467991074170e-2];
// erfc(x) = exp(−x² − 0.5625 + R(1/x²)/S(1/x²)) / x on 1.25 ≤ x < 1/0.35
const RA = [-9.86494403484714822705e-3, -6.93858572707181764372e-1, -1.05586262253232909814e1, -6.23753324503260060396e1, -1.62396669462573470355e2, -1.84605092906711035994e2, -8.12874355063065934246e1, -9.81432934416914548592];
const SA = [1, 1.96512716674392571292e1, 1.37657754143519042600e2, 4.34565877475229228821e2, 6.45387271733267880336e2, 4.29008140027567833386e2, 1.08635005541779435134e2, 6.57024977031928170135, -6.04244152148580987438e-2];
// the same form on 1/0.35 ≤ x < 28
const RB = [-9.86494292470009928597e-3, -7.99283237680523006574e-1, -1.77579549177547519889e1, -1.60636384855821916062e2, -6.37566443368389627722e2, -1.02509513161107724954e3, -4.83519191608651397019e2];
const SB = [1, 3.03380607434824582924e1, 3.25792512996573918826e2, 1.53672958608443695994e3, 3.19985821950859553908e3, 2.55305040643316442583e3, 4.74528541206955367215e2, -2.24409524465858183362e1];

/** Σ c[k]·z^k by Horner's rule. */
function poly(c: readonly number[], z: number): number {
  let r = c[c.length - 1];
  for (let k = c.length - 2; k >= 0; k--) r = r * z + c[k];
  return r;
}

/** erfc(x) = 1 − erf(x) = (2/√π)∫ₓ^∞ e^{−t²} dt, accurate to about 1 ulp for every double x. */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const ax = Math.abs(x);
  if (ax < 0.84375) {
    if (ax < 2 ** -56) return 1 - x;
    const z = x * x;
    const y = poly(PP, z) / poly(QQ, z);
    // Below 1/4 (and for every negative x) 1 − erf(x) loses nothing; above it, the
    // regrouping keeps the last bits.
    if (x < 0.25) return 1 - (x + x * y);
    return 0.5 - (x * y + (x - 0.5));
  }
  if (ax < 1.25) {
    const s = ax - 1;
    const pq = poly(PA, s) / poly(QA, s);
    return x >= 0 ? 1 - ERX - pq : 1 + (ERX + pq);
  }
  if (ax < 28) {
    if (x <= -6) return 2;
    const s = 1 / (ax * ax);
    const rs = ax < 1 / 0.35 ? poly(RA, s) / poly(SA, s) : poly(RB, s) / poly(SB, s);
    // exp(−x²) split as exp(−h²)·exp((h − x)(h + x)) with h = x rounded to 24 bits, so h²
    // is exact in float64 and the large exponent carries no rounding error.
    const h = Math.fround(ax);
    const r = Math.exp(-h * h - 0.5625) * Math.exp((h - ax) * (h + ax) + rs);
    return x > 0 ? r / ax : 2 - r / ax;
  }
  return x > 0 ? 0 : 2;
}
