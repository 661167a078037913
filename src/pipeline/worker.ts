// Worker-thread entry: evaluates the cases it is sent, one at a time. Each worker reads
// its own files, so decompression and the engine both run off the main thread and only
// the small per-case result crosses back.
import { parentPort } from 'node:worker_threads';
import type { RunConfig } from './config.js';
import type { CasePair } from './discover.js';
import { evaluatePair } from './evaluateOne.js';
import type { SplitChoice } from './splitChoice.js';

export interface CaseTask {
  index: number;
  pair: CasePair;
  config: RunConfig;
  debug: boolean;
  split: SplitChoice;
}

if (parentPort) {
  const port = parentPort;
  port.on('message', async (task: CaseTask) => {
    const outcome = await evaluatePair(task.pair, task.config, task.debug, task.split);
    port.postMessage({ index: task.index, outcome });
  });
}
