// What the engine returns for a case: per target its losses and metrics, and the
// case-level values; the report layer turns these into its own shapes.
import type { LesionEntry } from '../lesions/lesionMetrics.js';
import { agreementMetrics } from './formulas/agreement.js';
import { binaryLosses } from './formulas/binaryLosses.js';
import { overlapMetrics } from './formulas/overlap.js';
import type { ReliabilityTable } from './producers/calibration.js';
import { labelMapSums } from './producers/labelMapClass.js';
import { PROBABILITY_METRICS, SURFACE_METRICS, type EmptyPolicy, type LossParams } from './params.js';
import { applyAbsentClassLoss, applyOverlapSwitches, emptySurfaceValues, type Switches } from './switches.js';

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
  /** Per-lesion entries per target key, when lesions are evaluated. */
  lesions?: Record<string, LesionEntry[]>;
  /** With `ece` requested: per target key, null for a label-map prediction. */
  reliability?: Record<string, ReliabilityTable> | null;
}

/** The options an absent target's values depend on. */
export interface AbsentTargetOptions {
  empty: EmptyPolicy;
  params: LossParams;
  losses: readonly string[];
  metrics: readonly string[];
  switches: Switches;
}

/**
 * A target absent from both masks of a case (another case of the run has it): an empty
 * pair over the case's `voxels` read as a label map (probability metrics null); its
 * surface values follow the conventions' empty-pair rule, their warnings go to `warnings`.
 */
export function absentTarget(voxels: number, o: AbsentTargetOptions, voxelVolume: number | null, key = '', warnings: string[] = []): TargetResult {
  const conf = { tp: 0, fp: 0, fn: 0, tn: voxels };
  const m: Record<string, number | null> = { ...overlapMetrics(conf, o.empty, voxelVolume), ...agreementMetrics(conf, o.empty, voxelVolume) };
  applyOverlapSwitches(m, conf, o.switches);
  for (const k of PROBABILITY_METRICS) m[k] = null;
  const surf = emptySurfaceValues(key, true, 'prediction mask empty', o.switches, new Set(o.metrics), warnings);
  const losses = binaryLosses(labelMapSums(conf, o.params.focalGamma), o.params, o.losses);
  applyAbsentClassLoss(losses, true, o.switches);
  const metrics: Record<string, number | null> = {};
  for (const k of o.metrics) {
    if (k in m) metrics[k] = m[k];
    else if ((SURFACE_METRICS as readonly string[]).includes(k)) metrics[k] = surf[k as keyof typeof surf];
  }
  return { losses, metrics };
}
