// Lesion-wise evaluation of one case and target (spec/lesions.md), over the ground-truth
// label map and the hard prediction in the engine's layout (x fastest). Everything after
// one bounding-box scan of the two volumes runs on the box of the masks: a uint8 flag
// map, one int32 component map per side, and per-lesion crops for the hd95.
import { surfaceMetrics } from '../losses/surface/surface.js';
import { dilate, labelComponents, type Box3 } from './components.js';
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

const IN_G = 1;
const IN_P = 2;
const IN_DIL = 4;
const TMP = 8;

/** π: the image diagonal sqrt(Σ((n_i − 1)·s_i)²), or the given mm. */
export function hd95Penalty(o: LesionOptions, dims: number[], spacing: number[]): number {
  if (o.hd95Penalty !== 'diagonal') return o.hd95Penalty;
  let s = 0;
  for (let k = 0; k < dims.length; k++) s += ((dims[k] - 1) * spacing[k]) ** 2;
  return Math.sqrt(s);
}

function membership(labels: number[]): (v: number) => boolean {
  const set = new Set(labels);
  const max = 256;
  const lut = new Uint8Array(max);
  for (const l of labels) if (Number.isInteger(l) && l >= 0 && l < max) lut[l] = 1;
  return (v) => ((v | 0) === v && v >= 0 && v < max ? lut[v] === 1 : set.has(v));
}

/** Bounding boxes of G and P over the whole volume (ignored voxels in neither), x fastest. */
function scanBoxes(
  gt: ArrayLike<number>,
  pred: ArrayLike<number>,
  d: Box3,
  inTarget: (v: number) => boolean,
  ignore: number | null,
): { g: number[] | null; p: number[] | null } {
  const [nx, ny, nz] = d;
  const g = [nx, ny, nz, -1, -1, -1];
  const p = [nx, ny, nz, -1, -1, -1];
  const ign = ignore ?? Number.NaN;
  const grow = (b: number[], x0: number, x1: number, y: number, z: number) => {
    if (x0 < b[0]) b[0] = x0;
    if (x1 > b[3]) b[3] = x1;
    if (y < b[1]) b[1] = y;
    if (y > b[4]) b[4] = y;
    if (z < b[2]) b[2] = z;
    if (z > b[5]) b[5] = z;
  };
  for (let z = 0, i = 0; z < nz; z++) {
    for (let y = 0; y < ny; y++, i += nx) {
      let g0 = -1;
      let g1 = -1;
      let p0 = -1;
      let p1 = -1;
      for (let x = 0; x < nx; x++) {
        const gv = gt[i + x];
        if (gv === ign) continue;
        if (inTarget(gv)) {
          if (g0 < 0) g0 = x;
          g1 = x;
        }
        if (inTarget(pred[i + x])) {
          if (p0 < 0) p0 = x;
          p1 = x;
        }
      }
      if (g0 >= 0) grow(g, g0, g1, y, z);
      if (p0 >= 0) grow(p, p0, p1, y, z);
    }
  }
  return { g: g[3] >= 0 ? g : null, p: p[3] >= 0 ? p : null };
}

/** Lesion detection, matching and per-lesion scores of one target (a label or a region's labels). */
export function evaluateLesionsOfTarget(
  gt: ArrayLike<number>,
  pred: ArrayLike<number>,
  labels: number[],
  ctx: LesionContext,
  o: LesionOptions,
): LesionTargetResult {
  const n = ctx.dims.length;
  const d: Box3 = [ctx.dims[0], n > 1 ? ctx.dims[1] : 1, n > 2 ? ctx.dims[2] : 1];
  const penalty = hd95Penalty(o, ctx.dims, ctx.spacing);
  const voxelVolume = ctx.spacing.reduce((a, b) => a * b, 1);
  const inTarget = membership(labels);
  const boxes = scanBoxes(gt, pred, d, inTarget, ctx.ignoreIndex);
  const empty = (): LesionTargetResult => {
    const counts: LesionCounts = { tp: 0, fp: 0, fn: 0, gtLesions: 0, predLesions: 0, sumIou: 0, sumDice: 0, sumHd95: 0 };
    return { values: lesionMetrics(counts, o.match, penalty, ctx.empty), entries: [], counts };
  };
  if (!boxes.g && !boxes.p) return empty();

  // The box: gt grown by K dilations (clipped to the image), and the prediction.
  const K = o.dilation;
  const lo = [Infinity, Infinity, Infinity];
  const hi = [-1, -1, -1];
  if (boxes.g) {
    for (let k = 0; k < 3; k++) {
      lo[k] = Math.max(0, boxes.g[k] - K);
      hi[k] = Math.min(d[k] - 1, boxes.g[k + 3] + K);
    }
  }
  if (boxes.p) {
    for (let k = 0; k < 3; k++) {
      lo[k] = Math.min(lo[k], boxes.p[k]);
      hi[k] = Math.max(hi[k], boxes.p[k + 3]);
    }
  }
  const bd: Box3 = [hi[0] - lo[0] + 1, hi[1] - lo[1] + 1, hi[2] - lo[2] + 1];
  const size = bd[0] * bd[1] * bd[2];
  const flags = new Uint8Array(size);
  const ign = ctx.ignoreIndex ?? Number.NaN;
  for (let z = 0, b = 0; z < bd[2]; z++) {
    for (let y = 0; y < bd[1]; y++) {
      const src = lo[0] + d[0] * (lo[1] + y + d[1] * (lo[2] + z));
      for (let x = 0; x < bd[0]; x++, b++) {
        const gv = gt[src + x];
        if (gv === ign) continue;
        flags[b] = (inTarget(gv) ? IN_G : 0) | (inTarget(pred[src + x]) ? IN_P : 0);
      }
    }
  }

  // gt lesions: components of G, or (K > 0) G grouped by the components of dil(G, K),
  // numbered by their first gt voxel. The map then holds dil(g, K) for each g.
  let gBit = IN_G;
  if (K > 0) {
    dilate(flags, bd, IN_G, K, IN_DIL, TMP);
    gBit = IN_DIL;
  }
  const gc = labelComponents(flags, bd, gBit, o.connectivity, IN_G);
  const pc = labelComponents(flags, bd, IN_P, o.connectivity);
  const nG = gc.count;
  const nP = pc.count;
  const gMap = gc.map;
  const pMap = pc.map;

  // Per-lesion voxel counts and boxes (box coordinates), and the overlapping pairs.
  const gtVoxels = new Float64Array(nG + 1);
  const predVoxels = new Float64Array(nP + 1);
  const gBox = newBoxes(nG);
  const pBox = newBoxes(nP);
  const inter = new Map<number, number>();
  const touch = new Set<number>();
  const stride = nP + 1;
  const overlap = o.match === 'overlap';
  let runKey = -1;
  let runCount = 0;
  let lastTouch = -1;
  for (let z = 0, i = 0; z < bd[2]; z++) {
    for (let y = 0; y < bd[1]; y++) {
      for (let x = 0; x < bd[0]; x++, i++) {
        const f = flags[i];
        if (f === 0) continue;
        const g = gMap[i];
        const p = pMap[i];
        const inG = (f & IN_G) !== 0;
        if (inG) {
          gtVoxels[g]++;
          growBox(gBox, g, x, y, z);
        }
        if (p !== 0) {
          predVoxels[p]++;
          growBox(pBox, p, x, y, z);
          if (g !== 0) {
            const key = g * stride + p;
            if (overlap && key !== lastTouch) {
              touch.add(key);
              lastTouch = key;
            }
            if (inG) {
              // Runs of one pair are common along x: one map update per run.
              if (key !== runKey) {
                if (runKey >= 0) inter.set(runKey, (inter.get(runKey) ?? 0) + runCount);
                runKey = key;
                runCount = 0;
              }
              runCount++;
            }
          }
        }
      }
    }
  }
  if (runKey >= 0) inter.set(runKey, (inter.get(runKey) ?? 0) + runCount);

  const pairs: LesionPair[] = [];
  for (const [key, c] of inter) pairs.push({ g: Math.floor(key / stride), p: key % stride, inter: c });
  const matching = overlap
    ? matchByOverlap([...touch].map((key) => [Math.floor(key / stride), key % stride] as const))
    : matchByIou(pairs, gtVoxels, predVoxels, o.iou);

  const threshold = o.volumeThreshold;
  const small = (voxels: number) => voxels * voxelVolume <= threshold;
  const { entries, counts } = lesionEntries({
    gtVoxels,
    predVoxels,
    gtSmall: (g) => small(gtVoxels[g]),
    predSmall: (p) => small(predVoxels[p]),
    matching,
    inter: (g, p) => inter.get(g * stride + p) ?? 0,
    hd95: (g, preds) => lesionHd95(flags, gMap, pMap, bd, g, preds, gBox, pBox, n, ctx),
    smallRule: o.small,
  });
  return { values: lesionMetrics(counts, o.match, penalty, ctx.empty), entries, counts };
}

function newBoxes(count: number): Int32Array {
  const b = new Int32Array((count + 1) * 6);
  for (let i = 0; i <= count; i++) {
    b[i * 6] = b[i * 6 + 1] = b[i * 6 + 2] = 0x7fffffff;
    b[i * 6 + 3] = b[i * 6 + 4] = b[i * 6 + 5] = -1;
  }
  return b;
}

function growBox(b: Int32Array, id: number, x: number, y: number, z: number): void {
  const o = id * 6;
  if (x < b[o]) b[o] = x;
  if (y < b[o + 1]) b[o + 1] = y;
  if (z < b[o + 2]) b[o + 2] = z;
  if (x > b[o + 3]) b[o + 3] = x;
  if (y > b[o + 4]) b[o + 4] = y;
  if (z > b[o + 5]) b[o + 5] = z;
}

/**
 * hd95 of g and U(g), by the engine's surface metrics on the crop spanning both (the crop
 * is exact: see surface.ts on why the union box needs no margin).
 */
function lesionHd95(
  flags: Uint8Array,
  gMap: Int32Array,
  pMap: Int32Array,
  bd: Box3,
  g: number,
  preds: number[],
  gBox: Int32Array,
  pBox: Int32Array,
  n: number,
  ctx: LesionContext,
): number {
  const lo = [gBox[g * 6], gBox[g * 6 + 1], gBox[g * 6 + 2]];
  const hi = [gBox[g * 6 + 3], gBox[g * 6 + 4], gBox[g * 6 + 5]];
  const inU = new Set(preds);
  for (const p of preds) {
    for (let k = 0; k < 3; k++) {
      lo[k] = Math.min(lo[k], pBox[p * 6 + k]);
      hi[k] = Math.max(hi[k], pBox[p * 6 + 3 + k]);
    }
  }
  const cd = [hi[0] - lo[0] + 1, hi[1] - lo[1] + 1, hi[2] - lo[2] + 1];
  const gCrop = new Uint8Array(cd[0] * cd[1] * cd[2]);
  const pCrop = new Uint8Array(gCrop.length);
  for (let z = 0, c = 0; z < cd[2]; z++) {
    for (let y = 0; y < cd[1]; y++) {
      const src = lo[0] + bd[0] * (lo[1] + y + bd[1] * (lo[2] + z));
      for (let x = 0; x < cd[0]; x++, c++) {
        const i = src + x;
        if (flags[i] & IN_G && gMap[i] === g) gCrop[c] = 1;
        if (pMap[i] !== 0 && inU.has(pMap[i])) pCrop[c] = 1;
      }
    }
  }
  const s = surfaceMetrics(pCrop, gCrop, cd.slice(0, n), ctx.spacing, [[1]], { hd95: ctx.hd95, nsdTolerance: 1 });
  return s[0].hd95 ?? 0;
}
