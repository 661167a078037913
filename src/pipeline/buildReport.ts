// From per-case outcomes to the report of cli.md: complete every ok case to the run's
// one label set, derive the case-level values, summarise (the report's body); then, with
// the results of the checks made on that body, the report itself, built once.
import { absentTarget } from '../losses/results.js';
import { AGREEMENT_METRICS, CASE_METRICS, PROBABILITY_METRICS, SURFACE_METRICS } from '../losses/params.js';
import { pooledReliability } from './reliability.js';
import { labelResultOf } from '../report/fromEngine.js';
import { describe, meanOf } from '../losses/formulas/stats.js';
import type { CaseGateEntry, CaseResult, GateResult, LabelResult, Report, Stats, Summary } from '../report/model.js';
import { reportConfig, type RunConfig } from './config.js';
import { LESION_KEYS } from '../lesions/lesionMetrics.js';
import { completeCaseLesions, lesionSummary } from '../lesions/reportLesions.js';

export const VERSION = '0.1.0';


/** Label metrics aggregated in summary.labels (cli.md / golden README). */
const LABEL_SUMMARY_METRICS = ['dice', 'iou', 'precision', 'recall', 'specificity', ...SURFACE_METRICS, ...PROBABILITY_METRICS, ...AGREEMENT_METRICS];

function sortKeys(keys: Iterable<string>, regionOrder: string[] | null): string[] {
  const ks = [...new Set(keys)];
  if (regionOrder) return regionOrder.filter((k) => ks.includes(k));
  return ks.sort((a, b) => Number(a) - Number(b) || (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * What an evaluated label absent from both masks of a case is: an empty pair over the
 * case's voxels (the engine's absentTarget). Its surface warnings go to `warnings`.
 */
export function absentLabel(voxels: number, c: RunConfig, voxelVolume: number | null, key = '', warnings: string[] = []): LabelResult {
  return labelResultOf(absentTarget(voxels, c, voxelVolume, key, warnings));
}

/** What a run measured: the report's config block, every case completed to the run's label set, the summary. */
export interface ReportBody {
  config: Record<string, unknown>;
  cases: CaseResult[];
  summary: Summary;
}

/** What the checks of a report found (cli.md exit status): summary gates, and case gates and baseline checks when asked for. */
export interface CheckResults {
  gates: GateResult[];
  case_gates?: CaseGateEntry[];
  baseline?: NonNullable<Report['baseline']>;
}

/**
 * Completes every ok case to the run's one label set and derives its case-level values,
 * then summarises. Works on evaluated cases from one run or from several shards alike,
 * so a merge of shards equals a single run.
 */
export function reportBody(evaluated: CaseResult[], c: RunConfig): ReportBody {
  const regionOrder = c.regions ? c.regions.map((r) => r.key) : null;
  const labelKeys = sortKeys(evaluated.flatMap((r) => (r.status === 'ok' && r.labels ? Object.keys(r.labels) : [])), regionOrder);
  const gtLabelsOfRun = new Set(evaluated.flatMap((r) => r.labels_found?.gt ?? []));
  // An absent label's values depend only on the case's voxels and voxel volume and on the
  // label: computed once per distinct triple (a batch of same-sized images has one), and
  // each case gets its own copy and the same warnings.
  const absent = new Map<string, { label: LabelResult; warnings: string[] }>();
  const absentOf = (voxels: number, volume: number | null, k: string, warnings: string[]): LabelResult => {
    const key = `${voxels}|${volume}|${k}`;
    let hit = absent.get(key);
    if (!hit) {
      const own: string[] = [];
      hit = { label: absentLabel(voxels, c, volume, k, own), warnings: own };
      absent.set(key, hit);
    }
    warnings.push(...hit.warnings);
    return { ...hit.label, losses: { ...hit.label.losses } };
  };
  const cases: CaseResult[] = [];
  for (const src of evaluated) {
    const r: CaseResult = { ...src, warnings: [...src.warnings] };
    if (r.status === 'ok' && r.labels) {
      const own = r.labels;
      const labels: Record<string, LabelResult> = {};
      for (const k of labelKeys) {
        if (own[k]) labels[k] = own[k];
        else {
          labels[k] = absentOf(r.voxels ?? 0, r.voxel_volume_mm3 ?? null, k, r.warnings);
        }
      }
      // Case level: the mean over evaluated labels, nulls left out.
      r.metrics = {};
      for (const m of CASE_METRICS as readonly string[]) if (c.metrics.includes(m)) r.metrics[m] = meanOf(labelKeys.map((k) => labels[k][m] as number | null));
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
  return { config: reportConfig(c, labelKeys), cases, summary: summarize(cases, c, labelKeys) };
}

/**
 * The report of cli.md from its body, the results of its checks (none by default) and the
 * run-level warnings, keys in cli.md's order (the optional blocks just before `passed`).
 * `passed`: every gate, case gate and baseline check passed and no case is in error.
 */
export function assembleReport(body: ReportBody, checks: CheckResults = { gates: [] }, warnings: string[] = []): Report {
  const passed =
    checks.gates.every((g) => g.pass) &&
    (checks.case_gates ?? []).every((g) => g.pass) &&
    (checks.baseline?.checks ?? []).every((x) => x.pass) &&
    body.summary.errors === 0;
  return {
    schema: 'segloss-report/1',
    tool: { name: 'segloss', version: VERSION },
    config: body.config,
    cases: body.cases,
    summary: body.summary,
    gates: checks.gates,
    ...(checks.case_gates ? { case_gates: checks.case_gates } : {}),
    ...(checks.baseline ? { baseline: checks.baseline } : {}),
    ...(warnings.length > 0 ? { warnings } : {}),
    passed,
  };
}

export function summarize(cases: CaseResult[], c: RunConfig, labelKeys: string[]): Summary {
  const ok = cases.filter((r) => r.status === 'ok');
  // Medical Segmentation Decathlon rule: a missing prediction counts as 0 in metric aggregates.
  const zeroMissing = c.missing === 'zero' ? cases.filter((r) => r.status === 'missing') : [];
  const metricKeys = CASE_METRICS.filter((m) => c.metrics.includes(m));
  const metrics: Record<string, Stats> = {};
  // The zero rule is dice/iou only: the other metrics (surface, metrics-extra.md) leave a missing case out.
  const zerosFor = (m: string) => (m === 'dice' || m === 'iou' ? zeroMissing.map(() => 0) : []);
  for (const m of metricKeys) metrics[m] = describe([...ok.map((r) => r.metrics?.[m] ?? null), ...zerosFor(m)]);
  const losses: Record<string, Stats> = {};
  for (const l of c.losses) losses[l] = describe(ok.map((r) => r.losses?.[l] ?? null));
  const labels: Record<string, Record<string, Stats>> = {};
  for (const k of labelKeys) {
    const per: Record<string, Stats> = {};
    for (const m of LABEL_SUMMARY_METRICS) {
      if (!c.metrics.includes(m)) continue;
      per[m] = describe([...ok.map((r) => (r.labels?.[k]?.[m] as number | null | undefined) ?? null), ...zerosFor(m)]);
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
    ...(c.metrics.includes('ece') ? { reliability: pooledReliability(ok, labelKeys) } : {}),
  };
}
