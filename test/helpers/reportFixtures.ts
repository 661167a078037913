// Hand-built reports for the writer tests. Summary statistics are computed here with a
// straightforward implementation so tests do not depend on the engine.

import type { CaseResult, LabelResult, Num, Report, Stats, Summary } from '../../src/report/model.js';

export function stats(values: Num[]): Stats {
  const v = values.filter((x): x is number => x !== null && Number.isFinite(x));
  if (v.length === 0) return { mean: null, std: null, median: null, min: null, max: null, n: 0 };
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  const std = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length);
  const s = [...v].sort((a, b) => a - b);
  const mid = s.length >> 1;
  const median = s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
  return { mean, std, median, min: s[0], max: s[s.length - 1], n: v.length };
}

export interface LabelSpec {
  dice: Num;
  iou?: Num;
  tp?: number;
  fp?: number;
  fn?: number;
  tn?: number;
  extra?: Record<string, Num>;
  losses?: Record<string, Num>;
}

export function label(spec: LabelSpec): LabelResult {
  const tp = spec.tp ?? 10;
  const fp = spec.fp ?? 2;
  const fn = spec.fn ?? 3;
  const tn = spec.tn ?? 100;
  return {
    dice: spec.dice,
    iou: spec.iou ?? (spec.dice === null ? null : spec.dice / (2 - spec.dice)),
    tp,
    fp,
    fn,
    tn,
    gt_voxels: tp + fn,
    pred_voxels: tp + fp,
    ...spec.extra,
    losses: spec.losses ?? { dice: spec.dice === null ? null : 1 - spec.dice },
  };
}

export function okCase(id: string, labels: Record<string, LabelResult>, losses?: Record<string, Num>): CaseResult {
  const ls = Object.values(labels);
  const mean = (k: 'dice' | 'iou'): Num => {
    const v = ls.map((l) => l[k] as Num).filter((x): x is number => x !== null);
    return v.length ? v.reduce((a, b) => a + b, 0) / v.length : null;
  };
  const dice = mean('dice');
  return {
    id,
    pred: `pred/${id}.png`,
    gt: `gt/${id}.png`,
    status: 'ok',
    error: null,
    input: 'labels',
    shape: [4, 4],
    spacing: [1, 1],
    warnings: [],
    metrics: { dice, iou: mean('iou') },
    losses: losses ?? { dice: dice === null ? null : 1 - dice, focal: 0.5 },
    labels,
  };
}

export function failedCase(id: string, status: 'missing' | 'error', error: string | null): CaseResult {
  return {
    id,
    pred: status === 'missing' ? null : `pred/${id}.png`,
    gt: `gt/${id}.png`,
    status,
    error,
    input: null,
    shape: null,
    spacing: null,
    warnings: [],
  };
}

/** A single-label ok case with case-level Dice `dice`. */
export function simpleCase(id: string, dice: Num): CaseResult {
  return okCase(id, { '1': label({ dice }) });
}

export function summarize(cases: CaseResult[]): Summary {
  const ok = cases.filter((c) => c.status === 'ok');
  const keys = (pick: (c: CaseResult) => Record<string, unknown> | undefined) => [
    ...new Set(ok.flatMap((c) => Object.keys(pick(c) ?? {}))),
  ];
  const metrics: Record<string, Stats> = {};
  for (const k of keys((c) => c.metrics)) metrics[k] = stats(ok.map((c) => c.metrics?.[k] ?? null));
  const losses: Record<string, Stats> = {};
  for (const k of keys((c) => c.losses)) losses[k] = stats(ok.map((c) => c.losses?.[k] ?? null));
  const labels: Record<string, Record<string, Stats>> = {};
  for (const l of keys((c) => c.labels)) {
    labels[l] = {};
    for (const m of ['dice', 'iou']) labels[l][m] = stats(ok.map((c) => (c.labels?.[l]?.[m] as Num | undefined) ?? null));
  }
  return {
    cases: cases.length,
    ok: ok.length,
    missing: cases.filter((c) => c.status === 'missing').length,
    errors: cases.filter((c) => c.status === 'error').length,
    metrics,
    losses,
    labels,
  };
}

export function makeReport(cases: CaseResult[], config: Record<string, unknown> = {}): Report {
  return {
    schema: 'segloss-report/1',
    tool: { name: 'segloss', version: '0.0.0-test' },
    config: { metrics: ['dice', 'iou', 'tp', 'fp', 'fn', 'tn', 'gt_voxels', 'pred_voxels'], losses: ['dice', 'focal'], ...config },
    cases,
    summary: summarize(cases),
    gates: [],
    passed: cases.every((c) => c.status !== 'error'),
  };
}
