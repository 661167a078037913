// Categorical focal loss of a multi-channel prediction (`--focal-multiclass categorical`,
// spec/conventions.md), split by class so the usual mean over classes gives the case value:
//   focal_c = (1/N) Σ_{i: y_i = c} α_c (1 − P̃_{c,i})^γ (−log P̃_{c,i})
// over the N evaluated voxels, P̃ the softmax over the kept channels. The mean of focal_c
// over the C kept channels is MONAI's FocalLoss(use_softmax=True, reduction="mean"):
// (1/(N·C)) Σ_i α_{y_i} (1 − P̃_{y_i,i})^γ (−log P̃_{y_i,i}). A voxel whose class is not
// kept (background without --include-background) adds 0, as its one-hot target row does.
import type { Volume } from '../../types.js';
import { clampedLog } from '../formulas/sums.js';

/**
 * @param kept   the channels the softmax runs over (ascending)
 * @param alpha  the weight of each kept class
 * @returns focal_c for each kept channel c
 */
export function categoricalFocalByClass(
  pred: Volume,
  gt: ArrayLike<number>,
  ignoreIndex: number | null,
  kept: readonly number[],
  gamma: number,
  alpha: (c: number) => number,
): Map<number, number> {
  const n = gt.length;
  const C = pred.channels;
  const data = pred.data;
  const slot = new Int32Array(C).fill(-1);
  kept.forEach((c, k) => (slot[c] = k));
  const sums = new Float64Array(kept.length);
  const weights = Float64Array.from(kept, alpha);
  let voxels = 0;
  const logits = pred.kind === 'logits';
  const scale = pred.quantMax ? 1 / pred.quantMax : 1;
  for (let i = 0; i < n; i++) {
    const y = gt[i]!;
    if (ignoreIndex !== null && y === ignoreIndex) continue;
    voxels++;
    const k = Number.isInteger(y) && y >= 0 && y < C ? slot[y]! : -1;
    if (k < 0) continue;
    let logP: number;
    if (logits) {
      // log-softmax over the kept channels, max-shifted.
      let m = -Infinity;
      for (const c of kept) if (data[c * n + i]! > m) m = data[c * n + i]!;
      let s = 0;
      for (const c of kept) s += Math.exp(data[c * n + i]! - m);
      logP = data[y * n + i]! - m - Math.log(s);
    } else {
      // Probabilities: renormalised over the kept channels (a no-op when all are kept).
      let s = 0;
      for (const c of kept) s += data[c * n + i]! * scale;
      logP = clampedLog((data[y * n + i]! * scale) / s);
    }
    const p = Math.exp(logP);
    const oneMinus = 1 - p;
    const w = gamma === 0 ? 1 : oneMinus > 0 ? Math.pow(oneMinus, gamma) : 0;
    sums[k] += weights[k]! * w * -logP;
  }
  const out = new Map<number, number>();
  kept.forEach((c, k) => out.set(c, voxels > 0 ? sums[k]! / voxels : NaN));
  return out;
}
