// The effective configuration of a run: every option of cli.md with its default.
import { DEFAULTS, DEFAULT_ECE_BINS, DEFAULT_LOSS_PARAMS, DEFAULT_LOSSES, OVERLAP_METRICS, type LossParams, type Target, type EmptyPolicy, type Hd95Mode } from '../losses/params.js';
import { availableParallelism } from 'node:os';
import { DEFAULT_MAX_VOXELS } from '../io/options.js';
import type { InputMode, NpyAxes } from './volume.js';
import type { GeometryMode } from './geometry.js';
import { DEFAULT_SWITCHES, type Switches } from '../losses/switches.js';
import { readSwitches, switchesConfig } from './switchesConfig.js';
import { lesionConfigBlock, lesionOptionsFromBlock, type LesionOptions } from '../lesions/options.js';
import { ReportConfigError } from '../errors.js';

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
  /** --geometry: what a prediction whose orientation differs from its ground truth's is. */
  geometry: GeometryMode;
  maxVoxels: number;
  workers: number;
  /** --shard i/n: evaluate only the cases whose index mod n is i (0-based i). */
  shard: { index: number; count: number } | null;
  /** --convention NAME (spec/conventions.md); null = segloss's own, with any switch given alone. */
  convention: string | null;
  /** Every convention switch, after the bundle and the explicit options. */
  switches: Switches;
  /** --lesions (spec/lesions.md), resolved; null = off. */
  lesions?: LesionOptions | null;
  /** --ece-bins: equal-width bins of the ECE and the reliability tables. */
  eceBins: number;
  /** Names of labels (--label-names, --dataset-json), keyed by the label as text; absent when none. */
  labelNames?: Record<string, string>;
}

export const DEFAULT_RUN_CONFIG: Omit<RunConfig, 'pred' | 'gt'> = {
  input: 'auto',
  threshold: DEFAULTS.threshold,
  labels: null,
  regions: null,
  includeBackground: false,
  ignoreIndex: null,
  empty: DEFAULTS.empty,
  missing: 'zero',
  losses: [...DEFAULT_LOSSES],
  metrics: [...OVERLAP_METRICS],
  params: { ...DEFAULT_LOSS_PARAMS },
  hd95: DEFAULTS.hd95,
  nsdTolerance: DEFAULTS.nsdTolerance,
  spacing: null,
  npyAxes: null,
  geometry: 'error',
  maxVoxels: DEFAULT_MAX_VOXELS,
  workers: availableParallelism(),
  shard: null,
  convention: null,
  switches: { ...DEFAULT_SWITCHES },
  eceBins: DEFAULT_ECE_BINS,
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
    geometry: c.geometry,
    max_voxels: c.maxVoxels,
    label_scope: 'dataset',
    labels_used: labelsUsed,
    // 1-based, as the user wrote it on the command line (--shard 1/4 … 4/4).
    shard: c.shard ? `${c.shard.index + 1}/${c.shard.count}` : null,
    ...switchesConfig(c.convention, c.switches),
    ...(c.lesions ? { lesions: lesionConfigBlock(c.lesions) } : {}),
    ece_bins: c.eceBins,
    ...(c.labelNames ? { label_names: c.labelNames } : {}),
  };
}

const isNames = (v: unknown): v is Record<string, string> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && Object.values(v).every((x) => typeof x === 'string');

/**
 * The inverse of `reportConfig`: the RunConfig a report was made with, from its `config`
 * block (as parsed from the JSON report). `labels_used` and `label_scope` are derived
 * values and are not read; `workers` and the input paths are not part of the block, so
 * they come from `paths` (default '') and the default.
 */
export function runConfigFromReport(block: Record<string, unknown>, paths: { pred?: string; gt?: string } = {}): RunConfig {
  const get = (key: string): unknown => {
    if (!(key in block)) throw new ReportConfigError(key, 'missing');
    return block[key];
  };
  const fail = (key: string, want: string): never => {
    throw new ReportConfigError(key, `expected ${want}, got ${JSON.stringify(block[key])}`);
  };
  const number = (key: string): number => {
    const v = get(key);
    return typeof v === 'number' && Number.isFinite(v) ? v : fail(key, 'a number');
  };
  const bool = (key: string): boolean => {
    const v = get(key);
    return typeof v === 'boolean' ? v : fail(key, 'true or false');
  };
  const oneOf = <T extends string>(key: string, options: readonly T[]): T => {
    const v = get(key);
    return typeof v === 'string' && (options as readonly string[]).includes(v) ? (v as T) : fail(key, options.join('|'));
  };
  const numbers = (key: string, v: unknown): number[] =>
    Array.isArray(v) && v.every((x) => typeof x === 'number' && Number.isFinite(x)) ? (v as number[]) : fail(key, 'a list of numbers');
  const strings = (key: string): string[] => {
    const v = get(key);
    return Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : fail(key, 'a list of names');
  };
  const nullable = <T>(key: string, read: (v: unknown) => T): T | null => {
    const v = get(key);
    return v === null ? null : read(v);
  };

  const regionsBlock = get('regions');
  let regions: Target[] | null = null;
  if (regionsBlock !== null) {
    if (typeof regionsBlock !== 'object' || Array.isArray(regionsBlock)) fail('regions', 'an object of name → labels, or null');
    regions = Object.entries(regionsBlock as Record<string, unknown>).map(([key, labels]) => ({ key, labels: numbers('regions', labels) }));
  }
  const shardText = get('shard');
  let shard: RunConfig['shard'] = null;
  if (shardText !== null) {
    // reportConfig writes `${index}/${count}` with the 0-based index it holds.
    const m = typeof shardText === 'string' ? /^(\d+)\/(\d+)$/.exec(shardText) : null;
    if (!m || Number(m[2]) < 1 || Number(m[1]) < 1 || Number(m[1]) > Number(m[2])) fail('shard', 'i/n (1-based) or null');
    shard = { index: Number(m![1]) - 1, count: Number(m![2]) };
  }
  const positiveInt = (key: string): number => {
    const v = number(key);
    return Number.isInteger(v) && v >= 1 ? v : fail(key, 'a positive integer');
  };
  const npyAxes = oneOf('npy_axes', ['auto', 'reversed', 'same'] as const);
  const maxVoxels = number('max_voxels');
  if (!Number.isInteger(maxVoxels) || maxVoxels < 1) fail('max_voxels', 'a positive integer');
  return {
    pred: paths.pred ?? '',
    gt: paths.gt ?? '',
    input: oneOf('input', ['auto', 'logits', 'probs', 'labels'] as const),
    threshold: number('threshold'),
    labels: nullable('labels', (v) => numbers('labels', v)),
    regions,
    includeBackground: bool('include_background'),
    ignoreIndex: nullable('ignore_index', (v) => (typeof v === 'number' && Number.isInteger(v) ? v : fail('ignore_index', 'an integer or null'))),
    empty: oneOf('empty', ['one', 'nan'] as const),
    missing: oneOf('missing', ['zero', 'skip', 'error'] as const),
    losses: strings('losses'),
    metrics: strings('metrics'),
    params: {
      smooth: number('smooth'),
      focalAlpha: number('focal_alpha'),
      focalGamma: number('focal_gamma'),
      focalMode: oneOf('focal_mode', ['constant', 'balanced'] as const),
      tverskyAlpha: number('tversky_alpha'),
      tverskyBeta: number('tversky_beta'),
      focalTverskyGamma: number('focal_tversky_gamma'),
      comboAlpha: number('combo_alpha'),
      comboBeta: number('combo_beta'),
    },
    hd95: oneOf('hd95', ['union', 'max'] as const),
    nsdTolerance: number('nsd_tolerance'),
    spacing: nullable('spacing', (v) => numbers('spacing', v)),
    npyAxes: npyAxes === 'auto' ? null : npyAxes,
    // Reports written before --geometry existed were made under its default.
    geometry: 'geometry' in block ? oneOf('geometry', ['error', 'warn', 'ignore'] as const) : DEFAULT_RUN_CONFIG.geometry,
    maxVoxels,
    workers: DEFAULT_RUN_CONFIG.workers,
    shard,
    ...readSwitches(block, (key, want) => fail(key, want)),
    ...(block.lesions !== undefined ? { lesions: lesionOptionsFromBlock(block.lesions) } : {}),
    // Reports written before --ece-bins existed used the default.
    eceBins: 'ece_bins' in block ? positiveInt('ece_bins') : DEFAULT_ECE_BINS,
    ...(isNames(block.label_names) ? { labelNames: block.label_names } : {}),
  };
}
