// A large case split over threads by voxel range: the fused pass, the gathering and the
// radix sorts of the upper half run on a helper thread while this thread does the lower
// half; the parts combine exactly (sums add, the sorted runs merge in the Lovász walk).
// The caller stays synchronous: it blocks on a shared flag and takes the result with
// receiveMessageOnPort. Without the compiled helper (running from .ts sources) or below
// SPLIT_MIN voxels, everything runs here.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { classPart, combineParts, lovaszTerms, walkPivot, type ClassInput, type ClassPart, type ClassResult, type LovaszTerms, type Runs } from './probClass.js';
import type { PartTask, WalkTask } from './splitWorker.js';

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
  if (!h) return combineParts([classPart(input, values, t, gamma, lovasz)], input, lovasz);
  const half = n >> 1;
  const v = values as Float32Array | Float64Array;
  const task: PartTask = { kind: 'part', input, values: v.slice(half), t: t.slice(half), gamma, lovasz };
  Atomics.store(h.signal, 0, 0);
  h.port.postMessage(task, [task.values.buffer as ArrayBuffer, task.t.buffer as ArrayBuffer]);
  const lower = classPart(input, v.subarray(0, half), t.subarray(0, half), gamma, lovasz);
  const upper = awaitAnswer<ClassPart>(h, n - half) ?? dropHelper(h, () => classPart(input, v.subarray(half), t.subarray(half), gamma, lovasz));
  return combineParts([lower, upper], input, lovasz, (pos, neg, inp) => splitWalk(pos, neg, inp, n));
}

/**
 * The Lovász walk in two key-range segments: the helper takes the voxels at or below the
 * pivot key (resuming from the counts above it), this thread those above; the terms add.
 */
function splitWalk(pos: Runs, neg: Runs, input: ClassInput, voxels: number): LovaszTerms {
  const h = helper ?? null;
  if (!h) return lovaszTerms(pos, neg, input);
  const K = walkPivot(pos, neg, input);
  const task: WalkTask = { kind: 'walk', input, pos, neg, atMost: K };
  Atomics.store(h.signal, 0, 0);
  h.port.postMessage(task);
  const a = lovaszTerms(pos, neg, input, { above: K });
  const b = awaitAnswer<LovaszTerms>(h, voxels) ?? dropHelper(h, () => lovaszTerms(pos, neg, input, { atMost: K }));
  return { hinge: a.hinge + b.hinge, soft: a.soft + b.soft, complementSoft: a.complementSoft + b.complementSoft };
}

/** A helper that did not answer in time is dropped, so a late answer is never taken for the next task's. */
function dropHelper<T>(h: Helper, instead: () => T): T {
  void h.worker.terminate();
  helper = null;
  return instead();
}
