// Masks as runs: per row (fixed y, z) of a 3D volume (x fastest; a 2D image has nz = 1),
// the maximal intervals [x0, x1) of mask voxels. Components, dilation, overlaps and
// per-lesion boxes all work on runs, so their cost follows the masks' outlines, not the
// volume: a 512×512×300 scan with a few hundred lesions has ~10⁴ runs, and no
// volume-sized buffer is ever allocated (allocating and touching one costs seconds on a VM).

export type Dims3 = [number, number, number];

export interface Runs {
  dims: Dims3;
  /** Runs of row r (r = y + ny·z) are rowStart[r] … rowStart[r+1]−1, ascending in x. */
  rowStart: Int32Array;
  x0: Int32Array;
  /** Exclusive end. */
  x1: Int32Array;
  count: number;
}

/** Growable pair of int32 lists. */
class RunBuilder {
  x0 = new Int32Array(1024);
  x1 = new Int32Array(1024);
  n = 0;
  push(a: number, b: number): void {
    if (this.n === this.x0.length) {
      const g0 = new Int32Array(this.n * 2);
      g0.set(this.x0);
      this.x0 = g0;
      const g1 = new Int32Array(this.n * 2);
      g1.set(this.x1);
      this.x1 = g1;
    }
    this.x0[this.n] = a;
    this.x1[this.n++] = b;
  }
  done(dims: Dims3, rowStart: Int32Array): Runs {
    return { dims, rowStart, x0: this.x0.subarray(0, this.n), x1: this.x1.subarray(0, this.n), count: this.n };
  }
}

/** Dense membership table for label values 0..255 (the common case), else a Set. */
export interface Membership {
  lut: Uint8Array;
  set: Set<number>;
}

export function membershipOf(labels: number[]): Membership {
  const lut = new Uint8Array(256);
  for (const l of labels) if (Number.isInteger(l) && l >= 0 && l < 256) lut[l] = 1;
  return { lut, set: new Set(labels) };
}

/**
 * Runs of {i : values[i] ∈ target} over the whole volume, leaving out voxels whose ground
 * truth is `ignore` (they belong to neither mask).
 */
export function runsOf(values: ArrayLike<number>, dims: Dims3, m: Membership, gt: ArrayLike<number> | null, ignore: number | null): Runs {
  const [nx, ny, nz] = dims;
  const rows = ny * nz;
  const total = nx * rows;
  const rowStart = new Int32Array(rows + 1);
  const b = new RunBuilder();
  const { lut, set } = m;
  const ign = ignore === null ? null : gt;
  const inTarget =
    values instanceof Uint8Array
      ? (i: number) => lut[values[i]] === 1
      : (i: number) => {
          const v = values[i];
          return (v | 0) === v && v >= 0 && v < 256 ? lut[v] === 1 : set.has(v);
        };
  const inMask = ign === null ? inTarget : (i: number) => inTarget(i) && ign[i] !== ignore;
  // Mostly-background label maps: skip zero bytes four at a time when 0 is not a target.
  const u8 = values instanceof Uint8Array && lut[0] === 0 && values.byteOffset % 4 === 0 ? values : null;
  const words = u8 ? new Uint32Array(u8.buffer, u8.byteOffset, total >> 2) : null;
  const wordEnd = total >> 2;
  let nextRow = 0;
  let i = 0;
  while (i < total) {
    if (words !== null && (i & 3) === 0) {
      let w = i >> 2;
      while (w < wordEnd && words[w] === 0) w++;
      if (w > i >> 2) {
        i = w << 2;
        if (i >= total) break;
      }
    }
    if (!inMask(i)) {
      i++;
      continue;
    }
    const row = (i / nx) | 0;
    while (nextRow <= row) rowStart[nextRow++] = b.n;
    const rowEnd = (row + 1) * nx;
    let j = i + 1;
    while (j < rowEnd && inMask(j)) j++;
    b.push(i - row * nx, j - row * nx);
    i = j;
  }
  while (nextRow <= rows) rowStart[nextRow++] = b.n;
  return b.done(dims, rowStart);
}

/** Runs of equal non-zero value, with that value: every target's runs follow from one scan. */
export interface ValueRuns extends Runs {
  value: Float64Array;
}

/**
 * Maximal runs of one non-zero value per row (voxels whose ground truth is `ignore` count
 * as 0). One pass over the volume, zero bytes skipped four at a time.
 */
export function valueRunsOf(values: ArrayLike<number>, dims: Dims3, gt: ArrayLike<number> | null, ignore: number | null): ValueRuns {
  const [nx, ny, nz] = dims;
  const rows = ny * nz;
  const total = nx * rows;
  const rowStart = new Int32Array(rows + 1);
  const b = new RunBuilder();
  let value = new Float64Array(1024);
  const ign = ignore === null ? null : gt;
  const at = ign === null ? (i: number) => values[i] : (i: number) => (ign[i] === ignore ? 0 : values[i]);
  const u8 = values instanceof Uint8Array && values.byteOffset % 4 === 0 ? values : null;
  const words = u8 ? new Uint32Array(u8.buffer, u8.byteOffset, total >> 2) : null;
  const wordEnd = total >> 2;
  let nextRow = 0;
  let i = 0;
  while (i < total) {
    if (words !== null && (i & 3) === 0) {
      let w = i >> 2;
      while (w < wordEnd && words[w] === 0) w++;
      if (w > i >> 2) {
        i = w << 2;
        if (i >= total) break;
      }
    }
    const v = at(i);
    if (v === 0 || v !== v) {
      i++;
      continue;
    }
    const row = (i / nx) | 0;
    while (nextRow <= row) rowStart[nextRow++] = b.n;
    const rowEnd = (row + 1) * nx;
    let j = i + 1;
    while (j < rowEnd && at(j) === v) j++;
    if (b.n === value.length) {
      const g = new Float64Array(value.length * 2);
      g.set(value);
      value = g;
    }
    value[b.n] = v;
    b.push(i - row * nx, j - row * nx);
    i = j;
  }
  while (nextRow <= rows) rowStart[nextRow++] = b.n;
  return { ...b.done(dims, rowStart), value: value.subarray(0, b.n) };
}

/** The runs of a target: value runs whose value is in it, touching ones merged. */
export function selectRuns(v: ValueRuns, m: Membership): Runs {
  const rows = v.rowStart.length - 1;
  const rowStart = new Int32Array(rows + 1);
  const b = new RunBuilder();
  const { lut, set } = m;
  for (let row = 0; row < rows; row++) {
    rowStart[row] = b.n;
    let s = -1;
    let e = -1;
    for (let k = v.rowStart[row]; k < v.rowStart[row + 1]; k++) {
      const x = v.value[k];
      if (!((x | 0) === x && x >= 0 && x < 256 ? lut[x] === 1 : set.has(x))) continue;
      if (s >= 0 && v.x0[k] === e) e = v.x1[k];
      else {
        if (s >= 0) b.push(s, e);
        s = v.x0[k];
        e = v.x1[k];
      }
    }
    if (s >= 0) b.push(s, e);
  }
  rowStart[rows] = b.n;
  return b.done(v.dims, rowStart);
}

/** Runs of {flags & bit} on a voxel array of `dims` (tests and small helpers). */
export function runsOfFlags(flags: ArrayLike<number>, dims: Dims3, bit: number): Runs {
  const [nx, ny, nz] = dims;
  const rows = ny * nz;
  const rowStart = new Int32Array(rows + 1);
  const b = new RunBuilder();
  for (let r = 0, base = 0; r < rows; r++, base += nx) {
    rowStart[r] = b.n;
    let start = -1;
    for (let x = 0; x < nx; x++) {
      if (flags[base + x] & bit) {
        if (start < 0) start = x;
      } else if (start >= 0) {
        b.push(start, x);
        start = -1;
      }
    }
    if (start >= 0) b.push(start, nx);
  }
  rowStart[rows] = b.n;
  return b.done(dims, rowStart);
}

/** Merges intervals (sorted by x0) into maximal runs, appending to `b`. */
function mergeInto(b: RunBuilder, a0: number[], a1: number[]): void {
  if (a0.length === 0) return;
  const order = a0.map((_, k) => k).sort((p, q) => a0[p] - a0[q]);
  let s = a0[order[0]];
  let e = a1[order[0]];
  for (let k = 1; k < order.length; k++) {
    const j = order[k];
    if (a0[j] <= e) {
      if (a1[j] > e) e = a1[j];
    } else {
      b.push(s, e);
      s = a0[j];
      e = a1[j];
    }
  }
  b.push(s, e);
}

/**
 * One binary dilation by {d : |d_i| ≤ 1, Σ|d_i| ≤ 2} (3D: the 18-neighbourhood; nz = 1:
 * the 3×3 square), nothing beyond the image. A neighbour row at (dy, dz) contributes its
 * runs widened by 1 in x when |dy| + |dz| ≤ 1, as they are when |dy| + |dz| = 2.
 */
export function dilateRuns(r: Runs): Runs {
  const [nx, ny, nz] = r.dims;
  const rows = ny * nz;
  const rowStart = new Int32Array(rows + 1);
  const b = new RunBuilder();
  const a0: number[] = [];
  const a1: number[] = [];
  for (let z = 0; z < nz; z++) {
    for (let y = 0; y < ny; y++) {
      rowStart[y + ny * z] = b.n;
      a0.length = 0;
      a1.length = 0;
      for (let dz = -1; dz <= 1; dz++) {
        const zz = z + dz;
        if (zz < 0 || zz >= nz) continue;
        for (let dy = -1; dy <= 1; dy++) {
          const yy = y + dy;
          if (yy < 0 || yy >= ny) continue;
          const widen = Math.abs(dy) + Math.abs(dz) <= 1 ? 1 : 0;
          const row = yy + ny * zz;
          for (let k = r.rowStart[row]; k < r.rowStart[row + 1]; k++) {
            a0.push(Math.max(0, r.x0[k] - widen));
            a1.push(Math.min(nx, r.x1[k] + widen));
          }
        }
      }
      mergeInto(b, a0, a1);
    }
  }
  rowStart[rows] = b.n;
  return b.done(r.dims, rowStart);
}

/**
 * Connected components of the runs: a two-pass union–find over runs in raster order, each
 * run joined to the overlapping runs of the rows before it (face: the row above and the
 * slice below; full: also the diagonal rows, and runs that touch at a corner or edge).
 * Returns the component id of each run, numbered 1… in the order of each component's
 * first run (= its first voxel in storage order), and the count.
 */
export function labelRuns(r: Runs, conn: 'full' | 'face'): { id: Int32Array; count: number } {
  const [, ny, nz] = r.dims;
  const n = r.count;
  const parent = new Int32Array(n);
  for (let k = 0; k < n; k++) parent[k] = k;
  const find = (a: number): number => {
    while (parent[a] !== a) {
      parent[a] = parent[parent[a]];
      a = parent[a];
    }
    return a;
  };
  const union = (a: number, b: number): void => {
    const ra = find(a);
    const rb = find(b);
    if (ra < rb) parent[rb] = ra;
    else if (rb < ra) parent[ra] = rb;
  };
  // Earlier rows joined to row (y, z): (dy, dz) and whether corner/edge contact counts.
  const back: [number, number][] = conn === 'face' ? [[-1, 0], [0, -1]] : [[-1, 0], [-1, -1], [0, -1], [1, -1]];
  const slack = conn === 'full' ? 1 : 0;
  const { rowStart, x0, x1 } = r;
  for (let z = 0; z < nz; z++) {
    for (let y = 0; y < ny; y++) {
      const row = y + ny * z;
      const s = rowStart[row];
      const e = rowStart[row + 1];
      if (s === e) continue;
      for (const [dy, dz] of back) {
        const yy = y + dy;
        const zz = z + dz;
        if (yy < 0 || yy >= ny || zz < 0) continue;
        const o = yy + ny * zz;
        let j = rowStart[o];
        const je = rowStart[o + 1];
        let k = s;
        // Two pointers: runs a = [x0, x1) and b touch when a.x0 < b.x1 + slack and b.x0 < a.x1 + slack.
        while (k < e && j < je) {
          if (x0[j] < x1[k] + slack && x0[k] < x1[j] + slack) union(k, j);
          if (x1[j] < x1[k]) j++;
          else k++;
        }
      }
    }
  }
  const id = new Int32Array(n);
  const rootId = new Int32Array(n);
  let count = 0;
  for (let k = 0; k < n; k++) {
    const root = find(k);
    if (rootId[root] === 0) rootId[root] = ++count;
    id[k] = rootId[root];
  }
  return { id, count };
}

/**
 * For runs `inner` lying inside runs `outer` (row by row), the index of the outer run
 * holding each inner run.
 */
export function containingRun(inner: Runs, outer: Runs): Int32Array {
  const out = new Int32Array(inner.count);
  const rows = inner.rowStart.length - 1;
  for (let row = 0; row < rows; row++) {
    let j = outer.rowStart[row];
    for (let k = inner.rowStart[row]; k < inner.rowStart[row + 1]; k++) {
      while (outer.x1[j] <= inner.x0[k]) j++;
      out[k] = j;
    }
  }
  return out;
}
