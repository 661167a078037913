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

/** Sorted runs of one truth group; the Lovász walk merges them. */
type Runs = Keys[];

/**
 * Each group is sorted in runs of at most a quarter of the case (and at least 1 Mi
 * values): the radix scratch is one run, not the whole group, which keeps a CT-sized
 * case's peak memory near its raw size; merging a handful of runs in the walk is cheap.
 */
function runLength(total: number): number {
  return Math.max(1 << 20, Math.ceil(total / 4));
}

function splitRuns<T extends Keys | Uint32Array>(all: T, len: number): T[] {
  const runs: T[] = [];
  for (let at = 0; at < all.length; at += len) runs.push(all.subarray(at, Math.min(all.length, at + len)) as T);
  return runs;
}

/**
 * The prediction values of each truth group, sorted ascending in runs. Float32 inputs
 * (logits or probabilities straight from a file) sort by radix on their 32 bits, float64
 * ones on their 64.
 */
function sortedGroups(values: ArrayLike<number>, t: Uint8Array, nPos: number, nNeg: number): [Runs, Runs] {
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
  const len = runLength(nPos + nNeg);
  return [splitRuns(pos, len).map(radixSortFloat64), splitRuns(neg, len).map(radixSortFloat64)];
}

/** Float32 inputs: radix keys written and their digits counted, per run, in the gathering pass. */
function sortedGroupsFloat32(values: Float32Array, t: Uint8Array, nPos: number, nNeg: number): [Runs, Runs] {
  const bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
  const len = runLength(nPos + nNeg);
  const pos = new Uint32Array(nPos);
  const neg = new Uint32Array(nNeg);
  const cPos = new Uint32Array(1024 * Math.max(1, Math.ceil(nPos / len)));
  const cNeg = new Uint32Array(1024 * Math.max(1, Math.ceil(nNeg / len)));
  let a = 0;
  let b = 0;
  for (let i = 0; i < t.length; i++) {
    const ti = t[i];
    if (ti === IGNORED) continue;
    const k = sortKeyOfBits(bits[i]);
    // Each run has its own 1024 counts: the base moves on every `len` keys.
    if (ti === 1) {
      countDigits(cPos, k, 1024 * ((a / len) | 0));
      pos[a++] = k;
    } else {
      countDigits(cNeg, k, 1024 * ((b / len) | 0));
      neg[b++] = k;
    }
  }
  const scratch = new Uint32Array(Math.min(len, Math.max(nPos, nNeg)));
  const sortRuns = (keys: Uint32Array, counts: Uint32Array): Float32Array[] =>
    splitRuns(keys, len).map((run, r) => {
      const sorted = sortFloat32Keys(run, counts.subarray(1024 * r, 1024 * (r + 1)), scratch);
      // The result may sit in the scratch buffer: move it home before the next run reuses it.
      if (sorted.buffer === scratch.buffer) run.set(new Uint32Array(sorted.buffer, sorted.byteOffset, sorted.length));
      return new Float32Array(run.buffer, run.byteOffset, run.length);
    });
  return [sortRuns(pos, cPos), sortRuns(neg, cNeg)];
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
export function lovaszFromKeys(pos: Runs, neg: Runs, kind: ErrorKind, both: boolean): [number, number] {
  const nPos = pos.reduce((n, r) => n + r.length, 0);
  const nNeg = neg.reduce((n, r) => n + r.length, 0);
  const sum = new LovaszSum(nPos, nNeg, both);
  // The heads of every run: t = 1 runs are walked forward, t = 0 runs backward.
  const P = pos.length;
  const at = new Int32Array(P + neg.length);
  const head = new Float64Array(P + neg.length);
  for (let r = 0; r < P; r++) head[r] = pos[r].length ? posError(kind, pos[r][0]) : -Infinity;
  for (let r = 0; r < neg.length; r++) {
    at[P + r] = neg[r].length - 1;
    head[P + r] = neg[r].length ? negError(kind, neg[r][neg[r].length - 1]) : -Infinity;
  }
  const R = head.length;
  for (;;) {
    let best = 0;
    for (let r = 1; r < R; r++) if (head[r] > head[best]) best = r;
    const e = head[best];
    if (!(e > 0)) break;
    const fromPos = best < P;
    if (fromPos) {
      const run = pos[best];
      const k = ++at[best];
      head[best] = k < run.length ? posError(kind, run[k]) : -Infinity;
    } else {
      const run = neg[best - P];
      const k = --at[best];
      head[best] = k >= 0 ? negError(kind, run[k]) : -Infinity;
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
