// Cases evaluated in parallel on worker threads. A worker that dies (out of memory, a
// crash in a native decoder) or overruns the per-case time limit costs only its case,
// which becomes an error entry; a fresh worker takes over the queue.
import { Worker } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';
import type { RunConfig } from './config.js';
import type { CasePair } from './discover.js';
import { caseSkeleton } from './caseSkeleton.js';
import { isLargeCase } from './caseSize.js';
import type { CaseOutcome } from './evaluateOne.js';
import type { CaseTask, WorkerSetup } from './worker.js';
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
    // Cases sent to a worker that was stopped before it began them: they go out again first.
    const resend: number[] = [];
    const size = Math.max(1, Math.min(opts.workers, pairs.length));
    if (pairs.length === 0) return resolve();
    const setup: WorkerSetup = { config, debug: opts.debug, split: opts.split };
    const small = new Map<number, boolean>();
    const isSmall = (i: number) => {
      let s = small.get(i);
      if (s === undefined) small.set(i, (s = !isLargeCase(pairs[i])));
      return s;
    };
    const take = (): number | undefined => resend.shift() ?? (next < pairs.length ? next++ : undefined);

    const start = () => {
      const w = new Worker(script, { workerData: setup });
      // The cases sent to this worker, in the order it evaluates them: the first is the one
      // it is on. A second waits in the worker only behind a small first case (a few
      // milliseconds of PNG, say), so the worker goes straight on to it instead of waiting
      // for this thread to answer; behind a large case it would keep it from an idle worker.
      const sent: number[] = [];
      let timer: NodeJS.Timeout | null = null;
      let done = false;
      const send = (i: number) => {
        sent.push(i);
        const task: CaseTask = { index: i, pair: pairs[i] };
        w.postMessage(task);
      };
      const topUp = () => {
        while (sent.length === 0 || (sent.length === 1 && isSmall(sent[0]))) {
          const i = take();
          if (i === undefined) break;
          send(i);
        }
        if (sent.length === 0) {
          done = true;
          void w.terminate();
        }
      };
      // The time limit runs for the case the worker is on, from when it got to it (as far
      // as this thread can tell: when the case before it came back).
      const arm = () => {
        if (timer) clearTimeout(timer);
        timer = null;
        if (opts.caseTimeout > 0 && sent.length > 0) timer = setTimeout(timedOut, opts.caseTimeout * 1000);
      };
      const settle = (index: number, outcome: CaseOutcome) => {
        opts.onDone(index, outcome);
        finished++;
        if (finished === pairs.length) resolve();
      };
      // This worker is gone: its current case fails with `reason`, the cases queued behind
      // it go to the next worker.
      const lost = (reason: (pair: CasePair) => string, terminate: boolean) => {
        done = true;
        if (timer) clearTimeout(timer);
        const [current, ...queued] = sent;
        resend.unshift(...queued);
        if (current !== undefined) settle(current, failed(pairs[current], reason(pairs[current])));
        if (terminate) void w.terminate();
        if (finished < pairs.length) start();
      };
      const timedOut = () => lost((p) => `${p.pred ?? p.gt}: gave up after ${opts.caseTimeout} s (--case-timeout)`, true);
      w.on('message', (m: { index: number; outcome: CaseOutcome }) => {
        // A result that arrives after the time limit already settled the case (and this
        // worker is being stopped) must not count twice.
        if (done) return;
        sent.shift();
        settle(m.index, m.outcome);
        topUp();
        arm();
      });
      w.on('error', (err) => {
        if (done) return;
        lost((p) => `${p.pred ?? p.gt}: evaluation crashed (${err.message.split('\n')[0]})`, false);
      });
      w.on('exit', (code) => {
        if (done) return;
        lost((p) => `${p.pred ?? p.gt}: evaluation stopped (worker exit ${code}, out of memory?)`, false);
      });
      topUp();
      arm();
    };
    for (let k = 0; k < size; k++) start();
  });
}
