// Matching gt lesions to pred lesions (spec/lesions.md "Matching"). Pure over the list of
// overlapping pairs: a pair that does not overlap can never match, so the pairs are all
// the matcher needs, and their number is at most the overlapping voxels'.

/** One overlapping (gt, pred) pair: `inter` = |g ∩ p| (voxels). */
export interface LesionPair {
  g: number;
  p: number;
  inter: number;
}

/** A matching: (g, p) pairs, sorted by g then p. */
export type Matching = Array<[number, number]>;

/**
 * One-to-one matching by IoU: candidates have IoU(g,p) > T (float64, strictly), taken
 * greedily by IoU descending, ties by smaller g then smaller p, each lesion at most once.
 * For T ≥ 0.5 a lesion has at most one candidate, so this is Kirillov's unique matching.
 */
export function matchByIou(pairs: readonly LesionPair[], gtVoxels: ArrayLike<number>, predVoxels: ArrayLike<number>, t: number): Matching {
  const cands: { g: number; p: number; iou: number }[] = [];
  for (const { g, p, inter } of pairs) {
    if (inter <= 0) continue;
    const iou = inter / (gtVoxels[g] + predVoxels[p] - inter);
    if (iou > t) cands.push({ g, p, iou });
  }
  cands.sort((a, b) => b.iou - a.iou || a.g - b.g || a.p - b.p);
  const gTaken = new Set<number>();
  const pTaken = new Set<number>();
  const out: Matching = [];
  for (const c of cands) {
    if (gTaken.has(c.g) || pTaken.has(c.p)) continue;
    gTaken.add(c.g);
    pTaken.add(c.p);
    out.push([c.g, c.p]);
  }
  return out.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
}

/**
 * BraTS 2023 matching, many-to-many: p matches g when p meets dil(g, K). `touching` lists
 * the pairs (g, p) with p ∩ dil(g, K) ≠ ∅ (each once, any order).
 */
export function matchByOverlap(touching: ReadonlyArray<readonly [number, number]>): Matching {
  return touching.map(([g, p]) => [g, p] as [number, number]).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
}
