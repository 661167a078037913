// The report as cli.md lays it out (schema segloss-report/1). Every writer
// (JSON, CSV, table, Markdown, nnU-Net) renders this one structure; the engine fills it.

import type { LesionEntry } from '../lesions/lesionMetrics.js';

export type CaseStatus = 'ok' | 'missing' | 'error';

/** A number or null: null stands for "empty"/undefined (written null in JSON, empty in CSV, NaN in tables). */
export type Num = number | null;

export interface LabelResult {
  /** Overlap metrics (dice, iou, precision, recall, specificity, tp, fp, fn, tn, gt_voxels,
   *  pred_voxels, gt_volume_ml, pred_volume_ml) and, with --metrics all, hd, hd95, assd, nsd. */
  [metric: string]: Num | Record<string, Num>;
  /** Binary losses of this class (no lovasz_softmax: that is case-level only). */
  losses: Record<string, Num>;
}

export interface CaseResult {
  id: string;
  pred: string | null;
  gt: string;
  status: CaseStatus;
  error: string | null;
  input: 'logits' | 'probs' | 'labels' | null;
  shape: number[] | null;
  /** mm per voxel along the engine's axes, fastest first (x, y, z; a PNG's width, height: --spacing's order); 1 per axis when unknown. */
  spacing: number[] | null;
  warnings: string[];
  /** Case-level overlap metrics: dice and iou as the mean over evaluated labels (nulls left out). */
  metrics?: Record<string, Num>;
  /** Case-level losses (losses.md). */
  losses?: Record<string, Num>;
  /** Per evaluated label (or region name). */
  labels?: Record<string, LabelResult>;
  /** NumPy predictions: which axis rule was applied against the ground truth. */
  npy_axes?: 'reversed' | 'same';
  /** Wall-clock seconds spent on this case (not compared between runs). */
  seconds?: number;
  /** Voxels evaluated (ignored ones left out): what an evaluated label absent from the case is measured over. */
  voxels?: number;
  /** Non-zero labels found in the ground truth and (label-map predictions) the prediction. */
  labels_found?: { gt: number[]; pred: number[] };
  /** mm³ per voxel; null when the spacing is unknown (PNG or NumPy ground truth without --spacing). */
  voxel_volume_mm3?: number | null;
  /** --lesions: one entry per gt lesion, then per unmatched pred lesion, per label (spec/lesions.md). */
  lesions?: Record<string, LesionEntry[]>;
  /** With `ece` requested: per label, the reliability table; null for a label-map prediction (metrics-extra.md). */
  reliability?: Record<string, ReliabilityTable> | null;
}

/** Equal-width bins of p: voxels, and mean p and mean t (null for an empty bin). */
export interface ReliabilityTable {
  count: number[];
  mean_p: Num[];
  mean_t: Num[];
}

export interface Stats {
  mean: Num;
  std: Num;
  median: Num;
  min: Num;
  max: Num;
  n: number;
  /** eval --ci: percentile-bootstrap 95 % interval of the mean (statistics.md). */
  ci_low?: Num;
  ci_high?: Num;
}

export interface Summary {
  cases: number;
  ok: number;
  missing: number;
  errors: number;
  metrics: Record<string, Stats>;
  losses: Record<string, Stats>;
  labels: Record<string, Record<string, Stats>>;
  /** --lesions: lesion counts pooled over ok cases, per label (tp fp fn … pq sq rq). */
  lesions?: Record<string, Record<string, Num>>;
  /** With `ece` requested: per label, the reliability table pooled over the ok probability cases. */
  reliability?: Record<string, ReliabilityTable>;
}

export interface GateResult {
  expr: string;
  value: Num;
  pass: boolean;
}

/** A per-case gate (`--gate-case`): every ok case must pass; the ones that did not. */
export interface CaseGateEntry {
  expr: string;
  pass: boolean;
  /** Ok cases checked. */
  evaluated: number;
  /** value null: the case has the path as null, or not at all. */
  failures: { id: string; value: Num }[];
}

/** One `--max-drop PATH=DELTA` check against a baseline report. */
export interface BaselineCheckEntry {
  path: string;
  /** Largest tolerated worsening (a drop, or a rise for lower-is-better quantities). */
  max_drop: number;
  lower_is_better: boolean;
  baseline: Num;
  current: Num;
  /** current − baseline; null when either side is null. */
  change: Num;
  /** statistics.md: "wilcoxon" when --regression-test decided with the paired test, else "plain". */
  test?: 'wilcoxon' | 'plain';
  /** Pairs behind the test (null without a per-case quantity); p: one-sided, null unless wilcoxon. */
  n?: number | null;
  p?: number | null;
  alpha?: number;
  pass: boolean;
}

export interface Report {
  schema: 'segloss-report/1';
  tool: { name: 'segloss'; version: string };
  config: Record<string, unknown>;
  cases: CaseResult[];
  summary: Summary;
  gates: GateResult[];
  /** Per-case gates, present when --gate-case was given (additive to cli.md's schema). */
  case_gates?: CaseGateEntry[];
  /** Baseline checks, present when --baseline was given (additive to cli.md's schema). */
  baseline?: { file: string; alpha?: number; regression_test?: boolean; checks: BaselineCheckEntry[] };
  /** Run-level warnings, not tied to one case (e.g. a named label that occurs nowhere); present when any. */
  warnings?: string[];
  /** Every gate, per-case gate and baseline check passed, and no case is in error. */
  passed: boolean;
}
