// Hand-made report additions in the shapes of lesions.md, metrics-extra.md and
// statistics.md, so the HTML sections for them are tested before those features exist here.
import type { Report } from '../../src/report/model.js';

const lesion = (gt: number | null, pred: number[], status: string, gtVoxels: number) => ({
  gt,
  pred,
  status,
  gt_voxels: gtVoxels,
  pred_voxels: pred.length ? gtVoxels : 4,
  iou: status === 'tp' ? 0.8 : 0,
  dice: status === 'tp' ? 0.89 : 0,
  hd95: status === 'tp' ? 1 : null,
});

/**
 * Label 1 of the first two ok cases gets lesions. gt lesion sizes and outcomes:
 * case 1: 3 tp, 5 fn, 6 tp, plus one fp pred lesion; case 2: 1 fn, 200 ignored.
 * Size bins [2^k, 2^(k+1)): 1 → [1,1]: 0 of 1 found (recall 0); 3 → [2,3]: 1 of 1 (1);
 * 5, 6 → [4,7]: 1 of 2 (0.5). The ignored lesion is in no bin.
 * Label 1 of every ok probability case: a 3-bin reliability table, bin 2 empty.
 */
export function withLesionsAndReliability(base: Report): Report {
  const r = structuredClone(base) as Report & { summary: Record<string, unknown> };
  const ok = r.cases.filter((c) => c.status === 'ok');
  const [c1, c2] = ok;
  (c1 as unknown as Record<string, unknown>).lesions = { '1': [lesion(1, [1], 'tp', 3), lesion(2, [], 'fn', 5), lesion(3, [2], 'tp', 6), lesion(null, [3], 'fp', 0)] };
  (c2 as unknown as Record<string, unknown>).lesions = { '1': [lesion(1, [], 'fn', 1), lesion(2, [1], 'ignored', 200)] };
  // lesion_f1 = 2TP/(2TP+FP+FN): case 1: 4/(4+1+1) = 2/3; case 2: 0/(0+0+1) = 0.
  c1.labels!['1'].lesion_f1 = 2 / 3;
  c2.labels!['1'].lesion_f1 = 0;
  for (const c of ok.slice(2)) c.labels!['1'].lesion_f1 = null;
  r.summary.lesions = { '1': { tp: 2, fp: 1, fn: 2, gt_lesions: 4, pred_lesions: 3, precision: 2 / 3, recall: 0.5, f1: 4 / 7, pq: null, sq: null, rq: null } };
  r.summary.reliability = { '1': { count: [10, 0, 5], mean_p: [0.1, null, 0.9], mean_t: [0.2, null, 0.8] } };
  return r;
}

/** A compare JSON with statistics.md's `statistics` block for two keys. */
export function statisticsBlock() {
  return {
    seed: 0,
    alpha: 0.05,
    resamples: 10000,
    confidence: 0.95,
    adjust: 'holm',
    paired_cases: 3,
    keys: {
      'metrics.dice': { direction: 'higher', n: 3, mean_a: 0.8, mean_b: 0.85, mean_diff: 0.05, ci_low: 0.01, ci_high: 0.09, n_nonzero: 3, r_plus: 6, r_minus: 0, method: 'exact', p: 0.25, p_holm: 0.5, verdict: 'not_significant' },
      'losses.dice': { direction: 'lower', n: 3, mean_a: 0.3, mean_b: 0.2, mean_diff: -0.1, ci_low: -0.2, ci_high: -0.05, n_nonzero: 3, r_plus: 0, r_minus: 6, method: 'exact', p: 0.25, p_holm: 0.5, verdict: 'not_significant' },
    },
  };
}
