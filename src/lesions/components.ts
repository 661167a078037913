// Connected components of a mask on a box (spec/lesions.md "Lesions"): a two-pass
// union–find labelling, linear in the box's voxels. The box is 3D with x fastest
// (a 2D image is a box of depth 1), so raster order on the box is the image's storage
// order restricted to it, and "first voxel" means first in storage order.
import type { Connectivity } from './options.js';

export type Box3 = [number, number, number];

export interface ComponentMap {
  /** Component id per box voxel, 0 outside the mask (or in a component without a seed voxel). */
  map: Int32Array;
  /** Components numbered: ids are 1..count. */
  count: number;
}

/**
 * Backward neighbours (already visited in raster order) as [dx, dy, dz]: full = the
 * 13 of the 26-neighbourhood (8-neighbourhood: 4 in 2D), face = 3 (2 in 2D).
 */
function backwardOffsets(conn: Connectivity): number[][] {
  if (conn === 'face') return [[-1, 0, 0], [0, -1, 0], [0, 0, -1]];
  const out: number[][] = [];
  for (let dz = -1; dz <= 0; dz++) {
    for (let dy = -1; dy <= 1; dy++) {
      for (let dx = -1; dx <= 1; dx++) {
        if (dz === 0 && (dy > 0 || (dy === 0 && dx >= 0))) continue;
        out.push([dx, dy, dz]);
      }
    }
  }
  return out;
}

/**
 * Components of {v : flags[v] & bit} on a box of dims [nx, ny, nz]. Ids 1, 2, … in the
 * order of each component's first voxel that also has `seedBit` (seedBit = bit: the first
 * voxel of the component). A component holding no seed voxel gets id 0.
 *
 * @param out reused as the map when it is large enough (one int32 map per side).
 */
export function labelComponents(
  flags: Uint8Array,
  dims: Box3,
  bit: number,
  conn: Connectivity,
  seedBit: number = bit,
  out?: Int32Array,
): ComponentMap {
  const [nx, ny, nz] = dims;
  const size = nx * ny * nz;
  const map = out && out.length >= size ? out.subarray(0, size) : new Int32Array(size);
  const offs = backwardOffsets(conn);
  const sy = nx;
  const sz = nx * ny;
  // Offsets split by which bounds they need: dx ∈ {-1, 0, 1}, dy ∈ {-1, 0, 1}, dz ∈ {-1, 0}.
  const delta = offs.map(([dx, dy, dz]) => dx + dy * sy + dz * sz);
  const odx = offs.map((o) => o[0]);
  const ody = offs.map((o) => o[1]);
  const odz = offs.map((o) => o[2]);
  const no = offs.length;

  let parent = new Int32Array(1024);
  let next = 1;
  const find = (a: number): number => {
    while (parent[a] !== a) {
      parent[a] = parent[parent[a]];
      a = parent[a];
    }
    return a;
  };

  // Pass 1: provisional labels; a union links the larger root under the smaller, so
  // parent[i] ≤ i always and a component's root is its earliest provisional label.
  for (let z = 0, i = 0; z < nz; z++) {
    for (let y = 0; y < ny; y++) {
      for (let x = 0; x < nx; x++, i++) {
        if (!(flags[i] & bit)) {
          map[i] = 0;
          continue;
        }
        let l = 0;
        for (let k = 0; k < no; k++) {
          const dx = odx[k];
          const dy = ody[k];
          if ((dx < 0 && x === 0) || (dx > 0 && x === nx - 1) || (dy < 0 && y === 0) || (dy > 0 && y === ny - 1) || (odz[k] < 0 && z === 0)) continue;
          const m = map[i + delta[k]];
          if (m === 0) continue;
          if (l === 0) l = find(m);
          else {
            const r = find(m);
            if (r !== l) {
              if (r < l) {
                parent[l] = r;
                l = r;
              } else parent[r] = l;
            }
          }
        }
        if (l === 0) {
          if (next === parent.length) {
            const grown = new Int32Array(parent.length * 2);
            grown.set(parent);
            parent = grown;
          }
          parent[next] = next;
          l = next++;
        }
        map[i] = l;
      }
    }
  }

  // Flatten: parent[i] ≤ i, so one increasing sweep leaves every entry at its root.
  for (let i = 1; i < next; i++) parent[i] = parent[parent[i]];

  // Pass 2: final ids in the order of each component's first seed voxel.
  const id = new Int32Array(next);
  let count = 0;
  if (seedBit === bit) {
    for (let i = 0; i < size; i++) {
      const m = map[i];
      if (m === 0) continue;
      const r = parent[m];
      let f = id[r];
      if (f === 0) f = id[r] = ++count;
      map[i] = f;
    }
  } else {
    for (let i = 0; i < size; i++) {
      const m = map[i];
      if (m !== 0 && flags[i] & seedBit) {
        const r = parent[m];
        if (id[r] === 0) id[r] = ++count;
      }
    }
    for (let i = 0; i < size; i++) {
      const m = map[i];
      if (m !== 0) map[i] = id[parent[m]];
    }
  }
  return { map, count };
}

/**
 * K binary dilations of {flags & bit} by {d : |d_i| ≤ 1, Σ|d_i| ≤ 2} (2D, nz = 1: the 3×3
 * square; 3D: the 18-neighbourhood), written as `outBit`; nothing grows beyond the box.
 * `tmpBit` is a scratch bit, cleared on return.
 */
export function dilate(flags: Uint8Array, dims: Box3, bit: number, k: number, outBit: number, tmpBit: number): void {
  const [nx, ny, nz] = dims;
  const size = nx * ny * nz;
  for (let i = 0; i < size; i++) if (flags[i] & bit) flags[i] |= outBit;
  const offs: number[][] = [];
  for (let dz = -1; dz <= 1; dz++) {
    for (let dy = -1; dy <= 1; dy++) {
      for (let dx = -1; dx <= 1; dx++) {
        const s = Math.abs(dx) + Math.abs(dy) + Math.abs(dz);
        if (s === 0 || s > 2 || (nz === 1 && dz !== 0)) continue;
        offs.push([dx, dy, dz]);
      }
    }
  }
  const sy = nx;
  const sz = nx * ny;
  const delta = offs.map(([dx, dy, dz]) => dx + dy * sy + dz * sz);
  for (let it = 0; it < k; it++) {
    for (let z = 0, i = 0; z < nz; z++) {
      for (let y = 0; y < ny; y++) {
        const inner = y > 0 && y < ny - 1 && (nz === 1 || (z > 0 && z < nz - 1));
        for (let x = 0; x < nx; x++, i++) {
          if (flags[i] & outBit) continue;
          if (inner && x > 0 && x < nx - 1) {
            for (let j = 0; j < delta.length; j++) {
              if (flags[i + delta[j]] & outBit) {
                flags[i] |= tmpBit;
                break;
              }
            }
          } else {
            for (let j = 0; j < offs.length; j++) {
              const [dx, dy, dz] = offs[j];
              const xx = x + dx;
              const yy = y + dy;
              const zz = z + dz;
              if (xx < 0 || xx >= nx || yy < 0 || yy >= ny || zz < 0 || zz >= nz) continue;
              if (flags[i + delta[j]] & outBit) {
                flags[i] |= tmpBit;
                break;
              }
            }
          }
        }
      }
    }
    for (let i = 0; i < size; i++) if (flags[i] & tmpBit) flags[i] = (flags[i] & ~tmpBit) | outBit;
  }
}
