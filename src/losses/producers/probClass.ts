// One class of a probabilistic prediction. Without the Lovász terms: every sum of
// losses.md in one pass. With them: each truth group sorted once on the prediction itself
// (both errors are monotone in p, or in z, within a truth group), then one walk in error
// order that takes the Lovász terms and every other sum at once.
import { clampedLog, emptySums, focalOf, type ClassSums } from '../formulas/sums.js';
import { LovaszSum } from '../formulas/lovasz.js';
import { radixSortFloat64 } from '../sort/radix.js';
import { expNeg } from '../speed/fastMath.js';
import { inChunks, PASS_CHUNK } from '../speed/chunks.js';
import { bucketGroups, BUCKETS, keyBuffer, sortBucketRange, sortedRuns } from '../sort/bucketSort.js';
import { countTruth, IGNORED } from './truth.js';

export { IGNORED } from './truth.js';

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
 * The prediction values of each truth group, sorted ascending. Float32 inputs (logits or
 * probabilities straight from a file) sort by bucket and radix on their 32 bits into one
 * run per group; float64 ones by radix on their 64, in runs (see runLength).
 */
function sortedGroups(values: ArrayLike<number>, t: Uint8Array, reuseKeys: boolean): [Runs, Runs] {
  if (values instanceof Float32Array) {
    const g = bucketGroups(values, t, reuseKeys ? keyBuffer(t.length) : undefined);
    sortBucketRange(g, 0, BUCKETS);
    const [pos, neg] = sortedRuns(g);
    return [[pos], [neg]];
  }
  const [nPos, nNeg] = countTruth(t);
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

export interface LovaszTerms {
  /** The class's Lovász hinge. */
  hinge: number;
  /** The class's Lovász-softmax term, e = |t − p|. */
  soft: number;
  /** The complement's (background of a binary prediction: t = 0 voxels are its positives). */
  complementSoft: number;
  /** Every other sum of the class, taken in the same walk (n and st are known from the counts). */
  sums: VoxelSums;
}

export type VoxelSums = Omit<ClassSums, 'n' | 'st' | 'lovaszHinge'>;

/**
 * The per-voxel terms of the sums, fed the voxels of a walk one at a time. Logits: one exp
 * and one log1p per voxel (none when the key repeats the previous one, as sorted float32
 * keys often do); softplus(±z) = max(±z, 0) + log1p(e^{−|z|}) is exact. Probabilities:
 * PyTorch's clamped logs. Each call leaves the voxel's hinge error in `eHinge` and returns
 * its softmax error.
 */
class VoxelTerms implements VoxelSums {
  sp = 0;
  spt = 0;
  sumTLogP = 0;
  sumNotTLog1mP = 0;
  focalPos = 0;
  focalNeg = 0;
  eHinge = 0;
  private lastZ = NaN;
  private E = 0;
  private L = 0;
  private inv = 0;

  constructor(private readonly gamma: number) {}

  logit(z: number, positive: boolean): number {
    if (z !== this.lastZ) {
      this.E = expNeg(z < 0 ? -z : z);
      this.L = Math.log1p(this.E);
      this.inv = 1 / (1 + this.E);
      this.lastZ = z;
    }
    // p and 1 − p without cancellation
    const p = z >= 0 ? this.inv : this.E * this.inv;
    const q = z >= 0 ? this.E * this.inv : this.inv;
    this.sp += p;
    if (positive) {
      this.spt += p;
      const bce = (z < 0 ? -z : 0) + this.L; // softplus(−z)
      this.sumTLogP -= bce;
      this.focalPos += focalOf(q, bce, this.gamma);
      this.eHinge = 1 - z;
      return q;
    }
    const bce = (z > 0 ? z : 0) + this.L; // softplus(z)
    this.sumNotTLog1mP -= bce;
    this.focalNeg += focalOf(p, bce, this.gamma);
    this.eHinge = 1 + z;
    return p;
  }

  /**
   * The focal term from 1 − p_t itself (focalOf), with no expm1.
   * @param hinge whether the hinge error is still wanted (it costs the other log)
   */
  prob(p: number, positive: boolean, hinge: boolean): number {
    this.sp += p;
    if (positive) {
      this.spt += p;
      const lp = clampedLog(p);
      this.sumTLogP += lp;
      this.focalPos += focalOf(1 - p, -lp, this.gamma);
      if (hinge) this.eHinge = 1 - (lp - clampedLog(1 - p));
      return 1 - p;
    }
    const l1p = clampedLog(1 - p);
    this.sumNotTLog1mP += l1p;
    this.focalNeg += focalOf(p, -l1p, this.gamma);
    if (hinge) this.eHinge = 1 + (clampedLog(p) - l1p);
    return p;
  }

  sums(): VoxelSums {
    const { sp, spt, sumTLogP, sumNotTLog1mP, focalPos, focalNeg } = this;
    return { sp, spt, sumTLogP, sumNotTLog1mP, focalPos, focalNeg };
  }
}

/**
 * Every Lovász term of a class, and every other sum, in one walk over its sorted runs.
 * Within a truth group both errors fall as the key (p or z) moves away from the truth, and
 * between the groups both compare −z(pos) with z(neg) (p: 1 − p(pos) with p(neg)), so the
 * hinge and the softmax share one merge order; ties may go either way (the extension is
 * continuous), and the clamped logs only ever tie hinge errors the softmax order
 * separates. t = 1 runs are walked forward (rising key), t = 0 runs backward. The hinge
 * stops adding once its error reaches 0 (errors fall along the walk); the softmax and the
 * sums take every voxel.
 */
/**
 * A part of the walk by merge key: the voxels whose key is ≤ `atMost` (default: all) and
 * > `above` (default: all), resuming from the counts of the voxels above `atMost` (one
 * binary search per run). Segments that tile the keys add up to the whole walk exactly,
 * so they can run on several threads.
 */
export interface WalkSegment {
  atMost?: number;
  above?: number;
}

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

export function lovaszTerms(pos: Runs, neg: Runs, input: ClassInput, gamma: number, segment?: WalkSegment): LovaszTerms {
  const nPos = pos.reduce((n, r) => n + r.length, 0);
  const nNeg = neg.reduce((n, r) => n + r.length, 0);
  const soft = new LovaszSum(nPos, nNeg, true);
  const terms = new VoxelTerms(gamma);
  const logits = input === 'logits';
  const posKey = (x: number) => (logits ? -x : 1 - x);
  // Merge keys, larger first: −z (or 1 − p) for t = 1 heads, z (or p) for t = 0 heads.
  const P = pos.length;
  const R = P + neg.length;
  const at = new Int32Array(R);
  const head = new Float64Array(R);
  const floor = segment?.above ?? -Infinity;
  const keyOf = (r: number, k: number): number => {
    const key = r < P ? (k < pos[r].length ? posKey(pos[r][k]) : -Infinity) : k >= 0 ? neg[r - P][k] : -Infinity;
    return key > floor ? key : -Infinity;
  };
  let c1 = 0;
  let c0 = 0;
  for (let r = 0; r < R; r++) {
    if (segment?.atMost !== undefined) {
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
  soft.resumeAfter(c1, c0);
  if (P === 1 && R === 2) {
    const hinge = walkTwo(pos[0], neg[0], at[0], at[1], floor, logits, terms, soft);
    return { hinge, soft: soft.loss, complementSoft: soft.complementLoss, sums: terms.sums() };
  }
  let hinge = 0;
  let hingeOn = true;
  for (;;) {
    let best = 0;
    for (let r = 1; r < R; r++) if (head[r] > head[best]) best = r;
    if (head[best] === -Infinity) break;
    const positive = best < P;
    const x = positive ? pos[best][at[best]] : neg[best - P][at[best]];
    at[best] += positive ? 1 : -1;
    head[best] = keyOf(best, at[best]);
    const eSoft = logits ? terms.logit(x, positive) : terms.prob(x, positive, hingeOn);
    // Every voxel advances the counts; the hinge shares the softmax's steps while its error is positive.
    const d = soft.take(eSoft, positive, 1);
    if (hingeOn) {
      if (terms.eHinge > 0) hinge += terms.eHinge * d;
      else hingeOn = false;
    }
  }
  return { hinge, soft: soft.loss, complementSoft: soft.complementLoss, sums: terms.sums() };
}

/**
 * The walk over one run per group (float32 input: bucketed, so always), as a plain 2-way
 * merge: t = 1 values forward from i, t = 0 values backward from j, keys above `floor`
 * only; equal keys go to the t = 1 side first, as in the general walk.
 */
function walkTwo(
  pr: Keys, nr: Keys, i: number, j: number, floor: number, logits: boolean,
  terms: VoxelTerms, soft: LovaszSum,
): number {
  // In PASS_CHUNK steps per call (chunks.ts): one call over a CT would run as OSR code.
  const w: TwoWalk = { i, j, hinge: 0, hingeOn: true, done: false };
  while (!w.done) walkSteps(pr, nr, w, floor, logits, terms, soft, PASS_CHUNK);
  return w.hinge;
}

/** Where a 2-way walk stands between two calls of walkSteps. */
interface TwoWalk {
  i: number;
  j: number;
  hinge: number;
  hingeOn: boolean;
  done: boolean;
}

function walkSteps(
  pr: Keys, nr: Keys, w: TwoWalk, floor: number, logits: boolean,
  terms: VoxelTerms, soft: LovaszSum, steps: number,
): void {
  let { i, j, hinge, hingeOn } = w;
  const pEnd = pr.length;
  let kp = i < pEnd ? (logits ? -pr[i] : 1 - pr[i]) : -Infinity;
  let kn = j >= 0 ? nr[j] : -Infinity;
  let left = steps;
  for (; left > 0; left--) {
    const positive = kp >= kn;
    const key = positive ? kp : kn;
    if (!(key > floor)) break;
    let x: number;
    if (positive) {
      x = pr[i++];
      kp = i < pEnd ? (logits ? -pr[i] : 1 - pr[i]) : -Infinity;
    } else {
      x = nr[j--];
      kn = j >= 0 ? nr[j] : -Infinity;
    }
    const eSoft = logits ? terms.logit(x, positive) : terms.prob(x, positive, hingeOn);
    const d = soft.take(eSoft, positive, 1);
    if (hingeOn) {
      if (terms.eHinge > 0) hinge += terms.eHinge * d;
      else hingeOn = false;
    }
  }
  w.done = left > 0;
  w.i = i;
  w.j = j;
  w.hinge = hinge;
  w.hingeOn = hingeOn;
}

/**
 * Keys that cut the walk into `parts` segments of about equal voxel counts, descending
 * (the walk goes from high keys to low): quantiles of keys sampled evenly from every run,
 * each sample weighted by its run's length.
 */
export function walkPivots(pos: Runs, neg: Runs, input: ClassInput, parts: number): number[] {
  const per = 256 * parts;
  const weighted: [number, number][] = [];
  const sample = (run: Keys, key: (x: number) => number) => {
    for (let k = 0; k < per && run.length; k++) weighted.push([key(run[Math.floor((k * run.length) / per)]), run.length / per]);
  };
  for (const run of pos) sample(run, (x) => (input === 'logits' ? -x : 1 - x));
  for (const run of neg) sample(run, (x) => x);
  weighted.sort((a, b) => b[0] - a[0]);
  const total = weighted.reduce((s, w) => s + w[1], 0);
  const pivots: number[] = [];
  let acc = 0;
  for (const [key, w] of weighted) {
    acc += w;
    // Strictly falling pivots: a key that repeats across a cut would make an empty segment.
    if (pivots.length < parts - 1 && acc >= (total * (pivots.length + 1)) / parts && !(key >= pivots[pivots.length - 1])) pivots.push(key);
  }
  return pivots;
}

/** Walks segments while the shared counter has some left; the terms by segment index. */
export function walkClaimed(pos: Runs, neg: Runs, input: ClassInput, gamma: number, segments: WalkSegment[], claim: Int32Array): Map<number, LovaszTerms> {
  const out = new Map<number, LovaszTerms>();
  for (let k = Atomics.add(claim, 0, 1); k < segments.length; k = Atomics.add(claim, 0, 1)) {
    out.set(k, lovaszTerms(pos, neg, input, gamma, segments[k]));
  }
  return out;
}

/** The segments between pivots (descending): above the first, between each two, at most the last. */
export function segmentsOf(pivots: number[]): WalkSegment[] {
  if (pivots.length === 0) return [{}];
  return [{ above: pivots[0] }, ...pivots.map((K, k) => ({ atMost: K, above: pivots[k + 1] }))];
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

/**
 * @param reuseKeys sort float32 keys in this thread's key buffer (keyBuffer) instead of
 *   new memory: the part's runs are then valid only until the next such call, as in the
 *   engine, which combines each class before it starts the next.
 */
export function classPart(input: ClassInput, values: ArrayLike<number>, t: Uint8Array, gamma: number, lovasz: boolean, reuseKeys = false): ClassPart {
  if (!lovasz) return { sums: voxelSums(input, values, t, gamma), pos: [], neg: [] };
  const [pos, neg] = sortedGroups(values, t, reuseKeys);
  const nPos = pos.reduce((n, r) => n + r.length, 0);
  const nNeg = neg.reduce((n, r) => n + r.length, 0);
  return { sums: { ...emptySums(nPos + nNeg), st: nPos }, pos, neg };
}

/** The class's sums, Lovász hinge and both softmax terms from the parts of its voxel ranges. */
export type Walker = (pos: Runs, neg: Runs, input: ClassInput, gamma: number) => LovaszTerms;

/** With the Lovász terms, a part's sums hold only its counts: the walk takes the rest. */
export function combineParts(parts: ClassPart[], input: ClassInput, gamma: number, lovasz: boolean, walk: Walker = lovaszTerms): ClassResult {
  const counts = parts.map((p) => p.sums).reduce(addSums);
  if (!lovasz) return { sums: counts, softmaxTerm: NaN, complementSoftmaxTerm: NaN };
  const pos = parts.flatMap((p) => p.pos);
  const neg = parts.flatMap((p) => p.neg);
  const terms = walk(pos, neg, input, gamma);
  const sums: ClassSums = { n: counts.n, st: counts.st, ...terms.sums, lovaszHinge: terms.hinge };
  // The softmax averages over classes present in the ground truth: an absent one is NaN (left out).
  const nNeg = sums.n - sums.st;
  return { sums, softmaxTerm: sums.st > 0 ? terms.soft : NaN, complementSoftmaxTerm: nNeg > 0 ? terms.complementSoft : NaN };
}

/** Terms of two disjoint sets of voxels (two walk segments) together. */
export function addTerms(a: LovaszTerms, b: LovaszTerms): LovaszTerms {
  return {
    hinge: a.hinge + b.hinge,
    soft: a.soft + b.soft,
    complementSoft: a.complementSoft + b.complementSoft,
    sums: addVoxelSums(a.sums, b.sums),
  };
}

function addVoxelSums(a: VoxelSums, b: VoxelSums): VoxelSums {
  return {
    sp: a.sp + b.sp, spt: a.spt + b.spt,
    sumTLogP: a.sumTLogP + b.sumTLogP, sumNotTLog1mP: a.sumNotTLog1mP + b.sumNotTLog1mP,
    focalPos: a.focalPos + b.focalPos, focalNeg: a.focalNeg + b.focalNeg,
  };
}

function addSums(a: ClassSums, b: ClassSums): ClassSums {
  return { n: a.n + b.n, st: a.st + b.st, ...addVoxelSums(a, b), lovaszHinge: 0 };
}

/** A class given by probabilities p ∈ [0, 1] (clamped logs; z = log p − log(1−p)). */
export function probClass(p: ArrayLike<number>, t: Uint8Array, gamma: number, lovasz: boolean): ClassResult {
  return combineParts([classPart('probs', p, t, gamma, lovasz)], 'probs', gamma, lovasz);
}

/**
 * A binary class given by logits z: p = sigmoid(z), log p = −softplus(−z), log(1−p) = −softplus(z),
 * exact (not clamped), with one exp and one log1p per voxel.
 */
export function logitClass(z: ArrayLike<number>, t: Uint8Array, gamma: number, lovasz: boolean): ClassResult {
  return combineParts([classPart('logits', z, t, gamma, lovasz)], 'logits', gamma, lovasz);
}

/** Every sum but the Lovász hinge in one pass over the voxels, in voxel order. */
function voxelSums(input: ClassInput, values: ArrayLike<number>, t: Uint8Array, gamma: number): ClassSums {
  const terms = new VoxelTerms(gamma);
  const logits = input === 'logits';
  const counts = new Float64Array(2); // t = 0 and t = 1 voxels
  inChunks(t.length, (from, to) => addVoxels(terms, counts, logits, values, t, from, to));
  return { n: counts[0] + counts[1], st: counts[1], ...terms.sums(), lovaszHinge: 0 };
}

function addVoxels(terms: VoxelTerms, counts: Float64Array, logits: boolean, values: ArrayLike<number>, t: Uint8Array, from: number, to: number): void {
  for (let i = from; i < to; i++) {
    const ti = t[i];
    if (ti === IGNORED) continue;
    counts[ti === 1 ? 1 : 0]++;
    if (logits) terms.logit(values[i], ti === 1);
    else terms.prob(values[i], ti === 1, false);
  }
}
