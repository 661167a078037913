// A large case split over threads. With the Lovász terms on float32 values (the common
// case: logits or probabilities straight from a file) this thread buckets each truth
// group's keys into shared memory, then the two threads sort half of the buckets each,
// and walk the error order in key-range segments taken from a shared counter (sums,
// Lovász hinge and softmax at once); the segments add up exactly. Float64 values split
// by voxel range instead (each
// half gathered and sorted in runs, merged in the walk), and without the Lovász terms the
// sums pass alone splits by voxel range. The caller stays synchronous: it blocks on a
// shared flag and takes the result with receiveMessageOnPort. Without the compiled helper
// (running from .ts sources) or below SPLIT_MIN voxels, everything runs here.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import {
  addTerms, classPart, combineParts, lovaszTerms, segmentsOf, walkClaimed, walkPivots,
  type ClassInput, type ClassPart, type ClassResult, type LovaszTerms, type Runs,
} from '../producers/probClass.js';
import { bitsOf, bucketGroups, BUCKETS, forgetKeyBuffer, groupHistogram, keyBuffer, middleBucket, sortBucketRange, sortedRuns, touchPages } from '../sort/bucketSort.js';
import { emptySums } from '../formulas/sums.js';
import type { PartTask, SplitTask } from './splitWorker.js';

/** Below this many voxels a thread hand-off costs more than it saves. */
export const SPLIT_MIN = 1 << 22;

interface Helper {
  worker: Worker;
  port: MessagePort;
  signal: Int32Array;
}

let helper: Helper | null | undefined;

function getHelper(): Helper | null {
  if (helper !== undefined) return helper;
  const url = new URL('./splitWorker.js', import.meta.url);
  if (url.protocol !== 'file:' || !existsSync(fileURLToPath(url))) return (helper = null);
  const { port1, port2 } = new MessageChannel();
  const signal = new Int32Array(new SharedArrayBuffer(4));
  const worker = new Worker(url, { workerData: { port: port2, signal }, transferList: [port2] });
  // The helper never keeps the process alive, and a dead helper is simply not used again.
  worker.unref();
  worker.on('error', () => (helper = null));
  worker.on('exit', () => (helper = null));
  return (helper = { worker, port: port1, signal });
}

/** Whether a helper thread can be had here (false when running from .ts sources). */
export function splitAvailable(): boolean {
  return getHelper() !== null;
}

/** Waits for the helper's answer; null when it does not answer in time (then the caller computes it). */
function awaitAnswer<T>(h: Helper, voxels: number): T | null {
  // Generous: a healthy helper needs well under 1 µs per voxel.
  const deadline = Date.now() + 30_000 + voxels / 1000;
  for (;;) {
    const got = receiveMessageOnPort(h.port);
    if (got) return got.message as T;
    const left = deadline - Date.now();
    if (left <= 0) return null;
    Atomics.wait(h.signal, 0, 0, Math.min(left, 50));
  }
}

function post(h: Helper, task: SplitTask, transfer: ArrayBuffer[] = []): void {
  Atomics.store(h.signal, 0, 0);
  h.port.postMessage(task, transfer);
}

/**
 * One class of a prediction (as probClass/logitClass), over `threads` threads when the
 * case is large enough: 2 at most here (one helper), which is what a 2-core machine has.
 */
export function splitClass(
  input: ClassInput,
  values: ArrayLike<number>,
  t: Uint8Array,
  gamma: number,
  lovasz: boolean,
  threads: number,
): ClassResult {
  const n = t.length;
  const typed = values instanceof Float32Array || values instanceof Float64Array;
  const h = threads >= 2 && n >= SPLIT_MIN && typed ? getHelper() : null;
  // The class is combined before the next one is sorted: its keys may use this thread's buffer.
  if (!h) return combineParts([classPart(input, values, t, gamma, lovasz, true)], input, gamma, lovasz);
  if (lovasz && values instanceof Float32Array) return splitBuckets(h, input, values, t, gamma);
  const half = n >> 1;
  const v = values as Float32Array | Float64Array;
  const task: PartTask = { kind: 'part', input, values: v.slice(half), t: t.slice(half), gamma, lovasz };
  post(h, task, [task.values.buffer as ArrayBuffer, task.t.buffer as ArrayBuffer]);
  const lower = classPart(input, v.subarray(0, half), t.subarray(0, half), gamma, lovasz);
  const upper = awaitAnswer<ClassPart>(h, n - half) ?? dropHelper(h, () => classPart(input, v.subarray(half), t.subarray(half), gamma, lovasz));
  return combineParts([lower, upper], input, gamma, lovasz, (pos, neg, inp, g) => splitWalk(pos, neg, inp, g, n));
}

/** Float32 with the Lovász terms: bucketed here, sorted half here and half on the helper. */
function splitBuckets(h: Helper, input: ClassInput, values: Float32Array, t: Uint8Array, gamma: number): ClassResult {
  // The helper faults the key buffer in while this thread counts the buckets, then this thread joins in.
  const keys = keyBuffer(t.length);
  const claim = new Int32Array(new SharedArrayBuffer(4));
  post(h, { kind: 'touch', keys, claim });
  const hist = groupHistogram(bitsOf(values), t);
  touchPages(keys, claim);
  let g = bucketGroups(values, t, keys, hist);
  const mid = middleBucket(g);
  post(h, { kind: 'sort', groups: g, from: mid, to: BUCKETS });
  sortBucketRange(g, 0, mid);
  if (awaitAnswer<true>(h, t.length) === null) {
    // A helper that is late may still be writing into g's shared keys: start over apart from it.
    g = dropHelper(h, () => bucketGroups(values, t));
    sortBucketRange(g, 0, BUCKETS);
  }
  const [pos, neg] = sortedRuns(g);
  const nPos = pos.length;
  const part: ClassPart = { sums: { ...emptySums(nPos + neg.length), st: nPos }, pos: [pos], neg: [neg] };
  return combineParts([part], input, gamma, true, (p, q, inp, gm) => splitWalk(p, q, inp, gm, t.length));
}

/** Walk segments per case: both threads take them one at a time, so neither waits long for the other. */
const WALK_SEGMENTS = 8;

/**
 * The walk in key-range segments, claimed one at a time by this thread and the helper
 * from a shared counter: segments cost unequal time (the hinge stops partway, the groups
 * interleave more in some ranges), so fixed halves left one thread idle. The terms add.
 */
function splitWalk(pos: Runs, neg: Runs, input: ClassInput, gamma: number, voxels: number): LovaszTerms {
  const h = helper ?? null;
  if (!h) return lovaszTerms(pos, neg, input, gamma);
  const segments = segmentsOf(walkPivots(pos, neg, input, WALK_SEGMENTS));
  const claim = new Int32Array(new SharedArrayBuffer(4));
  post(h, { kind: 'walk', input, gamma, pos, neg, segments, claim });
  const mine = walkClaimed(pos, neg, input, gamma, segments, claim);
  const theirs = awaitAnswer<LovaszTerms[]>(h, voxels);
  // A helper that did not answer: every segment it claimed is walked again here.
  const done = theirs ?? dropHelper(h, () => segments.filter((_, k) => !mine.has(k)).map((seg) => lovaszTerms(pos, neg, input, gamma, seg)));
  return [...mine.values(), ...done].reduce(addTerms);
}

/** A helper that did not answer in time is dropped, so a late answer is never taken for the next task's. */
function dropHelper<T>(h: Helper, instead: () => T): T {
  void h.worker.terminate();
  helper = null;
  forgetKeyBuffer();
  return instead();
}
