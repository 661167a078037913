// Long passes over a case, cut into calls of one function: V8 runs a loop that is entered
// once, however long, as on-stack-replaced code, slower than the same loop in a function
// called a few times (measured in docs/performance.md).

/** Voxels per call. */
export const PASS_CHUNK = 1 << 20;

/** Calls `pass(from, to)` over [0, n) in PASS_CHUNK pieces. */
export function inChunks(n: number, pass: (from: number, to: number) => void): void {
  for (let from = 0; from < n; from += PASS_CHUNK) pass(from, Math.min(n, from + PASS_CHUNK));
}
