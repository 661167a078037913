// Truth codes of one class: 1 inside, 0 outside, IGNORED for voxels left out (--ignore-index).

export const IGNORED = 255;

/** The truth codes of the class {label ∈ set} over a ground-truth label map. */
export function truthCodes(gt: ArrayLike<number>, set: ReadonlySet<number>, ignore: number | null): Uint8Array {
  const n = gt.length;
  const t = new Uint8Array(n);
  // Label maps are small non-negative integers: a lookup table beats a Set per voxel.
  const LUT = 256;
  const lut = new Uint8Array(LUT);
  for (const l of set) if (l >= 0 && l < LUT && Number.isInteger(l)) lut[l] = 1;
  if (ignore !== null && ignore >= 0 && ignore < LUT && Number.isInteger(ignore)) lut[ignore] = IGNORED;
  const ign = ignore ?? Number.NaN;
  for (let i = 0; i < n; i++) {
    const g = gt[i];
    if (g >= 0 && g < LUT && (g | 0) === g) t[i] = lut[g];
    else t[i] = g === ign ? IGNORED : set.has(g) ? 1 : 0;
  }
  return t;
}

/** 1 where the ground truth holds the ignored label, else 0. */
export function ignoreMaskOf(gt: ArrayLike<number>, ignore: number): Uint8Array {
  const m = new Uint8Array(gt.length);
  for (let i = 0; i < gt.length; i++) if (gt[i] === ignore) m[i] = 1;
  return m;
}

/** The t = 1 and t = 0 voxels of a class (ignored ones are neither). */
export function countTruth(t: Uint8Array): [number, number] {
  let pos = 0;
  let neg = 0;
  for (let i = 0; i < t.length; i++) {
    if (t[i] === 1) pos++;
    else if (t[i] === 0) neg++;
  }
  return [pos, neg];
}
