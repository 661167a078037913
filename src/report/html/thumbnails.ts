// Worst-case thumbnails: the slice where prediction and ground truth disagree most, with
// true positives, false positives and false negatives coloured, over the case's image
// (windowed) or a neutral background; ≤ 256 px PNG via sharp, as a data: URI.
// The case files are read again (the report keeps only their paths), with the report's
// own options, so the masks are the ones the metrics were computed on.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { caseIdOf, readArray } from '../../io/index.js';
import { hardLabels } from '../../losses/producers/prediction.js';
import { toGroundTruth, toPrediction, type InputMode, type NpyAxes } from '../../pipeline/volume.js';
import type { NumericArray, RawArray } from '../../types.js';
import type { CaseResult, Report } from '../model.js';

export const THUMB_MAX = 256;
/** Colours of the legend (Okabe–Ito, distinguishable with the common colour-vision deficiencies). */
export const OVERLAY_COLOURS = { tp: [0, 158, 115], fp: [230, 159, 0], fn: [86, 180, 233] } as const;
const OPACITY = 0.6;
const NEUTRAL = 200;

export interface ThumbnailOptions {
  /** Folder of input images matched by case id; null: neutral background. */
  images: string | null;
  /** [center, width] window; null: percentiles 1–99 of the slice. */
  window: [number, number] | null;
}

export interface Thumbnail {
  /** data:image/png;base64,… or null with `note` saying why. */
  src: string | null;
  note: string | null;
  /** 0-based index along the last axis for 3D cases; null for 2D. */
  slice: number | null;
  counts: { tp: number; fp: number; fn: number };
}

interface Targets {
  /** Bit k set: the label belongs to target k. */
  member: (label: number) => number;
}

function targetsOf(config: Record<string, unknown>): Targets {
  const regions = config.regions;
  const sets: number[][] =
    regions && typeof regions === 'object' && !Array.isArray(regions)
      ? Object.values(regions as Record<string, number[]>)
      : (Array.isArray(config.labels_used) ? config.labels_used : []).map((l) => [Number(l)]);
  const bits = new Map<number, number>();
  sets.slice(0, 31).forEach((labels, k) => {
    for (const l of labels) bits.set(l, (bits.get(l) ?? 0) | (1 << k));
  });
  return { member: (label) => bits.get(label) ?? 0 };
}

/** The label a single-channel probability map stands for (as the engine decides it). */
function foregroundOf(config: Record<string, unknown>): number {
  const used = config.labels_used;
  if (config.regions == null && Array.isArray(used) && used.length === 1 && Number(used[0]) !== 0) return Number(used[0]);
  return 1;
}

/** Per voxel: 0 agree-background, 1 TP, 2 FP, 3 FN (any target; a wrong label is FP). */
export function disagreementCodes(gt: NumericArray, pred: NumericArray, t: Targets, ignore: number | null): Uint8Array {
  const out = new Uint8Array(gt.length);
  const cache = new Map<number, number>();
  const member = (l: number) => {
    let m = cache.get(l);
    if (m === undefined) cache.set(l, (m = t.member(l)));
    return m;
  };
  for (let i = 0; i < gt.length; i++) {
    if (ignore !== null && gt[i] === ignore) continue;
    const g = member(gt[i]);
    const p = member(pred[i]);
    out[i] = g & p ? 1 : p ? 2 : g ? 3 : 0;
  }
  return out;
}

/** The slice (last axis) with the most FP + FN voxels, ties broken by more TP, then lower index. */
export function worstSlice(codes: Uint8Array, sliceSize: number): number {
  const slices = codes.length / sliceSize;
  let best = 0;
  let bestWrong = -1;
  let bestTp = -1;
  for (let s = 0; s < slices; s++) {
    let wrong = 0;
    let tp = 0;
    for (let i = s * sliceSize, end = i + sliceSize; i < end; i++) {
      const c = codes[i];
      if (c === 1) tp++;
      else if (c !== 0) wrong++;
    }
    if (wrong > bestWrong || (wrong === bestWrong && tp > bestTp)) [best, bestWrong, bestTp] = [s, wrong, tp];
  }
  return best;
}

/** Grey levels 0–255 of one slice of an image, windowed; null when the image does not fit the case. */
function imageSlice(raw: RawArray, voxels: number, start: number, size: number, window: [number, number] | null): Uint8Array | null {
  const d = raw.data;
  let stride: number;
  if (d.length === voxels) stride = 1;
  else if (d.length % voxels === 0 && raw.order === 'C') stride = d.length / voxels; // interleaved colour: first channel
  else if (d.length % voxels === 0) stride = 1; // planar channels (NIfTI x,y,z,c): the first one
  else return null;
  const v = new Float64Array(size);
  for (let i = 0; i < size; i++) v[i] = d[(start + i) * stride];
  let lo: number;
  let hi: number;
  if (window) {
    lo = window[0] - window[1] / 2;
    hi = window[0] + window[1] / 2;
  } else {
    const s = Float64Array.from(v).sort();
    lo = s[Math.floor(0.01 * (size - 1))];
    hi = s[Math.ceil(0.99 * (size - 1))];
  }
  const out = new Uint8Array(size);
  const span = hi - lo;
  for (let i = 0; i < size; i++) out[i] = span > 0 ? Math.max(0, Math.min(255, Math.round(((v[i] - lo) * 255) / span))) : v[i] >= hi ? 255 : 0;
  return out;
}

const listings = new Map<string, Map<string, string>>();

/** The image of a case in `dir`, matched by case id like predictions; null when there is none. */
export function imageFor(dir: string, id: string): string | null {
  let byId = listings.get(dir);
  if (!byId) {
    byId = new Map();
    for (const name of readdirSync(dir)) {
      const cid = caseIdOf(name);
      if (cid !== null && !name.startsWith('.') && !byId.has(cid)) byId.set(cid, join(dir, name));
    }
    listings.set(dir, byId);
  }
  return byId.get(id) ?? null;
}

/** One case's thumbnail; a problem (files gone, image of another size) becomes a note, never an error. */
export async function thumbnail(report: Report, c: CaseResult, opts: ThumbnailOptions): Promise<Thumbnail> {
  const none = (note: string): Thumbnail => ({ src: null, note, slice: null, counts: { tp: 0, fp: 0, fn: 0 } });
  if (c.pred === null) return none('no prediction file');
  const cfg = report.config;
  const ignore = typeof cfg.ignore_index === 'number' ? cfg.ignore_index : null;
  let gtRaw: RawArray;
  let predRaw: RawArray;
  try {
    [gtRaw, predRaw] = await Promise.all([readArray(c.gt), readArray(c.pred)]);
  } catch (e) {
    return none(`case files not readable now (${e instanceof Error ? e.message : String(e)}): no picture`);
  }
  let codes: Uint8Array;
  let dims: number[];
  let spacing: number[] | null;
  try {
    const gt = toGroundTruth(gtRaw, ignore);
    const npyAxes = cfg.npy_axes === 'reversed' || cfg.npy_axes === 'same' ? (cfg.npy_axes as NpyAxes) : null;
    const pred = toPrediction(predRaw, gt, c.gt, { input: (c.input ?? cfg.input ?? 'auto') as InputMode, ignoreIndex: ignore, npyAxes });
    const threshold = typeof cfg.threshold === 'number' ? cfg.threshold : 0.5;
    codes = disagreementCodes(gt.data, hardLabels(pred, threshold, foregroundOf(cfg)), targetsOf(cfg), ignore);
    dims = gt.dims;
    spacing = gt.spacing;
  } catch (e) {
    return none(`case files no longer pair (${e instanceof Error ? e.message : String(e)}): no picture`);
  }
  const [w, h] = [dims[0], dims[1] ?? 1];
  const size = w * h;
  const slice = dims.length >= 3 ? worstSlice(codes, size) : null;
  const start = (slice ?? 0) * size;

  let grey: Uint8Array | null = null;
  let note: string | null = null;
  if (opts.images) {
    const path = imageFor(opts.images, c.id);
    if (path === null) note = `no image for ${c.id} in ${opts.images}`;
    else {
      try {
        grey = imageSlice(await readArray(path), codes.length, start, size, opts.window);
        if (grey === null) note = `image ${path} does not have the case's ${dims.join('×')} voxels`;
      } catch (e) {
        note = `image not readable (${e instanceof Error ? e.message : String(e)})`;
      }
    }
  }
  // NIfTI rows run from posterior/inferior up: draw them bottom to top, as viewers do.
  const flip = gtRaw.format === 'nifti';
  const rgb = Buffer.alloc(size * 3);
  const counts = { tp: 0, fp: 0, fn: 0 };
  for (let y = 0; y < h; y++) {
    const row = flip ? h - 1 - y : y;
    for (let x = 0; x < w; x++) {
      const i = row * w + x;
      const code = codes[start + i];
      const base = grey ? grey[i] : NEUTRAL;
      const o = (y * w + x) * 3;
      const colour = code === 1 ? OVERLAY_COLOURS.tp : code === 2 ? OVERLAY_COLOURS.fp : code === 3 ? OVERLAY_COLOURS.fn : null;
      if (code === 1) counts.tp++;
      else if (code === 2) counts.fp++;
      else if (code === 3) counts.fn++;
      for (let k = 0; k < 3; k++) rgb[o + k] = colour ? Math.round(base * (1 - OPACITY) + colour[k] * OPACITY) : base;
    }
  }
  // Physical aspect ratio (spacing x, y), then fit into THUMB_MAX × THUMB_MAX.
  const aspect = spacing && spacing[0] > 0 && spacing[1] > 0 ? spacing[1] / spacing[0] : 1;
  const physW = w;
  const physH = h * aspect;
  const scale = THUMB_MAX / Math.max(physW, physH);
  const outW = Math.max(1, Math.round(physW * scale));
  const outH = Math.max(1, Math.round(physH * scale));
  const png = await sharp(rgb, { raw: { width: w, height: h, channels: 3 } })
    .resize(outW, outH, { kernel: 'nearest', fit: 'fill' })
    .png({ compressionLevel: 9, palette: false })
    .toBuffer();
  return { src: `data:image/png;base64,${png.toString('base64')}`, note, slice, counts };
}
