// The lesion part of one case: every evaluated target through evaluateLesionsOfTarget.
import type { LesionEntry } from './lesionMetrics.js';
import { dims3, evaluateLesionsOfTarget, lesionsOfRuns } from './evaluateLesions.js';
import { membershipOf, selectRuns, valueRunsOf } from './runs.js';
import type { LesionOptions } from './options.js';

export interface CaseLesions {
  /** Numeric keys per target key, to merge into labels.<L>. */
  values: Record<string, Record<string, number | null>>;
  /** cases[].lesions.<L>. */
  entries: Record<string, LesionEntry[]>;
}

export function caseLesions(
  gt: ArrayLike<number>,
  hard: ArrayLike<number>,
  dims: number[],
  spacing: number[],
  targets: { key: string; labels: number[] }[],
  o: LesionOptions,
  rest: { ignoreIndex: number | null; hd95: 'union' | 'max'; empty: 'one' | 'nan' },
): CaseLesions {
  const out: CaseLesions = { values: {}, entries: {} };
  const ctx = { dims, spacing, ...rest };
  // One scan per side for every target, unless a target holds label 0 (background runs).
  const shared = targets.some((t) => t.labels.includes(0))
    ? null
    : { gt: valueRunsOf(gt, dims3(dims), gt, rest.ignoreIndex), pred: valueRunsOf(hard, dims3(dims), gt, rest.ignoreIndex) };
  for (const t of targets) {
    const m = membershipOf(t.labels);
    const r = shared
      ? lesionsOfRuns(selectRuns(shared.gt, m), selectRuns(shared.pred, m), ctx, o)
      : evaluateLesionsOfTarget(gt, hard, t.labels, ctx, o);
    out.values[t.key] = r.values;
    out.entries[t.key] = r.entries;
  }
  return out;
}
