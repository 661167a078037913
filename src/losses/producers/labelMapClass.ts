// Closed forms for a hard label-map prediction (p ∈ {0, 1}): every sum follows from the
// confusion counts. A wrong voxel has BCE = 100 (the −100 log clamp), a right one 0; its
// logit is ±100, so every wrong voxel has hinge error 101 and every right one −99, and the
// Lovász extension over K equal errors telescopes to e·J_K with J_K = 1 − tp/(tp+fp+fn).
import type { Confusion } from './confusion.js';
import { focalTerm, type ClassSums } from '../formulas/sums.js';

const CLAMP = 100;

export function labelMapSums(c: Confusion, gamma: number): ClassSums {
  const { tp, fp, fn, tn } = c;
  const wrongTerm = focalTerm(CLAMP, gamma);
  return {
    n: tp + fp + fn + tn,
    sp: tp + fp,
    st: tp + fn,
    spt: tp,
    sumTLogP: -CLAMP * fn,
    sumNotTLog1mP: -CLAMP * fp,
    focalPos: fn * wrongTerm,
    focalNeg: fp * wrongTerm,
    lovaszHinge: fp + fn > 0 ? (1 + CLAMP) * (1 - tp / (tp + fp + fn)) : 0,
  };
}

/** Lovász-softmax term of one class of a hard prediction (errors are 0 or 1). */
export function labelMapSoftmaxTerm(c: Confusion): number {
  const { tp, fp, fn } = c;
  return fp + fn > 0 ? 1 - tp / (tp + fp + fn) : 0;
}
