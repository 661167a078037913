// The squared distance transform of edt.ts, evaluated only where it is read: at the
// boundary voxels of the other mask. Same stages, same lines, same arithmetic; only the
// work no query depends on is left out, so every value equals squaredEdt's bit for bit.
//
// Why that is exact. squaredEdt runs three separable stages (axis 0, 1, 2). A stage's
// result along one line depends only on that line's input, and on it only through the
// finite cells (Infinity never carries a parabola). So:
// - axis 0: a row without a feature stays Infinity; in a row that holds one, the value is
//   the squared distance to its nearest feature, found from the row's feature positions;
// - axis 1: a line (x, ·, z) has finite input exactly at the rows of slice z that hold a
//   feature; its envelope is built from those and read at the y of the query columns at x
//   (the envelope's read-out finds, for each position, the same parabola whether or not
//   the positions before it are read);
// - axis 2: a line (x, y, ·) has finite input exactly at the slices holding a feature; it
//   is needed only for query columns (x, y), and read only at their queries' z.
// Grids of one or two axes are taken as three with extra axes of length 1: a stage along
// such an axis adds (w·0)² = 0 to every finite value, which leaves it unchanged.

import { addParabola, envelope } from './edt.js';
import { squaredEdtAtRows } from './edtAtRows.js';

/** Columns of x taken together (see squaredEdtAt's axis 0). */
const X_BLOCK = 32;

/**
 * squaredEdt read at `queries`: the squared distance, in physical units², from each query
 * cell to the nearest feature cell (Infinity when there is none), equal to the value
 * squaredEdt gives there for flags marking exactly the `features`.
 *
 * @param features the feature cells, ascending (as markBoundary lists them)
 * @param queries  the cells to read, ascending
 * @returns one value per query, in the order of `queries`
 */
export function squaredEdtAt(
  features: Int32Array,
  queries: Int32Array,
  dims: readonly number[],
  spacing: readonly number[],
): Float64Array {
  if (dims.length > 3) throw new Error(`squaredEdtAt: ${dims.length} axes (at most 3)`);
  const X = dims[0]!;
  const Y = dims[1] ?? 1;
  const Z = dims[2] ?? 1;
  const w0 = spacing[0]!;
  const w1 = spacing[1] ?? 1;
  const w2 = spacing[2] ?? 1;
  const XY = X * Y;
  if (features.length === 0 || queries.length === 0) return new Float64Array(queries.length).fill(Infinity);
  // A plane with unit spacing (a PNG, say): row by row outward from each query
  // (edtAtRows.ts, same values), unless that would cost more than the envelope below.
  if (Z === 1 && w0 === 1 && w1 === 1) {
    const byRows = squaredEdtAtRows(features, queries, X, Y);
    if (byRows) return byRows;
  }
  const out = new Float64Array(queries.length);

  // The rows that hold a feature (ascending) and where each one's features start; the
  // slices that hold one, and where each one's rows start.
  const rows: number[] = [];
  const rowFeature: number[] = [];
  const sliceZ: number[] = [];
  const sliceStart: number[] = [];
  for (let f = 0; f < features.length; f++) {
    const row = Math.floor(features[f]! / X);
    if (rows.length > 0 && rows[rows.length - 1] === row) continue;
    const z = Math.floor(row / Y);
    if (sliceZ.length === 0 || sliceZ[sliceZ.length - 1] !== z) {
      sliceZ.push(z);
      sliceStart.push(rows.length);
    }
    rows.push(row);
    rowFeature.push(f);
  }
  sliceStart.push(rows.length);
  rowFeature.push(features.length);
  const nz = sliceZ.length;

  // Query columns (x, y), ordered by x then y; per x, its columns' range; each column's
  // queries ascending in z. Two stable counting sorts of the queries, by y and then by x,
  // give that order in time of the queries and the axes, not of the x·y plane.
  const Q = queries.length;
  const byY = new Int32Array(Q);
  const order = new Int32Array(Q);
  const count = new Int32Array(Math.max(X, Y) + 1);
  for (let j = 0; j < Q; j++) count[Math.floor((queries[j]! % XY) / X) + 1]!++;
  for (let y = 0; y < Y; y++) count[y + 1]! += count[y]!;
  for (let j = 0; j < Q; j++) byY[count[Math.floor((queries[j]! % XY) / X)]!++] = j;
  count.fill(0, 0, X + 1);
  for (let j = 0; j < Q; j++) count[(queries[j]! % XY % X) + 1]!++;
  for (let x = 0; x < X; x++) count[x + 1]! += count[x]!;
  for (let k = 0; k < Q; k++) {
    const j = byY[k]!;
    order[count[queries[j]! % XY % X]!++] = j;
  }
  // `order` runs through the columns one after the other; a column starts where (x, y) changes.
  const xStart = new Int32Array(X + 1);
  const colY: number[] = [];
  const colStart: number[] = [];
  let lastKey = -1;
  for (let k = 0; k < Q; k++) {
    const i = queries[order[k]!]! % XY;
    if (i === lastKey) continue;
    lastKey = i;
    const x = i % X;
    xStart[x + 1]!++;
    colY.push(Math.floor(i / X));
    colStart.push(k);
  }
  for (let x = 0; x < X; x++) xStart[x + 1]! += xStart[x]!;
  colStart.push(Q);
  const colQuery = order;

  // Axis 0's value at (x, row) is (w0 · distance to the row's nearest feature)², the
  // smaller of edt.ts firstAxis's two sweeps; x only rises, so each row keeps a cursor at
  // its first feature ≥ x.
  const R = rows.length;
  const rowX0 = new Int32Array(R);
  const cursor = new Int32Array(R);
  const rowEnd = new Int32Array(R);
  for (let r = 0; r < R; r++) {
    rowX0[r] = rows[r]! * X;
    cursor[r] = rowFeature[r]!;
    rowEnd[r] = rowFeature[r + 1]!;
  }
  // x goes in blocks of X_BLOCK: axis 0 for a block's x in one visit of each feature row
  // (the rows' cursors and features stream through the cache once per block, not per x).
  let maxRows = 0;
  for (let s = 0; s < nz; s++) maxRows = Math.max(maxRows, sliceStart[s + 1]! - sliceStart[s]!);
  let maxCols = 0;
  for (let x = 0; x < X; x += X_BLOCK) maxCols = Math.max(maxCols, xStart[Math.min(X, x + X_BLOCK)]! - xStart[x]!);
  // Axis 0's values of one slice's feature rows at the block's x: [row − first row] · X_BLOCK + (x − block start).
  const first = new Float64Array(maxRows * X_BLOCK);
  // Axis 1's values at the block's query columns, by feature slice: [column − block's first] · nz + slice.
  const line = new Float64Array(maxCols * nz);
  const env = envelope(Math.max(X, Y, Z));
  const inv1 = 1 / (w1 * w1);
  const inv2 = 1 / (w2 * w2);

  for (let xb = 0; xb < X; xb += X_BLOCK) {
    const xe = Math.min(X, xb + X_BLOCK);
    const cb = xStart[xb]!;
    if (cb === xStart[xe]) continue;
    for (let s = 0; s < nz; s++) {
      const r0 = sliceStart[s]!;
      const r1 = sliceStart[s + 1]!;
      // Axis 0 at the block's x that have query columns.
      for (let r = r0; r < r1; r++) {
        const base = rowX0[r]!;
        const start = rowFeature[r]!;
        const end = rowEnd[r]!;
        const o = (r - r0) * X_BLOCK - xb;
        let k = cursor[r]!;
        for (let x = xb; x < xe; x++) {
          if (xStart[x] === xStart[x + 1]) continue;
          while (k < end && features[k]! - base < x) k++;
          let f = Infinity;
          if (k > start) {
            const t = w0 * (x - (features[k - 1]! - base));
            f = t * t;
          }
          if (k < end) {
            const t = w0 * (features[k]! - base - x);
            const d = t * t;
            if (d < f) f = d;
          }
          first[o + x] = f;
        }
        cursor[r] = k;
      }
      // Axis 1 on the lines (x, ·, z), read at x's query columns.
      const zy = sliceZ[s]! * Y;
      for (let x = xb; x < xe; x++) {
        const c0 = xStart[x]!;
        const c1 = xStart[x + 1]!;
        if (c0 === c1) continue;
        let top = -1;
        for (let r = r0; r < r1; r++) top = addParabola(env, top, rows[r]! - zy, first[(r - r0) * X_BLOCK + x - xb]!, inv1);
        const { verts, vals, breaks } = env;
        let j = 0;
        for (let c = c0; c < c1; c++) {
          const o = (c - cb) * nz + s;
          if (top < 0) {
            line[o] = Infinity;
            continue;
          }
          const p = colY[c]!;
          while (breaks[j + 1]! < p) j++;
          const t = w1 * (p - verts[j]!);
          line[o] = vals[j]! + t * t;
        }
      }
    }
    // Axis 2 on the block's query columns, read at their queries.
    for (let c = cb; c < xStart[xe]!; c++) {
      let top = -1;
      const o = (c - cb) * nz;
      for (let s = 0; s < nz; s++) top = addParabola(env, top, sliceZ[s]!, line[o + s]!, inv2);
      const { verts, vals, breaks } = env;
      let j = 0;
      for (let k = colStart[c]!; k < colStart[c + 1]!; k++) {
        const q = colQuery[k]!;
        if (top < 0) {
          out[q] = Infinity;
          continue;
        }
        const p = Math.floor(queries[q]! / XY);
        while (breaks[j + 1]! < p) j++;
        const t = w2 * (p - verts[j]!);
        out[q] = vals[j]! + t * t;
      }
    }
  }
  return out;
}
