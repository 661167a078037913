// Helper thread of splitClass: computes the ClassPart of the voxel range it is sent and
// hands it back on its port, then raises the shared flag the caller is waiting on.
import { workerData, type MessagePort } from 'node:worker_threads';
import { classPart, type ClassInput } from './probClass.js';

export interface SplitTask {
  input: ClassInput;
  values: Float32Array | Float64Array;
  t: Uint8Array;
  gamma: number;
  lovasz: boolean;
}

const { port, signal } = workerData as { port: MessagePort; signal: Int32Array };
port.on('message', (task: SplitTask) => {
  const part = classPart(task.input, task.values, task.t, task.gamma, task.lovasz);
  // The runs are views of one or two buffers: hand the buffers over instead of copying.
  const buffers = [...new Set([...part.pos, ...part.neg].map((r) => r.buffer as ArrayBuffer))];
  port.postMessage(part, buffers);
  Atomics.store(signal, 0, 1);
  Atomics.notify(signal, 0);
});
