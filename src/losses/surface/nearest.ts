// Squared distance from each query cell to the nearest feature cell, found in a k-d tree of
// the features instead of a distance transform over the grid: the cost follows the number
// of boundary cells, not the volume's. It is the value squaredEdt gives at the query (the
// transform's minimum over features, written exactly as edt.ts writes it:
// ((w₀·Δx)² + (w₁·Δy)²) + (w₂·Δz)²); the transform can differ only where two features tie to
// the last bit (edt.ts, envelopeLine's note on breakpoints).

/** Cells (integer grid coordinates, up to three axes; missing axes 0), in one order. */
export interface Cells {
  x: Int32Array;
  y: Int32Array;
  z: Int32Array;
}

/** Features per leaf: a leaf is scanned whole. */
const LEAF = 16;

/**
 * A k-d tree over feature cells. Nodes are explicit: each has the range [lo, hi) of its
 * cells (held in tree order) and their bounding box, so a query skips a node whose box is
 * no nearer than the best distance so far. A box's squared distance is a lower bound of
 * every cell's in it in floating point too: each axis term is no larger, and a rounded sum
 * of non-negative terms does not decrease when a term grows.
 */
class FeatureTree {
  /** The features' coordinates, rearranged into tree order. */
  readonly x: Int32Array;
  readonly y: Int32Array;
  readonly z: Int32Array;
  /** Per node: first cell, end, children (−1 for a leaf), box min and max per axis. */
  readonly lo: Int32Array;
  readonly hi: Int32Array;
  readonly left: Int32Array;
  readonly right: Int32Array;
  readonly box: Int32Array;
  private nodes = 0;

  constructor(cells: Cells, private readonly w: readonly [number, number, number]) {
    const n = cells.x.length;
    this.x = cells.x.slice();
    this.y = cells.y.slice();
    this.z = cells.z.slice();
    // A node of more than LEAF cells splits into halves of at least LEAF / 2.
    const cap = 2 * Math.ceil(n / (LEAF / 2)) + 1;
    this.lo = new Int32Array(cap);
    this.hi = new Int32Array(cap);
    this.left = new Int32Array(cap);
    this.right = new Int32Array(cap);
    this.box = new Int32Array(6 * cap);
    this.split(0, n);
  }

  /** Builds the node of cells [lo, hi); returns its id. The split is at the median along the box's longest side in mm, so boxes stay near cubes in space. */
  private split(lo: number, hi: number): number {
    const id = this.nodes++;
    this.lo[id] = lo;
    this.hi[id] = hi;
    const { x, y, z, box } = this;
    const b = 6 * id;
    let x0 = 0x7fffffff, y0 = 0x7fffffff, z0 = 0x7fffffff;
    let x1 = -0x80000000, y1 = -0x80000000, z1 = -0x80000000;
    for (let i = lo; i < hi; i++) {
      const xi = x[i]!, yi = y[i]!, zi = z[i]!;
      if (xi < x0) x0 = xi;
      if (xi > x1) x1 = xi;
      if (yi < y0) y0 = yi;
      if (yi > y1) y1 = yi;
      if (zi < z0) z0 = zi;
      if (zi > z1) z1 = zi;
    }
    box[b] = x0;
    box[b + 1] = y0;
    box[b + 2] = z0;
    box[b + 3] = x1;
    box[b + 4] = y1;
    box[b + 5] = z1;
    if (hi - lo <= LEAF) {
      this.left[id] = -1;
      this.right[id] = -1;
      return id;
    }
    const [w0, w1, w2] = this.w;
    const sx = w0 * (x1 - x0), sy = w1 * (y1 - y0), sz = w2 * (z1 - z0);
    const axis = sx >= sy && sx >= sz ? 0 : sy >= sz ? 1 : 2;
    const mid = (lo + hi) >>> 1;
    select(axis === 0 ? [x, y, z] : axis === 1 ? [y, x, z] : [z, x, y], lo, hi - 1, mid);
    this.left[id] = this.split(lo, mid);
    this.right[id] = this.split(mid, hi);
    return id;
  }
}

/**
 * Rearranges cells [lo, hi] so that position k holds the cell of rank k by the first
 * coordinate array (Hoare's selection); the other two arrays move with it.
 */
function select([c, d, e]: Int32Array[], lo: number, hi: number, k: number): void {
  while (hi > lo) {
    const pivot = c[(lo + hi) >>> 1]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (c[i]! < pivot) i++;
      while (c[j]! > pivot) j--;
      if (i <= j) {
        let t = c[i]!;
        c[i] = c[j]!;
        c[j] = t;
        t = d[i]!;
        d[i] = d[j]!;
        d[j] = t;
        t = e[i]!;
        e[i] = e[j]!;
        e[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return;
  }
}

/**
 * For each query cell, the squared physical distance to the nearest feature cell
 * (Infinity when there is no feature).
 *
 * @param spacing mm per step along x, y, z (missing axes: any value; their coordinates are 0)
 */
export function nearestSquared(features: Cells, queries: Cells, spacing: readonly number[]): Float64Array {
  const m = queries.x.length;
  const out = new Float64Array(m);
  if (features.x.length === 0) return out.fill(Infinity);
  const w0 = spacing[0]!;
  const w1 = spacing[1] ?? 1;
  const w2 = spacing[2] ?? 1;
  const tree = new FeatureTree(features, [w0, w1, w2]);
  const { x: fx, y: fy, z: fz, lo: nlo, hi: nhi, left, right, box } = tree;
  // Two entries a level at most; a median split keeps the depth near log₂ of the features.
  const stack = new Int32Array(2 * 40);
  const bounds = new Float64Array(2 * 40);
  // The previous query's nearest feature: queries come in grid order, so it is usually
  // near the next one too and gives the search a tight first bound.
  let last = 0;
  const { x: qxs, y: qys, z: qzs } = queries;
  for (let q = 0; q < m; q++) {
    const qx = qxs[q]!;
    const qy = qys[q]!;
    const qz = qzs[q]!;
    let a = w0 * (qx - fx[last]!);
    let b = w1 * (qy - fy[last]!);
    let c = w2 * (qz - fz[last]!);
    let best = a * a + b * b + c * c;
    let top = 0;
    stack[0] = 0;
    bounds[0] = 0;
    while (top >= 0) {
      const node = stack[top]!;
      const bound = bounds[top]!;
      top--;
      if (bound >= best) continue;
      const l = left[node]!;
      if (l < 0) {
        for (let i = nlo[node]!, e = nhi[node]!; i < e; i++) {
          a = w0 * (qx - fx[i]!);
          b = w1 * (qy - fy[i]!);
          c = w2 * (qz - fz[i]!);
          const d = a * a + b * b + c * c;
          if (d < best) {
            best = d;
            last = i;
          }
        }
        continue;
      }
      const r = right[node]!;
      const dl = boxSquared(box, 6 * l, qx, qy, qz, w0, w1, w2);
      const dr = boxSquared(box, 6 * r, qx, qy, qz, w0, w1, w2);
      // The nearer child goes on top, so it is searched first.
      const nearL = dl <= dr;
      const far = nearL ? r : l;
      const dFar = nearL ? dr : dl;
      if (dFar < best) {
        stack[++top] = far;
        bounds[top] = dFar;
      }
      const dNear = nearL ? dl : dr;
      if (dNear < best) {
        stack[++top] = nearL ? l : r;
        bounds[top] = dNear;
      }
    }
    out[q] = best;
  }
  return out;
}

/** Squared distance from a cell to the box at box[o..o+6), with the terms as in nearestSquared. */
function boxSquared(box: Int32Array, o: number, qx: number, qy: number, qz: number, w0: number, w1: number, w2: number): number {
  const gx = qx < box[o]! ? box[o]! - qx : qx > box[o + 3]! ? qx - box[o + 3]! : 0;
  const gy = qy < box[o + 1]! ? box[o + 1]! - qy : qy > box[o + 4]! ? qy - box[o + 4]! : 0;
  const gz = qz < box[o + 2]! ? box[o + 2]! - qz : qz > box[o + 5]! ? qz - box[o + 5]! : 0;
  const a = w0 * gx;
  const b = w1 * gy;
  const c = w2 * gz;
  return a * a + b * b + c * c;
}
