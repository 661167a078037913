// Channel axes of the volume formats: moved last and made planar, the layout NIfTI uses
// for its 4th axis, so pairing treats every volume format the same way.
import type { NumericArray } from '../types.js';

type TypedCtor = { new (n: number): NumericArray };

/**
 * `data` in first-axis-fastest order with `shape`; returns the data with `axis` moved to
 * the end (channel c at data[c·voxels, (c+1)·voxels)). The same array when it already is.
 */
export function moveAxisLast(data: NumericArray, shape: readonly number[], axis: number): NumericArray {
  if (axis === shape.length - 1) return data;
  let inner = 1;
  for (let a = 0; a < axis; a++) inner *= shape[a];
  let outer = 1;
  for (let a = axis + 1; a < shape.length; a++) outer *= shape[a];
  const channels = shape[axis];
  if (channels === 1) return data;
  const voxels = inner * outer;
  const out = new (data.constructor as TypedCtor)(data.length);
  // Input index i + inner·(c + C·o); output (i + inner·o) + voxels·c.
  for (let c = 0; c < channels; c++) {
    for (let o = 0; o < outer; o++) {
      const src = inner * (c + channels * o);
      const dst = inner * o + voxels * c;
      if (inner === 1) out[dst] = data[src];
      else out.set(data.subarray(src, src + inner), dst);
    }
  }
  return out;
}

/** Normalise a vector; a zero or non-finite one stays as given (no direction to compare). */
export function unit(v: number[]): number[] {
  const n = Math.hypot(...v);
  // `+ 0`: a negated 0 (RAS → LPS) is shown and compared as a plain 0.
  return n > 0 && Number.isFinite(n) ? v.map((x) => x / n + 0) : v.slice();
}
