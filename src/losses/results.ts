// What the engine returns for a case: per target its losses and metrics, and the
// case-level values; the report layer turns these into its own shapes.
import { binaryLosses } from './formulas/binaryLosses.js';
import { overlapMetrics } from './formulas/overlap.js';
import { labelMapSums } from './producers/labelMapClass.js';
import { SURFACE_METRICS, type EmptyPolicy, type LossParams } from './params.js';

export interface TargetResult {
  /** The binary losses asked for, by key (no lovasz_softmax: that is case-level only). */
  losses: Record<string, number | null>;
  /** The metrics asked for, by key, in the order they are reported; null where undefined. */
  metrics: Record<string, number | null>;
}

export interface CaseEvaluation {
  /** Per target key. */
  labels: Record<string, TargetResult>;
  /** Case-level Lovász-softmax (mean over classes present in the ground truth), null when none is. */
  lovaszSoftmax: number | null;
  /** Evaluated (not ignored) voxels. */
  voxels: number;
  /** Non-zero labels seen in the ground truth and, for label-map predictions, in the prediction. */
  gtLabels: number[];
  predLabels: number[];
  /** The spacing used, mm per voxel along the engine's dims (--spacing, else the ground truth's); null when unknown. */
  spacing: number[] | null;
  /** mm³ per voxel when the spacing is known (NIfTI ground truth or --spacing), else null. */
  voxelVolume: number | null;
  warnings: string[];
}

/** The options an absent target's values depend on. */
export interface AbsentTargetOptions {
  empty: EmptyPolicy;
  params: LossParams;
  losses: readonly string[];
  metrics: readonly string[];
}

/**
 * A target absent from both masks of a case (another case of the run has it): an empty
 * pair over the case's `voxels`, surface metrics null.
 */
export function absentTarget(voxels: number, o: AbsentTargetOptions, voxelVolume: number | null): TargetResult {
  const conf = { tp: 0, fp: 0, fn: 0, tn: voxels };
  const m = overlapMetrics(conf, o.empty, voxelVolume);
  const metrics: Record<string, number | null> = {};
  for (const k of o.metrics) {
    if (k in m) metrics[k] = m[k];
    else if ((SURFACE_METRICS as readonly string[]).includes(k)) metrics[k] = null;
  }
  return { losses: binaryLosses(labelMapSums(conf, o.params.focalGamma), o.params, o.losses), metrics };
}
