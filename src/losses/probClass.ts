// One class of a probabilistic prediction: every sum of losses.md in one fused pass,
// then the two Lovász terms from each truth group sorted once on the prediction itself
// (both errors are monotone in p, or in z, within a truth group).
import { clampedLog, focalTerm, type ClassSums } from './sums.js';
import { LovaszSum } from './lovasz.js';
import { countDigits, radixSortFloat64, sortFloat32Keys, sortKeyOfBits } from './radix.js';

/** Truth codes: 0 or 1, IGNORED for voxels left out (--ignore-index). */
export const IGNORED = 255;

export interface ClassResult {
  sums: ClassSums;
  /** This class's Lovász-softmax term (mean of e = |t − p| extension); NaN when the class is absent from the ground truth. */
  softmaxTerm: number;
  /** The complementary class's term (background 1 − p of a binary prediction: same errors, truth swapped). */
  complementSoftmaxTerm: number;
}

type Keys = Float32Array | Float64Array;

/**
 * The prediction values of each truth group, sorted ascending. Float32 inputs (logits or
 * probabilities straight from a file) sort by radix on their bits; float64 ones natively.
 */
function sortedGroups(values: ArrayLike<number>, t: Uint8Array, nPos: number, nNeg: number): [Keys, Keys] {
  if (values instanceof Float32Array) return sortedGroupsFloat32(values, t, nPos, nNeg);
  const pos = new Float64Array(nPos);
  const neg = new Float64Array(nNeg);
  let a = 0;
  let b = 0;
  for (let i = 0; i < t.length; i++) {
    const ti = t[i];
    if (ti === 1) pos[a++] = values[i];
    else if (ti === 0) neg[b++] = values[i];
  }
  return [radixSortFloat64(pos), radixSortFloat64(neg)];
}

/** Float32 inputs (logits or probabilities straight from a file): radix keys written and counted in the gathering pass. */
function sortedGroupsFloat32(values: Float32Array, t: Uint8Array, nPos: number, nNeg: number): [Keys, Keys] {
  const bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
  const pos = new Uint32Array(nPos);
  const neg = new Uint32Array(nNeg);
  const cPos = new Uint32Array(1024);
  const cNeg = new Uint32Array(1024);
  let a = 0;
  let b = 0;
  for (let i = 0; i < t.length; i++) {
    const ti = t[i];
    if (ti === IGNORED) continue;
    const k = sortKeyOfBits(bits[i]);
    if (ti === 1) {
      pos[a++] = k;
      countDigits(cPos, k);
    } else {
      neg[b++] = k;
      countDigits(cNeg, k);
    }
  }
  const scratch = new Uint32Array(Math.max(nPos, nNeg));
  const sp = sortFloat32Keys(pos, cPos, scratch);
  // The result may sit in the scratch buffer: copy it out before the second sort reuses it.
  const sortedPos = sp.buffer === scratch.buffer ? Float32Array.from(sp) : sp;
  return [sortedPos, sortFloat32Keys(neg, cNeg, scratch)];
}

/** How a sorted key becomes an error (losses.md): hinge on z, or |t − p| for the softmax. */
export enum ErrorKind {
  /** key = p; e = 1 ∓ z with z = log p − log(1−p), clamped logs */
  HingeProb,
  /** key = z; e = 1 ∓ z */
  HingeLogit,
  /** key = p; e = 1 − p (t = 1), p (t = 0) */
  SoftProb,
  /** key = z; e as SoftProb with p = sigmoid(z) */
  SoftLogit,
}

function posError(kind: ErrorKind, x: number): number {
  switch (kind) {
    case ErrorKind.HingeProb: return 1 - (clampedLog(x) - clampedLog(1 - x));
    case ErrorKind.HingeLogit: return 1 - x;
    case ErrorKind.SoftProb: return 1 - x;
    case ErrorKind.SoftLogit: return sigmoid(-x);
  }
}

function negError(kind: ErrorKind, x: number): number {
  switch (kind) {
    case ErrorKind.HingeProb: return 1 + (clampedLog(x) - clampedLog(1 - x));
    case ErrorKind.HingeLogit: return 1 + x;
    case ErrorKind.SoftProb: return x;
    case ErrorKind.SoftLogit: return sigmoid(x);
  }
}

/**
 * lovaszMerge over keys sorted ascending: t = 1 errors fall as the key rises, t = 0 errors
 * rise, so the t = 1 group is walked forward and the t = 0 group backward, computing each
 * error in float64 from its key. One walk scores both classes of a binary prediction:
 * the complement (background) has the same errors with the t = 0 voxels as its positives.
 * Returns [class term, complement term] (the complement's is 0 unless `both`).
 */
export function lovaszFromKeys(pos: Keys, neg: Keys, kind: ErrorKind, both: boolean): [number, number] {
  const sum = new LovaszSum(pos.length, neg.length, both);
  let i = 0;
  let j = neg.length - 1;
  let ep = i < pos.length ? posError(kind, pos[i]) : -Infinity;
  let en = j >= 0 ? negError(kind, neg[j]) : -Infinity;
  for (;;) {
    const fromPos = ep >= en;
    const e = fromPos ? ep : en;
    if (!(e > 0)) break;
    if (fromPos) {
      i++;
      ep = i < pos.length ? posError(kind, pos[i]) : -Infinity;
    } else {
      j--;
      en = j >= 0 ? negError(kind, neg[j]) : -Infinity;
    }
    sum.take(e, fromPos, 1);
  }
  return [sum.loss, sum.complementLoss];
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

/**
 * The sums of a class, then its Lovász hinge and both softmax terms from one sort of
 * each truth group on the prediction's own values (`values`: p or z, as `hinge`/`soft` say).
 */
function finishClass(
  sums: ClassSums,
  values: ArrayLike<number>,
  t: Uint8Array,
  lovasz: boolean,
  hinge: ErrorKind,
  soft: ErrorKind,
): ClassResult {
  if (!lovasz) return { sums, softmaxTerm: NaN, complementSoftmaxTerm: NaN };
  const nPos = sums.st;
  const nNeg = sums.n - sums.st;
  const [kp, kn] = sortedGroups(values, t, nPos, nNeg);
  sums.lovaszHinge = lovaszFromKeys(kp, kn, hinge, false)[0];
  // The softmax averages over classes present in the ground truth: an absent one is NaN (left out).
  const [fgTerm, bgTerm] = lovaszFromKeys(kp, kn, soft, true);
  return { sums, softmaxTerm: nPos > 0 ? fgTerm : NaN, complementSoftmaxTerm: nNeg > 0 ? bgTerm : NaN };
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
  return finishClass(sums, p, t, lovasz, ErrorKind.HingeProb, ErrorKind.SoftProb);
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
  return finishClass(sums, z, t, lovasz, ErrorKind.HingeLogit, ErrorKind.SoftLogit);
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
