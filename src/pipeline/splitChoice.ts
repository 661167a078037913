// Whether the cases of a run may be split over a helper thread each. A split case runs on
// two threads that hand work back and forth several times per class; it is faster only
// when both threads get a core of their own. On a busy machine the helper waits for a
// core (and the case waits for the helper), so the split costs CPU time and wall time
// (measurements: docs/performance.md, "When a case is split"). A split therefore needs,
// besides more workers than cases, two idle cores per case: by the 1-minute load average,
// or, for a case with a class worth splitting, by the cores found idle in a short sample
// (the average lags: a machine idle now may still carry the last minute's work).
import { availableParallelism, cpus, loadavg } from 'node:os';

/** Load the other processes may put on the machine and still leave a split case its two cores. */
const LOAD_SLACK = 0.5;

/**
 * @param workers --workers (threads the run may use)
 * @param cases cases in the run
 * @param cores cores of the machine
 * @param load 1-minute load average before the run (0 where the platform has none, as on Windows)
 */
export function splitPays(workers: number, cases: number, cores: number, load: number): boolean {
  if (cases < 1 || Math.floor(workers / cases) < 2) return false;
  return cores - load >= 2 * cases - LOAD_SLACK;
}

/** How long the idle cores are sampled, ms: a few scheduler ticks on every core. */
const SAMPLE_MS = 100;

/**
 * Whether a run's cases may be split: 'yes' by the load average, 'no' with too few workers
 * a case, or when at least `idle` cores are idle at the time the case is evaluated (the
 * load average says no, but lags).
 */
export type SplitChoice = 'yes' | 'no' | { idle: number };

export function splitChoice(workers: number, cases: number): SplitChoice {
  const cores = availableParallelism();
  if (splitPays(workers, cases, cores, loadavg()[0])) return 'yes';
  // splitPays with load = cores − idle.
  return splitPays(workers, cases, cores, 0) ? { idle: 2 * cases - LOAD_SLACK } : 'no';
}

/** A case's split, asked when it has a class worth splitting: by the idle cores over SAMPLE_MS where the choice waits on them (the case's thread waits meanwhile). */
export async function splitNow(choice: SplitChoice): Promise<boolean> {
  if (typeof choice === 'string') return choice === 'yes';
  const idle = await idleCores(SAMPLE_MS);
  return idle !== null && idle >= choice.idle;
}

/** Cores left idle over the next `ms` milliseconds by every process (this one waits meanwhile); null when the platform gives no CPU times. */
export async function idleCores(ms: number): Promise<number | null> {
  const before = cpuTotals();
  await new Promise((resolve) => setTimeout(resolve, ms));
  const after = cpuTotals();
  const total = after.total - before.total;
  if (!(total > 0)) return null;
  return ((after.idle - before.idle) / total) * after.count;
}

function cpuTotals(): { idle: number; total: number; count: number } {
  let idle = 0;
  let total = 0;
  const all = cpus();
  for (const { times } of all) {
    idle += times.idle;
    total += times.user + times.nice + times.sys + times.idle + times.irq;
  }
  return { idle, total, count: all.length };
}
