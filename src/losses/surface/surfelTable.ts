// Triangle normals of every 2×2×2 neighbourhood code: a marching-cubes triangulation of the
// unit cube whose corners are the 8 voxel centres, with every vertex at the midpoint of an
// edge between an inside and an outside corner. Each triangle is kept as its normal whose
// length is its area on a unit grid (cross product / 2); only |n0|, |n1|, |n2| enter an area
// (surfels.ts scales axis k by s_k), and with midpoint vertices each is a multiple of 1/8,
// so a triangle is stored as three integers 8·|n_k|.
//
// Bit weight of the voxel at offset (o0, o1, o2) ∈ {0,1}³ from a corner, o = 0 being the
// voxel before the corner along that axis: 128 >> (4·o0 + 2·o1 + o2) (DeepMind
// surface-distance's neighbourhood kernel, correlated with scipy.ndimage).
//
// The triangulation, computed once on first use (256 codes):
// 1. A code with more than four inside corners is triangulated as its complement: the same
//    surface with the sides swapped, so code and 255 − code always agree.
// 2. On each cube face the crossings (edge midpoints between an inside and an outside corner)
//    are joined in pairs. On an ambiguous face (two inside corners diagonally opposite) each
//    inside corner is cut off by its own segment: inside corners are never joined across a
//    face diagonal.
// 3. Every crossing lies on two faces, so the segments chain into closed polygons.
// 4. A planar polygon is a fan from its first vertex (any triangulation gives the same area at
//    every spacing). A non-planar one (the pentagon of three corners on a face, the skew
//    hexagon of four) takes, among all its triangulations, the one of largest total area on
//    the unit grid, ties broken by the largest single triangle. This reproduces the classic
//    marching-cubes case triangulations: every code gets the same triangles as DeepMind's
//    library, so the same area at every spacing up to the order of summation
//    (docs/conventions.md says how that was checked).

type Vec3 = readonly [number, number, number];

/** Offset (o0, o1, o2) of corner c ∈ 0…7; its bit in a code is 128 >> c. */
function cornerOffset(c: number): Vec3 {
  return [(c >> 2) & 1, (c >> 1) & 1, c & 1];
}

/** The 6 faces of the cube, each as its 4 corners in cyclic order. */
const FACES: readonly (readonly number[])[] = (() => {
  const faces: number[][] = [];
  for (let axis = 0; axis < 3; axis++) {
    const [b, d] = [0, 1, 2].filter((x) => x !== axis) as [number, number];
    for (const side of [0, 1]) {
      faces.push(
        [[0, 0], [1, 0], [1, 1], [0, 1]].map(([ob, od]) => {
          const o = [0, 0, 0];
          o[axis] = side;
          o[b] = ob!;
          o[d] = od!;
          return 4 * o[0]! + 2 * o[1]! + o[2]!;
        }),
      );
    }
  }
  return faces;
})();

/** A cube edge as one number 0…63 (its corners a < b), so it can index an array. */
function edgeKey(a: number, b: number): number {
  return a < b ? a * 8 + b : b * 8 + a;
}

/** Edge midpoint in doubled coordinates (integers 0…2), so all arithmetic below is exact. */
function midpointX2(edge: number): Vec3 {
  const p = cornerOffset(Math.floor(edge / 8));
  const q = cornerOffset(edge % 8);
  return [p[0] + q[0], p[1] + q[1], p[2] + q[2]];
}

/** The closed iso-surface polygons for a set of inside corners (bit c = corner c), rules 2 and 3. */
function isoPolygons(insideMask: number): Vec3[][] {
  const inside = (c: number): boolean => ((insideMask >> c) & 1) === 1;
  // links[2e], links[2e + 1]: the crossings joined to crossing e (an edge key < 64), −1 if none.
  const links = new Int8Array(128).fill(-1);
  const link = (e: number, f: number): void => {
    links[links[2 * e]! < 0 ? 2 * e : 2 * e + 1] = f;
  };
  for (const face of FACES) {
    const edges = face.map((c, i) => edgeKey(c, face[(i + 1) % 4]!));
    const crossing = [0, 1, 2, 3].filter((i) => inside(face[i]!) !== inside(face[(i + 1) % 4]!));
    const pairs: [number, number][] = [];
    if (crossing.length === 2) pairs.push([edges[crossing[0]!]!, edges[crossing[1]!]!]);
    else if (crossing.length === 4) {
      // Ambiguous face: cut off each inside corner between its two edges.
      for (let i = 0; i < 4; i++) if (inside(face[i]!)) pairs.push([edges[(i + 3) % 4]!, edges[i]!]);
    }
    for (const [e, f] of pairs) {
      link(e, f);
      link(f, e);
    }
  }
  const polygons: Vec3[][] = [];
  const visited = new Uint8Array(64);
  for (let start = 0; start < 64; start++) {
    if (links[2 * start]! < 0 || visited[start]) continue;
    const ring: Vec3[] = [];
    let prev = -1;
    let cur = start;
    do {
      ring.push(midpointX2(cur));
      visited[cur] = 1;
      const next = links[2 * cur] === prev ? links[2 * cur + 1]! : links[2 * cur]!;
      prev = cur;
      cur = next;
    } while (cur !== start);
    polygons.push(ring);
  }
  return polygons;
}

/** Cross product (q − p) × (r − p) in doubled coordinates: 8 × the unit-grid normal. */
function normalX8(p: Vec3, q: Vec3, r: Vec3): Vec3 {
  const u = [q[0] - p[0], q[1] - p[1], q[2] - p[2]];
  const v = [r[0] - p[0], r[1] - p[1], r[2] - p[2]];
  return [u[1]! * v[2]! - u[2]! * v[1]!, u[2]! * v[0]! - u[0]! * v[2]!, u[0]! * v[1]! - u[1]! * v[0]!];
}

/** Every triangulation of the polygon vertices ids[0..], as index triples. */
function triangulations(ids: readonly number[]): number[][][] {
  if (ids.length < 3) return [[]];
  const first = ids[0]!;
  const last = ids[ids.length - 1]!;
  const out: number[][][] = [];
  // The side (first, last) belongs to exactly one triangle, with apex ids[k].
  for (let k = 1; k < ids.length - 1; k++) {
    for (const left of triangulations(ids.slice(0, k + 1))) {
      for (const right of triangulations(ids.slice(k))) out.push([...left, [first, ids[k]!, last], ...right]);
    }
  }
  return out;
}

/** triangulations(0…n−1), shared by every polygon of n vertices. */
const TRIANGULATIONS_BY_SIZE = new Map<number, number[][][]>();
function triangulationsOfSize(n: number): number[][][] {
  let t = TRIANGULATIONS_BY_SIZE.get(n);
  if (!t) TRIANGULATIONS_BY_SIZE.set(n, (t = triangulations(Array.from({ length: n }, (_, i) => i))));
  return t;
}

const norm = (n: Vec3): number => Math.hypot(n[0], n[1], n[2]);

/** Rule 4: the triangle normals (× 8, signed) of one polygon. */
function triangulate(polygon: readonly Vec3[]): Vec3[] {
  const ids = polygon.map((_, i) => i);
  const normalsOf = (tris: number[][]): Vec3[] => tris.map(([i, j, k]) => normalX8(polygon[i!]!, polygon[j!]!, polygon[k!]!));
  const fan = normalsOf(ids.slice(1, -1).map((i) => [0, i, i + 1]));
  const planar = fan.every((n) => {
    const c = normalX8([0, 0, 0], fan[0]!, n);
    return c[0] === 0 && c[1] === 0 && c[2] === 0;
  });
  if (planar) return fan;
  const EPS = 1e-9; // areas are sums of a few √k / 8; distinct ones differ by far more
  let best = fan;
  let bestArea = -1;
  let bestLargest = -1;
  for (const tris of triangulationsOfSize(polygon.length)) {
    const normals = normalsOf(tris);
    const areas = normals.map(norm);
    const area = areas.reduce((a, b) => a + b, 0);
    const largest = Math.max(...areas);
    if (area > bestArea + EPS || (area > bestArea - EPS && largest > bestLargest + EPS)) {
      [best, bestArea, bestLargest] = [normals, area, largest];
    }
  }
  return best;
}

/** 8·|n| of every triangle of one neighbourhood code, flattened [a0, a1, a2, b0, …]. */
export function surfelNormalsX8(code: number): number[] {
  let insideMask = 0;
  for (let c = 0; c < 8; c++) if (code & (128 >> c)) insideMask |= 1 << c;
  let count = 0;
  for (let m = insideMask; m; m &= m - 1) count++;
  if (count > 4) insideMask ^= 0xff; // rule 1
  return isoPolygons(insideMask).flatMap((polygon) => triangulate(polygon).flatMap((n) => n.map(Math.abs)));
}

let table: readonly (readonly number[])[] | null = null;

/**
 * Per code, the triangles' |normal| components × 8, flattened [a0, a1, a2, b0, …]. Built on
 * first use, so a run without surfels never pays for it.
 */
export function surfelNormalsX8Table(): readonly (readonly number[])[] {
  table ??= Array.from({ length: 256 }, (_, code) => surfelNormalsX8(code));
  return table;
}

/** Every code's triangles at once (the table built on first use). */
export const SURFEL_NORMALS_X8 = surfelNormalsX8Table();
