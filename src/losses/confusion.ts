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

const DENSE = 256;
// One dense table per thread, reused: a fresh 256×256 table per case cost more than the
// counting itself on small 2D cases. Only the touched corner is read back and cleared.
const dense = new Uint32Array(DENSE * DENSE);
let maxG = -1;
let maxP = -1;

/** Adds the pairs (gt[offset + k], pred[k]) for k < len; small non-negative integer labels go to the dense table. */
function countPairs(h: JointHistogram, gt: ArrayLike<number>, offset: number, pred: ArrayLike<number>, len: number, ignore: number | null): void {
  const ign = ignore ?? Number.NaN;
  let mg = maxG;
  let mp = maxP;
  for (let k = 0; k < len; k++) {
    const g = gt[offset + k];
    if (g === ign) continue;
    const p = pred[k];
    if (g >= 0 && g < DENSE && p >= 0 && p < DENSE && (g | 0) === g && (p | 0) === p) {
      dense[g * DENSE + p]++;
      if (g > mg) mg = g;
      if (p > mp) mp = p;
    } else h.add(g, p, 1);
  }
  maxG = mg;
  maxP = mp;
}

function flushDense(h: JointHistogram): JointHistogram {
  for (let g = 0; g <= maxG; g++) {
    for (let p = 0; p <= maxP; p++) {
      const c = dense[g * DENSE + p];
      if (c > 0) {
        h.add(g, p, c);
        dense[g * DENSE + p] = 0;
      }
    }
  }
  maxG = -1;
  maxP = -1;
  return h;
}

/**
 * Counts (gt, pred) pairs. `ignore` (a gt value) drops voxels. Dense counting for the
 * usual small non-negative integer labels, with a Map fallback for anything else.
 */
export function jointHistogram(gt: ArrayLike<number>, pred: ArrayLike<number>, ignore: number | null): JointHistogram {
  const h = new JointHistogram();
  countPairs(h, gt, 0, pred, gt.length, ignore);
  return flushDense(h);
}

/**
 * jointHistogram of the ground truth against a prediction's hard labels, made chunk by
 * chunk (`labelsOf(start, end, out)` fills a chunk) so that no whole-volume label array
 * is needed when nothing else (surface metrics) wants one.
 */
export function jointHistogramChunked(
  gt: ArrayLike<number>,
  labelsOf: (start: number, end: number, out: Int32Array) => void,
  ignore: number | null,
): JointHistogram {
  const h = new JointHistogram();
  const CHUNK = 1 << 16;
  const buf = new Int32Array(CHUNK);
  for (let start = 0; start < gt.length; start += CHUNK) {
    const end = Math.min(gt.length, start + CHUNK);
    labelsOf(start, end, buf);
    countPairs(h, gt, start, buf, end - start, ignore);
  }
  return flushDense(h);
}
