// Connected components and dilation of a voxel mask (spec/lesions.md "Lesions"), as
// voxel maps: the run kernels of runs.ts (two-pass union–find over runs, linear in the
// runs) painted back. The engine itself stays on runs; this is the voxel-level view for
// library users and for checking the kernels against plain references.
import { dilateRuns, labelRuns, runsOfFlags, type Dims3, type Runs } from './runs.js';
import type { Connectivity } from './options.js';

export type Box3 = Dims3;

export interface ComponentMap {
  /** Component id per voxel, 0 outside the mask (or in a component without a seed voxel). */
  map: Int32Array;
  /** Components numbered: ids are 1..count. */
  count: number;
}

function paint(r: Runs, value: (k: number) => number, out: Int32Array | Uint8Array): void {
  const nx = r.dims[0];
  for (let row = 0; row + 1 < r.rowStart.length; row++) {
    for (let k = r.rowStart[row]; k < r.rowStart[row + 1]; k++) out.fill(value(k), row * nx + r.x0[k], row * nx + r.x1[k]);
  }
}

/**
 * Components of {v : flags[v] & bit} on a volume of dims [nx, ny, nz] (x fastest). Ids 1,
 * 2, … in the order of each component's first voxel that also has `seedBit` (seedBit =
 * bit: its first voxel). A component holding no seed voxel gets id 0.
 */
export function labelComponents(flags: ArrayLike<number>, dims: Box3, bit: number, conn: Connectivity, seedBit: number = bit): ComponentMap {
  const runs = runsOfFlags(flags, dims, bit);
  const { id, count } = labelRuns(runs, conn);
  const map = new Int32Array(dims[0] * dims[1] * dims[2]);
  paint(runs, (k) => id[k], map);
  if (seedBit === bit) return { map, count };
  const renum = new Map<number, number>();
  for (let i = 0; i < map.length; i++) if (map[i] !== 0 && flags[i] & seedBit && !renum.has(map[i])) renum.set(map[i], renum.size + 1);
  for (let i = 0; i < map.length; i++) map[i] = renum.get(map[i]) ?? 0;
  return { map, count: renum.size };
}

/**
 * K binary dilations of {flags & bit} by {d : |d_i| ≤ 1, Σ|d_i| ≤ 2} (nz = 1: the 3×3
 * square; 3D: the 18-neighbourhood), nothing beyond the volume: a 0/1 mask.
 */
export function dilateMask(flags: ArrayLike<number>, dims: Box3, bit: number, k: number): Uint8Array {
  let runs = runsOfFlags(flags, dims, bit);
  for (let i = 0; i < k; i++) runs = dilateRuns(runs);
  const out = new Uint8Array(dims[0] * dims[1] * dims[2]);
  paint(runs, () => 1, out);
  return out;
}
