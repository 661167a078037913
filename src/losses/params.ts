// Loss parameters and the evaluation options the engine needs, with losses.md's defaults.

export type FocalMode = 'constant' | 'balanced';
export type Hd95Mode = 'union' | 'max';
export type EmptyPolicy = 'one' | 'nan';

export interface LossParams {
  smooth: number;
  focalAlpha: number;
  focalGamma: number;
  focalMode: FocalMode;
  tverskyAlpha: number;
  tverskyBeta: number;
  focalTverskyGamma: number;
  comboAlpha: number;
  comboBeta: number;
}

export const DEFAULT_LOSS_PARAMS: Readonly<LossParams> = Object.freeze({
  smooth: 1,
  focalAlpha: 0.8,
  focalGamma: 2,
  focalMode: 'constant',
  tverskyAlpha: 0.5,
  tverskyBeta: 0.5,
  focalTverskyGamma: 2,
  comboAlpha: 0.5,
  comboBeta: 0.5,
});

/** Every loss key of losses.md, in report order. */
export const LOSS_KEYS = [
  'dice',
  'bce_dice',
  'iou',
  'focal',
  'focal_global',
  'tversky',
  'focal_tversky',
  'lovasz_hinge',
  'lovasz_softmax',
  'combo',
] as const;
export type LossKey = (typeof LOSS_KEYS)[number];

/** The default loss set: every key except focal_global (cli.md). */
export const DEFAULT_LOSSES: readonly LossKey[] = LOSS_KEYS.filter((k) => k !== 'focal_global');

export const OVERLAP_METRICS = [
  'dice',
  'iou',
  'precision',
  'recall',
  'specificity',
  'tp',
  'fp',
  'fn',
  'tn',
  'gt_voxels',
  'pred_voxels',
  'gt_volume_ml',
  'pred_volume_ml',
] as const;
export const SURFACE_METRICS = ['hd', 'hd95', 'assd', 'nsd'] as const;
/** metrics-extra.md: from a probability or logit prediction (null for label maps). */
export const PROBABILITY_METRICS = ['brier', 'nll', 'ece', 'auroc', 'ap'] as const;
/** metrics-extra.md: from the confusion counts of the hard masks, any input. */
export const AGREEMENT_METRICS = ['mcc', 'kappa', 'balanced_accuracy', 'f2', 'rvd', 'avd'] as const;
/** Metrics also written per case (mean over labels) and summarised over the run. */
export const CASE_METRICS = ['dice', 'iou', ...SURFACE_METRICS, ...PROBABILITY_METRICS, ...AGREEMENT_METRICS] as const;
export const METRIC_KEYS = [...OVERLAP_METRICS, ...SURFACE_METRICS, ...PROBABILITY_METRICS, ...AGREEMENT_METRICS] as const;
/** Equal-width reliability bins of the ECE (--ece-bins). */
export const DEFAULT_ECE_BINS = 15;
export type MetricKey = (typeof METRIC_KEYS)[number];

/** The engine's defaults besides the loss parameters (losses.md, cli.md): the one list the evaluation options start from. */
export const DEFAULTS = Object.freeze({
  threshold: 0.5,
  empty: 'one' as EmptyPolicy,
  losses: DEFAULT_LOSSES,
  metrics: OVERLAP_METRICS as readonly string[],
  hd95: 'union' as Hd95Mode,
  nsdTolerance: 1,
});

/** A class the engine evaluates: a single label, or a region (union of labels) keyed by name. */
export interface Target {
  key: string;
  labels: number[];
}
