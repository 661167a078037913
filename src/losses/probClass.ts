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
export type Runs = Keys[];

/**
 * Each group is sorted in runs of at most a quarter of the case (and at least 1 Mi
 * values): the radix scratch is one run, not the whole group, which keeps a CT-sized
 * case's peak memory near its raw size; merging a handful of runs in the walk is cheap.
 */
function runLength(total: number): number {
  return Math.max(1 << 20, Math.ceil(total / 4));
}

/** Sorted runs live in shared memory, so a helper thread can walk them without a copy (split.ts). */
function shared(bytes: number): SharedArrayBuffer {
  return new SharedArrayBuffer(bytes);
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
  const pos = new Float64Array(shared(8 * nPos));
  const neg = new Float64Array(shared(8 * nNeg));
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
  const pos = new Uint32Array(shared(4 * nPos));
  const neg = new Uint32Array(shared(4 * nNeg));
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

export interface LovaszTerms {
  /** The class's Lovász hinge. */
  hinge: number;
  /** The class's Lovász-softmax term, e = |t − p|. */
  soft: number;
  /** The complement's (background of a binary prediction: t = 0 voxels are its positives). */
  complementSoft: number;
}

/**
 * Every Lovász term of a class in one walk over its sorted runs. Within a truth group both
 * errors fall as the key (p or z) moves away from the truth, and between the groups both
 * compare −z(pos) with z(neg) (p: 1 − p(pos) with p(neg)), so the hinge and the softmax
 * share one merge order; ties may go either way (the extension is continuous), and the
 * clamped logs only ever tie hinge errors the softmax order separates. t = 1 runs are
 * walked forward (rising key), t = 0 runs backward. The hinge stops adding once its error
 * reaches 0; the softmax goes on while its error is positive.
 */
/**
 * A part of the walk by merge key: `above` K takes the voxels whose key is > K (the start
 * of the walk), `atMost` K the rest, resuming from the counts of the voxels above K (one
 * binary search per run). The two segments add up to the whole walk exactly, so they can
 * run on two threads.
 */
export type WalkSegment = { above: number } | { atMost: number };

/** Smallest index whose value satisfies `test` (false … false, true … true along the run), or run.length. */
function firstIndex(run: Keys, test: (x: number) => boolean): number {
  let lo = 0;
  let hi = run.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (test(run[mid])) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

export function lovaszTerms(pos: Runs, neg: Runs, input: ClassInput, segment?: WalkSegment): LovaszTerms {
  const nPos = pos.reduce((n, r) => n + r.length, 0);
  const nNeg = neg.reduce((n, r) => n + r.length, 0);
  const hinge = new LovaszSum(nPos, nNeg, false);
  const soft = new LovaszSum(nPos, nNeg, true);
  const logits = input === 'logits';
  const posKey = (x: number) => (logits ? -x : 1 - x);
  // Merge keys, larger first: −z (or 1 − p) for t = 1 heads, z (or p) for t = 0 heads.
  const P = pos.length;
  const R = P + neg.length;
  const at = new Int32Array(R);
  const head = new Float64Array(R);
  const floor = segment && 'above' in segment ? segment.above : -Infinity;
  const keyOf = (r: number, k: number): number => {
    const key = r < P ? (k < pos[r].length ? posKey(pos[r][k]) : -Infinity) : k >= 0 ? neg[r - P][k] : -Infinity;
    return key > floor ? key : -Infinity;
  };
  let c1 = 0;
  let c0 = 0;
  for (let r = 0; r < R; r++) {
    if (segment && 'atMost' in segment) {
      const K = segment.atMost;
      if (r < P) {
        at[r] = firstIndex(pos[r], (x) => posKey(x) <= K);
        c1 += at[r];
      } else {
        const run = neg[r - P];
        const above = firstIndex(run, (x) => x > K);
        at[r] = above - 1;
        c0 += run.length - above;
      }
    } else at[r] = r < P ? 0 : neg[r - P].length - 1;
    head[r] = keyOf(r, at[r]);
  }
  hinge.resumeAfter(c1, c0);
  soft.resumeAfter(c1, c0);
  let hingeOn = true;
  for (;;) {
    let best = 0;
    for (let r = 1; r < R; r++) if (head[r] > head[best]) best = r;
    if (head[best] === -Infinity) break;
    const positive = best < P;
    const x = positive ? pos[best][at[best]] : neg[best - P][at[best]];
    at[best] += positive ? 1 : -1;
    head[best] = keyOf(best, at[best]);
    const eSoft = logits ? sigmoid(positive ? -x : x) : positive ? 1 - x : x;
    if (hingeOn) {
      const z = logits ? x : clampedLog(x) - clampedLog(1 - x);
      const eHinge = positive ? 1 - z : 1 + z;
      if (eHinge > 0) hinge.take(eHinge, positive, 1);
      else hingeOn = false;
    }
    if (!(eSoft > 0)) {
      if (!hingeOn) break;
      continue;
    }
    soft.take(eSoft, positive, 1);
  }
  return { hinge: hinge.loss, soft: soft.loss, complementSoft: soft.complementLoss };
}

/** The key that splits the walk about in half: the median of keys sampled evenly from every run. */
export function walkPivot(pos: Runs, neg: Runs, input: ClassInput): number {
  const keys: number[] = [];
  const per = 256;
  for (const run of pos) for (let k = 0; k < per && run.length; k++) {
    const x = run[Math.floor((k * run.length) / per)];
    keys.push(input === 'logits' ? -x : 1 - x);
  }
  for (const run of neg) for (let k = 0; k < per && run.length; k++) keys.push(run[Math.floor((k * run.length) / per)]);
  // Weight each run's samples by its size: repeat by run length / per, simplest as a weighted median.
  const weighted: [number, number][] = [];
  let i = 0;
  for (const run of [...pos, ...neg]) for (let k = 0; k < per && run.length; k++) weighted.push([keys[i++], run.length / per]);
  weighted.sort((a, b) => a[0] - b[0]);
  const total = weighted.reduce((s, w) => s + w[1], 0);
  let acc = 0;
  for (const [key, w] of weighted) {
    acc += w;
    if (acc >= total / 2) return key;
  }
  return 0;
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

/** What a class's values are: probabilities (clamped logs) or binary logits (exact softplus). */
export type ClassInput = 'probs' | 'logits';

/**
 * One voxel range of a class: its sums, and for the Lovász terms each truth group's
 * values sorted in runs. Parts of disjoint ranges combine exactly (combineParts), which
 * is how a large case is split over threads.
 */
export interface ClassPart {
  sums: ClassSums;
  pos: Runs;
  neg: Runs;
}

export function classPart(input: ClassInput, values: ArrayLike<number>, t: Uint8Array, gamma: number, lovasz: boolean): ClassPart {
  const sums = input === 'logits' ? logitSums(values, t, gamma) : probSums(values, t, gamma);
  if (!lovasz) return { sums, pos: [], neg: [] };
  const [pos, neg] = sortedGroups(values, t, sums.st, sums.n - sums.st);
  return { sums, pos, neg };
}

/** The class's sums, Lovász hinge and both softmax terms from the parts of its voxel ranges. */
export type Walker = (pos: Runs, neg: Runs, input: ClassInput) => LovaszTerms;

export function combineParts(parts: ClassPart[], input: ClassInput, lovasz: boolean, walk: Walker = lovaszTerms): ClassResult {
  const sums = parts.map((p) => p.sums).reduce(addSums);
  if (!lovasz) return { sums, softmaxTerm: NaN, complementSoftmaxTerm: NaN };
  const pos = parts.flatMap((p) => p.pos);
  const neg = parts.flatMap((p) => p.neg);
  const terms = walk(pos, neg, input);
  sums.lovaszHinge = terms.hinge;
  // The softmax averages over classes present in the ground truth: an absent one is NaN (left out).
  const [fgTerm, bgTerm] = [terms.soft, terms.complementSoft];
  const nNeg = sums.n - sums.st;
  return { sums, softmaxTerm: sums.st > 0 ? fgTerm : NaN, complementSoftmaxTerm: nNeg > 0 ? bgTerm : NaN };
}

function addSums(a: ClassSums, b: ClassSums): ClassSums {
  return {
    n: a.n + b.n, sp: a.sp + b.sp, st: a.st + b.st, spt: a.spt + b.spt,
    sumTLogP: a.sumTLogP + b.sumTLogP, sumNotTLog1mP: a.sumNotTLog1mP + b.sumNotTLog1mP,
    focalPos: a.focalPos + b.focalPos, focalNeg: a.focalNeg + b.focalNeg, lovaszHinge: 0,
  };
}

/** A class given by probabilities p ∈ [0, 1] (clamped logs; z = log p − log(1−p)). */
export function probClass(p: ArrayLike<number>, t: Uint8Array, gamma: number, lovasz: boolean): ClassResult {
  return combineParts([classPart('probs', p, t, gamma, lovasz)], 'probs', lovasz);
}

/**
 * A binary class given by logits z: p = sigmoid(z), log p = −softplus(−z), log(1−p) = −softplus(z),
 * exact (not clamped), with one exp and one log1p per voxel.
 */
export function logitClass(z: ArrayLike<number>, t: Uint8Array, gamma: number, lovasz: boolean): ClassResult {
  return combineParts([classPart('logits', z, t, gamma, lovasz)], 'logits', lovasz);
}

function probSums(p: ArrayLike<number>, t: Uint8Array, gamma: number): ClassSums {
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
  return {
    n: nPos + nNeg, sp, st: nPos, spt, sumTLogP: sTLogP, sumNotTLog1mP: sNotTLog1mP,
    focalPos: fPos, focalNeg: fNeg, lovaszHinge: 0,
  };
}

/** One exp and one log1p per voxel: softplus(±z) = max(±z, 0) + log1p(e^{−|z|}). */
function logitSums(z: ArrayLike<number>, t: Uint8Array, gamma: number): ClassSums {
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
  return {
    n: nPos + nNeg, sp, st: nPos, spt, sumTLogP: sTLogP, sumNotTLog1mP: sNotTLog1mP,
    focalPos: fPos, focalNeg: fNeg, lovaszHinge: 0,
  };
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
