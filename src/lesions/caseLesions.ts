// The lesion part of one case: every evaluated target through evaluateLesionsOfTarget.
import type { LesionEntry } from './lesionMetrics.js';
import { evaluateLesionsOfTarget } from './evaluateLesions.js';
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
  for (const t of targets) {
    const r = evaluateLesionsOfTarget(gt, hard, t.labels, { dims, spacing, ...rest }, o);
    out.values[t.key] = r.values;
    out.entries[t.key] = r.entries;
  }
  return out;
}
