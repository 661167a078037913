// Case-level quantities (statistics.md): `metrics.<k>`, `losses.<k>`, `labels.<L>.<k>`,
// `labels.<L>.losses.<k>`, their direction, and the value of one in a case.
import type { CaseResult, Report } from '../report/model.js';

export type Direction = 'higher' | 'lower';

const HIGHER = new Set(['dice', 'iou', 'precision', 'recall', 'specificity', 'nsd', 'f2', 'mcc', 'kappa', 'balanced_accuracy', 'auroc', 'ap']);
const LOWER = new Set(['hd', 'hd95', 'assd', 'brier', 'nll', 'ece', 'avd']);

/**
 * Direction of a case-level path given as segments; null for keys without one (counts,
 * volumes, rvd, unknown keys) and for anything that is not a case-level path.
 */
export function quantityDirection(segments: readonly string[]): Direction | null {
  const [group, a, b, c] = segments;
  if (group === 'losses' && segments.length === 2) return 'lower';
  if (group === 'metrics' && segments.length === 2) return metricDirection(a);
  if (group === 'labels' && segments.length === 3 && b !== 'losses') return metricDirection(b);
  if (group === 'labels' && segments.length === 4 && b === 'losses' && c !== undefined) return 'lower';
  return null;
}

export function metricDirection(key: string): Direction | null {
  return HIGHER.has(key) ? 'higher' : LOWER.has(key) ? 'lower' : null;
}

/** The number at a case-level path, or null (absent, null, not a finite number). */
export function caseValue(c: CaseResult, segments: readonly string[]): number | null {
  let v: unknown = c;
  for (const s of segments) {
    if (v === null || typeof v !== 'object') return null;
    v = (v as Record<string, unknown>)[s];
  }
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/** Every directed case-level path present (in any ok case) in the report, as dotted strings. */
export function directedQuantities(r: Report): Set<string> {
  // Keys are collected per group first: paths are built once, not once per case.
  const metrics = new Set<string>();
  const losses = new Set<string>();
  const labelKeys = new Map<string, Set<string>>();
  for (const c of r.cases) {
    if (c.status !== 'ok') continue;
    for (const k in c.metrics ?? {}) metrics.add(k);
    for (const k in c.losses ?? {}) losses.add(k);
    const labels = c.labels ?? {};
    for (const label in labels) {
      let keys = labelKeys.get(label);
      if (!keys) labelKeys.set(label, (keys = new Set()));
      const lv = labels[label] as Record<string, unknown>;
      for (const k in lv) {
        const v = lv[k];
        if (k === 'losses') {
          if (v && typeof v === 'object') for (const l in v) keys.add(`losses.${l}`);
        } else if (v === null || typeof v === 'number') keys.add(k);
      }
    }
  }
  const out = new Set<string>();
  for (const k of metrics) if (metricDirection(k)) out.add(`metrics.${k}`);
  for (const k of losses) out.add(`losses.${k}`);
  for (const [label, keys] of labelKeys) {
    for (const k of keys) if (k.startsWith('losses.') || metricDirection(k)) out.add(`labels.${label}.${k}`);
  }
  return out;
}

/** Dotted path → segments, keeping a label named with a dot out of scope (labels are numbers or region names). */
export function pathSegments(path: string): string[] {
  return path.split('.');
}

/** Cases ok in both reports, paired by id, in the first report's order. */
export function okPairs(a: Pick<Report, 'cases'>, b: Pick<Report, 'cases'>): [CaseResult, CaseResult][] {
  const byId = new Map(b.cases.map((c) => [c.id, c]));
  const out: [CaseResult, CaseResult][] = [];
  for (const ca of a.cases) {
    const cb = byId.get(ca.id);
    if (ca.status === 'ok' && cb?.status === 'ok') out.push([ca, cb]);
  }
  return out;
}

/** The paired values of one quantity: pairs where both sides are numbers. */
export function pairedValues(pairs: ReadonlyArray<[CaseResult, CaseResult]>, segments: readonly string[]): { a: Float64Array; b: Float64Array } {
  const a: number[] = [];
  const b: number[] = [];
  for (const [ca, cb] of pairs) {
    const x = caseValue(ca, segments);
    const y = caseValue(cb, segments);
    if (x === null || y === null) continue;
    a.push(x);
    b.push(y);
  }
  return { a: Float64Array.from(a), b: Float64Array.from(b) };
}
