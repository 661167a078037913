// Lesion-wise evaluation of one case and target (spec/lesions.md), over the ground-truth
// label map and the hard prediction in the engine's layout (x fastest). Everything after
// one bounding-box scan of the two volumes runs on the box of the masks: a uint8 flag
// map, one int32 component map per side, and per-lesion crops for the hd95.
import { flaggedSurfaceMetrics, IN_G, IN_P, SurfaceScratch } from '../losses/surface/surface.js';
import { containingRun, dilateRuns, labelRuns, membershipOf, runsOf, type Dims3, type Runs } from './runs.js';
import { lesionEntries, lesionMetrics, type LesionCounts, type LesionEntry } from './lesionMetrics.js';
import { matchByIou, matchByOverlap, type LesionPair } from './matching.js';
import type { LesionOptions } from './options.js';

export interface LesionTargetResult {
  /** The numeric keys of labels.<L> (gt_lesions … rq). */
  values: Record<string, number | null>;
  entries: LesionEntry[];
  counts: LesionCounts;
}

export interface LesionContext {
  /** Spatial dims, x fastest (engine layout); 2 or 3 axes. */
  dims: number[];
  /** mm per voxel along dims (1 each when unknown). */
  spacing: number[];
  ignoreIndex: number | null;
  hd95: 'union' | 'max';
  empty: 'one' | 'nan';
}

/** π: the image diagonal sqrt(Σ((n_i − 1)·s_i)²), or the given mm. */
export function hd95Penalty(o: LesionOptions, dims: number[], spacing: number[]): number {
  if (o.hd95Penalty !== 'diagonal') return o.hd95Penalty;
  let s = 0;
  for (let k = 0; k < dims.length; k++) s += ((dims[k] - 1) * spacing[k]) ** 2;
  return Math.sqrt(s);
}

/** Lesion detection, matching and per-lesion scores of one target (a label or a region's labels). */
export function evaluateLesionsOfTarget(
  gt: ArrayLike<number>,
  pred: ArrayLike<number>,
  labels: number[],
  ctx: LesionContext,
  o: LesionOptions,
): LesionTargetResult {
  const d = dims3(ctx.dims);
  const m = membershipOf(labels);
  return lesionsOfRuns(runsOf(gt, d, m, gt, ctx.ignoreIndex), runsOf(pred, d, m, gt, ctx.ignoreIndex), ctx, o);
}

export function dims3(dims: number[]): Dims3 {
  return [dims[0], dims.length > 1 ? dims[1] : 1, dims.length > 2 ? dims[2] : 1];
}

/** The same from the target's masks as runs: G (gt) and P (prediction), ignored voxels in neither. */
export function lesionsOfRuns(G: Runs, P: Runs, ctx: LesionContext, o: LesionOptions): LesionTargetResult {
  const n = ctx.dims.length;
  const penalty = hd95Penalty(o, ctx.dims, ctx.spacing);
  const voxelVolume = ctx.spacing.reduce((a, b) => a * b, 1);
  if (G.count === 0 && P.count === 0) {
    const counts: LesionCounts = { tp: 0, fp: 0, fn: 0, gtLesions: 0, predLesions: 0, sumIou: 0, sumDice: 0, sumHd95: 0 };
    return { values: lesionMetrics(counts, o.match, penalty, ctx.empty), entries: [], counts };
  }

  // gt lesions: components of G, or (K > 0) the gt voxels of each component of dil(G, K),
  // numbered by their first gt voxel. D holds dil(g, K) of each g (its component: docs/lesions.md, "Why runs").
  const gt_ = gtLesions(G, o);
  const pl = labelRuns(P, o.connectivity);
  const nG = gt_.count;
  const nP = pl.count;
  const gtVoxels = new Float64Array(nG + 1);
  const predVoxels = new Float64Array(nP + 1);
  const gBox = boxesOf(G, gt_.idOfRun, nG, gtVoxels);
  const pBox = boxesOf(P, pl.id, nP, predVoxels);

  // Overlapping pairs, row by row: |g ∩ p|, and (overlap) whether p meets dil(g, K).
  const stride = nP + 1;
  const inter = new Map<number, number>();
  forOverlaps(G, P, (a, b, len) => {
    const key = gt_.idOfRun[a] * stride + pl.id[b];
    inter.set(key, (inter.get(key) ?? 0) + len);
  });
  let matching;
  if (o.match === 'overlap') {
    const touch = new Set<number>();
    forOverlaps(gt_.dil, P, (a, b) => touch.add(gt_.idOfDilRun[a] * stride + pl.id[b]));
    matching = matchByOverlap([...touch].map((key) => [Math.floor(key / stride), key % stride] as const));
  } else {
    const pairs: LesionPair[] = [];
    for (const [key, c] of inter) pairs.push({ g: Math.floor(key / stride), p: key % stride, inter: c });
    matching = matchByIou(pairs, gtVoxels, predVoxels, o.iou);
  }

  const small = (voxels: number) => voxels * voxelVolume <= o.volumeThreshold;
  const gRuns = runsByLesion(gt_.idOfRun, nG);
  const pRuns = runsByLesion(pl.id, nP);
  const { entries, counts } = lesionEntries({
    gtVoxels,
    predVoxels,
    gtSmall: (g) => small(gtVoxels[g]),
    predSmall: (p) => small(predVoxels[p]),
    matching,
    inter: (g, p) => inter.get(g * stride + p) ?? 0,
    hd95: (g, preds) => lesionHd95(G, P, gRuns, pRuns, gBox, pBox, g, preds, n, ctx),
    smallRule: o.small,
  });
  return { values: lesionMetrics(counts, o.match, penalty, ctx.empty), entries, counts };
}

interface GtLesions {
  count: number;
  /** Lesion id of each run of G. */
  idOfRun: Int32Array;
  /** dil(G, K) as runs (G itself when K = 0) and the lesion id of each of its runs. */
  dil: Runs;
  idOfDilRun: Int32Array;
}

function gtLesions(G: Runs, o: LesionOptions): GtLesions {
  if (o.dilation === 0) {
    const l = labelRuns(G, o.connectivity);
    return { count: l.count, idOfRun: l.id, dil: G, idOfDilRun: l.id };
  }
  let D = G;
  for (let k = 0; k < o.dilation; k++) D = dilateRuns(D);
  const l = labelRuns(D, o.connectivity);
  const holder = containingRun(G, D);
  // Renumber the components of D by their first gt run (raster order = storage order).
  const renum = new Int32Array(l.count + 1);
  let count = 0;
  const idOfRun = new Int32Array(G.count);
  for (let k = 0; k < G.count; k++) {
    const c = l.id[holder[k]];
    if (renum[c] === 0) renum[c] = ++count;
    idOfRun[k] = renum[c];
  }
  return { count, idOfRun, dil: D, idOfDilRun: l.id.map((c) => renum[c]) };
}

/** Voxel counts (into `voxels`) and boxes [x0 y0 z0 x1 y1 z1] (inclusive) of each lesion. */
function boxesOf(r: Runs, id: Int32Array, count: number, voxels: Float64Array): Int32Array {
  const b = new Int32Array((count + 1) * 6);
  for (let i = 0; i <= count; i++) {
    b[i * 6] = b[i * 6 + 1] = b[i * 6 + 2] = 0x7fffffff;
    b[i * 6 + 3] = b[i * 6 + 4] = b[i * 6 + 5] = -1;
  }
  const [, ny, nz] = r.dims;
  for (let z = 0; z < nz; z++) {
    for (let y = 0; y < ny; y++) {
      const row = y + ny * z;
      for (let k = r.rowStart[row]; k < r.rowStart[row + 1]; k++) {
        const o = id[k] * 6;
        voxels[id[k]] += r.x1[k] - r.x0[k];
        if (r.x0[k] < b[o]) b[o] = r.x0[k];
        if (r.x1[k] - 1 > b[o + 3]) b[o + 3] = r.x1[k] - 1;
        if (y < b[o + 1]) b[o + 1] = y;
        if (y > b[o + 4]) b[o + 4] = y;
        if (z < b[o + 2]) b[o + 2] = z;
        if (z > b[o + 5]) b[o + 5] = z;
      }
    }
  }
  return b;
}

/** Calls f(a, b, length) for every pair of overlapping runs a of `A` and b of `B` in the same row. */
function forOverlaps(A: Runs, B: Runs, f: (a: number, b: number, len: number) => void): void {
  const rows = A.rowStart.length - 1;
  for (let row = 0; row < rows; row++) {
    let a = A.rowStart[row];
    const ae = A.rowStart[row + 1];
    let b = B.rowStart[row];
    const be = B.rowStart[row + 1];
    while (a < ae && b < be) {
      const len = Math.min(A.x1[a], B.x1[b]) - Math.max(A.x0[a], B.x0[b]);
      if (len > 0) f(a, b, len);
      if (A.x1[a] < B.x1[b]) a++;
      else b++;
    }
  }
}

/** Run indices grouped by lesion id: runs of lesion i are list[start[i] … start[i+1]−1]. */
function runsByLesion(id: Int32Array, count: number): { start: Int32Array; list: Int32Array } {
  const start = new Int32Array(count + 2);
  for (let k = 0; k < id.length; k++) start[id[k] + 1]++;
  for (let i = 1; i < start.length; i++) start[i] += start[i - 1];
  const fill = start.slice();
  const list = new Int32Array(id.length);
  for (let k = 0; k < id.length; k++) list[fill[id[k]]++] = k;
  return { start, list };
}

/** This thread's crop memory for lesion HD95s, reused from lesion to lesion. */
const crops = new SurfaceScratch();

/**
 * hd95 of g and U(g), by the engine's surface metrics on the crop spanning both (the crop
 * is exact: see surface.ts on why the union box needs no margin).
 */
function lesionHd95(
  G: Runs,
  P: Runs,
  gRuns: { start: Int32Array; list: Int32Array },
  pRuns: { start: Int32Array; list: Int32Array },
  gBox: Int32Array,
  pBox: Int32Array,
  g: number,
  preds: number[],
  n: number,
  ctx: LesionContext,
): number {
  const lo = [gBox[g * 6], gBox[g * 6 + 1], gBox[g * 6 + 2]];
  const hi = [gBox[g * 6 + 3], gBox[g * 6 + 4], gBox[g * 6 + 5]];
  for (const p of preds) {
    for (let k = 0; k < 3; k++) {
      lo[k] = Math.min(lo[k], pBox[p * 6 + k]);
      hi[k] = Math.max(hi[k], pBox[p * 6 + 3 + k]);
    }
  }
  const cd = [hi[0] - lo[0] + 1, hi[1] - lo[1] + 1, hi[2] - lo[2] + 1];
  // The lesion (IN_G) and its matched predictions (IN_P) painted as the surface engine's
  // crop flags, in this thread's memory: no volume-sized masks, no search for the box.
  const size = cd[0] * cd[1] * cd[2];
  crops.ensure(size);
  const flags = crops.flags.subarray(0, size).fill(0);
  const ny = G.dims[1];
  const paint = (r: Runs, runs: { start: Int32Array; list: Int32Array }, id: number, bit: number): number => {
    let voxels = 0;
    for (let j = runs.start[id]; j < runs.start[id + 1]; j++) {
      const k = runs.list[j];
      const row = searchRow(r.rowStart, k);
      const y = row % ny;
      const z = (row - y) / ny;
      const base = (y - lo[1]) * cd[0] + (z - lo[2]) * cd[0] * cd[1] - lo[0];
      for (let i = base + r.x0[k]; i < base + r.x1[k]; i++) flags[i] |= bit;
      voxels += r.x1[k] - r.x0[k];
    }
    return voxels;
  };
  const countG = paint(G, gRuns, g, IN_G);
  let countP = 0;
  for (const p of preds) countP += paint(P, pRuns, p, IN_P);
  const s = flaggedSurfaceMetrics(flags, cd.slice(0, n), ctx.spacing, countP, countG, { hd95: ctx.hd95, nsdTolerance: 1 }, crops);
  return s.hd95 ?? 0;
}

/** The row holding run k: the last r with rowStart[r] ≤ k (binary search). */
function searchRow(rowStart: Int32Array, k: number): number {
  let lo = 0;
  let hi = rowStart.length - 2;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (rowStart[mid] <= k) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
