// Worker-thread entry: evaluates the cases it is sent, one at a time, in the order sent.
// Each worker reads its own files, so decompression and the engine both run off the main
// thread and only the small per-case result crosses back. The run's settings come once,
// with the worker (WorkerSetup); a task is only a case.
import { parentPort, workerData } from 'node:worker_threads';
import type { RunConfig } from './config.js';
import type { CasePair } from './discover.js';
import { evaluatePair } from './evaluateOne.js';
import type { SplitChoice } from './splitChoice.js';

/** What every case of a run shares, given to each worker when it starts. */
export interface WorkerSetup {
  config: RunConfig;
  debug: boolean;
  split: SplitChoice;
}

export interface CaseTask {
  index: number;
  pair: CasePair;
}

if (parentPort) {
  const port = parentPort;
  const setup = workerData as WorkerSetup;
  // The pool may send the next case before this one is done (pool.ts), so that the worker
  // never waits for the main thread between cases; they still run one after the other.
  const queue: CaseTask[] = [];
  let running = false;
  const drain = async () => {
    running = true;
    for (let task = queue.shift(); task; task = queue.shift()) {
      const outcome = await evaluatePair(task.pair, setup.config, setup.debug, setup.split);
      port.postMessage({ index: task.index, outcome });
    }
    running = false;
  };
  port.on('message', (task: CaseTask) => {
    queue.push(task);
    if (!running) void drain();
  });
}
