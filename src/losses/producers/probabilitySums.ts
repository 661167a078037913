// The sums of a class's probabilities alone (Σp, Σp·t and the counts), for requests that
// need nothing else: dice, IoU, Tversky and focal Tversky are functions of these and the
// confusion counts. Same p as VoxelTerms (one exp per logit, no log1p, no focal term),
// added in the same voxel order, so the sums are bit for bit the ones the full pass makes.
import { logisticOf } from './voxelTerms.js';
import { IGNORED } from './truth.js';

/** Losses whose per-class value needs only n, Σp, Σt and Σp·t (losses.md). */
export const PROBABILITY_SUM_LOSSES: readonly string[] = ['dice', 'iou', 'tversky', 'focal_tversky'];

/** Running sums, in this order: Σp, Σp·t, voxels with t = 0, voxels with t = 1. */
export type ProbabilitySums = Float64Array;

export function newProbabilitySums(): ProbabilitySums {
  return new Float64Array(4);
}

/** Adds voxels [from, to): `logits`: p = sigmoid(z) as VoxelTerms.logit computes it; else p = the value. */
export function addProbabilitySums(acc: ProbabilitySums, logits: boolean, values: ArrayLike<number>, t: Uint8Array, from: number, to: number): void {
  let sp = acc[0];
  let spt = acc[1];
  let n0 = acc[2];
  let n1 = acc[3];
  for (let i = from; i < to; i++) {
    const ti = t[i];
    if (ti === IGNORED) continue;
    const v = values[i];
    const p = logits ? logisticOf(v) : v;
    sp += p;
    if (ti === 1) {
      spt += p;
      n1++;
    } else n0++;
  }
  acc[0] = sp;
  acc[1] = spt;
  acc[2] = n0;
  acc[3] = n1;
}
