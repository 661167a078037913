// Helper thread of splitClass: does the share of a class it is sent and hands the result
// back on its port, then raises the shared flag the caller is waiting on.
import { workerData, type MessagePort } from 'node:worker_threads';
import { classPart, type ClassInput } from '../producers/probClass.js';
import type { Runs } from '../walk/lovaszWalk.js';
import { walkClaimed } from '../walk/segments.js';
import type { WalkSegment } from '../walk/sortedWalk.js';
import { sortBucketRange, touchPages, type BucketedGroups } from '../sort/bucketSort.js';

/** The ClassPart of a voxel range. */
export interface PartTask {
  kind: 'part';
  input: ClassInput;
  values: Float32Array | Float64Array;
  t: Uint8Array;
  gamma: number;
  lovasz: boolean;
  /** Σp and Σp·t alone (producers/probabilitySums.ts). */
  probabilitiesOnly?: boolean;
}

/** Sort buckets [from, to) of both groups in place (keys in shared memory); answers true. */
export interface SortTask {
  kind: 'sort';
  groups: BucketedGroups;
  from: number;
  to: number;
}

/** The Lovász terms and sums of the walk's segments this thread claims (runs in shared memory); answers them as a list. */
export interface WalkTask {
  kind: 'walk';
  input: ClassInput;
  gamma: number;
  pos: Runs;
  neg: Runs;
  segments: WalkSegment[];
  claim: Int32Array;
  /** ECE bins of the calibration sums the walk also takes; null: none. */
  bins: number | null;
}

/** Fault in the pages of a key buffer, sharing the chunks with the caller; no answer. */
export interface TouchTask {
  kind: 'touch';
  keys: Uint32Array;
  claim: Int32Array;
}

export type SplitTask = PartTask | SortTask | WalkTask | TouchTask;

const { port, signal } = workerData as { port: MessagePort; signal: Int32Array };
port.on('message', (task: SplitTask) => {
  let answer: unknown;
  if (task.kind === 'touch') {
    touchPages(task.keys, task.claim);
    return;
  } else if (task.kind === 'walk') {
    answer = [...walkClaimed(task.pos, task.neg, task.input, task.gamma, task.segments, task.claim, task.bins).values()];
  } else if (task.kind === 'sort') {
    sortBucketRange(task.groups, task.from, task.to);
    answer = true;
  } else {
    // The sorted runs are in shared memory: posting them shares, nothing is copied.
    answer = classPart(task.input, task.values, task.t, task.gamma, task.lovasz, undefined, task.probabilitiesOnly);
  }
  port.postMessage(answer);
  Atomics.store(signal, 0, 1);
  Atomics.notify(signal, 0);
});
