// Hard-mask overlap metrics of losses.md from confusion counts.
import type { Confusion } from '../producers/confusion.js';
import type { EmptyPolicy } from '../params.js';

function ratio(num: number, den: number): number | null {
  return den > 0 ? num / den : null;
}

export function overlapMetrics(
  c: Confusion,
  empty: EmptyPolicy,
  voxelVolumeMm3: number | null,
): Record<string, number | null> {
  const { tp, fp, fn, tn } = c;
  // Both masks empty: Dice/IoU are 1 by default, null under --empty nan (as nnU-Net).
  const emptyPair = tp + fp + fn === 0;
  const dice = emptyPair ? (empty === 'one' ? 1 : null) : (2 * tp) / (2 * tp + fp + fn);
  const iou = emptyPair ? (empty === 'one' ? 1 : null) : tp / (tp + fp + fn);
  const out: Record<string, number | null> = {
    dice,
    iou,
    precision: ratio(tp, tp + fp),
    recall: ratio(tp, tp + fn),
    specificity: ratio(tn, tn + fp),
    tp,
    fp,
    fn,
    tn,
    gt_voxels: tp + fn,
    pred_voxels: tp + fp,
  };
  if (voxelVolumeMm3 !== null) {
    out.gt_volume_ml = ((tp + fn) * voxelVolumeMm3) / 1000;
    out.pred_volume_ml = ((tp + fp) * voxelVolumeMm3) / 1000;
  }
  return out;
}
