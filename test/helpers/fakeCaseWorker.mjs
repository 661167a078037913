// A stand-in for pipeline/worker.js in the pool's tests: the same protocol (the run's
// setup as workerData, one { index, pair } task per message, answered in order), with
// the case's id saying what happens. "hang-*" never answers, "crash-*" ends the thread,
// "slow-*" takes 50 ms; anything else answers at once with its own gt path as the error
// text, so a test sees which worker setup and which task produced each answer.
import { parentPort, workerData } from 'node:worker_threads';

const queue = [];
let running = false;
const drain = async () => {
  running = true;
  for (let task = queue.shift(); task; task = queue.shift()) {
    const id = task.pair.id;
    if (id.startsWith('hang-')) return; // never answers, never takes the next
    if (id.startsWith('crash-')) process.exit(7);
    if (id.startsWith('slow-')) await new Promise((r) => setTimeout(r, 50));
    const result = { id, pred: task.pair.pred, gt: task.pair.gt, status: 'ok', error: `${workerData.config.tag}:${task.pair.gt}`, input: null, shape: null, spacing: null, warnings: [] };
    parentPort.postMessage({ index: task.index, outcome: { result } });
  }
  running = false;
};
parentPort.on('message', (task) => {
  queue.push(task);
  if (!running) void drain();
});
