// The Lovász extension of the Jaccard loss, Σ_k e_(k)·lovasz_grad_k over errors sorted
// descending (Berman et al. 2018; losses.md). Within a truth group the error is a monotone
// function of the prediction, so callers sort each group on its own keys and hand the
// two groups here already in descending error order; merging them is exact. Ties between
// the groups may go either way: the extension is continuous, so the value does not change.

/**
 * @param pos errors of the t = 1 voxels, descending
 * @param neg errors of the t = 0 voxels, descending
 * @param gtCount G = number of t = 1 voxels in the whole class (also those with error ≤ 0)
 * Only errors > 0 contribute, so each group may be cut where its errors reach 0.
 */
export function lovaszMerge(pos: ArrayLike<number>, neg: ArrayLike<number>, gtCount: number): number {
  let i = 0;
  let j = 0;
  let c1 = 0; // t = 1 voxels taken so far
  let c0 = 0; // t = 0 voxels taken so far
  let jPrev = 0;
  let loss = 0;
  const G = gtCount;
  for (;;) {
    const ep = i < pos.length ? pos[i] : -Infinity;
    const en = j < neg.length ? neg[j] : -Infinity;
    let e: number;
    if (ep >= en) {
      e = ep;
      if (!(e > 0)) break;
      c1++;
      i++;
    } else {
      e = en;
      if (!(e > 0)) break;
      c0++;
      j++;
    }
    // J_k = 1 − I_k/U_k with I_k = G − c1, U_k = G + c0 (U_k ≥ 1 once a voxel is taken).
    const jk = 1 - (G - c1) / (G + c0);
    loss += e * (jk - jPrev);
    jPrev = jk;
  }
  return loss;
}
