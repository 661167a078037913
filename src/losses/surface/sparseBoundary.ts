// The boundary voxels of small masks, found from the list of their voxels instead of a
// grid of flags: one pass over the volume lists the voxels in any target's mask, and each
// of those is tested against its face-neighbours where they lie. Used when the masks hold
// a small part of the volume (a structure, or a prediction's scattered false positives, in
// a CT scan), where the cost of a grid — and of a distance transform over it — follows the
// masks' bounding box, which scattered voxels stretch to the whole image.
//
// Same rule as surface.ts's markBoundary: a voxel of the mask is boundary when a
// face-neighbour is outside the mask or beyond the image border; an ignored voxel belongs
// to no mask. Lists come out ascending, in the order markBoundary gives.

/** Which values of a volume put a voxel in a mask. */
export type Members = LabelSet | CutSet;

/** Label values: table[v] for integers in [0, table.length), else `others`. */
export interface LabelSet {
  kind: 'labels';
  table: Uint8Array;
  others: ReadonlySet<number>;
}

/**
 * A one-channel prediction read through its cut, without a hard label map: a value ≥ cut
 * is a voxel of the foreground label, any other of the background; `above` and `below`
 * say whether those labels are in the mask.
 */
export interface CutSet {
  kind: 'cut';
  cut: number;
  above: boolean;
  below: boolean;
}

function has(set: Members, v: number): boolean {
  if (set.kind === 'cut') return v >= set.cut ? set.above : set.below;
  const iv = v | 0;
  return iv === v && iv >= 0 && iv < set.table.length ? set.table[iv] === 1 : set.others.has(v);
}

/**
 * The voxels (ascending) whose prediction is in `predAny` or ground truth in `gtAny` and
 * that are not ignored; null as soon as there are more than `cap`.
 */
export function maskVoxels(
  pred: ArrayLike<number>,
  predAny: Members,
  gt: ArrayLike<number>,
  gtAny: Members,
  ignore: Uint8Array | undefined,
  cap: number,
): Int32Array | null {
  const n = pred.length;
  const list = new VoxelList(cap);
  if (
    pred instanceof Uint8Array && gt instanceof Uint8Array && ignore === undefined &&
    predAny === gtAny && predAny.kind === 'labels' && !predAny.table[0] && !predAny.others.size
  ) {
    // Byte label maps whose background is not a target (the common case): a voxel with both
    // bytes zero is in no mask, and four voxels are ruled out with one 32-bit test where
    // the two arrays can be 4-byte aligned at once.
    const t = predAny.table;
    // A byte past the table reads undefined: in no mask.
    const scan = (from: number, to: number): boolean => {
      for (let j = from; j < to; j++) if ((t[pred[j]!] === 1 || t[gt[j]!] === 1) && !list.push(j)) return false;
      return true;
    };
    const head = pred.byteOffset % 4 === gt.byteOffset % 4 ? Math.min(n, (4 - (pred.byteOffset % 4)) % 4) : n;
    const words = (n - head) >>> 2;
    if (!scan(0, head)) return null;
    if (words > 0) {
      const pw = new Uint32Array(pred.buffer, pred.byteOffset + head, words);
      const gw = new Uint32Array(gt.buffer, gt.byteOffset + head, words);
      for (let w = 0; w < words; w++) {
        if ((pw[w]! | gw[w]!) !== 0 && !scan(head + 4 * w, head + 4 * w + 4)) return null;
      }
    }
    return scan(head + 4 * words, n) ? list.voxels() : null;
  }
  for (let i = 0; i < n; i++) {
    if (ignore !== undefined && ignore[i] !== 0) continue;
    if ((has(predAny, pred[i]!) || has(gtAny, gt[i]!)) && !list.push(i)) return null;
  }
  return list.voxels();
}

/** Voxel indices as they are found, up to a cap. */
class VoxelList {
  private out: Int32Array;
  private m = 0;
  /** The cap was passed. */
  over = false;
  constructor(private readonly cap: number) {
    this.out = new Int32Array(Math.min(cap, 1 << 16));
  }
  /** Adds voxel i; false (and the list is over) when it would pass the cap. */
  push(i: number): boolean {
    if (this.m === this.out.length) {
      if (this.m >= this.cap) {
        this.over = true;
        return false;
      }
      const grown = new Int32Array(Math.min(this.cap, 2 * this.m));
      grown.set(this.out);
      this.out = grown;
    }
    this.out[this.m++] = i;
    return true;
  }
  /** The voxels in the order added; null when the cap was passed. */
  voxels(): Int32Array | null {
    return this.over ? null : this.out.subarray(0, this.m);
  }
}

/**
 * The voxels whose hard label or truth is not 0, gathered chunk by chunk as the confusion
 * counts read them (producers/confusion.ts jointHistogramChunked): when no target holds
 * label 0, every voxel of every mask is among them, and boundaryOf takes them as they are.
 */
export class ForegroundVoxels {
  private readonly list: VoxelList;
  constructor(cap: number) {
    this.list = new VoxelList(cap);
  }
  /** Voxels [start, start + count): hard labels labels[0, count), truth gt[start, …). */
  add(gt: ArrayLike<number>, start: number, labels: ArrayLike<number>, count: number): void {
    const list = this.list;
    if (list.over) return;
    for (let k = 0; k < count; k++) {
      if ((labels[k] !== 0 || gt[start + k] !== 0) && !list.push(start + k)) return;
    }
  }
  /** Ascending; null when there were more than the cap. */
  voxels(): Int32Array | null {
    return this.list.voxels();
  }
}

/** A mask's voxel count and its boundary voxels, ascending. */
export interface MaskBoundary {
  count: number;
  edges: Int32Array;
}

/**
 * The boundary of the mask {i : labels[i] in set, not ignored}, read at `voxels` (which
 * must hold every voxel of the mask, ascending).
 *
 * @param dims up to three axes, fastest first
 */
export function boundaryOf(
  labels: ArrayLike<number>,
  ignore: Uint8Array | undefined,
  set: Members,
  voxels: Int32Array,
  dims: readonly number[],
): MaskBoundary {
  const n = dims.length;
  const X = dims[0]!;
  const Y = n > 1 ? dims[1]! : 1;
  const Z = n > 2 ? dims[2]! : 1;
  const XY = X * Y;
  const inMask = (j: number): boolean => has(set, labels[j]!) && (ignore === undefined || ignore[j] === 0);
  const edges = new Int32Array(voxels.length);
  let count = 0;
  let m = 0;
  for (let k = 0; k < voxels.length; k++) {
    const i = voxels[k]!;
    if (!inMask(i)) continue;
    count++;
    const x = i % X;
    const r = (i - x) / X;
    const y = r % Y;
    const z = (r - y) / Y;
    // An axis that exists is checked on both sides; its ends are the image border.
    const edge =
      x === 0 || x === X - 1 || !inMask(i - 1) || !inMask(i + 1) ||
      (n > 1 && (y === 0 || y === Y - 1 || !inMask(i - X) || !inMask(i + X))) ||
      (n > 2 && (z === 0 || z === Z - 1 || !inMask(i - XY) || !inMask(i + XY)));
    if (edge) edges[m++] = i;
  }
  return { count, edges: edges.subarray(0, m) };
}

/** Grid coordinates of voxel indices (missing axes 0). */
export function cellsOf(at: Int32Array, dims: readonly number[]): { x: Int32Array; y: Int32Array; z: Int32Array } {
  const X = dims[0]!;
  const Y = dims.length > 1 ? dims[1]! : 1;
  const x = new Int32Array(at.length);
  const y = new Int32Array(at.length);
  const z = new Int32Array(at.length);
  for (let k = 0; k < at.length; k++) {
    const i = at[k]!;
    const xi = i % X;
    const r = (i - xi) / X;
    const yi = r % Y;
    x[k] = xi;
    y[k] = yi;
    z[k] = (r - yi) / Y;
  }
  return { x, y, z };
}
