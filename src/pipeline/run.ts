// A whole run: discover the cases, evaluate each (one bad case never stops the others),
// summarise them. Cases are reported in id order whatever order they finish in.
import type { Report } from '../report/model.js';
import { assembleReport, reportBody, type ReportBody } from './buildReport.js';
import type { RunConfig } from './config.js';
import { DiscoveryError } from '../errors.js';
import { discoverCases, type CasePair } from './discover.js';
import type { CaseOutcome } from './evaluateOne.js';
import { isLargeCase } from './caseSize.js';
import { discoverWithLayout, type LayoutOptions } from './layouts.js';
import { runPool, workerScript } from './pool.js';
import { splitChoice } from './splitChoice.js';


/** How long the main thread may evaluate cases before it looks at pending signals. */
const SIGNAL_TURN_MS = 200;
export interface RunHooks {
  /** Called once before the first case (done 0, id '') and after each case with the number done and the total. */
  onProgress?: (done: number, total: number, id: string) => void;
  debug?: boolean;
  /** Seconds one case may take (worker runs only); 0 = no limit. */
  caseTimeout?: number;
  /** How to find the cases beyond two flat folders (--recursive, patterns, --pairs). */
  layout?: LayoutOptions;
}

export interface RunResult {
  report: Report;
  unmatchedPredictions: string[];
  ignored: { gt: number; pred: number };
}

/** A run before its report: what the CLI checks (labels, gates, baseline) before it builds one. */
export interface RunBody {
  body: ReportBody;
  unmatchedPredictions: string[];
  ignored: { gt: number; pred: number };
}

/** A deterministic share of the cases for --shard i/n: every n-th case in id order. */
export function shardCases(cases: CasePair[], shard: RunConfig['shard']): CasePair[] {
  if (!shard) return cases;
  return cases.filter((_, k) => k % shard.count === shard.index);
}

/** A run's report with no gates or baseline: `passed` says whether every case is free of errors. */
export async function runEvaluation(config: RunConfig, hooks: RunHooks = {}): Promise<RunResult> {
  const { body, ...rest } = await evaluateRun(config, hooks);
  return { report: assembleReport(body), ...rest };
}

/** Discovers and evaluates the cases of a run and summarises them. */
export async function evaluateRun(config: RunConfig, hooks: RunHooks = {}): Promise<RunBody> {
  const found = hooks.layout ? discoverWithLayout(config.pred, config.gt, hooks.layout) : discoverCases(config.pred, config.gt);
  const cases = shardCases(found.cases, config.shard);
  if (found.cases.length > 0 && found.cases.every((c) => c.pred === null) && !config.shard) {
    throw new DiscoveryError(`no prediction in ${config.pred} matches a ground-truth case in ${config.gt}`);
  }
  // Fewer cases than workers and idle cores to spare: each case may split its large classes
  // over a helper thread (splitChoice.ts says why the idle cores matter).
  const split = splitChoice(config.workers, cases.length);
  const outcomes: CaseOutcome[] = new Array(cases.length);
  let done = 0;
  const record = (index: number, outcome: CaseOutcome) => {
    outcomes[index] = outcome;
    hooks.onProgress?.(++done, cases.length, cases[index].id);
  };
  hooks.onProgress?.(0, cases.length, '');
  const script = workerScript();
  // Workers pay off only with several cases; from .ts sources (tests) there is no compiled worker.
  // A time limit needs a worker to stop, even for one case on one worker.
  const limited = (hooks.caseTimeout ?? 0) > 0;
  // A large case would block the main thread for seconds, and with it SIGINT/SIGTERM:
  // it runs on a worker thread even with --workers 1, so the main thread stays free.
  const pooled = (config.workers > 1 && cases.length > 1) || limited;
  if ((pooled || cases.some(isLargeCase)) && script) {
    await runPool(script, cases, config, {
      workers: config.workers,
      debug: Boolean(hooks.debug),
      caseTimeout: hooks.caseTimeout ?? 0,
      split,
      onDone: record,
    });
  } else {
    // Loaded here, not at the top: with worker threads the main thread never needs the
    // readers and the engine, and their modules take ~70 ms to load.
    const { evaluatePair } = await import('./evaluateOne.js');
    let lastTurn = performance.now();
    for (let k = 0; k < cases.length; k++) {
      record(k, await evaluatePair(cases[k], config, hooks.debug, split));
      // A turn of the event loop, where a pending signal is handled, at least every
      // SIGNAL_TURN_MS. Not after every case: each turn also lets the memory of the cases
      // before it go back to the system, and the next case faults it in again (small PNG
      // cases ran ~1.7× slower so).
      if (performance.now() - lastTurn >= SIGNAL_TURN_MS) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        lastTurn = performance.now();
      }
    }
  }
  return { body: reportBody(outcomes.map((o) => o.result), config), unmatchedPredictions: found.unmatchedPredictions, ignored: found.ignored };
}
