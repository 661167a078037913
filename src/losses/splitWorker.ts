// Helper thread of splitClass: computes the ClassPart of the voxel range it is sent and
// hands it back on its port, then raises the shared flag the caller is waiting on.
import { workerData, type MessagePort } from 'node:worker_threads';
import { classPart, lovaszTerms, type ClassInput, type Runs } from './probClass.js';

/** The ClassPart of a voxel range. */
export interface PartTask {
  kind: 'part';
  input: ClassInput;
  values: Float32Array | Float64Array;
  t: Uint8Array;
  gamma: number;
  lovasz: boolean;
}

/** The Lovász terms of the walk's segment at or below a merge key (runs in shared memory). */
export interface WalkTask {
  kind: 'walk';
  input: ClassInput;
  pos: Runs;
  neg: Runs;
  atMost: number;
}

export type SplitTask = PartTask | WalkTask;

const { port, signal } = workerData as { port: MessagePort; signal: Int32Array };
port.on('message', (task: SplitTask) => {
  if (task.kind === 'walk') {
    port.postMessage(lovaszTerms(task.pos, task.neg, task.input, { atMost: task.atMost }));
  } else {
    // The sorted runs are in shared memory: posting them shares, nothing is copied.
    port.postMessage(classPart(task.input, task.values, task.t, task.gamma, task.lovasz));
  }
  Atomics.store(signal, 0, 1);
  Atomics.notify(signal, 0);
});
