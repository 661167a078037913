// What the table and Markdown reports show with --lesions: per case the lesion F1 (mean
// over labels) and the TP/FP/FN counts (sums over labels); per label the pooled counts.
import type { CaseResult, Report } from './model.js';
import { fmt4, numOrNull } from './util.js';

export const LESION_CASE_HEAD = ['lesion F1', 'lesions TP/FP/FN'];

export function hasLesions(report: Report): boolean {
  return report.summary.lesions !== undefined;
}

/** Cells of one case: '—' for a case that was not evaluated. */
export function lesionCaseCells(c: CaseResult): string[] {
  if (c.status !== 'ok' || !c.labels) return ['—', '—'];
  const labels = Object.values(c.labels);
  const f1s = labels.map((l) => numOrNull(l.lesion_f1)).filter((v): v is number => typeof v === 'number');
  const sum = (k: string) => labels.reduce((a, l) => a + (numOrNull(l[k]) ?? 0), 0);
  const f1 = f1s.length ? f1s.reduce((a, b) => a + b, 0) / f1s.length : null;
  return [fmt4(f1), `${sum('lesion_tp')}/${sum('lesion_fp')}/${sum('lesion_fn')}`];
}

export const LESION_SUMMARY_HEAD = ['label', 'gt lesions', 'pred lesions', 'TP', 'FP', 'FN', 'precision', 'recall', 'F1', 'PQ'];

/** One row per label from summary.lesions (pooled over ok cases). */
export function lesionSummaryRows(report: Report): string[][] {
  return Object.entries(report.summary.lesions ?? {}).map(([label, s]) => [
    label,
    String(s.gt_lesions),
    String(s.pred_lesions),
    String(s.tp),
    String(s.fp),
    String(s.fn),
    fmt4(numOrNull(s.precision)),
    fmt4(numOrNull(s.recall)),
    fmt4(numOrNull(s.f1)),
    fmt4(numOrNull(s.pq)),
  ]);
}
