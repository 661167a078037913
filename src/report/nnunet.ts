// nnU-Net v2's summary.json, as nnunetv2/evaluation/evaluate_predictions.py writes it
// (compute_metrics / compute_metrics_on_folder / save_summary_json):
//
//   { "foreground_mean": {metric: v},
//     "mean": {labelKey: {metric: v}},
//     "metric_per_case": [ {"metrics": {labelKey: {metric: v}}, "prediction_file": …, "reference_file": …} ] }
//
// with metric keys Dice, IoU, FP, TP, FN, TN, n_pred, n_ref. Mirrored details:
// - save_json(..., sort_keys=True, indent=4): keys sorted by code point at every level
//   (so "10" sorts before "2" and "(1, 2)" before "1"), 4-space indent, non-ASCII as \uXXXX.
//   JS objects put integer-like keys first, so this writer serializes itself.
// - Python number text: floats in repr form (1.0, 1e-05), counts as ints.
// - Label keys are str(label_or_region): "1" for a label, "(1, 2, 3)" / "(3,)" for a region
//   tuple. Our report keys regions by name; config.regions (name → labels) maps them back.
//   A key with no such mapping is written as it stands.
// - mean: per label, the NaN-ignoring mean over cases (np.nanmean); foreground_mean: the
//   plain mean of the label means over every key except 0 (np.mean, so one NaN label
//   mean makes it NaN).
// Deliberate differences:
// - nnU-Net writes NaN as the bare token NaN, which is not JSON; we write null.
// - Dice/IoU are our values, except for an empty pair (tp + fp + fn = 0): nnU-Net writes
//   NaN there whatever --empty says for segloss's own reports, so this format does too
//   (null in the text, left out of `mean` by nanmean as nnU-Net does). TP/FP/FN/TN are
//   ours; n_pred = pred_voxels and n_ref = gt_voxels (falling back to tp+fp / tp+fn).
// - Only ok cases appear: nnU-Net lists only predictions that exist, and a case we could
//   not read has no counts to report.
// - A trailing newline, like every other writer here.

import type { LabelResult, Num, Report } from './model.js';
import { numOrNull } from './util.js';

export const NNUNET_METRIC_KEYS = ['Dice', 'IoU', 'FP', 'TP', 'FN', 'TN', 'n_pred', 'n_ref'] as const;
type NnunetMetric = (typeof NNUNET_METRIC_KEYS)[number];

/** Python's str() of an int tuple: "(1, 2, 3)", and "(3,)" for a single element. */
export function pythonTupleKey(labels: readonly number[]): string {
  return labels.length === 1 ? `(${labels[0]},)` : `(${labels.join(', ')})`;
}

function regionMap(config: Record<string, unknown>): Map<string, string> {
  const out = new Map<string, string>();
  const regions = config.regions;
  if (regions && typeof regions === 'object' && !Array.isArray(regions)) {
    for (const [name, labels] of Object.entries(regions as Record<string, unknown>)) {
      if (Array.isArray(labels) && labels.length > 0 && labels.every((x) => Number.isInteger(x))) {
        out.set(name, pythonTupleKey(labels as number[]));
      }
    }
  }
  return out;
}

/** Values tagged int are written as Python ints, everything else numeric as a float. */
class PyInt {
  constructor(readonly value: number) {}
}
type PyValue = PyInt | Num | string | PyValue[] | { [k: string]: PyValue };

function sumOrNull(a: Num | undefined, b: Num | undefined): Num {
  return a === null || a === undefined || b === null || b === undefined ? null : a + b;
}

function labelMetrics(label: LabelResult): Record<NnunetMetric, Num> {
  const g = (k: string) => numOrNull(label[k]);
  const tp = g('tp');
  // nnU-Net's compute_metrics: Dice = IoU = NaN when tp + fp + fn == 0.
  const emptyPair = tp === 0 && g('fp') === 0 && g('fn') === 0;
  return {
    Dice: emptyPair ? null : g('dice') ?? null,
    IoU: emptyPair ? null : g('iou') ?? null,
    FP: g('fp') ?? null,
    TP: tp ?? null,
    FN: g('fn') ?? null,
    TN: g('tn') ?? null,
    n_pred: g('pred_voxels') ?? sumOrNull(tp, g('fp')),
    n_ref: g('gt_voxels') ?? sumOrNull(tp, g('fn')),
  };
}

const COUNT_KEYS = new Set<string>(['FP', 'TP', 'FN', 'TN', 'n_pred', 'n_ref']);

function nanmean(values: Num[]): Num {
  const finite = values.filter((v): v is number => v !== null && Number.isFinite(v));
  return finite.length === 0 ? null : finite.reduce((a, b) => a + b, 0) / finite.length;
}

function plainMean(values: Num[]): Num {
  if (values.length === 0 || values.some((v) => v === null || !Number.isFinite(v))) return null;
  return (values as number[]).reduce((a, b) => a + b, 0) / values.length;
}

/** The nnU-Net structure as plain data (NaN already null, keys already nnU-Net's). */
export interface NnunetSummary {
  metric_per_case: { prediction_file: string | null; reference_file: string; metrics: Record<string, Record<NnunetMetric, Num>> }[];
  mean: Record<string, Record<NnunetMetric, Num>>;
  foreground_mean: Record<NnunetMetric, Num>;
}

export function toNnunetSummary(report: Report): NnunetSummary {
  const regions = regionMap(report.config);
  const keyOf = (name: string) => regions.get(name) ?? name;
  const ok = report.cases.filter((c) => c.status === 'ok');

  const labelKeys: string[] = [];
  const perCase = ok.map((c) => {
    const metrics: Record<string, Record<NnunetMetric, Num>> = {};
    for (const [name, label] of Object.entries(c.labels ?? {})) {
      const key = keyOf(name);
      if (!labelKeys.includes(key)) labelKeys.push(key);
      metrics[key] = labelMetrics(label);
    }
    return { prediction_file: c.pred, reference_file: c.gt, metrics };
  });

  const mean: Record<string, Record<NnunetMetric, Num>> = {};
  for (const key of labelKeys) {
    const m = {} as Record<NnunetMetric, Num>;
    for (const metric of NNUNET_METRIC_KEYS) {
      m[metric] = nanmean(perCase.map((c) => c.metrics[key]?.[metric] ?? null));
    }
    mean[key] = m;
  }

  const foreground = labelKeys.filter((k) => k !== '0');
  const foreground_mean = {} as Record<NnunetMetric, Num>;
  for (const metric of NNUNET_METRIC_KEYS) {
    foreground_mean[metric] = plainMean(foreground.map((k) => mean[k][metric]));
  }
  return { metric_per_case: perCase, mean, foreground_mean };
}

/** Python float repr: shortest round-trip digits, exponent form below 1e-4 or from 1e16. */
export function pythonFloat(x: number): string {
  if (Object.is(x, -0)) return '-0.0';
  const [mantissa, expText] = x.toExponential().split('e');
  const exp = Number(expText);
  if (exp < -4 || exp >= 16) {
    const abs = Math.abs(exp);
    return `${mantissa}e${exp < 0 ? '-' : '+'}${abs < 10 ? `0${abs}` : abs}`;
  }
  const s = String(x); // fixed notation in this range, same digits as toExponential
  return s.includes('.') ? s : `${s}.0`;
}

function pyString(s: string): string {
  // json.dumps default ensure_ascii=True: everything outside printable ASCII is \uXXXX.
  return JSON.stringify(s).replace(/[^\x20-\x7e]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function dump(v: PyValue, indent: string): string {
  if (v === null) return 'null';
  if (v instanceof PyInt) return String(v.value);
  if (typeof v === 'number') return Number.isFinite(v) ? pythonFloat(v) : 'null';
  if (typeof v === 'string') return pyString(v);
  const inner = indent + '    ';
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    return `[\n${v.map((x) => inner + dump(x, inner)).join(',\n')}\n${indent}]`;
  }
  const keys = Object.keys(v).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  if (keys.length === 0) return '{}';
  return `{\n${keys.map((k) => `${inner}${pyString(k)}: ${dump(v[k], inner)}`).join(',\n')}\n${indent}}`;
}

function tagCounts(m: Record<NnunetMetric, Num>): Record<string, PyValue> {
  const out: Record<string, PyValue> = {};
  for (const [k, v] of Object.entries(m)) {
    // Per-case counts are numpy ints in nnU-Net; only exact integers can be written as such.
    out[k] = COUNT_KEYS.has(k) && v !== null && Number.isInteger(v) ? new PyInt(v) : v;
  }
  return out;
}

/** nnU-Net v2 summary.json text for the report (see the notes at the top of this file). */
export function writeNnunet(report: Report): string {
  const s = toNnunetSummary(report);
  const tree: PyValue = {
    metric_per_case: s.metric_per_case.map((c) => ({
      prediction_file: c.prediction_file,
      reference_file: c.reference_file,
      metrics: Object.fromEntries(Object.entries(c.metrics).map(([k, m]) => [k, tagCounts(m)])),
    })),
    // Means are numpy float64 in nnU-Net, counts included (e.g. TP 1002.5).
    mean: s.mean,
    foreground_mean: s.foreground_mean,
  };
  return dump(tree, '') + '\n';
}
