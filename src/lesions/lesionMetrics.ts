// From a matching to lesion statuses, per-lesion entries, counts and the metrics of
// spec/lesions.md "Small lesions", "Counts and metrics" and "Report". Pure.
import type { LesionMatch } from './options.js';
import type { Matching } from './matching.js';

export type LesionStatus = 'tp' | 'fn' | 'fp' | 'ignored';

/** One entry of cases[].lesions.<L>: a gt lesion (by id), or an unmatched pred lesion. */
export interface LesionEntry {
  gt: number | null;
  pred: number[];
  status: LesionStatus;
  gt_voxels: number;
  pred_voxels: number;
  iou: number;
  dice: number;
  hd95: number | null;
}

/** What the statuses add up to, for one case and target (or pooled over cases). */
export interface LesionCounts {
  tp: number;
  fp: number;
  fn: number;
  gtLesions: number;
  predLesions: number;
  /** Σ over TP gt lesions of IoU(g, U(g)), Dice(g, U(g)), hd95(g, U(g)). */
  sumIou: number;
  sumDice: number;
  sumHd95: number;
}

export interface LesionFacts {
  /** Ids are 1..n: index 0 unused. */
  gtVoxels: ArrayLike<number>;
  predVoxels: ArrayLike<number>;
  gtSmall: (g: number) => boolean;
  predSmall: (p: number) => boolean;
  matching: Matching;
  /** |g ∩ p| in voxels (0 when they do not overlap). */
  inter: (g: number, p: number) => number;
  /** hd95 of g and U(g) for a non-empty list of pred ids. */
  hd95: (g: number, preds: number[]) => number;
  smallRule: 'both' | 'gt';
}

/** Entries (gt lesions by id, then unmatched pred lesions by id) and counts of one case and target. */
export function lesionEntries(f: LesionFacts): { entries: LesionEntry[]; counts: LesionCounts } {
  const nG = f.gtVoxels.length - 1;
  const nP = f.predVoxels.length - 1;
  const predsOf: number[][] = Array.from({ length: nG + 1 }, () => []);
  const gtsOf: number[][] = Array.from({ length: nP + 1 }, () => []);
  for (const [g, p] of f.matching) {
    predsOf[g].push(p);
    gtsOf[p].push(g);
  }
  const counts: LesionCounts = { tp: 0, fp: 0, fn: 0, gtLesions: 0, predLesions: 0, sumIou: 0, sumDice: 0, sumHd95: 0 };
  const entries: LesionEntry[] = [];
  for (let g = 1; g <= nG; g++) {
    const preds = predsOf[g].sort((a, b) => a - b);
    const gv = f.gtVoxels[g];
    let pv = 0;
    let inter = 0;
    for (const p of preds) {
      pv += f.predVoxels[p];
      inter += f.inter(g, p);
    }
    const matched = preds.length > 0;
    const iou = matched ? inter / (gv + pv - inter) : 0;
    const dice = matched ? (2 * inter) / (gv + pv) : 0;
    const hd95 = matched ? f.hd95(g, preds) : null;
    const status: LesionStatus = f.gtSmall(g) ? 'ignored' : matched ? 'tp' : 'fn';
    if (status === 'tp') {
      counts.tp++;
      counts.sumIou += iou;
      counts.sumDice += dice;
      counts.sumHd95 += hd95!;
    } else if (status === 'fn') counts.fn++;
    entries.push({ gt: g, pred: preds, status, gt_voxels: gv, pred_voxels: pv, iou, dice, hd95 });
  }
  for (let p = 1; p <= nP; p++) {
    const gts = gtsOf[p];
    if (gts.length > 0) {
      // Matched: counted on the gt side; ignored when every gt lesion it matches is.
      if (gts.some((g) => !f.gtSmall(g))) counts.predLesions++;
      continue;
    }
    const status: LesionStatus = f.smallRule === 'both' && f.predSmall(p) ? 'ignored' : 'fp';
    if (status === 'fp') {
      counts.fp++;
      counts.predLesions++;
    }
    entries.push({ gt: null, pred: [p], status, gt_voxels: 0, pred_voxels: f.predVoxels[p], iou: 0, dice: 0, hd95: null });
  }
  counts.gtLesions = counts.tp + counts.fn;
  return { entries, counts };
}

export const LESION_KEYS = [
  'gt_lesions',
  'pred_lesions',
  'lesion_tp',
  'lesion_fp',
  'lesion_fn',
  'lesion_precision',
  'lesion_recall',
  'lesion_f1',
  'lesion_dice',
  'lesion_hd95',
  'pq',
  'sq',
  'rq',
] as const;

const ratio = (a: number, b: number): number | null => (b === 0 ? null : a / b);

/**
 * The keys under labels.<L> of one case. `penalty` = π (mm). No lesions (TP+FP+FN = 0):
 * f1, dice, pq, sq, rq 1 and hd95 0 under --empty one; null under nan. pq/sq/rq are null
 * with overlap matching (not one-to-one).
 */
export function lesionMetrics(c: LesionCounts, match: LesionMatch, penalty: number, empty: 'one' | 'nan'): Record<string, number | null> {
  const { tp, fp, fn } = c;
  const none = tp + fp + fn === 0;
  const one = empty === 'one' ? 1 : null;
  const panoptic = match === 'iou';
  return {
    gt_lesions: c.gtLesions,
    pred_lesions: c.predLesions,
    lesion_tp: tp,
    lesion_fp: fp,
    lesion_fn: fn,
    lesion_precision: ratio(tp, tp + fp),
    lesion_recall: ratio(tp, tp + fn),
    lesion_f1: none ? one : (2 * tp) / (2 * tp + fp + fn),
    lesion_dice: none ? one : c.sumDice / (tp + fn + fp),
    lesion_hd95: none ? (empty === 'one' ? 0 : null) : (c.sumHd95 + penalty * (fn + fp)) / (tp + fn + fp),
    ...panopticKeys(c, panoptic, one),
  };
}

function panopticKeys(c: LesionCounts, panoptic: boolean, one: number | null): { pq: number | null; sq: number | null; rq: number | null } {
  if (!panoptic) return { pq: null, sq: null, rq: null };
  const { tp, fp, fn } = c;
  if (tp + fp + fn === 0) return { pq: one, sq: one, rq: one };
  const denom = tp + fp / 2 + fn / 2;
  return { pq: c.sumIou / denom, sq: tp === 0 ? 0 : c.sumIou / tp, rq: tp / denom };
}

/** summary.lesions.<L>: counts pooled over ok cases, Kirillov's dataset PQ from the pooled Σ IoU. */
export function pooledLesionSummary(c: LesionCounts, match: LesionMatch, empty: 'one' | 'nan'): Record<string, number | null> {
  const { tp, fp, fn } = c;
  const none = tp + fp + fn === 0;
  return {
    tp,
    fp,
    fn,
    gt_lesions: c.gtLesions,
    pred_lesions: c.predLesions,
    precision: ratio(tp, tp + fp),
    recall: ratio(tp, tp + fn),
    f1: none ? (empty === 'one' ? 1 : null) : (2 * tp) / (2 * tp + fp + fn),
    ...panopticKeys(c, match === 'iou', empty === 'one' ? 1 : null),
  };
}
