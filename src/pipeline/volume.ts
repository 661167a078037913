// Pairing: a decoded file (RawArray) becomes a Volume in the engine's layout, checked
// against its ground truth. Everything here is about meaning (labels vs probabilities,
// axes, channels); nothing here knows a file format's bytes.
import { InputError, type InputKind, type NumericArray, type RawArray, type Volume } from '../types.js';
import { relayout } from './layout.js';
import { inChunks, PASS_CHUNK } from '../losses/speed/chunks.js';

export type InputMode = 'auto' | InputKind;
export type NpyAxes = 'reversed' | 'same';

export interface GroundTruth extends Volume {
  /** Shape as the ground-truth file shows it (for reports and messages). */
  fileShape: number[];
  format: RawArray['format'];
}

export interface Prediction extends Volume {
  /** Which NumPy axis rule was applied, for NumPy files. */
  npyAxes?: NpyAxes;
  warnings: string[];
}

/** Formats whose 4th axis holds channels (x, y, z, C), first axis fastest: NIfTI, and MetaImage and NRRD as their readers lay them out. */
function hasChannelAxis(format: RawArray['format']): boolean {
  return format === 'nifti' || format === 'metaimage' || format === 'nrrd';
}

function isFloat(raw: RawArray): boolean {
  return !raw.integer;
}

/** A PNG grey map holding only {0, full scale} is binary: foreground 1 (cli.md Inputs). */
function binaryPngRule(raw: RawArray, ignoreIndex: number | null): NumericArray {
  const png = raw.png;
  if (!png || png.palette || png.maxValue <= 1 || ignoreIndex === png.maxValue) return raw.data;
  const d = raw.data;
  const max = png.maxValue;
  const from = d instanceof Uint8Array ? leadingZeros(d) : 0;
  if (!onlyZeroOrMax(d, from, max)) return d;
  const out = new Uint8Array(d.length);
  for (let i = from; i < d.length; i++) out[i] = d[i] === max ? 1 : 0;
  return out;
}

// The rule's two loops are functions of their own: as one function, V8 compiled the
// second loop before it had ever run, and that code was thrown away and entered again on
// every call (1200 deoptimizations in a batch of 3000 PNG pairs).

/** How many bytes d starts with that are 0, counted four at a time where d is word-aligned (the runs of background). */
function leadingZeros(d: Uint8Array): number {
  let i = 0;
  if (d.byteOffset % 4 === 0) {
    const words = new Int32Array(d.buffer, d.byteOffset, d.length >> 2);
    while (i < words.length && words[i] === 0) i++;
    i *= 4;
  }
  while (i < d.length && d[i] === 0) i++;
  return i;
}

/** Whether d[from …] holds only 0 and max, and max at least once. */
function onlyZeroOrMax(d: NumericArray, from: number, max: number): boolean {
  let sawMax = false;
  for (let i = from; i < d.length; i++) {
    const v = d[i];
    if (v === max) sawMax = true;
    else if (v !== 0) return false;
  }
  return sawMax;
}

function spatialDims(raw: RawArray): number[] {
  return raw.order === 'F' ? raw.shape.slice() : raw.shape.slice().reverse();
}

export function toGroundTruth(raw: RawArray, ignoreIndex: number | null): GroundTruth {
  let shape = raw.shape;
  // A trailing channel axis of 1 (x, y, z, 1) or a leading one in NumPy (1, z, y, x) is a plain label map.
  if (hasChannelAxis(raw.format) && shape.length === 4 && shape[3] === 1) shape = shape.slice(0, 3);
  if ((raw.format === 'npy' || raw.format === 'npz') && shape.length >= 3 && shape[0] === 1) shape = shape.slice(1);
  if (hasChannelAxis(raw.format) && shape.length > 3) {
    throw new InputError(raw.path, `ground truth must be a label map, got a ${shape.length}D array [${raw.shape.join(', ')}]`);
  }
  const data = binaryPngRule(raw, ignoreIndex);
  if (isFloat(raw)) {
    let bad = 0;
    for (let i = 0; i < data.length; i++) if (!Number.isInteger(data[i])) bad++;
    // Many fractional values: an image or a probability map, not labels.
    const hint = bad >= 100 ? ': is this the image rather than a label map, or are --pred and --gt swapped?' : '';
    if (bad > 0) throw new InputError(raw.path, `ground truth holds ${bad} non-integer value${bad > 1 ? 's' : ''}; expected a label map${hint}`);
  }
  const dims = raw.order === 'F' ? shape.slice() : shape.slice().reverse();
  // The file's spacing into the engine's axis order: from here to the report it stays in this order.
  const spacing = raw.spacing ? (raw.order === 'F' ? raw.spacing.slice(0, dims.length) : raw.spacing.slice().reverse()) : null;
  return {
    data, dims, channels: 1, spacing: spacing && spacing.length === dims.length ? spacing : null,
    kind: 'labels', integer: true, fileShape: raw.shape.slice(), format: raw.format,
  };
}

const eq = (a: number[], b: number[]) => a.length === b.length && a.every((v, i) => v === b[i]);

function describeShapes(raw: RawArray, gt: GroundTruth, gtPath: string): string {
  let msg = `shape mismatch: pred [${raw.shape.join(', ')}] vs gt [${gt.fileShape.join(', ')}]`;
  if (raw.spacing && gt.spacing) msg += ` (spacing pred [${raw.spacing.map(fmt).join(', ')}] vs gt [${gt.spacing.map(fmt).join(', ')}])`;
  return `${msg}; gt ${gtPath}`;
}

const fmt = (x: number) => String(Math.round(x * 1e6) / 1e6);

interface Layout {
  data: NumericArray;
  channels: number;
  npyAxes?: NpyAxes;
}

/** Brings a prediction's array onto the ground truth's spatial axes, channels planar. */
export function layoutPrediction(raw: RawArray, gt: GroundTruth, gtPath: string, npyAxes: NpyAxes | null): Layout {
  const g = gt.dims.length;
  const shape = raw.shape;
  const mismatch = () => new InputError(raw.path, describeShapes(raw, gt, gtPath));
  if (raw.format === 'npy' || raw.format === 'npz') {
    // NumPy: channels first (C, …spatial), as nnU-Net writes probabilities.
    const hasC = shape.length === g + 1;
    if (!hasC && shape.length !== g) throw mismatch();
    const spatial = hasC ? shape.slice(1) : shape;
    const off = hasC ? 1 : 0;
    const rev = spatial.slice().reverse();
    let axes: NpyAxes;
    if (npyAxes) axes = npyAxes;
    else if (eq(rev, gt.dims)) axes = 'reversed';
    else if (eq(spatial, gt.dims)) axes = 'same';
    else throw mismatch();
    const chk = axes === 'reversed' ? rev : spatial;
    if (!eq(chk, gt.dims)) throw mismatch();
    // Fastest-first target axes: gt x, y, z …, then the channel axis.
    const perm = gt.dims.map((_, k) => off + (axes === 'reversed' ? g - 1 - k : k));
    if (hasC) perm.push(0);
    return { data: relayout(raw.data, shape, raw.order, perm), channels: hasC ? shape[0] : 1, npyAxes: axes };
  }
  // PNG and NIfTI: spatial axes as the ground truth's; a NIfTI 4th axis is channels.
  let dims = spatialDims(raw);
  let channels = 1;
  if (hasChannelAxis(raw.format) && dims.length === g + 1) {
    channels = dims[g];
    dims = dims.slice(0, g);
  }
  if (!eq(dims, gt.dims)) throw mismatch();
  return { data: raw.data, channels };
}

export interface ValueScan {
  nonFinite: number;
  allBinary: boolean;
  inUnit: boolean;
  allInteger: boolean;
}

function scan(d: NumericArray): ValueScan {
  const s: ValueScan = { nonFinite: 0, allBinary: true, inUnit: true, allInteger: true };
  // Chunk by chunk (chunks.ts); logits settle every question within a few voxels, after
  // which only non-finite values are counted, in a tighter loop.
  let i = 0;
  while (i < d.length && (s.inUnit || s.allInteger)) i = scanFlags(d, s, i, Math.min(d.length, i + PASS_CHUNK));
  inChunks(d.length - i, (from, to) => (s.nonFinite += countNonFinite(d, i + from, i + to)));
  return s;
}

/** Scans [from, to) into s; returns where it stopped: `to`, or just past the voxel that settled the kind. */
export function scanFlags(d: NumericArray, s: ValueScan, from: number, to: number): number {
  for (let i = from; i < to; i++) {
    const v = d[i];
    if (v === 0 || v === 1) continue;
    s.allBinary = false;
    if (v - v !== 0) { s.nonFinite++; continue; } // NaN or ±Infinity
    if (v < 0 || v > 1) s.inUnit = false;
    if (s.allInteger && Math.floor(v) !== v) s.allInteger = false;
    if (!s.inUnit && !s.allInteger) return i + 1;
  }
  return to;
}

export function countNonFinite(d: NumericArray, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const v = d[i];
    if (v - v !== 0) n++;
  }
  return n;
}

/** --input auto (cli.md): integer/bool data → labels (probabilities when it has several
 *  channels); float data all in {0,1} → labels; within [0,1] → probs; else logits. */
function autoKind(integer: boolean, s: ValueScan | null, channels: number): InputKind {
  if (integer || !s) return channels > 1 ? 'probs' : 'labels';
  return s.allBinary && channels === 1 ? 'labels' : s.inUnit ? 'probs' : 'logits';
}

export interface InputDecision {
  /** What --input auto reads the array as. */
  kind: InputKind;
  /** NaN/±Inf values: a prediction holding any is an error whatever `kind` says. */
  nonFinite: number;
}

/**
 * What `--input auto` decides for a prediction array with `channels` channels (NIfTI:
 * dim 4; NumPy: the leading axis when the array has one more axis than its ground truth).
 * Pure; the same rule toPrediction applies.
 */
export function decideInput(raw: Pick<RawArray, 'integer' | 'data'>, channels: number): InputDecision {
  if (raw.integer) return { kind: autoKind(true, null, channels), nonFinite: 0 };
  const s = scan(raw.data);
  return { kind: autoKind(false, s, channels), nonFinite: s.nonFinite };
}

/** A float prediction's kind from the scan of all its values, or the error toPrediction gives (NaN/±Inf first). */
export function floatKind(path: string, s: ValueScan, input: InputMode, channels: number): InputKind {
  if (s.nonFinite > 0) throw new InputError(path, `NaN or infinite value in prediction (${s.nonFinite} voxel${s.nonFinite > 1 ? 's' : ''})`);
  const kind = input === 'auto' ? autoKind(false, s, channels) : input;
  if (kind === 'labels' && !s.allInteger) throw new InputError(path, 'prediction read as labels holds non-integer values (use --input probs or logits)');
  if (kind === 'probs' && !s.inUnit) throw new InputError(path, 'prediction read as probabilities holds values outside [0, 1] (use --input logits)');
  return kind;
}

/** The prediction's warning when its header's spacing is not the ground truth's (the engine uses the ground truth's). */
export function spacingWarnings(raw: RawArray, gt: GroundTruth): string[] {
  if (!(raw.spacing && gt.spacing && raw.order === 'F')) return [];
  const ps = raw.spacing;
  const differs = gt.spacing.some((s, k) => ps[k] !== undefined && Math.abs(ps[k] - s) > 1e-3 * Math.abs(s));
  return differs ? [`spacing differs: pred [${ps.map(fmt).join(', ')}] vs gt [${gt.spacing.map(fmt).join(', ')}]`] : [];
}

export interface PredictionOptions {
  input: InputMode;
  ignoreIndex: number | null;
  npyAxes: NpyAxes | null;
}

export function toPrediction(raw: RawArray, gt: GroundTruth, gtPath: string, opts: PredictionOptions): Prediction {
  const lay = layoutPrediction(raw, gt, gtPath, opts.npyAxes);
  let data = lay.data;
  const channels = lay.channels;
  const warnings = spacingWarnings(raw, gt);
  let kind: InputKind;
  if (raw.png && opts.input === 'probs') {
    // v / 255 (v / 65535): an 8- or 16-bit probability map (cli.md Inputs), kept as the
    // integers so the engine can work on histograms of v.
    const max = raw.png?.maxValue ?? 255;
    return { data, dims: gt.dims, channels, spacing: gt.spacing, kind: 'probs', integer: false, quantMax: max, warnings };
  }
  if (raw.integer) {
    if (opts.input === 'auto') kind = autoKind(true, null, channels);
    else kind = opts.input;
    if (kind === 'labels') data = binaryPngRule({ ...raw, data }, opts.ignoreIndex);
    if (kind === 'probs') {
      const s = scan(data);
      if (!s.inUnit) throw new InputError(raw.path, `integer prediction read as probabilities holds values outside [0, 1]`);
    }
  } else kind = floatKind(raw.path, scan(data), opts.input, channels);
  if (kind === 'labels' && channels > 1) throw new InputError(raw.path, `a label-map prediction must have one channel, got ${channels}`);
  return { data, dims: gt.dims, channels, spacing: gt.spacing, kind, integer: kind === 'labels', npyAxes: lay.npyAxes, warnings };
}
