// Surface metrics (hd, hd95, assd, nsd) — spec/losses.md, "Surface metrics".
//
// Cost model: a CT volume is ~10⁸ voxels but each structure occupies a small box.
// So the whole volume is read exactly once (bounding boxes of every target in both
// masks), and everything else — masks, boundaries, distance transforms — runs on a
// per-target crop whose size is that of the structure, not of the image.

import { squaredEdt } from './edt.js';
import { squaredEdtAt } from './edtAt.js';
import { nearestSquared } from './nearest.js';
import { boundaryOf, cellsOf, maskVoxels, type LabelSet, type Members } from './sparseBoundary.js';
import { areaWithin, maxDistance, robustHausdorff, SurfelScratch, surfelDistances, weightedSum } from './surfels.js';

export interface SurfaceOptions {
  /** 'union': percentile 95 of d(P→G) ∪ d(G→P) (MedPy). 'max': max of the two directed percentiles (MONAI, DeepMind). */
  hd95: 'union' | 'max';
  /** NSD tolerance τ, mm. */
  nsdTolerance: number;
  /** 'pooled' (default): mean of both directions' distances pooled; 'mean': mean of the two directed means. */
  assd?: 'pooled' | 'mean';
  /** 'pooled' (default): within-τ count over both surfaces; 'mean': mean of the two directed fractions. */
  nsd?: 'pooled' | 'mean';
  /** 'voxels' (default): boundary voxel centres; 'surfels': DeepMind's area-weighted surface elements (surfels.ts). */
  surface?: 'voxels' | 'surfels';
  /**
   * How boundary voxels and their distances are found, with equal values: 'lists' from the
   * masks' voxel lists and a k-d tree (sparseBoundary.ts, nearest.ts), 'grid' on a crop of
   * flags with the distance transform; 'auto' (default) takes lists when the masks hold at
   * most 1/64 of the volume (up to 3 axes, boundary voxels).
   */
  method?: 'auto' | 'lists' | 'grid';
}

export interface SurfaceMetrics {
  hd: number | null;
  hd95: number | null;
  assd: number | null;
  nsd: number | null;
  /** Why the metrics are null: 'prediction mask empty' | 'ground truth mask empty'. */
  reason: string | null;
}

/**
 * A one-channel prediction by its cut (producers/prediction.ts foregroundCut): the hard
 * label is `foreground` where the value is ≥ cut, else 0. The lists method reads the
 * values through the cut; the grid method asks for the label map.
 */
export interface CutPrediction {
  values: ArrayLike<number>;
  cut: number;
  foreground: number;
  labels(): ArrayLike<number>;
}

export const PRED_EMPTY = 'prediction mask empty';
export const GT_EMPTY = 'ground truth mask empty';

// Bits of the per-crop flag byte.
/** The flag bits of a crop (flaggedSurfaceMetrics): the voxel is in P, in G. */
export const IN_P = 1;
export const IN_G = 2;
const EDGE_P = 4;
const EDGE_G = 8;

/** Labels up to this value use a dense lookup table; anything else goes through a Map. */
const DENSE_LABEL_LIMIT = 1 << 16;

/**
 * Surface metrics of each target: targets[k] is the set of label values that form
 * target k (one label, or a region's union).
 *
 * @param dims    spatial dims, fastest-varying first: index = x + dims[0]·(y + dims[1]·z); any n ≥ 1
 * @param spacing mm per voxel along each of dims
 * @param ignore  1 = voxel ignored: it belongs to neither mask
 * @param foreground the voxels whose hard label or truth is not 0, ascending, as another
 *   pass gathered them (sparseBoundary.ts ForegroundVoxels; null: more than the lists'
 *   share of the volume); used when no target holds label 0, instead of a pass of its own
 */
export function surfaceMetrics(
  prediction: ArrayLike<number> | CutPrediction,
  gt: ArrayLike<number>,
  dims: number[],
  spacing: number[],
  targets: number[][],
  opts: SurfaceOptions,
  ignore?: Uint8Array,
  foreground?: Int32Array | null,
): SurfaceMetrics[] {
  const n = dims.length;
  if (n < 1) throw new Error('surfaceMetrics: dims must have at least one axis');
  if (spacing.length !== n) {
    throw new Error(`surfaceMetrics: ${spacing.length} spacing values for ${n} dims`);
  }
  let total = 1;
  for (const d of dims) {
    if (!Number.isInteger(d) || d < 1) throw new Error(`surfaceMetrics: bad dims [${dims.join(', ')}]`);
    total *= d;
  }
  for (const s of spacing) {
    if (!(s > 0) || !Number.isFinite(s)) {
      throw new Error(`surfaceMetrics: spacing must be positive and finite, got [${spacing.join(', ')}]`);
    }
  }
  const byCut = 'cut' in prediction ? prediction : null;
  const values = byCut ? byCut.values : (prediction as ArrayLike<number>);
  if (values.length !== total || gt.length !== total || (ignore && ignore.length !== total)) {
    throw new Error(
      `surfaceMetrics: array lengths (pred ${values.length}, gt ${gt.length}` +
        `${ignore ? `, ignore ${ignore.length}` : ''}) do not match dims [${dims.join(', ')}] = ${total}`,
    );
  }

  const lut = buildLookup(targets);
  const L = lut.labels.length;
  const method = opts.method ?? 'auto';
  if (L > 0 && n <= 3 && opts.surface !== 'surfels' && method !== 'grid') {
    const cap = method === 'lists' ? total : surfaceListCap(total);
    const gathered = foreground !== undefined && !targets.some((t) => t.includes(0)) ? foreground : undefined;
    const sparse = gathered === null && method === 'auto' ? null : sparseMetrics(values, byCut, gt, ignore, dims, spacing, targets, lut, opts, cap, gathered ?? undefined);
    if (sparse) return sparse;
  }
  const pred = byCut ? byCut.labels() : values;
  const pBox = new BoxSet(L, n);
  const gBox = new BoxSet(L, n);
  if (L > 0) scanBoxes(pred, gt, ignore, dims, lut, pBox, gBox);

  const scratch = new SurfaceScratch();
  return targets.map((labels) => {
    const members = new Uint8Array(L);
    for (const lab of labels) {
      const li = lut.index(lab);
      if (li >= 0) members[li] = 1;
    }
    const p = unionBox(pBox, members, n);
    if (p === null) return nullMetrics(PRED_EMPTY);
    const g = unionBox(gBox, members, n);
    if (g === null) return nullMetrics(GT_EMPTY);
    const lo = new Array<number>(n);
    const hi = new Array<number>(n);
    for (let k = 0; k < n; k++) {
      lo[k] = Math.min(p.lo[k]!, g.lo[k]!);
      hi[k] = Math.max(p.hi[k]!, g.hi[k]!);
    }
    return targetMetrics(pred, gt, ignore, dims, spacing, lut, members, lo, hi, opts, scratch);
  });
}

/**
 * 'auto': when the masks hold at most this part of the volume, their voxels are listed and
 * their boundaries found and measured from the lists (sparseBoundary.ts, nearest.ts),
 * whatever their bounding box; beyond it, a crop of flags and the distance transform,
 * whose cost follows the crop. On a 512×512×300 CT volume with scattered false positives
 * (docs/metrics-extra.md): 0.5 s against 2.3 s at 0.1 % of the voxels in the masks, 2.0
 * against 3.9 s at 1.4 %, 4.8 against 3.0 s at 2.4 %.
 */
const SPARSE_PART = 1 / 64;

/** The most voxels the lists take in 'auto' for a volume of `total` voxels. */
export function surfaceListCap(total: number): number {
  return Math.floor(total * SPARSE_PART);
}

/** Every target's metrics from the lists of mask voxels; null when the masks are too large for that. */
function sparseMetrics(
  pred: ArrayLike<number>,
  byCut: CutPrediction | null,
  gt: ArrayLike<number>,
  ignore: Uint8Array | undefined,
  dims: number[],
  spacing: number[],
  targets: number[][],
  lut: Lookup,
  opts: SurfaceOptions,
  cap: number,
  gathered?: Int32Array,
): SurfaceMetrics[] | null {
  const predSet = (labels: readonly number[]): Members =>
    byCut ? { kind: 'cut', cut: byCut.cut, above: labels.includes(byCut.foreground), below: labels.includes(0) } : labelSet(labels);
  const any = labelSet(lut.labels);
  const voxels = gathered ?? maskVoxels(pred, byCut ? predSet(lut.labels) : any, gt, any, ignore, cap);
  if (voxels === null) return null;
  return targets.map((labels) => {
    const p = boundaryOf(pred, ignore, predSet(labels), voxels, dims);
    if (p.count === 0) return nullMetrics(PRED_EMPTY);
    const g = boundaryOf(gt, ignore, labelSet(labels), voxels, dims);
    if (g.count === 0) return nullMetrics(GT_EMPTY);
    const cp = cellsOf(p.edges, dims);
    const cg = cellsOf(g.edges, dims);
    return summarise(roots(nearestSquared(cg, cp, spacing)), roots(nearestSquared(cp, cg, spacing)), opts);
  });
}

function labelSet(labels: readonly number[]): LabelSet {
  let max = -1;
  for (const l of labels) if (Number.isInteger(l) && l >= 0 && l < DENSE_LABEL_LIMIT && l > max) max = l;
  const table = new Uint8Array(max + 1);
  const others = new Set<number>();
  for (const l of labels) {
    if (Number.isInteger(l) && l >= 0 && l < DENSE_LABEL_LIMIT) table[l] = 1;
    else others.add(l);
  }
  return { kind: 'labels', table, others };
}

function nullMetrics(reason: string): SurfaceMetrics {
  return { hd: null, hd95: null, assd: null, nsd: null, reason };
}

// ---------------------------------------------------------------------------
// Label lookup

interface Lookup {
  /** Distinct target labels; a label's position here is its index. */
  labels: number[];
  /** label → index, or −1 when the label belongs to no target. */
  index(v: number): number;
  dense: Int32Array;
  sparse: Map<number, number>;
}

function buildLookup(targets: number[][]): Lookup {
  const labels: number[] = [];
  const seen = new Map<number, number>();
  for (const t of targets) {
    for (const lab of t) {
      if (!seen.has(lab)) {
        seen.set(lab, labels.length);
        labels.push(lab);
      }
    }
  }
  let maxDense = -1;
  for (const lab of labels) {
    if (Number.isInteger(lab) && lab >= 0 && lab < DENSE_LABEL_LIMIT && lab > maxDense) maxDense = lab;
  }
  const dense = new Int32Array(maxDense + 1).fill(-1);
  const sparse = new Map<number, number>();
  labels.forEach((lab, i) => {
    if (Number.isInteger(lab) && lab >= 0 && lab < DENSE_LABEL_LIMIT) dense[lab] = i;
    else sparse.set(lab, i);
  });
  const size = dense.length;
  const index = (v: number): number => {
    const iv = v | 0;
    if (iv === v && iv >= 0 && iv < size) return dense[iv]!;
    return sparse.size === 0 ? -1 : (sparse.get(v) ?? -1);
  };
  return { labels, index, dense, sparse };
}

// ---------------------------------------------------------------------------
// Bounding boxes of every target label, in one pass over both volumes

class BoxSet {
  /** lo/hi of label li along axis k at [li·n + k]; hi < lo means "never seen". */
  readonly lo: Int32Array;
  readonly hi: Int32Array;
  /** Last row (index over axes ≥ 1) in which label li was seen. */
  readonly lastRow: Float64Array;
  constructor(labels: number, n: number) {
    this.lo = new Int32Array(labels * n).fill(0x7fffffff);
    this.hi = new Int32Array(labels * n).fill(-1);
    this.lastRow = new Float64Array(labels).fill(-1);
  }
}

function scanBoxes(
  pred: ArrayLike<number>,
  gt: ArrayLike<number>,
  ignore: Uint8Array | undefined,
  dims: number[],
  lut: Lookup,
  pBox: BoxSet,
  gBox: BoxSet,
): void {
  // One volume at a time: a loop body with a single array is measurably faster
  // than one that interleaves both (about 2× on a 512×512×300 volume).
  scanOne(pred, ignore, dims, lut, pBox);
  scanOne(gt, ignore, dims, lut, gBox);
}

/**
 * A byte label map whose 0 is in no target, with nothing ignored and word-aligned: its
 * runs of background (most of a CT volume) can be passed over four voxels at a time.
 */
function byteLabelsWithoutZero(labels: ArrayLike<number>, ignore: Uint8Array | undefined, lut: Lookup): labels is Uint8Array {
  return labels instanceof Uint8Array && labels.byteOffset % 4 === 0 && ignore === undefined && lut.sparse.size === 0 && !(lut.dense[0]! >= 0);
}

function scanOne(
  labels: ArrayLike<number>,
  ignore: Uint8Array | undefined,
  dims: number[],
  lut: Lookup,
  box: BoxSet,
): void {
  const n = dims.length;
  const d0 = dims[0]!;
  let rows = 1;
  for (let k = 1; k < n; k++) rows *= dims[k]!;
  const { dense, sparse } = lut;
  const size = dense.length;
  const hasSparse = sparse.size > 0;
  const { lo, hi, lastRow } = box;
  // Coordinates of the current row along axes 1..n−1.
  const coord = new Int32Array(n);
  // Background four voxels at a time where it can be (byteLabelsWithoutZero): the box
  // scan of a CT-sized byte map gets several times faster.
  const words = byteLabelsWithoutZero(labels, ignore, lut) ? new Int32Array(labels.buffer, labels.byteOffset, labels.length >> 2) : null;

  // The label lookup is inlined: this loop runs ~10⁸ times on a CT volume.
  for (let row = 0; row < rows; row++) {
    const base = row * d0;
    for (let x = 0; x < d0; x++) {
      const i = base + x;
      if (words !== null && (i & 3) === 0) {
        // Whole words of zeros within this row are skipped; the voxels after them are read one by one.
        let w = i >> 2;
        const wEnd = (base + d0) >> 2;
        while (w < wEnd && words[w] === 0) w++;
        if (w << 2 > i) {
          x = (w << 2) - base - 1;
          continue;
        }
      }
      const v = labels[i]!;
      const iv = v | 0;
      const li = iv === v && iv >= 0 && iv < size ? dense[iv]! : hasSparse ? (sparse.get(v) ?? -1) : -1;
      if (li < 0 || (ignore !== undefined && ignore[i] !== 0)) continue;
      const o = li * n;
      if (x < lo[o]!) lo[o] = x;
      if (x > hi[o]!) hi[o] = x;
      // Axes ≥ 1 are constant along a row: update them once per row and label.
      if (lastRow[li] !== row) {
        lastRow[li] = row;
        for (let k = 1; k < n; k++) {
          const c = coord[k]!;
          if (c < lo[o + k]!) lo[o + k] = c;
          if (c > hi[o + k]!) hi[o + k] = c;
        }
      }
    }
    for (let k = 1; k < n; k++) {
      if (++coord[k]! < dims[k]!) break;
      coord[k] = 0;
    }
  }
}

function unionBox(set: BoxSet, members: Uint8Array, n: number): { lo: number[]; hi: number[] } | null {
  let found = false;
  const lo = new Array<number>(n).fill(0x7fffffff);
  const hi = new Array<number>(n).fill(-1);
  for (let li = 0; li < members.length; li++) {
    if (!members[li] || set.hi[li * n]! < 0) continue;
    found = true;
    for (let k = 0; k < n; k++) {
      lo[k] = Math.min(lo[k]!, set.lo[li * n + k]!);
      hi[k] = Math.max(hi[k]!, set.hi[li * n + k]!);
    }
  }
  return found ? { lo, hi } : null;
}

// ---------------------------------------------------------------------------
// One target, on its crop

/** Buffers reused across targets, so ten structures do not allocate ten fields. */
/** Buffers one thread reuses from crop to crop. */
export class SurfaceScratch {
  flags = new Uint8Array(0);
  field = new Float64Array(0);
  surfels = new SurfelScratch();
  ensure(size: number): void {
    if (this.flags.length < size) this.flags = new Uint8Array(size);
  }
  /** The whole-crop distance field, for grids of more than 3 axes. */
  fieldOf(size: number): Float64Array {
    if (this.field.length < size) this.field = new Float64Array(size);
    return this.field.subarray(0, size);
  }
}

/*
 * Why the crop is exactly the union bounding box B of P and G, with no margin:
 *
 * Boundary. A voxel of P is boundary when a face-neighbour is outside P, the image
 * border counting as outside. Every voxel of P lies in B, so a neighbour that falls
 * outside B — whether it is still inside the image or beyond its border — is outside
 * P. Treating "outside the crop" as "outside the mask" is therefore the exact rule,
 * including at the true image border; a 1-voxel margin would only add zeros.
 *
 * Distances. The separable EDT computes, for every grid cell q, the minimum over
 * the feature cells s of Σ_k (spacing_k·(q_k − s_k))²; each 1-D stage minimises over
 * all positions along its axis, and the grid only has to contain every feature and
 * every query point. The features (∂G, or ∂P) and the query points (∂P, or ∂G) all
 * lie in B, so the transform on B gives the same minimum as on the whole image:
 * voxels outside B hold no feature and are never queried.
 */
function targetMetrics(
  pred: ArrayLike<number>,
  gt: ArrayLike<number>,
  ignore: Uint8Array | undefined,
  dims: number[],
  spacing: number[],
  lut: Lookup,
  members: Uint8Array,
  lo: number[],
  hi: number[],
  opts: SurfaceOptions,
  scratch: SurfaceScratch,
): SurfaceMetrics {
  const n = dims.length;
  const cdims = new Array<number>(n);
  let size = 1;
  for (let k = 0; k < n; k++) {
    cdims[k] = hi[k]! - lo[k]! + 1;
    size *= cdims[k]!;
  }
  scratch.ensure(size);
  const flags = scratch.flags.subarray(0, size);

  // Image strides, to map crop rows back to image indices.
  const istride = new Array<number>(n);
  istride[0] = 1;
  for (let k = 1; k < n; k++) istride[k] = istride[k - 1]! * dims[k - 1]!;

  // Masks of the target on the crop.
  const c0 = cdims[0]!;
  const rows = size / c0;
  const coord = new Int32Array(n);
  let countP = 0;
  let countG = 0;
  const { dense, sparse } = lut;
  const lsize = dense.length;
  const hasSparse = sparse.size > 0;
  if (!hasSparse && ignore === undefined && isIntegerArray(pred) && isIntegerArray(gt)) {
    [countP, countG] = maskByTable(pred, gt, dense, members, flags, cdims, lo, istride);
  } else {
    for (let row = 0; row < rows; row++) {
      let src = lo[0]!;
      for (let k = 1; k < n; k++) src += (lo[k]! + coord[k]!) * istride[k]!;
      const dst = row * c0;
      for (let x = 0; x < c0; x++) {
        const i = src + x;
        // Every crop byte is written, so the reused buffer needs no clearing.
        let f = 0;
        if (ignore !== undefined && ignore[i] !== 0) {
          flags[dst + x] = 0;
          continue;
        }
        let v = pred[i]!;
        let iv = v | 0;
        let li = iv === v && iv >= 0 && iv < lsize ? dense[iv]! : hasSparse ? (sparse.get(v) ?? -1) : -1;
        if (li >= 0 && members[li]) {
          f = IN_P;
          countP++;
        }
        v = gt[i]!;
        iv = v | 0;
        li = iv === v && iv >= 0 && iv < lsize ? dense[iv]! : hasSparse ? (sparse.get(v) ?? -1) : -1;
        if (li >= 0 && members[li]) {
          f |= IN_G;
          countG++;
        }
        flags[dst + x] = f;
      }
      for (let k = 1; k < n; k++) {
        if (++coord[k]! < cdims[k]!) break;
        coord[k] = 0;
      }
    }
  }

  return flaggedSurfaceMetrics(flags, cdims, spacing, countP, countG, opts, scratch);
}

/**
 * Surface metrics of the two masks painted in a crop: `flags` holds IN_P and IN_G per
 * voxel of the grid `cdims` (the union bounding box of P and G, or any grid holding both),
 * with countP and countG voxels. The crop's edge counts as outside both masks (see above
 * on why that is exact). Marks the EDGE bits in `flags`.
 */
export function flaggedSurfaceMetrics(
  flags: Uint8Array,
  cdims: number[],
  spacing: readonly number[],
  countP: number,
  countG: number,
  opts: SurfaceOptions,
  scratch: SurfaceScratch,
): SurfaceMetrics {
  if (countP === 0) return nullMetrics(PRED_EMPTY);
  if (countG === 0) return nullMetrics(GT_EMPTY);
  const n = cdims.length;
  const size = flags.length;
  if (opts.surface === 'surfels') {
    const { pg, gp } = surfelDistances(flags, cdims, spacing, IN_P, IN_G, scratch.surfels);
    return summariseSurfels(pg, gp, opts);
  }

  const edgeP = markBoundary(flags, cdims, IN_P, EDGE_P, countP);
  const edgeG = markBoundary(flags, cdims, IN_G, EDGE_G, countG);

  // d(P→G): distance to ∂G, read at ∂P; then the other way. Up to 3 axes, only where read (edtAt.ts).
  if (n <= 3) {
    const dPG = roots(squaredEdtAt(edgeG, edgeP, cdims, spacing));
    const dGP = roots(squaredEdtAt(edgeP, edgeG, cdims, spacing));
    return summarise(dPG, dGP, opts);
  }
  const field = scratch.fieldOf(size);
  squaredEdt(flags, EDGE_G, cdims, spacing, field);
  const dPG = gather(field, edgeP);
  squaredEdt(flags, EDGE_P, cdims, spacing, field);
  const dGP = gather(field, edgeG);

  return summarise(dPG, dGP, opts);
}

type IntegerArray = Uint8Array | Int8Array | Uint16Array | Int16Array | Uint32Array | Int32Array;

function isIntegerArray(a: ArrayLike<number>): a is IntegerArray {
  return a instanceof Uint8Array || a instanceof Int8Array || a instanceof Uint16Array || a instanceof Int16Array || a instanceof Uint32Array || a instanceof Int32Array;
}

/**
 * The crop's IN_P/IN_G flags when both volumes hold integers and every target label is in
 * the dense table: one lookup per volume and voxel in a table of the flag itself (the
 * label-map hot path; targetMetrics' general loop does the same through label indices).
 * Returns the voxels of P and of G.
 */
function maskByTable(
  pred: IntegerArray,
  gt: IntegerArray,
  dense: Int32Array,
  members: Uint8Array,
  flags: Uint8Array,
  cdims: number[],
  lo: number[],
  istride: number[],
): [number, number] {
  const size = dense.length;
  const pBit = new Uint8Array(size);
  const gBit = new Uint8Array(size);
  for (let v = 0; v < size; v++) {
    const li = dense[v]!;
    if (li >= 0 && members[li]) {
      pBit[v] = IN_P;
      gBit[v] = IN_G;
    }
  }
  const n = cdims.length;
  const c0 = cdims[0]!;
  const rows = flags.length / c0;
  const coord = new Int32Array(n);
  let countP = 0;
  let countG = 0;
  for (let row = 0; row < rows; row++) {
    let src = lo[0]!;
    for (let k = 1; k < n; k++) src += (lo[k]! + coord[k]!) * istride[k]!;
    const dst = row * c0;
    for (let x = 0; x < c0; x++) {
      const p = pred[src + x]!;
      const g = gt[src + x]!;
      const f = (p >= 0 && p < size ? pBit[p]! : 0) | (g >= 0 && g < size ? gBit[g]! : 0);
      flags[dst + x] = f;
      countP += f & IN_P;
      countG += f & IN_G;
    }
    for (let k = 1; k < n; k++) {
      if (++coord[k]! < cdims[k]!) break;
      coord[k] = 0;
    }
  }
  return [countP / IN_P, countG / IN_G];
}

/**
 * Sets `edgeBit` on every voxel of the mask `inBit` that has a face-neighbour
 * outside the mask or outside the crop, and returns those voxels' crop indices.
 */
function markBoundary(flags: Uint8Array, cdims: number[], inBit: number, edgeBit: number, count: number): Int32Array {
  const n = cdims.length;
  const c0 = cdims[0]!;
  const stride = new Array<number>(n);
  stride[0] = 1;
  for (let k = 1; k < n; k++) stride[k] = stride[k - 1]! * cdims[k - 1]!;
  const size = stride[n - 1]! * cdims[n - 1]!;
  const rows = size / c0;
  const out = new Int32Array(count);
  let m = 0;
  const coord = new Int32Array(n);
  for (let row = 0; row < rows; row++) {
    const base = row * c0;
    // Does this row touch the crop's edge along an axis ≥ 1? Then all its voxels do.
    let rowEdge = false;
    for (let k = 1; k < n; k++) {
      if (coord[k] === 0 || coord[k] === cdims[k]! - 1) {
        rowEdge = true;
        break;
      }
    }
    for (let x = 0; x < c0; x++) {
      const i = base + x;
      if (!(flags[i]! & inBit)) continue;
      let edge =
        rowEdge || x === 0 || x === c0 - 1 || !(flags[i - 1]! & inBit) || !(flags[i + 1]! & inBit);
      for (let k = 1; !edge && k < n; k++) {
        const s = stride[k]!;
        edge = !(flags[i - s]! & inBit) || !(flags[i + s]! & inBit);
      }
      if (edge) {
        flags[i] = flags[i]! | edgeBit;
        out[m++] = i;
      }
    }
    for (let k = 1; k < n; k++) {
      if (++coord[k]! < cdims[k]!) break;
      coord[k] = 0;
    }
  }
  return out.subarray(0, m);
}

function roots(sq: Float64Array): Float64Array {
  for (let j = 0; j < sq.length; j++) sq[j] = Math.sqrt(sq[j]!);
  return sq;
}

function gather(sq: Float64Array, at: Int32Array): Float64Array {
  const d = new Float64Array(at.length);
  for (let j = 0; j < at.length; j++) d[j] = Math.sqrt(sq[at[j]!]!);
  return d;
}

function summarise(dPG: Float64Array, dGP: Float64Array, opts: SurfaceOptions): SurfaceMetrics {
  const tau = opts.nsdTolerance;
  let max = 0;
  let sum = 0;
  let within = 0;
  for (const d of [dPG, dGP]) {
    for (let j = 0; j < d.length; j++) {
      const v = d[j]!;
      if (v > max) max = v;
      sum += v;
      if (v <= tau) within++;
    }
  }
  const count = dPG.length + dGP.length;
  let assd = sum / count;
  let nsd = within / count;
  if (opts.assd === 'mean' || opts.nsd === 'mean') {
    let sPG = 0;
    let wPG = 0;
    for (let j = 0; j < dPG.length; j++) {
      sPG += dPG[j]!;
      if (dPG[j]! <= tau) wPG++;
    }
    let sGP = 0;
    let wGP = 0;
    for (let j = 0; j < dGP.length; j++) {
      sGP += dGP[j]!;
      if (dGP[j]! <= tau) wGP++;
    }
    if (opts.assd === 'mean') assd = (sPG / dPG.length + sGP / dGP.length) / 2;
    if (opts.nsd === 'mean') nsd = (wPG / dPG.length + wGP / dGP.length) / 2;
  }

  let hd95: number;
  if (opts.hd95 === 'max') {
    dPG.sort();
    dGP.sort();
    hd95 = Math.max(percentileSorted(dPG, 95), percentileSorted(dGP, 95));
  } else {
    const all = new Float64Array(count);
    all.set(dPG, 0);
    all.set(dGP, dPG.length);
    all.sort();
    hd95 = percentileSorted(all, 95);
  }
  return { hd: max, hd95, assd, nsd, reason: null };
}

/** The four metrics from area-weighted surface elements (spec/conventions.md, "Surfels"). */
function summariseSurfels(
  pg: { dist: Float64Array; area: Float64Array },
  gp: { dist: Float64Array; area: Float64Array },
  opts: SurfaceOptions,
): SurfaceMetrics {
  const tau = opts.nsdTolerance;
  const sPG = weightedSum(pg);
  const sGP = weightedSum(gp);
  const wPG = areaWithin(pg, tau);
  const wGP = areaWithin(gp, tau);
  let assd: number;
  if (opts.assd === 'mean') assd = (sPG.num / sPG.den + sGP.num / sGP.den) / 2;
  else assd = (sPG.num + sGP.num) / (sPG.den + sGP.den);
  const nsd =
    opts.nsd === 'mean'
      ? (wPG.within / wPG.total + wGP.within / wGP.total) / 2
      : (wPG.within + wGP.within) / (wPG.total + wGP.total);
  const hd95 =
    opts.hd95 === 'union' ? robustHausdorff([pg, gp], 95) : Math.max(robustHausdorff([pg], 95), robustHausdorff([gp], 95));
  return { hd: maxDistance([pg, gp]), hd95, assd, nsd, reason: null };
}

/**
 * numpy.percentile(a, q) with the default 'linear' method, on an ascending array:
 * index (n−1)·q/100, interpolated with numpy's _lerp (which, from t ≥ 0.5, works
 * back from the upper neighbour — a last-bit difference that makes results equal).
 */
export function percentileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const pos = (n - 1) * (q / 100);
  const below = Math.floor(pos);
  const lo = Math.min(Math.max(below, 0), n - 1);
  const hi = Math.min(lo + 1, n - 1);
  const t = pos - below;
  const a = sorted[lo]!;
  const b = sorted[hi]!;
  const diff = b - a;
  return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
}
