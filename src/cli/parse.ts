// Turning option strings into a RunConfig. Every bad value is a UsageError (exit 2)
// with a message naming the option.
import { LOSS_KEYS, METRIC_KEYS, OVERLAP_METRICS, SURFACE_METRICS, type Target } from '../losses/params.js';
import { DEFAULT_RUN_CONFIG, type RunConfig } from '../pipeline/config.js';
import { UsageError } from './usageError.js';
import { applyConvention, parseSwitches } from './switchOptions.js';
import { parseLesionOptions } from './lesionOptions.js';

export function num(name: string, v: unknown, check?: (x: number) => boolean, want = 'a number'): number {
  const x = typeof v === 'number' ? v : Number(String(v).trim());
  if (String(v).trim() === '' || !Number.isFinite(x) || (check && !check(x))) throw new UsageError(`${name} must be ${want}, got "${String(v)}"`);
  return x;
}

function int(name: string, v: unknown): number {
  return num(name, v, Number.isInteger, 'an integer');
}

export function parseIntList(name: string, v: string): number[] {
  const parts = String(v).split(',').map((s) => s.trim()).filter(Boolean);
  if (parts.length === 0) throw new UsageError(`${name} must list at least one label`);
  return parts.map((p) => int(name, p));
}

/** "WT=1,2,3;TC=2,3;ET=3" → regions keyed by name, in the given order. */
export function parseRegions(v: string): Target[] {
  const out: Target[] = [];
  for (const part of String(v).split(';').map((s) => s.trim()).filter(Boolean)) {
    const eq = part.indexOf('=');
    if (eq <= 0) throw new UsageError(`--regions: expected NAME=l1,l2,… in "${part}"`);
    const key = part.slice(0, eq).trim();
    if (out.some((r) => r.key === key)) throw new UsageError(`--regions: region ${key} given twice`);
    out.push({ key, labels: parseIntList(`--regions ${key}`, part.slice(eq + 1)) });
  }
  if (out.length === 0) throw new UsageError('--regions lists no region');
  return out;
}

function keyList(name: string, v: unknown, all: readonly string[], defaults: readonly string[]): string[] {
  if (v === undefined || v === null) return [...defaults];
  const raw = Array.isArray(v) ? v.join(',') : String(v);
  const parts = raw.split(/[,\s]+/).map((s) => s.trim()).filter(Boolean);
  if (parts.length === 1 && parts[0] === 'all') return [...all];
  // `--losses none`: metrics only, several times faster (no sorting for Lovász, no soft sums).
  if (parts.length === 1 && parts[0] === 'none' && name === '--losses') return [];
  const bad = parts.filter((p) => !all.includes(p));
  if (bad.length) throw new UsageError(`${name}: unknown ${bad.join(', ')} (known: ${all.join(', ')}, or all${name === '--losses' ? ', or none' : ''})`);
  // Keep the canonical order so reports compare across runs.
  return all.filter((k) => parts.includes(k));
}

function choice<T extends string>(name: string, v: unknown, options: readonly T[], dflt: T): T {
  if (v === undefined || v === null) return dflt;
  const s = String(v);
  if (!(options as readonly string[]).includes(s)) throw new UsageError(`${name} must be one of ${options.join('|')}, got "${s}"`);
  return s as T;
}

/** Options as commander (or a --config file) gives them: camelCase keys, string or typed values. */
export type RawOptions = Record<string, unknown>;

export function toRunConfig(given: RawOptions): RunConfig {
  const { options: o, convention } = applyConvention(given);
  const d = DEFAULT_RUN_CONFIG;
  // --pairs names every file itself; --pred/--gt then only label the run.
  if (!o.pred && !o.pairs) throw new UsageError('--pred is required');
  if (!o.gt && !o.pairs) throw new UsageError('--gt is required');
  const p = { ...d.params };
  if (o.smooth !== undefined) p.smooth = num('--smooth', o.smooth, (x) => x >= 0, 'a number ≥ 0');
  if (o.focalAlpha !== undefined) p.focalAlpha = num('--focal-alpha', o.focalAlpha, (x) => x >= 0 && x <= 1, 'within [0, 1]');
  if (o.focalGamma !== undefined) p.focalGamma = num('--focal-gamma', o.focalGamma, (x) => x >= 0, 'a number ≥ 0');
  p.focalMode = choice('--focal-mode', o.focalMode, ['constant', 'balanced'] as const, p.focalMode);
  if (o.tverskyAlpha !== undefined) p.tverskyAlpha = num('--tversky-alpha', o.tverskyAlpha, (x) => x >= 0, 'a number ≥ 0');
  if (o.tverskyBeta !== undefined) p.tverskyBeta = num('--tversky-beta', o.tverskyBeta, (x) => x >= 0, 'a number ≥ 0');
  if (o.focalTverskyGamma !== undefined) p.focalTverskyGamma = num('--focal-tversky-gamma', o.focalTverskyGamma, (x) => x > 0, 'a number > 0');
  if (o.comboAlpha !== undefined) p.comboAlpha = num('--combo-alpha', o.comboAlpha, (x) => x >= 0 && x <= 1, 'within [0, 1]');
  if (o.comboBeta !== undefined) p.comboBeta = num('--combo-beta', o.comboBeta, (x) => x >= 0 && x <= 1, 'within [0, 1]');
  const metricDefaults = OVERLAP_METRICS as readonly string[];
  let shard: RunConfig['shard'] = null;
  if (o.shard !== undefined) {
    const m = /^(\d+)\/(\d+)$/.exec(String(o.shard).trim());
    if (!m || Number(m[2]) < 1 || Number(m[1]) < 1 || Number(m[1]) > Number(m[2])) {
      throw new UsageError(`--shard must be i/n with 1 ≤ i ≤ n (e.g. 2/4), got "${String(o.shard)}"`);
    }
    shard = { index: Number(m[1]) - 1, count: Number(m[2]) };
  }
  const regions = o.regions !== undefined ? parseRegions(String(o.regions)) : null;
  const labels = o.labels !== undefined ? parseIntList('--labels', String(o.labels)) : null;
  if (regions && labels) throw new UsageError('give --labels or --regions, not both');
  const lesions = parseLesionOptions(o);
  const threshold = o.threshold !== undefined ? num('--threshold', o.threshold, (x) => x > 0 && x < 1, 'within (0, 1)') : d.threshold;
  return {
    pred: String(o.pred ?? o.pairs),
    gt: String(o.gt ?? o.pairs),
    input: choice('--input', o.input, ['auto', 'logits', 'probs', 'labels'] as const, d.input),
    threshold,
    labels,
    regions,
    includeBackground: Boolean(o.includeBackground) && o.includeBackground !== 'multichannel',
    ignoreIndex: o.ignoreIndex !== undefined ? int('--ignore-index', o.ignoreIndex) : null,
    empty: choice('--empty', o.empty, ['one', 'nan'] as const, d.empty),
    missing: choice('--missing', o.missing, ['zero', 'skip', 'error'] as const, d.missing),
    losses: keyList('--losses', o.losses, LOSS_KEYS, d.losses),
    metrics: keyList('--metrics', o.metrics, METRIC_KEYS, metricDefaults),
    params: p,
    // The brats2023 preset sets --hd95 max for every hd95 of the run, unless given.
    hd95: choice('--hd95', o.hd95, ['union', 'max'] as const, lesions?.mode === 'brats2023' ? 'max' : d.hd95),
    nsdTolerance: o.nsdTolerance !== undefined && o.nsdTolerance !== 'min-spacing' ? num('--nsd-tolerance', o.nsdTolerance, (x) => x >= 0, 'a number ≥ 0 (mm)') : d.nsdTolerance,
    spacing: o.spacing !== undefined ? String(o.spacing).split(',').map((s) => num('--spacing', s, (x) => x > 0, 'positive numbers X,Y[,Z]')) : null,
    npyAxes: o.npyAxes === undefined || o.npyAxes === 'auto' ? null : choice('--npy-axes', o.npyAxes, ['reversed', 'same'] as const, 'reversed'),
    geometry: choice('--geometry', o.geometry, ['error', 'warn', 'ignore'] as const, d.geometry),
    maxVoxels: o.maxVoxels !== undefined ? num('--max-voxels', o.maxVoxels, (x) => Number.isInteger(x) && x > 0, 'a positive integer') : d.maxVoxels,
    workers: o.workers !== undefined ? num('--workers', o.workers, (x) => Number.isInteger(x) && x >= 1, 'a positive integer') : d.workers,
    shard,
    convention,
    switches: parseSwitches(o, convention),
    lesions,
    eceBins: o.eceBins !== undefined ? num('--ece-bins', o.eceBins, (x) => Number.isInteger(x) && x >= 1 && x <= 10000, 'an integer from 1 to 10000') : d.eceBins,
  };
}

export { SURFACE_METRICS };

/** A repeatable option as commander (an array) or a --config file (array or single value) gives it. */
export function listOf(v: unknown): string[] {
  if (v === undefined || v === null) return [];
  return (Array.isArray(v) ? v : [v]).map(String);
}

const DECIMAL_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** `--max-drop PATH=DELTA` (e.g. `metrics.dice.mean=0.01`): the path and a finite delta ≥ 0. */
export function parseMaxDrop(v: string): { path: string; delta: number } {
  const s = String(v).trim();
  const eq = s.lastIndexOf('=');
  const path = eq > 0 ? s.slice(0, eq).trim() : '';
  const delta = eq > 0 ? s.slice(eq + 1).trim() : '';
  if (!path || /\s/.test(path) || path.split('.').some((seg) => seg === '')) {
    throw new UsageError(`--max-drop must be PATH=DELTA (e.g. metrics.dice.mean=0.01), got "${s}"`);
  }
  if (!DECIMAL_RE.test(delta) || !(Number(delta) >= 0) || !Number.isFinite(Number(delta))) {
    throw new UsageError(`--max-drop ${path}: DELTA must be a number ≥ 0, got "${delta}"`);
  }
  return { path, delta: Number(delta) };
}
