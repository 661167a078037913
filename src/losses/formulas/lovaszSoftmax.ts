// The Lovász-softmax of a case (Berman et al. 2018; losses.md): the mean of its classes'
// Lovász terms (errors |t − p|) over the classes present in the ground truth.

/** A class's term as it enters the mean: NaN (left out) when the class has no voxel in the ground truth. */
export function presentTerm(term: number, gtVoxels: number): number {
  return gtVoxels > 0 ? term : NaN;
}

/** The mean of the terms of the present classes (NaN terms left out); null when no class is present. */
export function lovaszSoftmaxMean(terms: readonly number[]): number | null {
  const present = terms.filter((x) => Number.isFinite(x));
  return present.length ? present.reduce((a, b) => a + b, 0) / present.length : null;
}
