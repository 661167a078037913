// The worker's side of the pool's protocol (pool.ts), apart from what a case is: tasks
// arrive in batches and are evaluated one after the other in the order sent; answers go
// back in batches. Each message wakes the thread it goes to, and on a virtual machine a
// wake-up costs ~0.1 ms, as much as a small PNG case: one answer per case made two
// workers slower than one thread on a batch of 3000 PNG pairs.
//
// Which case the worker is on, and since when, is in shared memory (`progress`), which
// the pool reads without a message: it needs both to time a case out and to know which
// case a dead worker was on while the answers before it were still waiting here.
import { parentPort, workerData } from 'node:worker_threads';
import type { CasePair } from './discover.js';
import type { CaseOutcome } from './evaluateOne.js';

export interface CaseTask {
  index: number;
  pair: CasePair;
}

export interface CaseAnswer {
  index: number;
  outcome: CaseOutcome;
  /** Milliseconds the worker spent on the case, by its own clock. */
  ms: number;
}

/** What the pool gives each worker: the run's setup, and the worker's own progress slots. */
export interface PoolWorkerData<S> {
  setup: S;
  /** Int32 slots PROGRESS_CASE and PROGRESS_SINCE. */
  progress: SharedArrayBuffer;
  /** Date.now() when the pool started: PROGRESS_SINCE counts from here. */
  clock0: number;
}

/** Slot: the index of the case being evaluated, -1 while the worker waits for tasks. */
export const PROGRESS_CASE = 0;
/** Slot: when that case began, in ms after clock0. Written before PROGRESS_CASE. */
export const PROGRESS_SINCE = 1;
export const PROGRESS_SLOTS = 2;

/** Answers are held until this many are ready… */
export const ANSWER_BATCH = 8;
/** …or the oldest has waited this long, or no task is left to do. */
export const ANSWER_WAIT_MS = 50;

/** Serves the pool: evaluates each task it is sent with `evaluate`, in order, one at a time. */
export function serveCases<S>(evaluate: (pair: CasePair, setup: S) => Promise<CaseOutcome>): void {
  if (!parentPort) return;
  const port = parentPort;
  const { setup, progress: shared, clock0 } = workerData as PoolWorkerData<S>;
  const progress = new Int32Array(shared);
  const queue: CaseTask[] = [];
  let answers: CaseAnswer[] = [];
  let heldSince = 0;
  let running = false;
  const flush = () => {
    if (answers.length > 0) port.postMessage(answers);
    answers = [];
  };
  const drain = async () => {
    running = true;
    for (let task = queue.shift(); task; task = queue.shift()) {
      Atomics.store(progress, PROGRESS_SINCE, Date.now() - clock0);
      Atomics.store(progress, PROGRESS_CASE, task.index);
      const t0 = performance.now();
      const outcome = await evaluate(task.pair, setup);
      const t1 = performance.now();
      if (answers.length === 0) heldSince = t1;
      answers.push({ index: task.index, outcome, ms: t1 - t0 });
      if (queue.length === 0 || answers.length >= ANSWER_BATCH || t1 - heldSince >= ANSWER_WAIT_MS) flush();
    }
    Atomics.store(progress, PROGRESS_CASE, -1);
    running = false;
  };
  port.on('message', (tasks: CaseTask[]) => {
    queue.push(...tasks);
    if (!running) void drain();
  });
}
