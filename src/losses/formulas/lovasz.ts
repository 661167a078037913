// The Lovász extension of the Jaccard loss, Σ_k e_(k)·lovasz_grad_k over errors sorted
// descending (Berman et al. 2018; losses.md), one step at a time. Within a truth group the
// error is a monotone function of the prediction, so each group is sorted on its own
// values and the one walk (walk/sortedWalk.ts) hands the steps here in descending error
// order. Ties between the groups may go either way: the extension is continuous.

/**
 * The running sum Σ e_(k)·(J_k − J_{k−1}) of one class, and optionally of its complement
 * (the other class of a binary prediction: same errors, the t = 0 voxels its positives),
 * fed voxels in descending error order. A run of `count` voxels with equal error and
 * equal truth is taken at once: the sum telescopes over it, so this is exact.
 *
 * With G positives, c1 positives and c0 negatives taken, J = 1 − (G − c1)/(G + c0), so a
 * step has a closed form: `count` positives raise J by count/(G + c0), `count` negatives
 * by (G − c1)·count/((G + c0)(G + c0 + count)). One division per class and step, each
 * step correctly rounded (the loss is a sum of positive terms: no cancellation).
 */
export class LovaszSum {
  private c1 = 0; // t = 1 voxels taken so far
  private c0 = 0; // t = 0 voxels taken so far
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
  }

  /** t = 1 and t = 0 voxels taken so far, those before a resumed segment included. */
  taken(): [number, number] {
    return [this.c1, this.c0];
  }

  /** Takes the voxels and returns the class's step of J, for a sum over the same order with other errors (the hinge's). */
  take(e: number, positive: boolean, count: number): number {
    // J_after − J_before for a class of G positives, `inside` of them taken, with
    // `outside` of its negatives taken: u = G + outside; count / u for positives,
    // (G − inside)·count / (u(u + count)) for negatives. J_0 = 0, so with G = 0 the first
    // step is 1 and every later one 0 (lovasz_grad of an absent class). Written out here,
    // not as a function called twice: this runs once per voxel of the walk.
    const { positives: G, negatives: N, c1, c0 } = this;
    const u = G + c0;
    const d1 = u === 0 ? 1 : positive ? count / u : ((G - c1) * count) / (u * (u + count));
    this.loss += e * d1;
    if (this.withComplement) {
      // The complement: positives N, its `inside` c0, its `outside` c1; a t = 0 voxel is its positive.
      const v = N + c1;
      this.complementLoss += e * (v === 0 ? 1 : !positive ? count / v : ((N - c0) * count) / (v * (v + count)));
    }
    if (positive) this.c1 = c1 + count;
    else this.c0 = c0 + count;
    return d1;
  }
}
