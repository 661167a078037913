// Holm's step-down adjustment (statistics.md): over the m p-values that are not null,
// sorted ascending, p_holm(i) = max_{j ≤ i} min(1, (m − j + 1)·p_(j)). nulls stay null.

export function holmAdjust(ps: ReadonlyArray<number | null>): (number | null)[] {
  const idx: number[] = [];
  for (let i = 0; i < ps.length; i++) if (ps[i] !== null) idx.push(i);
  idx.sort((a, b) => (ps[a] as number) - (ps[b] as number));
  const m = idx.length;
  const out: (number | null)[] = ps.map(() => null);
  let running = 0;
  for (let j = 0; j < m; j++) {
    running = Math.max(running, Math.min(1, (m - j) * (ps[idx[j]] as number)));
    out[idx[j]] = running;
  }
  return out;
}
