// Worker-thread entry: evaluates the cases the pool sends it (workerLoop.ts says how).
// Each worker reads its own files, so decompression and the engine both run off the main
// thread and only the small per-case result crosses back. The run's settings come once,
// with the worker (WorkerSetup); a task is only a case.
import type { RunConfig } from './config.js';
import { evaluatePair } from './evaluateOne.js';
import type { SplitChoice } from './splitChoice.js';
import { serveCases } from './workerLoop.js';

/** What every case of a run shares, given to each worker when it starts. */
export interface WorkerSetup {
  config: RunConfig;
  debug: boolean;
  split: SplitChoice;
}

serveCases<WorkerSetup>((pair, setup) => evaluatePair(pair, setup.config, setup.debug, setup.split));
