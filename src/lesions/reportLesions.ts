// The lesion parts of the report (spec/lesions.md "Report"): a case completed to the run's
// labels, and the pooled summary.lesions. Works from the report's own values, so a merge
// of shards pools the same way as one run.
import type { CaseResult, LabelResult, Num } from '../report/model.js';
import { lesionMetrics, pooledLesionSummary, type LesionCounts } from './lesionMetrics.js';
import type { LesionOptions } from './options.js';

const zeroCounts = (): LesionCounts => ({ tp: 0, fp: 0, fn: 0, gtLesions: 0, predLesions: 0, sumIou: 0, sumDice: 0, sumHd95: 0 });

/** The lesion keys of a label absent from a case's masks: no lesions. */
export function absentLesionValues(o: LesionOptions, empty: 'one' | 'nan'): Record<string, Num> {
  return lesionMetrics(zeroCounts(), o.match, 0, empty);
}

/** cases[].lesions in the run's label order, an absent label with no entries. */
export function completeCaseLesions(r: CaseResult, labelKeys: string[], labels: Record<string, LabelResult>, o: LesionOptions, empty: 'one' | 'nan'): void {
  const own = r.lesions ?? {};
  const out: NonNullable<CaseResult['lesions']> = {};
  for (const k of labelKeys) {
    if (own[k]) out[k] = own[k];
    else {
      out[k] = [];
      Object.assign(labels[k], absentLesionValues(o, empty));
    }
  }
  r.lesions = out;
}

/** summary.lesions.<L>: sums of the ok cases' counts, precision/recall/F1 and PQ from them. */
export function lesionSummary(ok: CaseResult[], labelKeys: string[], o: LesionOptions, empty: 'one' | 'nan'): Record<string, Record<string, Num>> {
  const out: Record<string, Record<string, Num>> = {};
  for (const k of labelKeys) {
    const c = zeroCounts();
    for (const r of ok) {
      const v = r.labels?.[k];
      if (!v) continue;
      c.tp += Number(v.lesion_tp ?? 0);
      c.fp += Number(v.lesion_fp ?? 0);
      c.fn += Number(v.lesion_fn ?? 0);
      c.gtLesions += Number(v.gt_lesions ?? 0);
      c.predLesions += Number(v.pred_lesions ?? 0);
      for (const e of r.lesions?.[k] ?? []) if (e.status === 'tp') c.sumIou += e.iou;
    }
    out[k] = pooledLesionSummary(c, o.match, empty);
  }
  return out;
}
