// The Lovász extension of the Jaccard loss, Σ_k e_(k)·lovasz_grad_k over errors sorted
// descending (Berman et al. 2018; losses.md). Within a truth group the error is a monotone
// function of the prediction, so callers sort each group on its own keys and hand the
// two groups here already in descending error order; merging them is exact. Ties between
// the groups may go either way: the extension is continuous, so the value does not change.

/**
 * The running sum Σ e_(k)·(J_k − J_{k−1}) of one class, and optionally of its complement
 * (the other class of a binary prediction: same errors, the t = 0 voxels its positives),
 * fed voxels in descending error order. A run of `count` voxels with equal error and
 * equal truth is taken at once: the sum telescopes over it, so this is exact.
 */
export class LovaszSum {
  private c1 = 0; // t = 1 voxels taken so far
  private c0 = 0; // t = 0 voxels taken so far
  private prev1 = 0;
  private prev0 = 0;
  loss = 0;
  complementLoss = 0;

  /** @param positives G = t = 1 voxels of the whole class (also those with error ≤ 0) */
  constructor(
    private readonly positives: number,
    private readonly negatives: number,
    private readonly withComplement: boolean,
  ) {}

  /** Continue a walk whose first c1 positives and c0 negatives were taken elsewhere (a key-range segment). */
  resumeAfter(c1: number, c0: number): void {
    this.c1 = c1;
    this.c0 = c0;
    const taken = c1 + c0 > 0;
    this.prev1 = taken ? 1 - (this.positives - c1) / (this.positives + c0) : 0;
    this.prev0 = taken && this.withComplement ? 1 - (this.negatives - c0) / (this.negatives + c1) : 0;
  }

  take(e: number, positive: boolean, count: number): void {
    if (positive) this.c1 += count;
    else this.c0 += count;
    // J_k = 1 − I_k/U_k with I_k = G − c1, U_k = G + c0 (U_k ≥ 1 once a voxel is taken).
    const j1 = 1 - (this.positives - this.c1) / (this.positives + this.c0);
    this.loss += e * (j1 - this.prev1);
    this.prev1 = j1;
    if (this.withComplement) {
      const j0 = 1 - (this.negatives - this.c0) / (this.negatives + this.c1);
      this.complementLoss += e * (j0 - this.prev0);
      this.prev0 = j0;
    }
  }
}

/**
 * @param pos errors of the t = 1 voxels, descending
 * @param neg errors of the t = 0 voxels, descending
 * @param gtCount G = number of t = 1 voxels in the whole class (also those with error ≤ 0)
 * Only errors > 0 contribute, so each group may be cut where its errors reach 0.
 */
export function lovaszMerge(pos: ArrayLike<number>, neg: ArrayLike<number>, gtCount: number): number {
  const sum = new LovaszSum(gtCount, 0, false);
  let i = 0;
  let j = 0;
  for (;;) {
    const ep = i < pos.length ? pos[i] : -Infinity;
    const en = j < neg.length ? neg[j] : -Infinity;
    const fromPos = ep >= en;
    const e = fromPos ? ep : en;
    if (!(e > 0)) break;
    if (fromPos) i++;
    else j++;
    sum.take(e, fromPos, 1);
  }
  return sum.loss;
}
