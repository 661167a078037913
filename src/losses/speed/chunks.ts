// Long passes over a case, cut into calls of one function. V8 runs a loop that is entered
// once, however long, as on-stack-replaced code, which here ran such passes ~1.5× slower
// than the same loop in a function called a few times (a histogram pass over a CT's
// logits: 320 ms as one call, 185 ms in 1 Mi-voxel calls).

/** Voxels per call. */
export const PASS_CHUNK = 1 << 20;

/** Calls `pass(from, to)` over [0, n) in PASS_CHUNK pieces. */
export function inChunks(n: number, pass: (from: number, to: number) => void): void {
  for (let from = 0; from < n; from += PASS_CHUNK) pass(from, Math.min(n, from + PASS_CHUNK));
}
