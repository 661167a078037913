// The one start of every case's report entry: evaluateOne fills it for an evaluated case,
// the worker pool for a case whose worker failed or ran out of time. Types only, so the
// pool's main thread does not load the readers and the engine to build one.
import type { CaseResult, CaseStatus } from '../report/model.js';
import type { CasePair } from './discover.js';

/**
 * A case's entry before anything is known of its files: the pair's names, `status` and
 * `error`, and no input kind, shape, spacing or warnings yet. Keys in cli.md's order.
 */
export function caseSkeleton(pair: CasePair, status: CaseStatus = 'ok', error: string | null = null): CaseResult {
  return {
    id: pair.id, pred: pair.pred, gt: pair.gt, status, error,
    input: null, shape: null, spacing: null, warnings: [],
  };
}
