// A stand-in for pipeline/worker.js in the pool's tests: the pool's real protocol
// (workerLoop.ts, compiled), with the case's id saying what happens. "hang-*" never
// answers, "crash-*" ends the thread, "slow-*" takes 50 ms; anything else answers at once
// with the run's setup tag and its own gt path as the error text, so a test sees which
// worker setup and which task produced each answer. With the setup tag "no-start" the
// worker ends before it serves anything, as one that cannot load would.
import { workerData } from 'node:worker_threads';
import { serveCases } from '../../dist/pipeline/workerLoop.js';

if (workerData.setup.config.tag === 'no-start') process.exit(3);

serveCases(async (pair, setup) => {
  if (pair.id.startsWith('hang-')) return new Promise(() => {});
  if (pair.id.startsWith('crash-')) process.exit(7);
  if (pair.id.startsWith('slow-')) await new Promise((r) => setTimeout(r, 50));
  return { result: { id: pair.id, pred: pair.pred, gt: pair.gt, status: 'ok', error: `${setup.config.tag}:${pair.gt}`, input: null, shape: null, spacing: null, warnings: [] } };
});
