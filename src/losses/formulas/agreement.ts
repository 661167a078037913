// The agreement scores papers report beside Dice (metrics-extra.md), each a short
// function of the integer confusion counts of one label's hard masks. Where a denominator
// is 0 the value is the spec's, written out per branch: `E` is what an empty pair
// (tp = fp = fn = 0) is worth, 1 under --empty one and null under --empty nan.
import type { Confusion } from '../producers/confusion.js';
import type { EmptyPolicy } from '../params.js';

type Num = number | null;

function isEmptyPair(c: Confusion): boolean {
  return c.tp + c.fp + c.fn === 0;
}

function emptyValue(empty: EmptyPolicy): Num {
  return empty === 'one' ? 1 : null;
}

/** Matthews correlation; −1 when every voxel is a mistake of one kind (tp = tn = 0), 0 for the other degenerate cases. */
export function mcc(c: Confusion, empty: EmptyPolicy): Num {
  const { tp, fp, fn, tn } = c;
  const a = (tp + fp) * (tp + fn);
  const b = (tn + fp) * (tn + fn);
  if (a > 0 && b > 0) return (tp * tn - fp * fn) / (Math.sqrt(a) * Math.sqrt(b));
  if (fp === 0 && fn === 0) return tp === 0 ? emptyValue(empty) : 1;
  if (tp === 0 && tn === 0) return -1;
  return 0;
}

/** Cohen's κ of the binary masks, 2(tp·tn − fn·fp) / ((tp+fp)(fp+tn) + (tp+fn)(fn+tn)). */
export function kappa(c: Confusion, empty: EmptyPolicy): Num {
  const { tp, fp, fn, tn } = c;
  const den = (tp + fp) * (fp + tn) + (tp + fn) * (fn + tn);
  // Zero only for an empty pair or a case where every voxel is tp.
  if (den === 0) return tp === 0 ? emptyValue(empty) : 1;
  return (2 * (tp * tn - fn * fp)) / den;
}

/** Mean of recall and specificity over those with a non-zero denominator (sklearn's rule). */
export function balancedAccuracy(c: Confusion, empty: EmptyPolicy): Num {
  if (isEmptyPair(c)) return emptyValue(empty);
  const { tp, fp, fn, tn } = c;
  const parts: number[] = [];
  if (tp + fn > 0) parts.push(tp / (tp + fn));
  if (tn + fp > 0) parts.push(tn / (tn + fp));
  return parts.length === 2 ? (parts[0] + parts[1]) / 2 : parts[0];
}

/** F-beta with β = 2: recall weighs four times as much as precision. */
export function f2(c: Confusion, empty: EmptyPolicy): Num {
  if (isEmptyPair(c)) return emptyValue(empty);
  return (5 * c.tp) / (5 * c.tp + 4 * c.fn + c.fp);
}

/** Relative volume difference (|P| − |G|)/|G|, signed; undefined (null) when only the ground truth is empty. */
export function rvd(c: Confusion, empty: EmptyPolicy): Num {
  const gt = c.tp + c.fn;
  const pred = c.tp + c.fp;
  if (gt > 0) return (pred - gt) / gt;
  if (pred === 0) return empty === 'one' ? 0 : null;
  return null;
}

/** Absolute volume difference in ml; null when the voxel volume is unknown (never voxels). */
export function avd(c: Confusion, voxelVolumeMm3: number | null): Num {
  if (voxelVolumeMm3 === null) return null;
  return (Math.abs(c.fp - c.fn) * voxelVolumeMm3) / 1000;
}

/** Every agreement metric of one label; all null when the label has no evaluated voxel. */
export function agreementMetrics(c: Confusion, empty: EmptyPolicy, voxelVolumeMm3: number | null): Record<string, Num> {
  if (c.tp + c.fp + c.fn + c.tn === 0) {
    return { mcc: null, kappa: null, balanced_accuracy: null, f2: null, rvd: null, avd: null };
  }
  return {
    mcc: mcc(c, empty),
    kappa: kappa(c, empty),
    balanced_accuracy: balancedAccuracy(c, empty),
    f2: f2(c, empty),
    rvd: rvd(c, empty),
    avd: avd(c, voxelVolumeMm3),
  };
}
