// From per-case outcomes to the report of cli.md: complete every ok case to the run's
// one label set, derive the case-level values, then summarise.
import { binaryLosses } from '../losses/formulas/binaryLosses.js';
import { labelMapSums } from '../losses/producers/labelMapClass.js';
import { overlapMetrics } from '../losses/formulas/overlap.js';
import { SURFACE_METRICS } from '../losses/params.js';
import { applyAbsentClassLoss, applyOverlapSwitches, emptySurfaceValues } from '../losses/switches.js';
import { describe, meanOf } from '../losses/formulas/stats.js';
import type { CaseResult, LabelResult, Report, Stats, Summary } from '../report/model.js';
import { reportConfig, type RunConfig } from './config.js';
import type { CaseOutcome } from './evaluateOne.js';
import { LESION_KEYS } from '../lesions/lesionMetrics.js';
import { completeCaseLesions, lesionSummary } from '../lesions/reportLesions.js';

export const VERSION = '0.1.0';

/** Label metrics aggregated in summary.labels (cli.md / golden README). */
const LABEL_SUMMARY_METRICS = ['dice', 'iou', 'precision', 'recall', 'specificity', ...SURFACE_METRICS];

function sortKeys(keys: Iterable<string>, regionOrder: string[] | null): string[] {
  const ks = [...new Set(keys)];
  if (regionOrder) return regionOrder.filter((k) => ks.includes(k));
  return ks.sort((a, b) => Number(a) - Number(b) || (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * What an evaluated label absent from both masks of a case is: an empty pair over the
 * case's voxels. Its surface warnings (when surface metrics are asked for) go to `warnings`.
 */
export function absentLabel(voxels: number, c: RunConfig, voxelVolume: number | null, key = '', warnings: string[] = []): LabelResult {
  const conf = { tp: 0, fp: 0, fn: 0, tn: voxels };
  const m = overlapMetrics(conf, c.empty, voxelVolume);
  applyOverlapSwitches(m, conf, c.switches);
  const surf = emptySurfaceValues(key, true, 'prediction mask empty', c.switches, new Set(c.metrics), warnings);
  const out: LabelResult = { losses: binaryLosses(labelMapSums(conf, c.params.focalGamma), c.params, c.losses) };
  applyAbsentClassLoss(out.losses, true, c.switches);
  for (const k of c.metrics) {
    if (k in m) out[k] = m[k];
    else if ((SURFACE_METRICS as readonly string[]).includes(k)) out[k] = surf[k as keyof typeof surf];
  }
  return out;
}

export function buildReport(outcomes: CaseOutcome[], c: RunConfig): Report {
  return finalizeReport(outcomes.map((o) => o.result), c);
}

/**
 * Completes every ok case to the run's one label set and derives its case-level values,
 * then summarises. Works on evaluated cases from one run or from several shards alike,
 * so a merge of shards equals a single run.
 */
export function finalizeReport(evaluated: CaseResult[], c: RunConfig): Report {
  const regionOrder = c.regions ? c.regions.map((r) => r.key) : null;
  const labelKeys = sortKeys(evaluated.flatMap((r) => (r.status === 'ok' && r.labels ? Object.keys(r.labels) : [])), regionOrder);
  const gtLabelsOfRun = new Set(evaluated.flatMap((r) => r.labels_found?.gt ?? []));
  const cases: CaseResult[] = [];
  for (const src of evaluated) {
    const r: CaseResult = { ...src, warnings: [...src.warnings] };
    if (r.status === 'ok' && r.labels) {
      const own = r.labels;
      const labels: Record<string, LabelResult> = {};
      for (const k of labelKeys) {
        if (own[k]) labels[k] = own[k];
        else {
          labels[k] = absentLabel(r.voxels ?? 0, c, r.voxel_volume_mm3 ?? null, k, r.warnings);
        }
      }
      // Case level: the mean over evaluated labels, nulls left out.
      r.metrics = {};
      for (const m of ['dice', 'iou']) if (c.metrics.includes(m)) r.metrics[m] = meanOf(labelKeys.map((k) => labels[k][m] as number | null));
      const lovaszSoftmax = src.losses?.lovasz_softmax ?? null;
      r.losses = {};
      for (const l of c.losses) {
        r.losses[l] = l === 'lovasz_softmax' ? lovaszSoftmax : meanOf(labelKeys.map((k) => labels[k].losses[l]));
      }
      r.labels = labels;
      if (c.lesions) completeCaseLesions(r, labelKeys, labels, c.lesions, c.empty);
      const stray = (r.labels_found?.pred ?? []).filter((l) => !gtLabelsOfRun.has(l) && !(c.labels ?? []).includes(l));
      if (stray.length > 0 && c.regions === null && !r.warnings.some((w) => w.includes('found in no ground truth'))) {
        r.warnings.push(
          `prediction holds label${stray.length > 1 ? 's' : ''} ${stray.slice(0, 8).join(', ')}${stray.length > 8 ? ', …' : ''} found in no ground truth of the run; if it is a probability map, use --input probs`,
        );
      }
    }
    cases.push(r);
  }
  cases.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return {
    schema: 'segloss-report/1',
    tool: { name: 'segloss', version: VERSION },
    config: reportConfig(c, labelKeys),
    cases,
    summary: summarize(cases, c, labelKeys),
    gates: [],
    passed: true,
  };
}

export function summarize(cases: CaseResult[], c: RunConfig, labelKeys: string[]): Summary {
  const ok = cases.filter((r) => r.status === 'ok');
  // Medical Segmentation Decathlon rule: a missing prediction counts as 0 in metric aggregates.
  const zeroMissing = c.missing === 'zero' ? cases.filter((r) => r.status === 'missing') : [];
  const metricKeys = ['dice', 'iou'].filter((m) => c.metrics.includes(m));
  const metrics: Record<string, Stats> = {};
  for (const m of metricKeys) metrics[m] = describe([...ok.map((r) => r.metrics?.[m] ?? null), ...zeroMissing.map(() => 0)]);
  const losses: Record<string, Stats> = {};
  for (const l of c.losses) losses[l] = describe(ok.map((r) => r.losses?.[l] ?? null));
  const labels: Record<string, Record<string, Stats>> = {};
  for (const k of labelKeys) {
    const per: Record<string, Stats> = {};
    for (const m of LABEL_SUMMARY_METRICS) {
      if (!c.metrics.includes(m)) continue;
      const zeros = m === 'dice' || m === 'iou' ? zeroMissing.map(() => 0) : [];
      per[m] = describe([...ok.map((r) => (r.labels?.[k]?.[m] as number | null | undefined) ?? null), ...zeros]);
    }
    // Lesion keys: over ok cases only (a missing case has no lesions to count).
    if (c.lesions) for (const m of LESION_KEYS) per[m] = describe(ok.map((r) => (r.labels?.[k]?.[m] as number | null | undefined) ?? null));
    labels[k] = per;
  }
  return {
    cases: cases.length,
    ok: ok.length,
    missing: cases.filter((r) => r.status === 'missing').length,
    errors: cases.filter((r) => r.status === 'error').length,
    metrics,
    losses,
    labels,
    ...(c.lesions ? { lesions: lesionSummary(ok, labelKeys, c.lesions, c.empty) } : {}),
  };
}
