// The decisions other tools make differently (spec/conventions.md, "The switches"), each
// with segloss's own behaviour as the default, and how the engine applies them after it
// has computed segloss's values: an empty mask's overlap and surface values.

import type { Confusion } from './producers/confusion.js';
import { SURFACE_METRICS } from './params.js';

/** What a surface metric is when a mask is empty: undefined (null), +∞, or a number. */
export type EmptyValue = 'null' | 'inf' | '0' | '1';
export const EMPTY_VALUES: readonly EmptyValue[] = ['null', 'inf', '0', '1'];
export type SurfaceKey = (typeof SURFACE_METRICS)[number];
export type SurfaceEmptyPolicy = Record<SurfaceKey, EmptyValue>;

export interface Switches {
  /** IoU of an empty pair: as --empty, or null while Dice follows --empty. */
  emptyIou: 'same' | 'nan';
  /** Dice/IoU when only the ground truth is empty: 0, or null (MONAI ignore_empty=True). */
  emptyGt: 'zero' | 'nan';
  /** hd, hd95, assd, nsd when exactly one mask is empty. */
  surfaceEmptyOne: SurfaceEmptyPolicy;
  /** The same four for an empty pair. */
  surfaceEmptyPair: SurfaceEmptyPolicy;
  assd: 'pooled' | 'mean';
  nsd: 'pooled' | 'mean';
  surface: 'voxels' | 'surfels';
  focalMulticlass: 'binary' | 'categorical';
  absentClassLoss: 'keep' | 'zero';
  lovaszClasses: 'present' | 'all';
  /** NSD tolerance: --nsd-tolerance, or the case's smallest voxel spacing (panoptica). */
  nsdToleranceRule: 'fixed' | 'min-spacing';
  /** Evaluate label 0 too when the prediction has more than one channel (smp's multiclass losses). */
  backgroundIfMultichannel: boolean;
}

const allNull: SurfaceEmptyPolicy = { hd: 'null', hd95: 'null', assd: 'null', nsd: 'null' };

export const DEFAULT_SWITCHES: Readonly<Switches> = Object.freeze({
  emptyIou: 'same',
  emptyGt: 'zero',
  surfaceEmptyOne: allNull,
  surfaceEmptyPair: allNull,
  assd: 'pooled',
  nsd: 'pooled',
  surface: 'voxels',
  focalMulticlass: 'binary',
  absentClassLoss: 'keep',
  lovaszClasses: 'present',
  nsdToleranceRule: 'fixed',
  backgroundIfMultichannel: false,
});

/** `hd=V,hd95=V,assd=V,nsd=V` as written in options and the report's config. */
export function formatEmptyPolicy(p: SurfaceEmptyPolicy): string {
  return SURFACE_METRICS.map((k) => `${k}=${p[k]}`).join(',');
}

/**
 * `hd=V,hd95=V,assd=V,nsd=V` (any subset; the metrics not named keep their value in
 * `base`) or a bare `V` for all four; V ∈ null inf 0 1. Returns an error text instead of
 * throwing, for the caller to name its option.
 */
export function parseEmptyPolicy(text: string, base: SurfaceEmptyPolicy = allNull): SurfaceEmptyPolicy | string {
  const s = text.trim();
  if ((EMPTY_VALUES as readonly string[]).includes(s)) {
    const v = s as EmptyValue;
    return { hd: v, hd95: v, assd: v, nsd: v };
  }
  const out: SurfaceEmptyPolicy = { ...base };
  const seen = new Set<string>();
  for (const part of s.split(',').map((x) => x.trim()).filter(Boolean)) {
    const m = /^([a-z0-9]+)=(.*)$/.exec(part);
    if (!m) return `expected METRIC=VALUE or a bare VALUE (${EMPTY_VALUES.join(' ')}), got "${part}"`;
    const [, key, value] = m as unknown as [string, string, string];
    if (!(SURFACE_METRICS as readonly string[]).includes(key)) return `unknown metric "${key}" (known: ${SURFACE_METRICS.join(', ')})`;
    if (!(EMPTY_VALUES as readonly string[]).includes(value)) return `${key}: value must be one of ${EMPTY_VALUES.join(' ')}, got "${value}"`;
    if (seen.has(key)) return `${key} given twice`;
    seen.add(key);
    out[key as SurfaceKey] = value as EmptyValue;
  }
  if (seen.size === 0) return 'lists no metric';
  return out;
}

/** The value an empty-mask policy stands for: null, +∞ or 0/1. */
export function emptyValue(v: EmptyValue): number | null {
  return v === 'null' ? null : v === 'inf' ? Infinity : Number(v);
}

/** Dice and IoU under --empty-iou and --empty-gt, from segloss's values (which follow --empty). */
export function applyOverlapSwitches(metrics: Record<string, number | null>, c: Confusion, sw: Switches): void {
  const emptyPair = c.tp + c.fp + c.fn === 0;
  if (emptyPair && sw.emptyIou === 'nan' && 'iou' in metrics) metrics.iou = null;
  if (sw.emptyGt === 'nan' && c.tp + c.fn === 0 && c.fp > 0) {
    if ('dice' in metrics) metrics.dice = null;
    if ('iou' in metrics) metrics.iou = null;
  }
}

/**
 * The surface metrics of a target with an empty mask under --surface-empty-one/-pair, and
 * the case warnings that say so: `label K: surface metrics null: REASON` when all stay
 * null (as without the switches), `label K: M is +inf (REASON)` for each infinity.
 */
export function emptySurfaceValues(
  key: string,
  emptyPair: boolean,
  reason: string,
  sw: Switches,
  wanted: ReadonlySet<string>,
  warnings: string[],
): Record<SurfaceKey, number | null> {
  const policy = emptyPair ? sw.surfaceEmptyPair : sw.surfaceEmptyOne;
  const why = emptyPair ? 'both masks empty' : reason;
  const out = {} as Record<SurfaceKey, number | null>;
  const nulls: string[] = [];
  const infs: string[] = [];
  for (const k of SURFACE_METRICS) {
    out[k] = emptyValue(policy[k]);
    if (!wanted.has(k)) continue;
    if (out[k] === null) nulls.push(k);
    else if (out[k] === Infinity) infs.push(k);
  }
  const wantedCount = SURFACE_METRICS.filter((k) => wanted.has(k)).length;
  if (nulls.length > 0 && nulls.length === wantedCount) warnings.push(`label ${key}: surface metrics null: ${reason}`);
  else if (nulls.length > 0) warnings.push(`label ${key}: ${nulls.join(', ')} null (${why})`);
  for (const k of infs) warnings.push(`label ${key}: ${k} is +inf (${why})`);
  return out;
}

/** Losses that `--absent-class-loss zero` sets to 0 for a class with an empty ground truth (smp's class mask). */
const ABSENT_ZERO_LOSSES = ['dice', 'iou', 'tversky'];

export function applyAbsentClassLoss(losses: Record<string, number | null>, gtEmpty: boolean, sw: Switches): void {
  if (!gtEmpty || sw.absentClassLoss !== 'zero') return;
  for (const k of ABSENT_ZERO_LOSSES) if (k in losses) losses[k] = 0;
}
