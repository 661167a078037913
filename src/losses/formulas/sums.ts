// Per-class sufficient statistics. Every binary loss of losses.md is a function of
// these float64 sums, so each input path (label maps, probabilities, logits) only has
// to produce a ClassSums and the formulas live in one place (binaryLosses.ts).

export interface ClassSums {
  /** Voxels evaluated (not ignored). */
  n: number;
  sp: number;
  st: number;
  spt: number;
  /** Σ t·log p (clamped logs, ≤ 0). */
  sumTLogP: number;
  /** Σ (1−t)·log(1−p) (clamped logs, ≤ 0). */
  sumNotTLog1mP: number;
  /** Σ over t=1 voxels of (1 − e^{−BCE_i})^γ · BCE_i (focal term without α). */
  focalPos: number;
  /** Σ over t=0 voxels of the same. */
  focalNeg: number;
  /** Binary Lovász hinge of this class (losses.md). */
  lovaszHinge: number;
}

export function emptySums(n: number): ClassSums {
  return { n, sp: 0, st: 0, spt: 0, sumTLogP: 0, sumNotTLog1mP: 0, focalPos: 0, focalNeg: 0, lovaszHinge: 0 };
}

/** ln x clamped at −100, PyTorch binary_cross_entropy's rule. */
export function clampedLog(x: number): number {
  const v = Math.log(x);
  return v > -100 ? v : -100;
}

/**
 * The focal term of one voxel, (1 − p_t)^γ · BCE, from 1 − p_t. losses.md writes it
 * 1 − e^{−BCE}, which is 1 − p_t itself unless the log is clamped (and then both are 1 to
 * double precision); callers that know 1 − p_t without cancellation pass it, which is
 * exact where e^{log(1 − p_t)} is not and saves the expm1.
 */
export function focalOf(oneMinusPt: number, bce: number, gamma: number): number {
  if (gamma === 2) return oneMinusPt * oneMinusPt * bce;
  if (gamma === 0) return bce;
  return Math.pow(oneMinusPt, gamma) * bce;
}

/** focalOf when only the BCE is known: 1 − p_t = 1 − e^{−BCE}. */
export function focalTerm(bce: number, gamma: number): number {
  if (bce <= 0) return 0;
  return focalOf(-Math.expm1(-bce), bce, gamma);
}
