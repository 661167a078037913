// One class of a probabilistic prediction: every sum of losses.md in one fused pass,
// then the two Lovász terms from each truth group sorted once on the prediction itself
// (both errors are monotone in p, or in z, within a truth group).
import { clampedLog, focalTerm, type ClassSums } from './sums.js';
import { lovaszMerge } from './lovasz.js';

/** Truth codes: 0 or 1, IGNORED for voxels left out (--ignore-index). */
export const IGNORED = 255;

export interface ClassResult {
  sums: ClassSums;
  /** This class's Lovász-softmax term (mean of e = |t − p| extension); NaN when the class is absent from the ground truth. */
  softmaxTerm: number;
  /** The complementary class's term (background 1 − p of a binary prediction: same errors, truth swapped). */
  complementSoftmaxTerm: number;
}

function sortedGroups(values: ArrayLike<number>, t: Uint8Array, nPos: number, nNeg: number): [Float64Array, Float64Array] {
  const pos = new Float64Array(nPos);
  const neg = new Float64Array(nNeg);
  let a = 0;
  let b = 0;
  for (let i = 0; i < t.length; i++) {
    const ti = t[i];
    if (ti === 1) pos[a++] = values[i];
    else if (ti === 0) neg[b++] = values[i];
  }
  pos.sort();
  neg.sort();
  return [pos, neg];
}

/** In-place: ascending keys → errors, written so that the array is descending in error. */
function mapInto(keys: Float64Array, out: Float64Array, f: (k: number) => number, reverse: boolean): Float64Array {
  const n = keys.length;
  if (reverse) for (let k = 0; k < n; k++) out[k] = f(keys[n - 1 - k]);
  else for (let k = 0; k < n; k++) out[k] = f(keys[k]);
  return out;
}

function countTruth(t: Uint8Array): [number, number] {
  let pos = 0;
  let neg = 0;
  for (let i = 0; i < t.length; i++) {
    if (t[i] === 1) pos++;
    else if (t[i] === 0) neg++;
  }
  return [pos, neg];
}

/** A class given by probabilities p ∈ [0, 1] (clamped logs; z = log p − log(1−p)). */
export function probClass(p: ArrayLike<number>, t: Uint8Array, gamma: number, lovasz: boolean): ClassResult {
  const [nPos, nNeg] = countTruth(t);
  let sp = 0, spt = 0, sTLogP = 0, sNotTLog1mP = 0, fPos = 0, fNeg = 0;
  for (let i = 0; i < t.length; i++) {
    const ti = t[i];
    if (ti === IGNORED) continue;
    const pi = p[i];
    sp += pi;
    if (ti === 1) {
      spt += pi;
      const lp = clampedLog(pi);
      sTLogP += lp;
      fPos += focalTerm(-lp, gamma);
    } else {
      const l1p = clampedLog(1 - pi);
      sNotTLog1mP += l1p;
      fNeg += focalTerm(-l1p, gamma);
    }
  }
  const sums: ClassSums = {
    n: nPos + nNeg, sp, st: nPos, spt, sumTLogP: sTLogP, sumNotTLog1mP: sNotTLog1mP,
    focalPos: fPos, focalNeg: fNeg, lovaszHinge: 0,
  };
  let softmaxTerm = NaN;
  let complementSoftmaxTerm = NaN;
  if (lovasz) {
    const [kp, kn] = sortedGroups(p, t, nPos, nNeg);
    const ep = new Float64Array(nPos);
    const en = new Float64Array(nNeg);
    const z = (x: number) => clampedLog(x) - clampedLog(1 - x);
    // Hinge: t=1 → e = 1 − z, largest for the smallest p; t=0 → e = 1 + z, largest for the largest p.
    sums.lovaszHinge = lovaszMerge(
      mapInto(kp, ep, (x) => 1 - z(x), false),
      mapInto(kn, en, (x) => 1 + z(x), true),
      nPos,
    );
    mapInto(kp, ep, (x) => 1 - x, false);
    mapInto(kn, en, (x) => x, true);
    if (nPos > 0) softmaxTerm = lovaszMerge(ep, en, nPos);
    if (nNeg > 0) complementSoftmaxTerm = lovaszMerge(en, ep, nNeg);
  }
  return { sums, softmaxTerm, complementSoftmaxTerm };
}

/**
 * A binary class given by logits z: p = sigmoid(z), log p = −softplus(−z), log(1−p) = −softplus(z),
 * exact (not clamped), with one exp and one log1p per voxel.
 */
export function logitClass(z: ArrayLike<number>, t: Uint8Array, gamma: number, lovasz: boolean): ClassResult {
  const [nPos, nNeg] = countTruth(t);
  let sp = 0, spt = 0, sTLogP = 0, sNotTLog1mP = 0, fPos = 0, fNeg = 0;
  for (let i = 0; i < t.length; i++) {
    const ti = t[i];
    if (ti === IGNORED) continue;
    const zi = z[i];
    const a = zi < 0 ? -zi : zi;
    const E = Math.exp(-a);
    const L = Math.log1p(E);
    const inv = 1 / (1 + E);
    // p and 1 − p without cancellation
    const p = zi >= 0 ? inv : E * inv;
    const q = zi >= 0 ? E * inv : inv;
    sp += p;
    if (ti === 1) {
      spt += p;
      const bce = (zi < 0 ? -zi : 0) + L; // softplus(−z)
      sTLogP -= bce;
      fPos += modulated(q, bce, gamma);
    } else {
      const bce = (zi > 0 ? zi : 0) + L; // softplus(z)
      sNotTLog1mP -= bce;
      fNeg += modulated(p, bce, gamma);
    }
  }
  const sums: ClassSums = {
    n: nPos + nNeg, sp, st: nPos, spt, sumTLogP: sTLogP, sumNotTLog1mP: sNotTLog1mP,
    focalPos: fPos, focalNeg: fNeg, lovaszHinge: 0,
  };
  let softmaxTerm = NaN;
  let complementSoftmaxTerm = NaN;
  if (lovasz) {
    const [kp, kn] = sortedGroups(z, t, nPos, nNeg);
    const ep = new Float64Array(nPos);
    const en = new Float64Array(nNeg);
    sums.lovaszHinge = lovaszMerge(
      mapInto(kp, ep, (x) => 1 - x, false),
      mapInto(kn, en, (x) => 1 + x, true),
      nPos,
    );
    mapInto(kp, ep, (x) => 1 - sigmoid(x), false);
    mapInto(kn, en, (x) => sigmoid(x), true);
    if (nPos > 0) softmaxTerm = lovaszMerge(ep, en, nPos);
    if (nNeg > 0) complementSoftmaxTerm = lovaszMerge(en, ep, nNeg);
  }
  return { sums, softmaxTerm, complementSoftmaxTerm };
}

/** (1 − p_t)^γ · BCE where 1 − p_t = e^{−BCE} is already known without cancellation. */
function modulated(oneMinusPt: number, bce: number, gamma: number): number {
  if (gamma === 2) return oneMinusPt * oneMinusPt * bce;
  if (gamma === 0) return bce;
  return Math.pow(oneMinusPt, gamma) * bce;
}

export function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}
