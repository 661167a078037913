// Cases evaluated in parallel on worker threads, sent and answered in batches
// (workerLoop.ts says why). A worker that dies (out of memory, a crash in a native
// decoder) or overruns the per-case time limit costs only its case, which becomes an
// error entry; a fresh worker takes over the queue.
import { Worker } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';
import type { RunConfig } from './config.js';
import type { CasePair } from './discover.js';
import { caseSkeleton } from './caseSkeleton.js';
import { isLargeCase } from './caseSize.js';
import type { CaseOutcome } from './evaluateOne.js';
import type { WorkerSetup } from './worker.js';
import { ANSWER_BATCH, PROGRESS_CASE, PROGRESS_SINCE, PROGRESS_SLOTS, type CaseAnswer, type CaseTask, type PoolWorkerData } from './workerLoop.js';
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

/**
 * How many cases a worker may hold at once (the one it is on and those queued behind it):
 * enough that it never waits for this thread while a batch of answers is on its way.
 */
export const QUEUE = 2 * ANSWER_BATCH;

/**
 * How long a worker with nothing left to do lives on before it is stopped. Node 20 can
 * abort the whole process ("NodePlatform::ForIsolate … Assertion failed") when a worker
 * is torn down while V8 still compiles its code on a background thread, which a worker
 * that has just finished a case may well be doing; one idle this long has no such compile
 * left (its background compiles took up to 50 ms on the lesion golden suite, so this is
 * four times that). The pool's cases are settled without waiting for it; a short run's
 * process ends up to this much later.
 */
export const RETIRE_AFTER_MS = 200;

export function runPool(script: URL, pairs: CasePair[], config: RunConfig, opts: PoolOptions): Promise<void> {
  return new Promise((resolve) => {
    let next = 0;
    let finished = 0;
    // Cases sent to a worker that was stopped before it answered them: they go out again first.
    const resend: number[] = [];
    const size = Math.max(1, Math.min(opts.workers, pairs.length));
    if (pairs.length === 0) return resolve();
    const setup: WorkerSetup = { config, debug: opts.debug, split: opts.split };
    const clock0 = Date.now();
    const limitMs = opts.caseTimeout * 1000;
    const small = new Map<number, boolean>();
    const isSmall = (i: number) => {
      let s = small.get(i);
      if (s === undefined) small.set(i, (s = !isLargeCase(pairs[i])));
      return s;
    };
    const take = (): number | undefined => resend.shift() ?? (next < pairs.length ? next++ : undefined);
    const timedOutReason = (p: CasePair) => `${p.pred ?? p.gt}: gave up after ${opts.caseTimeout} s (--case-timeout)`;

    const start = () => {
      const progress = new Int32Array(new SharedArrayBuffer(PROGRESS_SLOTS * 4));
      progress[PROGRESS_CASE] = -1;
      const data: PoolWorkerData<WorkerSetup> = { setup, progress: progress.buffer as SharedArrayBuffer, clock0 };
      const w = new Worker(script, { workerData: data });
      // The cases sent to this worker and not yet answered, in the order it evaluates them.
      // Small cases (a few milliseconds of PNG, say) are queued up to QUEUE deep; a large
      // case is queued behind small ones only, and nothing behind it, where it would keep
      // cases from an idle worker.
      const sent: number[] = [];
      let answered = false;
      let done = false;
      const topUp = () => {
        const tasks: CaseTask[] = [];
        while (sent.length === 0 || (sent.length < QUEUE && isSmall(sent[sent.length - 1]))) {
          const i = take();
          if (i === undefined) break;
          sent.push(i);
          tasks.push({ index: i, pair: pairs[i] });
        }
        if (tasks.length > 0) w.postMessage(tasks);
        if (sent.length === 0) {
          done = true;
          stopWatch();
          setTimeout(() => void w.terminate(), RETIRE_AFTER_MS);
        }
      };
      const settle = (index: number, outcome: CaseOutcome) => {
        opts.onDone(index, outcome);
        finished++;
        if (finished === pairs.length) resolve();
      };
      // This worker is gone: the case it was on fails with `reason`; the others sent to it
      // (answered into its batch but not yet here, or not begun) go to the next worker. A
      // worker that dies before it answers anything and while on no case (it could not
      // start, say) costs its first case, so that a run of such workers still ends.
      const lost = (reason: (pair: CasePair) => string, terminate: boolean) => {
        done = true;
        stopWatch();
        const on = Atomics.load(progress, PROGRESS_CASE);
        const culprit = sent.includes(on) ? on : answered ? undefined : sent[0];
        resend.unshift(...sent.filter((i) => i !== culprit));
        if (culprit !== undefined) settle(culprit, failed(pairs[culprit], reason(pairs[culprit])));
        if (terminate) void w.terminate();
        if (finished < pairs.length) start();
      };
      // --case-timeout: the case the worker is on is looked at a few times per limit, from
      // when the worker began it; an answer that comes back over the limit counts as late too.
      const watch = limitMs > 0 ? setInterval(() => {
        const on = Atomics.load(progress, PROGRESS_CASE);
        if (on >= 0 && Date.now() - clock0 - Atomics.load(progress, PROGRESS_SINCE) > limitMs && sent.includes(on)) lost(timedOutReason, true);
      }, Math.min(100, Math.max(1, limitMs / 4))) : null;
      function stopWatch() {
        if (watch) clearInterval(watch);
      }
      w.on('message', (answers: CaseAnswer[]) => {
        // Answers that arrive after the time limit already settled a case (and this worker
        // is being stopped) must not count twice: their cases went to the next worker.
        if (done) return;
        answered = true;
        for (const a of answers) {
          sent.shift();
          settle(a.index, limitMs > 0 && a.ms > limitMs ? failed(pairs[a.index], timedOutReason(pairs[a.index])) : a.outcome);
        }
        topUp();
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
    };
    for (let k = 0; k < size; k++) start();
  });
}
