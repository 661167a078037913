// Surface distances over surface elements (`--surface surfels`), as DeepMind's
// surface-distance `compute_surface_distances` defines them (spec/conventions.md, "Surfels").
//
// The surface is sampled at the corners of the voxel grid instead of at boundary voxel
// centres: a corner whose 2×2×2 (2D: 2×2) neighbourhood is partly inside the mask is a
// surface element, weighted by the area (2D: contour length) of the marching-cubes
// (marching-squares) piece its neighbourhood code stands for. Every distance is weighed
// by that area, so a surface sampled densely in one place does not outvote the rest.
//
// Cost: the caller's crop is the union bounding box of both masks; the corner grid is
// that box plus one, so codes, distance transforms and gathers are all linear in the
// crop's size, like the voxel path. Only the surface elements are sorted (for the
// percentile).

import { squaredEdt } from './edt.js';
import { SURFEL_NORMALS_X8 } from './surfelTable.js';

/** Surface elements of one mask: their distance to the other mask's surface, and their area. */
export interface DirectedSurfels {
  dist: Float64Array;
  area: Float64Array;
}

const SURF_P = 1;
const SURF_G = 2;

/**
 * Area (3D, mm²) or contour length (2D, mm) of every neighbourhood code for this spacing.
 * 3D: Σ over the code's triangles of ‖(n0·s1·s2, n1·s0·s2, n2·s0·s1)‖ (a triangle's area
 * after scaling axis k by s_k). 2D: the marching-squares segment lengths, bit weight of the
 * voxel at offset (o0, o1) being 8 >> (2·o0 + o1).
 */
export function surfelAreaTable(spacing: readonly number[]): Float64Array {
  if (spacing.length === 2) {
    const [s0, s1] = spacing as [number, number];
    const diag = 0.5 * Math.sqrt(s0 * s0 + s1 * s1);
    const t = new Float64Array(16);
    for (const c of [0b0001, 0b0010, 0b0100, 0b1000, 0b0111, 0b1011, 0b1101, 0b1110]) t[c] = diag;
    // 0011/1100: the inside is one half along axis 0, so the segment runs along axis 1.
    t[0b0011] = s1;
    t[0b1100] = s1;
    t[0b0101] = s0;
    t[0b1010] = s0;
    // Saddles: two corners diagonally opposite, two segments.
    t[0b0110] = 2 * diag;
    t[0b1001] = 2 * diag;
    return t;
  }
  if (spacing.length !== 3) throw new Error(`surfels are defined in 2D and 3D, not ${spacing.length}D`);
  const [s0, s1, s2] = spacing as [number, number, number];
  const t = new Float64Array(256);
  for (let code = 0; code < 256; code++) {
    const tri = SURFEL_NORMALS_X8[code]!;
    let sum = 0;
    for (let j = 0; j < tri.length; j += 3) {
      const a = (tri[j]! / 8) * s1 * s2;
      const b = (tri[j + 1]! / 8) * s0 * s2;
      const c = (tri[j + 2]! / 8) * s0 * s1;
      sum += Math.sqrt(a * a + b * b + c * c);
    }
    t[code] = sum;
  }
  return t;
}

/** Buffers reused across targets. */
export class SurfelScratch {
  pad = new Uint8Array(0);
  nibble = new Uint8Array(0);
  corner = new Uint8Array(0);
  field = new Float64Array(0);
  idxP = new Int32Array(0);
  idxG = new Int32Array(0);
  codeP = new Uint8Array(0);
  codeG = new Uint8Array(0);
  private tableKey = '';
  private tableValue: Float64Array = new Float64Array(0);

  ensure(padSize: number, corners: number): void {
    if (this.pad.length < padSize) {
      this.pad = new Uint8Array(padSize);
      this.nibble = new Uint8Array(padSize);
    }
    if (this.corner.length < corners) {
      this.corner = new Uint8Array(corners);
      this.field = new Float64Array(corners);
      this.idxP = new Int32Array(corners);
      this.idxG = new Int32Array(corners);
      this.codeP = new Uint8Array(corners);
      this.codeG = new Uint8Array(corners);
    }
  }

  table(spacing: readonly number[]): Float64Array {
    const key = spacing.join(',');
    if (key !== this.tableKey) {
      this.tableValue = surfelAreaTable(spacing);
      this.tableKey = key;
    }
    return this.tableValue;
  }
}

/**
 * The surface elements of both masks on a crop and their distances to the other surface.
 *
 * @param flags one byte per crop voxel (x fastest); `inP` / `inG` bits mark the masks
 * @param cdims crop dims (2 or 3 axes); every voxel outside the crop is outside both masks
 * @returns pg: P's elements with their distance to ∂G; gp: G's elements with theirs to ∂P
 */
export function surfelDistances(
  flags: Uint8Array,
  cdims: readonly number[],
  spacing: readonly number[],
  inP: number,
  inG: number,
  scratch: SurfelScratch,
): { pg: DirectedSurfels; gp: DirectedSurfels } {
  const n = cdims.length;
  if (n !== 2 && n !== 3) throw new Error(`--surface surfels needs 2D or 3D masks, got ${n}D`);
  const table = scratch.table(spacing);
  // Padded grid: one background voxel on every side. Corner grid: crop + 1 per axis;
  // corner c touches padded voxels c and c + 1 along each axis (crop voxels c − 1 and c).
  const c0 = cdims[0]!;
  const c1 = cdims[1]!;
  const c2 = n === 3 ? cdims[2]! : 1;
  const p0 = c0 + 2;
  const p1 = c1 + 2;
  const p2 = n === 3 ? c2 + 2 : 1;
  const k0 = c0 + 1;
  const k1 = c1 + 1;
  const k2 = n === 3 ? c2 + 1 : 1;
  const corners = k0 * k1 * k2;
  scratch.ensure(p0 * p1 * p2, corners);
  const pad = scratch.pad;
  const nib = scratch.nibble;
  const corner = scratch.corner;
  pad.fill(0, 0, p0 * p1 * p2);
  const zOff = n === 3 ? 1 : 0;
  for (let z = 0; z < c2; z++) {
    for (let y = 0; y < c1; y++) {
      const src = (z * c1 + y) * c0;
      const dst = ((z + zOff) * p1 + (y + 1)) * p0 + 1;
      for (let x = 0; x < c0; x++) {
        const f = flags[src + x]!;
        pad[dst + x] = (f & inP ? 1 : 0) | (f & inG ? 2 : 0);
      }
    }
  }

  // The code of corner (x, y, z) is nibble(x) << 4 | nibble(x + 1) in 3D (pair << 2 | pair
  // in 2D): the voxels at o0 = 0 carry the high bits. A nibble packs the other axes' offsets
  // of one padded column, P in the low nibble and G in the high one, so one pass serves
  // both masks.
  const sy = p0;
  const sz = p0 * p1;
  const shift = n === 3 ? 4 : 2;
  const full = n === 3 ? 0xff : 0x0f;
  let nP = 0;
  let nG = 0;
  const { idxP, idxG, codeP, codeG } = scratch;
  for (let z = 0; z < k2; z++) {
    for (let y = 0; y < k1; y++) {
      const base = z * sz + y * sy;
      // Nibbles of this corner row's padded columns x = 0 … p0 − 1.
      for (let x = 0; x < p0; x++) {
        const i = base + x;
        let v: number;
        if (n === 3) {
          // weight of (o1, o2): 8 >> (2·o1 + o2)
          const a = pad[i]!;
          const b = pad[i + sz]!;
          const c = pad[i + sy]!;
          const d = pad[i + sy + sz]!;
          v =
            ((a & 1) << 3) | ((b & 1) << 2) | ((c & 1) << 1) | (d & 1) |
            ((a & 2) << 6) | ((b & 2) << 5) | ((c & 2) << 4) | ((d & 2) << 3);
        } else {
          // weight of o1: 2 >> o1
          const a = pad[i]!;
          const c = pad[i + sy]!;
          v = ((a & 1) << 1) | (c & 1) | ((a & 2) << 4) | ((c & 2) << 3);
        }
        nib[x] = v;
      }
      const row = (z * k1 + y) * k0;
      for (let x = 0; x < k0; x++) {
        const lo = nib[x]!;
        const hi = nib[x + 1]!;
        const cp = (((lo & 0x0f) << shift) | (hi & 0x0f)) & full;
        const cg = (((lo >> 4) << shift) | (hi >> 4)) & full;
        let f = 0;
        const at = row + x;
        if (cp !== 0 && cp !== full) {
          f = SURF_P;
          idxP[nP] = at;
          codeP[nP++] = cp;
        }
        if (cg !== 0 && cg !== full) {
          f |= SURF_G;
          idxG[nG] = at;
          codeG[nG++] = cg;
        }
        corner[at] = f;
      }
    }
  }

  const kdims = n === 3 ? [k0, k1, k2] : [k0, k1];
  const field = scratch.field;
  squaredEdt(corner, SURF_G, kdims, spacing, field);
  const pg = gatherSurfels(field, idxP, codeP, nP, table);
  squaredEdt(corner, SURF_P, kdims, spacing, field);
  const gp = gatherSurfels(field, idxG, codeG, nG, table);
  return { pg, gp };
}

function gatherSurfels(field: Float64Array, idx: Int32Array, codes: Uint8Array, count: number, table: Float64Array): DirectedSurfels {
  const dist = new Float64Array(count);
  const area = new Float64Array(count);
  for (let j = 0; j < count; j++) {
    dist[j] = Math.sqrt(field[idx[j]!]!);
    area[j] = table[codes[j]!]!;
  }
  return { dist, area };
}

/** Σ a·d and Σ a: their ratio is the directed mean distance. */
export function weightedSum(s: DirectedSurfels): { num: number; den: number } {
  let num = 0;
  let den = 0;
  for (let j = 0; j < s.dist.length; j++) {
    num += s.dist[j]! * s.area[j]!;
    den += s.area[j]!;
  }
  return { num, den };
}

/** Σ a over the elements within τ, and Σ a. */
export function areaWithin(s: DirectedSurfels, tau: number): { within: number; total: number } {
  let within = 0;
  let total = 0;
  for (let j = 0; j < s.dist.length; j++) {
    const a = s.area[j]!;
    total += a;
    if (s.dist[j]! <= tau) within += a;
  }
  return { within, total };
}

/**
 * Robust Hausdorff at q of one or more directions pooled: elements sorted by (distance,
 * area), the first distance whose cumulative area fraction is ≥ q/100, no interpolation
 * (DeepMind's compute_robust_hausdorff); +∞ when there is no element.
 */
export function robustHausdorff(parts: readonly DirectedSurfels[], q: number): number {
  let n = 0;
  for (const p of parts) n += p.dist.length;
  if (n === 0) return Infinity;
  const d = new Float64Array(n);
  const a = new Float64Array(n);
  let o = 0;
  for (const p of parts) {
    d.set(p.dist, o);
    a.set(p.area, o);
    o += p.dist.length;
  }
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((i, j) => d[i]! - d[j]! || a[i]! - a[j]!);
  // The total as numpy.sum forms it (pairwise), the running sum as numpy.cumsum (in
  // order): a fraction that lands on q/100 then falls on the same side as the reference.
  const sortedArea = new Float64Array(n);
  for (let k = 0; k < n; k++) sortedArea[k] = a[order[k]!]!;
  const total = pairwiseSum(sortedArea, 0, n);
  const target = q / 100;
  let cum = 0;
  for (let k = 0; k < n; k++) {
    const i = order[k]!;
    cum += a[i]!;
    if (cum / total >= target) return d[i]!;
  }
  return d[order[n - 1]!]!;
}

/** The largest distance of any element; 0 when there is none. */
export function maxDistance(parts: readonly DirectedSurfels[]): number {
  let m = 0;
  for (const p of parts) for (let j = 0; j < p.dist.length; j++) if (p.dist[j]! > m) m = p.dist[j]!;
  return m;
}

/**
 * numpy's pairwise summation of a contiguous float64 run (numpy/_core/src/umath/loops_utils):
 * below 8 elements in order; up to 128 with eight interleaved accumulators combined as
 * ((r0+r1)+(r2+r3))+((r4+r5)+(r6+r7)), then the tail; above, the two halves (the first a
 * multiple of 8) summed recursively.
 */
export function pairwiseSum(a: Float64Array, start: number, n: number): number {
  if (n < 8) {
    let res = 0;
    for (let i = 0; i < n; i++) res += a[start + i]!;
    return res;
  }
  if (n <= 128) {
    const r = new Float64Array(8);
    for (let k = 0; k < 8; k++) r[k] = a[start + k]!;
    let i = 8;
    for (; i < n - (n % 8); i += 8) for (let k = 0; k < 8; k++) r[k] += a[start + i + k]!;
    let res = r[0]! + r[1]! + (r[2]! + r[3]!) + (r[4]! + r[5]! + (r[6]! + r[7]!));
    for (; i < n; i++) res += a[start + i]!;
    return res;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return pairwiseSum(a, start, n2) + pairwiseSum(a, start + n2, n - n2);
}
