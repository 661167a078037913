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

  /** Takes the voxels and returns the class's step of J, for a sum over the same order with other errors (the hinge's). */
  take(e: number, positive: boolean, count: number): number {
    const d1 = step(this.positives, this.c1, this.c0, positive, count);
    this.loss += e * d1;
    if (this.withComplement) this.complementLoss += e * step(this.negatives, this.c0, this.c1, !positive, count);
    if (positive) this.c1 += count;
    else this.c0 += count;
    return d1;
  }
}

/**
 * J_after − J_before when `count` voxels are taken, for a class of G positives of which
 * `inside` are taken, with `outside` of its negatives taken. J_0 = 0, so with G = 0 the
 * first step is 1 and every later one 0 (lovasz_grad of an absent class).
 */
function step(G: number, inside: number, outside: number, positive: boolean, count: number): number {
  const u = G + outside;
  if (u === 0) return 1;
  return positive ? count / u : ((G - inside) * count) / (u * (u + count));
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
