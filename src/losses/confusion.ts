// The joint histogram of (ground-truth label, predicted label) over the evaluated voxels.
// Every overlap metric, and for a label-map prediction every loss too, follows from it,
// so one integer pass over the case serves all labels and regions at once.

export class JointHistogram {
  /** Counts keyed by gt label then pred label. */
  private readonly counts = new Map<number, Map<number, number>>();
  total = 0;

  add(gt: number, pred: number, count: number): void {
    let row = this.counts.get(gt);
    if (!row) this.counts.set(gt, (row = new Map()));
    row.set(pred, (row.get(pred) ?? 0) + count);
    this.total += count;
  }

  gtLabels(): number[] {
    return [...this.counts.keys()].filter((g) => this.rowTotal(g) > 0);
  }

  predLabels(): number[] {
    const s = new Set<number>();
    for (const row of this.counts.values()) for (const [p, c] of row) if (c > 0) s.add(p);
    return [...s];
  }

  private rowTotal(g: number): number {
    let t = 0;
    for (const c of this.counts.get(g)?.values() ?? []) t += c;
    return t;
  }

  /** Confusion counts of the target {label ∈ set} on both sides. */
  confusion(set: ReadonlySet<number>): Confusion {
    let tp = 0, fp = 0, fn = 0;
    for (const [g, row] of this.counts) {
      const gIn = set.has(g);
      for (const [p, c] of row) {
        const pIn = set.has(p);
        if (gIn && pIn) tp += c;
        else if (pIn) fp += c;
        else if (gIn) fn += c;
      }
    }
    return { tp, fp, fn, tn: this.total - tp - fp - fn };
  }
}

export interface Confusion {
  tp: number;
  fp: number;
  fn: number;
  tn: number;
}

/**
 * Counts (gt, pred) pairs. `ignore` (a gt value) drops voxels. Dense counting for the
 * usual small non-negative integer labels, with a Map fallback for anything else.
 */
export function jointHistogram(
  gt: ArrayLike<number>,
  pred: ArrayLike<number>,
  ignore: number | null,
): JointHistogram {
  const h = new JointHistogram();
  const n = gt.length;
  const W = 256;
  const dense = new Float64Array(W * W);
  const ign = ignore ?? Number.NaN;
  for (let i = 0; i < n; i++) {
    const g = gt[i];
    if (g === ign) continue;
    const p = pred[i];
    if (g >= 0 && g < W && p >= 0 && p < W && (g | 0) === g && (p | 0) === p) dense[g * W + p]++;
    else h.add(g, p, 1);
  }
  for (let g = 0; g < W; g++) {
    for (let p = 0; p < W; p++) {
      const c = dense[g * W + p];
      if (c > 0) h.add(g, p, c);
    }
  }
  return h;
}
