// Re-laying an array into the engine's layout: spatial axes fastest-first, channels planar.
import type { NumericArray } from '../types.js';

type TypedCtor = { new (n: number): NumericArray };

/**
 * Gathers `src` (shape `shape`, memory order `order`) into an array whose axes, fastest
 * first, are `shape[perm[0]], shape[perm[1]], …`. Returns `src` itself when that is
 * already its memory layout (the common case: NIfTI, and nnU-Net's (C, z, y, x) .npy).
 */
export function relayout(src: NumericArray, shape: number[], order: 'C' | 'F', perm: number[]): NumericArray {
  const nd = shape.length;
  const strides = new Array<number>(nd);
  if (order === 'F') {
    let s = 1;
    for (let a = 0; a < nd; a++) { strides[a] = s; s *= shape[a]; }
  } else {
    let s = 1;
    for (let a = nd - 1; a >= 0; a--) { strides[a] = s; s *= shape[a]; }
  }
  // Identity when the requested fastest-first axes already have increasing strides 1, d0, d0·d1, …
  let expect = 1;
  let identity = true;
  for (const a of perm) {
    if (shape[a] !== 1 && strides[a] !== expect) { identity = false; break; }
    expect *= shape[a];
  }
  if (identity) return src;
  const out = new (src.constructor as TypedCtor)(src.length);
  const outDims = perm.map((a) => shape[a]);
  const inStr = perm.map((a) => strides[a]);
  const idx = new Array<number>(nd).fill(0);
  const d0 = outDims[0];
  const s0 = inStr[0];
  let o = 0;
  let base = 0;
  const total = src.length;
  while (o < total) {
    for (let k = 0; k < d0; k++) out[o++] = src[base + k * s0];
    // odometer over the remaining axes
    let a = 1;
    for (; a < nd; a++) {
      idx[a]++;
      base += inStr[a];
      if (idx[a] < outDims[a]) break;
      base -= inStr[a] * outDims[a];
      idx[a] = 0;
    }
    if (a === nd) break;
  }
  return out;
}
