// NIfTI orientation in LPS (formats.md "Geometry checks"): the sform when sform_code > 0,
// else the qform when qform_code > 0, else none. NIfTI's world is RAS, so the x and y rows
// are negated. Directions are the unit columns of the 3×3 part. Pure.
import type { Geometry } from '../types.js';
import type { NiftiOrientation } from './niftiHeader.js';

/** LPS geometry of the first `rank` (2 or 3) axes, or null when the header sets no transform. */
export function niftiGeometry(o: NiftiOrientation | undefined, rank: number): Geometry | null {
  if (!o) return null;
  let columns: number[][];
  let origin: number[];
  if (o.sformCode > 0) {
    columns = [0, 1, 2].map((c) => [0, 1, 2].map((r) => o.srow[r][c]));
    origin = [0, 1, 2].map((r) => o.srow[r][3]);
  } else if (o.qformCode > 0) {
    columns = quaternionColumns(o.quatern, o.qfac < 0 ? -1 : 1);
    origin = o.qoffset.slice();
  } else {
    return null;
  }
  if (![...columns.flat(), ...origin].every(Number.isFinite)) return null;
  // `+ 0` turns the -0 of a negated 0 into 0, so reports and messages show plain zeros.
  const lps = (v: number[]) => [-v[0] + 0, -v[1] + 0, v[2] + 0];
  const direction = columns.slice(0, rank).map((c) => unitOrSelf(lps(c)).slice(0, rank));
  return { direction, origin: lps(origin).slice(0, rank) };
}

/** Rotation matrix columns of the NIfTI-1 quaternion (b, c, d; a from unit norm), third column × qfac. */
export function quaternionColumns([b, c, d]: [number, number, number], qfac: number): number[][] {
  let a = 1 - (b * b + c * c + d * d);
  if (a < 1e-7) {
    // nifti1_io: a is taken as 0 and (b, c, d) renormalised when rounding pushes it below 0.
    const n = Math.hypot(b, c, d);
    b /= n; c /= n; d /= n;
    a = 0;
  } else {
    a = Math.sqrt(a);
  }
  const r = [
    [a * a + b * b - c * c - d * d, 2 * (b * c - a * d), 2 * (b * d + a * c)],
    [2 * (b * c + a * d), a * a + c * c - b * b - d * d, 2 * (c * d - a * b)],
    [2 * (b * d - a * c), 2 * (c * d + a * b), a * a + d * d - c * c - b * b],
  ];
  return [0, 1, 2].map((col) => [0, 1, 2].map((row) => r[row][col] * (col === 2 ? qfac : 1) + 0));
}

function unitOrSelf(v: number[]): number[] {
  const n = Math.hypot(...v);
  return n > 0 ? v.map((x) => x / n + 0) : v;
}
