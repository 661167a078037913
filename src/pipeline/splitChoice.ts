// Whether the cases of a run may be split over a helper thread each. A split case runs on
// two threads that hand work back and forth several times per class; it is faster only
// when both threads get a core of their own. On a busy machine the helper waits for a
// core (and the case waits for the helper), so the split costs CPU time and wall time
// (measurements: docs/performance.md, "When a case is split"). A split therefore needs,
// besides more workers than cases, two idle cores per case by the 1-minute load average.
import { availableParallelism, loadavg } from 'node:os';

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

/** splitPays on this machine, now. */
export function splitNow(workers: number, cases: number): boolean {
  return splitPays(workers, cases, availableParallelism(), loadavg()[0]);
}
