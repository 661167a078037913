// Truth codes of one class: 1 inside, 0 outside, IGNORED for voxels left out (--ignore-index).

export const IGNORED = 255;

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
