// A large case split over two threads: this one and a helper the caller's scratch holds.
// With the Lovász terms on float32 values (the common case: logits or probabilities
// straight from a file) this thread buckets each truth group's keys into shared memory,
// the two threads sort half of the buckets each, then walk the error order in key-range
// segments claimed from a shared counter (sums, Lovász hinge and softmax at once); the
// segments add up exactly. Float64 values are split by voxel range: each half gathered
// and sorted in runs, then walked in claimed key-range segments as above. Without the
// Lovász terms the sums pass alone splits by voxel range. The caller stays synchronous:
// it blocks on a shared flag and takes the result with receiveMessageOnPort.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { classPart, combineParts, type ClassInput, type ClassPart, type ClassResult, type RunsReader } from '../producers/probClass.js';
import { addTerms, lovaszOrder, lovaszTerms, type LovaszTerms, type Runs } from '../walk/lovaszWalk.js';
import { segmentsOf, walkClaimed, walkPivots } from '../walk/segments.js';
import { bitsOf, bucketGroups, BUCKETS, groupHistogram, middleBucket, sortBucketRange, sortedRuns, touchPages, type BucketedGroups } from '../sort/bucketSort.js';
import { bucketGroupsInPlace } from '../sort/inPlaceBuckets.js';
import { emptySums } from '../formulas/sums.js';
import type { ThreadScratch } from '../scratch.js';
import type { PartTask, SplitTask } from './splitWorker.js';

/** Below this many voxels a thread hand-off costs more than it saves. */
export const SPLIT_MIN = 1 << 22;

/** A second thread a thread may split its cases over; `alive` turns false for good when it dies or is given up on. */
export class SplitHelper {
  alive = true;

  private constructor(
    readonly worker: Worker,
    readonly port: MessagePort,
    readonly signal: Int32Array,
  ) {
    // The helper never keeps the process alive, and a dead helper is simply not used again.
    worker.unref();
    worker.on('error', () => (this.alive = false));
    worker.on('exit', () => (this.alive = false));
  }

  /** A new helper thread; null where there is none to be had (running from .ts sources: no compiled worker). */
  static start(): SplitHelper | null {
    const url = new URL('./splitWorker.js', import.meta.url);
    if (url.protocol !== 'file:' || !existsSync(fileURLToPath(url))) return null;
    const { port1, port2 } = new MessageChannel();
    const signal = new Int32Array(new SharedArrayBuffer(4));
    const worker = new Worker(url, { workerData: { port: port2, signal }, transferList: [port2] });
    return new SplitHelper(worker, port1, signal);
  }

  post(task: SplitTask, transfer: ArrayBuffer[] = []): void {
    Atomics.store(this.signal, 0, 0);
    this.port.postMessage(task, transfer);
  }

  /** Waits for the answer; null when it does not come in time (then the caller computes it). */
  answer<T>(voxels: number): T | null {
    // Generous: a healthy helper needs well under 1 µs per voxel.
    const deadline = Date.now() + 30_000 + voxels / 1000;
    for (;;) {
      const got = receiveMessageOnPort(this.port);
      if (got) return got.message as T;
      const left = deadline - Date.now();
      if (left <= 0) return null;
      Atomics.wait(this.signal, 0, 0, Math.min(left, 50));
    }
  }
}

/**
 * One class of a prediction (as probClass/logitClass), over this thread and the scratch's
 * helper when there is one and the case is large enough.
 * @param consume the values are not needed afterwards: float32 keys are sorted in their
 *   own memory instead of the thread's key buffer (split too, when the memory is shared)
 */
export function splitClass(
  input: ClassInput,
  values: ArrayLike<number>,
  t: Uint8Array,
  gamma: number,
  lovasz: boolean,
  scratch: ThreadScratch,
  onRuns?: RunsReader,
  consume = false,
  probabilitiesOnly = false,
  bins: number | null = null,
): ClassResult {
  const n = t.length;
  const typed = values instanceof Float32Array || values instanceof Float64Array;
  const h = scratch.helper?.alive && n >= SPLIT_MIN && typed ? scratch.helper : null;
  if (consume && lovasz && values instanceof Float32Array) {
    if (!h) return combineParts([classPart(input, values, t, gamma, lovasz, 'in-place')], input, gamma, lovasz, undefined, onRuns, bins);
    // Values in shared memory (io/file.ts allocBytes) are bucketed in place and sorted by both threads there.
    if (values.buffer instanceof SharedArrayBuffer) return splitBucketsInPlace(h, scratch, input, values, t, gamma, onRuns, bins);
  }
  // The class is combined before the next one is sorted: its keys may use this thread's buffer.
  if (!h) return combineParts([classPart(input, values, t, gamma, lovasz, scratch.keys, probabilitiesOnly)], input, gamma, lovasz, undefined, onRuns, bins);
  if (lovasz && values instanceof Float32Array) return splitBuckets(h, scratch, input, values, t, gamma, onRuns, bins);
  const half = n >> 1;
  const v = values as Float32Array | Float64Array;
  const task: PartTask = { kind: 'part', input, values: v.slice(half), t: t.slice(half), gamma, lovasz, probabilitiesOnly };
  h.post(task, [task.values.buffer as ArrayBuffer, task.t.buffer as ArrayBuffer]);
  const lower = classPart(input, v.subarray(0, half), t.subarray(0, half), gamma, lovasz, undefined, probabilitiesOnly);
  const upper = h.answer<ClassPart>(n - half) ?? dropHelper(h, scratch, () => classPart(input, v.subarray(half), t.subarray(half), gamma, lovasz, undefined, probabilitiesOnly));
  return combineParts([lower, upper], input, gamma, lovasz, (pos, neg, inp, g, b) => splitWalk(h, scratch, pos, neg, inp, g, n, b), onRuns, bins);
}

/** Float32 with the Lovász terms: bucketed here, sorted half here and half on the helper. */
function splitBuckets(h: SplitHelper, scratch: ThreadScratch, input: ClassInput, values: Float32Array, t: Uint8Array, gamma: number, onRuns: RunsReader | undefined, bins: number | null): ClassResult {
  // The helper faults the key buffer in while this thread counts the buckets, then this thread joins in.
  const keys = scratch.keys.take(t.length);
  const claim = new Int32Array(new SharedArrayBuffer(4));
  h.post({ kind: 'touch', keys, claim });
  const hist = groupHistogram(bitsOf(values), t);
  touchPages(keys, claim);
  let g = bucketGroups(values, t, keys, hist);
  const mid = middleBucket(g);
  h.post({ kind: 'sort', groups: g, from: mid, to: BUCKETS });
  sortBucketRange(g, 0, mid);
  if (h.answer<true>(t.length) === null) {
    // A helper that is late may still be writing into g's shared keys: start over apart from it.
    g = dropHelper(h, scratch, () => bucketGroups(values, t));
    sortBucketRange(g, 0, BUCKETS);
  }
  return sortedClass(h, scratch, g, input, gamma, t.length, onRuns, bins);
}

/**
 * Float32 values in shared memory that are not needed again, with the Lovász terms: bucketed
 * in their own memory here (sort/inPlaceBuckets.ts), sorted half here and half on the
 * helper, so a split case needs no key buffer beside its prediction.
 */
function splitBucketsInPlace(h: SplitHelper, scratch: ThreadScratch, input: ClassInput, values: Float32Array, t: Uint8Array, gamma: number, onRuns: RunsReader | undefined, bins: number | null): ClassResult {
  const g = bucketGroupsInPlace(values, t);
  const mid = middleBucket(g);
  h.post({ kind: 'sort', groups: g, from: mid, to: BUCKETS });
  sortBucketRange(g, 0, mid);
  if (h.answer<true>(t.length) === null) {
    // The values are gone (they are the keys now) and a late helper may still be sorting
    // among them: there is nothing to start over from, and no sort to trust.
    dropHelper(h, scratch, () => undefined);
    throw new Error(`the helper thread did not finish sorting ${t.length} keys in time`);
  }
  return sortedClass(h, scratch, g, input, gamma, t.length, onRuns, bins);
}

/** The class from its sorted buckets, walked by both threads. */
function sortedClass(h: SplitHelper, scratch: ThreadScratch, g: BucketedGroups, input: ClassInput, gamma: number, voxels: number, onRuns: RunsReader | undefined, bins: number | null): ClassResult {
  const [pos, neg] = sortedRuns(g);
  const nPos = pos.length;
  const part: ClassPart = { sums: { ...emptySums(nPos + neg.length), st: nPos }, pos: [pos], neg: [neg] };
  return combineParts([part], input, gamma, true, (p, q, inp, gm, b) => splitWalk(h, scratch, p, q, inp, gm, voxels, b), onRuns, bins);
}

/** Walk segments per case: both threads take them one at a time, so neither waits long for the other. */
const WALK_SEGMENTS = 8;

/**
 * The walk in key-range segments, claimed one at a time by this thread and the helper
 * from a shared counter: segments cost unequal time (the hinge stops partway, the groups
 * interleave more in some ranges), and whichever thread is free takes the next. The terms add.
 */
function splitWalk(h: SplitHelper, scratch: ThreadScratch, pos: Runs, neg: Runs, input: ClassInput, gamma: number, voxels: number, bins: number | null): LovaszTerms {
  if (!h.alive) return lovaszTerms(pos, neg, input, gamma, undefined, bins);
  const segments = segmentsOf(walkPivots(pos, neg, lovaszOrder(input), WALK_SEGMENTS));
  const claim = new Int32Array(new SharedArrayBuffer(4));
  h.post({ kind: 'walk', input, gamma, pos, neg, segments, claim, bins });
  const mine = walkClaimed(pos, neg, input, gamma, segments, claim, bins);
  const theirs = h.answer<LovaszTerms[]>(voxels);
  // A helper that did not answer: every segment it claimed is walked again here.
  const done = theirs ?? dropHelper(h, scratch, () => segments.filter((_, k) => !mine.has(k)).map((seg) => lovaszTerms(pos, neg, input, gamma, seg, bins)));
  return [...mine.values(), ...done].reduce(addTerms);
}

/** A helper that did not answer in time is given up on, so a late answer is never taken for the next task's. */
function dropHelper<T>(h: SplitHelper, scratch: ThreadScratch, instead: () => T): T {
  void h.worker.terminate();
  h.alive = false;
  scratch.keys.forget();
  return instead();
}
