// summary.reliability (metrics-extra.md): each label's reliability table pooled over every
// evaluated voxel of the ok probability cases — counts summed, means = pooled sums / pooled
// count. A case's table keeps means, so its sums come back as count × mean (exact to
// rounding), which also lets shards merge into the same pooled table.
import type { CaseResult, ReliabilityTable } from '../report/model.js';

export function pooledReliability(cases: readonly CaseResult[], labelKeys: readonly string[]): Record<string, ReliabilityTable> {
  const out: Record<string, ReliabilityTable> = {};
  for (const k of labelKeys) {
    let count: number[] | null = null;
    let sumP: number[] = [];
    let sumT: number[] = [];
    for (const r of cases) {
      const table = r.reliability?.[k];
      if (!table) continue;
      if (!count) {
        count = table.count.map(() => 0);
        sumP = count.map(() => 0);
        sumT = count.map(() => 0);
      }
      table.count.forEach((n, b) => {
        if (n === 0) return;
        count![b] += n;
        sumP[b] += n * (table.mean_p[b] ?? 0);
        sumT[b] += n * (table.mean_t[b] ?? 0);
      });
    }
    if (!count) continue;
    out[k] = {
      count,
      mean_p: count.map((n, b) => (n > 0 ? sumP[b] / n : null)),
      mean_t: count.map((n, b) => (n > 0 ? sumT[b] / n : null)),
    };
  }
  return out;
}
