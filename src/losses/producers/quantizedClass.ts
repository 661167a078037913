// A one-channel probability map quantised to v / max (8- or 16-bit PNG): every sum and
// both Lovász terms follow from the histograms of v among the t = 1 and t = 0 voxels.
// Equal values have equal errors, and the Lovász extension over a run of equal errors
// telescopes to e·(J_after − J_before), so a whole bin is taken at once — exactly.
import { LovaszSum } from '../formulas/lovasz.js';
import { IGNORED, type ClassResult } from './probClass.js';
import { clampedLog, focalOf, type ClassSums } from '../formulas/sums.js';

/**
 * @param values integers 0..max, p = v / max
 * The background class of a binary map is this class's complement term, or a call with
 * max − v and the truth flipped.
 */
export function quantizedClass(
  values: ArrayLike<number>,
  max: number,
  t: Uint8Array,
  gamma: number,
  lovasz: boolean,
): ClassResult {
  const h1 = new Float64Array(max + 1);
  const h0 = new Float64Array(max + 1);
  for (let i = 0; i < t.length; i++) {
    const ti = t[i];
    if (ti === 1) h1[values[i]]++;
    else if (ti === 0) h0[values[i]]++;
  }
  let nPos = 0, nNeg = 0, sp = 0, spt = 0, sTLogP = 0, sNotTLog1mP = 0, fPos = 0, fNeg = 0;
  const lp = new Float64Array(max + 1);
  const l1p = new Float64Array(max + 1);
  for (let v = 0; v <= max; v++) {
    const p = v / max;
    lp[v] = clampedLog(p);
    l1p[v] = clampedLog(1 - p);
    const a = h1[v];
    const b = h0[v];
    if (a === 0 && b === 0) continue;
    nPos += a;
    nNeg += b;
    sp += (a + b) * p;
    spt += a * p;
    sTLogP += a * lp[v];
    sNotTLog1mP += b * l1p[v];
    if (a) fPos += a * focalOf(1 - p, -lp[v], gamma);
    if (b) fNeg += b * focalOf(p, -l1p[v], gamma);
  }
  const sums: ClassSums = {
    n: nPos + nNeg, sp, st: nPos, spt, sumTLogP: sTLogP, sumNotTLog1mP: sNotTLog1mP,
    focalPos: fPos, focalNeg: fNeg, lovaszHinge: 0,
  };
  let softmaxTerm = NaN;
  let complementSoftmaxTerm = NaN;
  if (lovasz) {
    sums.lovaszHinge = walk(h1, h0, max, (v) => 1 - (lp[v] - l1p[v]), (v) => 1 + (lp[v] - l1p[v]), false)[0];
    const [fg, bg] = walk(h1, h0, max, (v) => 1 - v / max, (v) => v / max, true);
    if (nPos > 0) softmaxTerm = fg;
    if (nNeg > 0) complementSoftmaxTerm = bg;
  }
  return { sums, softmaxTerm, complementSoftmaxTerm };
}

/** The sorted-runs walk of probClass over histogram bins: t = 1 bins by rising v (falling error), t = 0 bins by falling v, each bin taken whole. */
function walk(
  h1: Float64Array,
  h0: Float64Array,
  max: number,
  posErr: (v: number) => number,
  negErr: (v: number) => number,
  both: boolean,
): [number, number] {
  let G1 = 0;
  let G0 = 0;
  for (let v = 0; v <= max; v++) {
    G1 += h1[v];
    G0 += h0[v];
  }
  const sum = new LovaszSum(G1, G0, both);
  let i = 0;
  let j = max;
  while (i <= max && h1[i] === 0) i++;
  while (j >= 0 && h0[j] === 0) j--;
  for (;;) {
    const ep = i <= max ? posErr(i) : -Infinity;
    const en = j >= 0 ? negErr(j) : -Infinity;
    const fromPos = ep >= en;
    const e = fromPos ? ep : en;
    if (!(e > 0)) break;
    if (fromPos) {
      sum.take(e, true, h1[i]);
      i++;
      while (i <= max && h1[i] === 0) i++;
    } else {
      sum.take(e, false, h0[j]);
      j--;
      while (j >= 0 && h0[j] === 0) j--;
    }
  }
  return [sum.loss, sum.complementLoss];
}
