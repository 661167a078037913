// The effective configuration of a run: every option of cli.md with its default.
import { DEFAULT_LOSS_PARAMS, DEFAULT_LOSSES, OVERLAP_METRICS, type LossParams, type Target, type EmptyPolicy, type Hd95Mode } from '../losses/params.js';
import { availableParallelism } from 'node:os';
import type { InputMode, NpyAxes } from './volume.js';

export type MissingPolicy = 'zero' | 'skip' | 'error';

export interface RunConfig {
  pred: string;
  gt: string;
  input: InputMode;
  threshold: number;
  /** Explicit --labels; null = every non-zero label found in the run. */
  labels: number[] | null;
  /** --regions; null = labels. */
  regions: Target[] | null;
  includeBackground: boolean;
  ignoreIndex: number | null;
  empty: EmptyPolicy;
  missing: MissingPolicy;
  losses: string[];
  metrics: string[];
  params: LossParams;
  hd95: Hd95Mode;
  nsdTolerance: number;
  spacing: number[] | null;
  npyAxes: NpyAxes | null;
  maxVoxels: number;
  workers: number;
  /** --shard i/n: evaluate only the cases whose index mod n is i (0-based i). */
  shard: { index: number; count: number } | null;
}

export const DEFAULT_RUN_CONFIG: Omit<RunConfig, 'pred' | 'gt'> = {
  input: 'auto',
  threshold: 0.5,
  labels: null,
  regions: null,
  includeBackground: false,
  ignoreIndex: null,
  empty: 'one',
  missing: 'zero',
  losses: [...DEFAULT_LOSSES],
  metrics: [...OVERLAP_METRICS],
  params: { ...DEFAULT_LOSS_PARAMS },
  hd95: 'union',
  nsdTolerance: 1,
  spacing: null,
  npyAxes: null,
  maxVoxels: 2 ** 31,
  workers: availableParallelism(),
  shard: null,
};

/** The report's `config` block: every effective option, snake_case as in the golden reports. */
export function reportConfig(c: RunConfig, labelsUsed: string[]): Record<string, unknown> {
  return {
    input: c.input,
    threshold: c.threshold,
    labels: c.labels,
    regions: c.regions ? Object.fromEntries(c.regions.map((r) => [r.key, r.labels])) : null,
    include_background: c.includeBackground,
    ignore_index: c.ignoreIndex,
    empty: c.empty,
    missing: c.missing,
    losses: c.losses,
    metrics: c.metrics,
    smooth: c.params.smooth,
    focal_alpha: c.params.focalAlpha,
    focal_gamma: c.params.focalGamma,
    focal_mode: c.params.focalMode,
    tversky_alpha: c.params.tverskyAlpha,
    tversky_beta: c.params.tverskyBeta,
    focal_tversky_gamma: c.params.focalTverskyGamma,
    combo_alpha: c.params.comboAlpha,
    combo_beta: c.params.comboBeta,
    spacing: c.spacing,
    hd95: c.hd95,
    nsd_tolerance: c.nsdTolerance,
    npy_axes: c.npyAxes ?? 'auto',
    max_voxels: c.maxVoxels,
    label_scope: 'dataset',
    labels_used: labelsUsed,
    shard: c.shard ? `${c.shard.index}/${c.shard.count}` : null,
  };
}
