// One class of a float prediction (probabilities or binary logits). Without the Lovász
// terms: every sum of losses.md in one pass. With them: each truth group sorted once on
// the prediction itself (both errors are monotone in p, or in z, within a truth group),
// then the one walk (walk/lovaszWalk.ts) takes the Lovász terms and every other sum.
import { emptySums, type ClassSums } from '../formulas/sums.js';
import { presentTerm } from '../formulas/lovaszSoftmax.js';
import { radixSortFloat64 } from '../sort/radix.js';
import { inChunks } from '../speed/chunks.js';
import { bucketGroups, BUCKETS, sortBucketRange, sortedRuns, type KeyBuffer } from '../sort/bucketSort.js';
import { bucketGroupsInPlace } from '../sort/inPlaceBuckets.js';
import { lovaszTerms, type LovaszTerms, type Runs } from '../walk/lovaszWalk.js';
import { countTruth, IGNORED } from './truth.js';
import { addVoxelSums, VoxelTerms, type ClassInput } from './voxelTerms.js';
import { addProbabilitySums, newProbabilitySums } from './probabilitySums.js';
import type { CalibrationSums } from './calibration.js';

export type { ClassInput } from './voxelTerms.js';

export interface ClassResult {
  sums: ClassSums;
  /** This class's Lovász-softmax term (mean of e = |t − p| extension); NaN when the class is absent from the ground truth. */
  softmaxTerm: number;
  /** The complementary class's term (background 1 − p of a binary prediction: same errors, truth swapped). */
  complementSoftmaxTerm: number;
  /** Brier/ECE sums the walk took, when combineParts was given ECE bins. */
  calibration?: CalibrationSums;
}

type Keys = Runs[number];

/** Reads a class's sorted runs while they are valid (they may live in a reused key buffer). */
export type RunsReader = (pos: Runs, neg: Runs) => void;

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
 * Where float32 keys are sorted: a thread's key buffer, new memory (undefined), or
 * 'in-place': the values' own memory, which then no longer holds the values.
 */
export type KeyRoom = KeyBuffer | 'in-place' | undefined;

/**
 * The prediction values of each truth group, sorted ascending. Float32 inputs (logits or
 * probabilities straight from a file) sort by bucket and radix on their 32 bits into one
 * run per group; float64 ones by radix on their 64, in runs (see runLength).
 */
function sortedGroups(values: ArrayLike<number>, t: Uint8Array, keys?: KeyRoom): [Runs, Runs] {
  if (values instanceof Float32Array) {
    const g = keys === 'in-place' ? bucketGroupsInPlace(values, t) : bucketGroups(values, t, keys?.take(t.length));
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
 * @param keys sort float32 keys in this thread's key buffer instead of new memory: the
 *   part's runs are then valid only until the buffer's next use, as in the engine, which
 *   combines each class before it starts the next; 'in-place': in the values' own memory
 *   (float32 values only; they are overwritten).
 */
export function classPart(input: ClassInput, values: ArrayLike<number>, t: Uint8Array, gamma: number, lovasz: boolean, keys?: KeyRoom, probabilitiesOnly = false): ClassPart {
  if (!lovasz) return { sums: probabilitiesOnly ? probabilitySums(input, values, t) : voxelSums(input, values, t, gamma), pos: [], neg: [] };
  const [pos, neg] = sortedGroups(values, t, keys);
  const nPos = pos.reduce((n, r) => n + r.length, 0);
  const nNeg = neg.reduce((n, r) => n + r.length, 0);
  return { sums: { ...emptySums(nPos + nNeg), st: nPos }, pos, neg };
}

/** The walk a class's sorted runs go through (lovaszTerms, or the same split over threads); `bins`: also the calibration sums. */
export type Walker = (pos: Runs, neg: Runs, input: ClassInput, gamma: number, bins: number | null) => LovaszTerms;

/**
 * The class's sums, Lovász hinge and both softmax terms from the parts of its voxel
 * ranges. With the Lovász terms, a part's sums hold only its counts: the walk takes the rest.
 * `onRuns` reads the sorted truth groups after the walk (AUROC/AP), no second sort; with
 * `bins` the walk also takes the calibration sums (ClassResult.calibration).
 */
export function combineParts(parts: ClassPart[], input: ClassInput, gamma: number, lovasz: boolean, walk: Walker = walkWhole, onRuns?: RunsReader, bins: number | null = null): ClassResult {
  const counts = parts.map((p) => p.sums).reduce(addSums);
  if (!lovasz) return { sums: counts, softmaxTerm: NaN, complementSoftmaxTerm: NaN };
  const pos = parts.flatMap((p) => p.pos);
  const neg = parts.flatMap((p) => p.neg);
  const terms = walk(pos, neg, input, gamma, bins);
  const sums: ClassSums = { n: counts.n, st: counts.st, ...terms.sums, lovaszHinge: terms.hinge };
  onRuns?.(pos, neg);
  return {
    sums, softmaxTerm: presentTerm(terms.soft, sums.st), complementSoftmaxTerm: presentTerm(terms.complementSoft, sums.n - sums.st),
    ...(terms.calibration ? { calibration: terms.calibration } : {}),
  };
}

const walkWhole: Walker = (pos, neg, input, gamma, bins) => lovaszTerms(pos, neg, input, gamma, undefined, bins);

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

/**
 * n, st, Σp and Σp·t alone (probabilitySums.ts), the other sums left 0: for requests whose
 * every quantity is a function of these (PROBABILITY_SUM_LOSSES and the confusion counts).
 */
function probabilitySums(input: ClassInput, values: ArrayLike<number>, t: Uint8Array): ClassSums {
  const acc = newProbabilitySums();
  const logits = input === 'logits';
  inChunks(t.length, (from, to) => addProbabilitySums(acc, logits, values, t, from, to));
  return { ...emptySums(acc[2] + acc[3]), st: acc[3], sp: acc[0], spt: acc[1] };
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
