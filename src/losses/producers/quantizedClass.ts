// A one-channel probability map quantised to v / max (8- or 16-bit PNG): every sum and
// both Lovász terms follow from the histograms of v among the t = 1 and t = 0 voxels.
// Equal values have equal errors, and the Lovász extension over a run of equal errors
// telescopes to e·(J_after − J_before), so the one walk takes a whole bin at once — exactly.
import { LovaszSum } from '../formulas/lovasz.js';
import type { ClassResult } from './probClass.js';
import { walkSorted, type SortedGroup } from '../walk/sortedWalk.js';
import { clampedLog, focalOf, type ClassSums } from '../formulas/sums.js';
import { presentTerm } from '../formulas/lovaszSoftmax.js';

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
  onHistograms?: (h1: Float64Array, h0: Float64Array) => void,
): ClassResult {
  const [h1, h0] = valueHistograms(values, max, t);
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
    const pos = binsOf(h1);
    const neg = binsOf(h0);
    sums.lovaszHinge = walk(pos, neg, (v) => 1 - (lp[v] - l1p[v]), (v) => 1 + (lp[v] - l1p[v]), false)[0];
    const [fg, bg] = walk(pos, neg, (v) => 1 - v / max, (v) => v / max, true);
    softmaxTerm = presentTerm(fg, nPos);
    complementSoftmaxTerm = presentTerm(bg, nNeg);
  }
  // The histograms are the sorted truth groups already (v orders p, equal v are ties): AUROC/AP read them.
  onHistograms?.(h1, h0);
  return { sums, softmaxTerm, complementSoftmaxTerm };
}

/** The non-empty bins of a histogram, ascending: the group's sorted values with their counts. */
function binsOf(h: Float64Array): SortedGroup {
  let k = 0;
  for (let v = 0; v < h.length; v++) if (h[v] !== 0) k++;
  const values = new Float64Array(k);
  const counts = new Float64Array(k);
  k = 0;
  for (let v = 0; v < h.length; v++) {
    if (h[v] !== 0) {
      values[k] = v;
      counts[k++] = h[v];
    }
  }
  return { runs: [values], counts: [counts] };
}

/**
 * The Lovász sum over the bins in the order of the errors `posErr` (t = 1 bins, falling
 * as v rises) and `negErr` (t = 0 bins, rising with v), each bin taken whole; the walk
 * stops where the errors reach 0. [class term, complement term (when `both`)].
 */
function walk(pos: SortedGroup, neg: SortedGroup, posErr: (v: number) => number, negErr: (v: number) => number, both: boolean): [number, number] {
  let sum = new LovaszSum(0, 0, both);
  walkSorted(pos, neg, { pos: { key: posErr, forward: true }, neg: { key: negErr, forward: false } }, {
    start: (positives, negatives) => (sum = new LovaszSum(positives, negatives, both)),
    take: (v, positive, count) => void sum.take(positive ? posErr(v) : negErr(v), positive, count),
  }, { above: 0 });
  return [sum.loss, sum.complementLoss];
}

/** How often each value 0..max occurs among the t = 1 voxels (h1) and the t = 0 voxels (h0); ignored voxels count in neither. */
export function valueHistograms(values: ArrayLike<number>, max: number, t: Uint8Array): [Float64Array, Float64Array] {
  const h1 = new Float64Array(max + 1);
  const h0 = new Float64Array(max + 1);
  for (let i = 0; i < t.length; i++) {
    const ti = t[i];
    if (ti === 1) h1[values[i]]++;
    else if (ti === 0) h0[values[i]]++;
  }
  return [h1, h0];
}
