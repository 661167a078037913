// Cases evaluated in parallel on worker threads. A worker that dies (out of memory, a
// crash in a native decoder) or overruns the per-case time limit costs only its case,
// which becomes an error entry; a fresh worker takes over the queue.
import { Worker } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';
import type { RunConfig } from './config.js';
import type { CasePair } from './discover.js';
import { caseSkeleton } from './caseSkeleton.js';
import type { CaseOutcome } from './evaluateOne.js';
import type { CaseTask } from './worker.js';
import type { SplitChoice } from './splitChoice.js';

/** The compiled worker next to this module; absent when running from .ts sources (tests). */
export function workerScript(): URL | null {
  const url = new URL('./worker.js', import.meta.url);
  return url.protocol === 'file:' && existsSync(fileURLToPath(url)) ? url : null;
}

export interface PoolOptions {
  workers: number;
  debug: boolean;
  /** Seconds one case may take before its worker is stopped; 0 = no limit. */
  caseTimeout: number;
  /** Whether a case may be split over a helper thread (splitChoice.ts). */
  split: SplitChoice;
  onDone: (index: number, outcome: CaseOutcome) => void;
}

function failed(pair: CasePair, reason: string): CaseOutcome {
  return { result: caseSkeleton(pair, 'error', reason) };
}

export function runPool(script: URL, pairs: CasePair[], config: RunConfig, opts: PoolOptions): Promise<void> {
  return new Promise((resolve) => {
    let next = 0;
    let finished = 0;
    const size = Math.max(1, Math.min(opts.workers, pairs.length));
    if (pairs.length === 0) return resolve();

    const start = () => {
      const w = new Worker(script);
      let current: number | null = null;
      let timer: NodeJS.Timeout | null = null;
      let done = false;
      const settle = (index: number, outcome: CaseOutcome) => {
        if (timer) clearTimeout(timer);
        timer = null;
        current = null;
        opts.onDone(index, outcome);
        finished++;
        if (finished === pairs.length) resolve();
      };
      const feed = () => {
        if (next >= pairs.length) {
          done = true;
          void w.terminate();
          return;
        }
        const index = next++;
        current = index;
        const task: CaseTask = { index, pair: pairs[index], config, debug: opts.debug, split: opts.split };
        if (opts.caseTimeout > 0) {
          timer = setTimeout(() => {
            const i = current;
            if (i === null) return;
            settle(i, failed(pairs[i], `${pairs[i].pred ?? pairs[i].gt}: gave up after ${opts.caseTimeout} s (--case-timeout)`));
            done = true;
            void w.terminate();
            start();
          }, opts.caseTimeout * 1000);
        }
        w.postMessage(task);
      };
      w.on('message', (m: { index: number; outcome: CaseOutcome }) => {
        // A result that arrives after the time limit already settled the case (and this
        // worker is being stopped) must not count twice or take another case.
        if (done) return;
        settle(m.index, m.outcome);
        feed();
      });
      w.on('error', (err) => {
        if (done) return;
        done = true;
        const i = current;
        if (i !== null) settle(i, failed(pairs[i], `${pairs[i].pred ?? pairs[i].gt}: evaluation crashed (${err.message.split('\n')[0]})`));
        start();
      });
      w.on('exit', (code) => {
        if (done) return;
        done = true;
        const i = current;
        if (i !== null) settle(i, failed(pairs[i], `${pairs[i].pred ?? pairs[i].gt}: evaluation stopped (worker exit ${code}, out of memory?)`));
        start();
      });
      feed();
    };
    for (let k = 0; k < size; k++) start();
  });
}
