// `segloss inspect FILE…`: what the readers make of each file, and what eval would do
// with it (--input auto, ground-truth checks). A file that cannot be read gets one line
// on stderr naming it and the reason, the others are still inspected, and the exit
// status is 1.
import { readArray } from '../io/index.js';
import { UsageError } from './usageError.js';
import { decideInput, toGroundTruth } from '../pipeline/volume.js';
import { InputError, type InputKind, type RawArray } from '../types.js';
import { num } from './parse.js';
import { pngLayout } from './pngLayout.js';
import { statSync } from 'node:fs';

export interface InspectIO {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
}

export interface InspectResult {
  file: string;
  /** Set when the file could not be read; no other field is then present. */
  error?: string;
  format?: RawArray['format'];
  dtype?: string;
  shape?: number[];
  /** What the axes of `shape` are. */
  axes?: string;
  /** Memory order: F = first axis fastest (NIfTI, Fortran NumPy), C = last axis fastest. */
  order?: 'C' | 'F';
  elements?: number;
  /** mm per axis of `shape` from the header; null when the format has none (eval: 1, or --spacing). */
  spacing?: number[] | null;
  min?: number | null;
  max?: number | null;
  non_finite?: number;
  /** Every value an integer (a label map can be read from it). */
  integer_valued?: boolean;
  /** Distinct values with their counts, ascending; null when the values are not all integers. */
  values?: { value: number; count: number }[] | null;
  /** More distinct values than listed. */
  values_truncated?: boolean;
  /** What `--input auto` reads this array as, when it is a prediction. */
  input_auto?: InputKind | 'error';
  input_auto_note?: string;
  /** "ok", or why eval would reject it as ground truth. */
  as_ground_truth?: string;
  png?: { bit_depth: number; palette: boolean; max_value: number; binary: boolean; colour?: string; interlaced?: boolean };
  npz_key?: string;
  /** LPS direction per spatial axis and origin (NIfTI sform/qform, MetaImage, NRRD with a space); null when the file has none. */
  geometry?: { direction: number[][]; origin: number[] } | null;
  /** The header's fields as written (MetaImage, NRRD, TIFF). */
  header?: Record<string, string>;
}

interface Scan {
  min: number | null;
  max: number | null;
  nonFinite: number;
  integerValued: boolean;
  values: Map<number, number> | null;
  truncated: boolean;
}

function scanValues(raw: RawArray, maxLabels: number): Scan {
  const d = raw.data;
  let min = Infinity;
  let max = -Infinity;
  let nonFinite = 0;
  let integerValued = true;
  let values: Map<number, number> | null = new Map();
  let truncated = false;
  for (let i = 0; i < d.length; i++) {
    const v = d[i];
    if (!Number.isFinite(v)) {
      nonFinite++;
      integerValued = false;
      values = null;
      continue;
    }
    if (v < min) min = v;
    if (v > max) max = v;
    if (!values) continue;
    if (!Number.isInteger(v)) {
      integerValued = false;
      values = null;
      continue;
    }
    const n = values.get(v);
    if (n !== undefined) values.set(v, n + 1);
    else if (values.size < maxLabels) values.set(v, 1);
    else truncated = true;
  }
  const any = min <= max;
  return { min: any ? min : null, max: any ? max : null, nonFinite, integerValued, values, truncated };
}

function axesOf(raw: RawArray): string {
  const n = raw.shape.length;
  if (raw.format === 'png') return 'height, width';
  if (raw.format === 'nifti' || raw.format === 'metaimage' || raw.format === 'nrrd') return ['x', 'y', 'z', 'c (channels)'].slice(0, n).join(', ') + (n > 4 ? ', …' : '');
  if (raw.format === 'tiff') return n === 3 ? 'pages (z), height, width' : 'height, width';
  if (n >= 3) return 'as stored; channels first when a prediction has one more axis than its ground truth';
  return 'as stored';
}

/** --input auto for this array; NumPy with 3+ axes may or may not lead with channels. */
function autoInput(raw: RawArray): { kind: InputKind | 'error'; note?: string } {
  let channels = 1;
  if ((raw.format === 'nifti' || raw.format === 'metaimage' || raw.format === 'nrrd') && raw.shape.length === 4) channels = raw.shape[3];
  const d = decideInput(raw, channels);
  if (d.nonFinite > 0) {
    return { kind: 'error', note: `${d.nonFinite} NaN/±Inf value${d.nonFinite > 1 ? 's' : ''}: a prediction must be finite` };
  }
  if ((raw.format === 'npy' || raw.format === 'npz') && raw.shape.length >= 3 && raw.shape[0] > 1) {
    const asChannels = decideInput(raw, raw.shape[0]).kind;
    if (asChannels !== d.kind) {
      return { kind: d.kind, note: `${asChannels} if axis 0 (${raw.shape[0]}) holds channels, i.e. the ground truth has ${raw.shape.length - 1} axes` };
    }
  }
  if (raw.png && d.kind === 'labels') return { kind: d.kind, note: `--input probs reads v/${raw.png?.maxValue ?? 255}` };
  return { kind: d.kind };
}

function groundTruthCheck(raw: RawArray): string {
  try {
    toGroundTruth(raw, null);
    return 'ok';
  } catch (e) {
    return e instanceof InputError ? e.reason : e instanceof Error ? e.message : String(e);
  }
}

export function inspectArray(raw: RawArray, file: string, maxLabels: number): InspectResult {
  const s = scanValues(raw, maxLabels);
  const auto = autoInput(raw);
  const png = raw.png;
  // The binary-PNG rule of cli.md: a grey map holding only 0 and full scale is foreground 1.
  const binary =
    png !== undefined && !png.palette && png.maxValue > 1 && s.values !== null && !s.truncated &&
    s.values.has(png.maxValue) && [...s.values.keys()].every((v) => v === 0 || v === png.maxValue);
  return {
    file,
    format: raw.format,
    dtype: raw.dtype,
    shape: raw.shape.slice(),
    axes: axesOf(raw),
    order: raw.order,
    elements: raw.data.length,
    spacing: raw.spacing ? raw.spacing.slice() : null,
    min: s.min,
    max: s.max,
    non_finite: s.nonFinite,
    integer_valued: s.integerValued,
    values: s.values ? [...s.values].sort((a, b) => a[0] - b[0]).map(([value, count]) => ({ value, count })) : null,
    values_truncated: s.truncated,
    input_auto: auto.kind,
    ...(auto.note ? { input_auto_note: auto.note } : {}),
    as_ground_truth: groundTruthCheck(raw),
    ...(png ? { png: { bit_depth: png.bitDepth, palette: png.palette, max_value: png.maxValue, binary } } : {}),
    ...(raw.npzKey !== undefined ? { npz_key: raw.npzKey } : {}),
    ...(raw.geometry !== undefined ? { geometry: raw.geometry } : {}),
    ...(raw.header ? { header: { ...raw.header } } : {}),
  };
}

const fmtNum = (v: number | null | undefined) => (v === null || v === undefined ? '—' : String(Number.isInteger(v) ? v : Number(v.toPrecision(6))));

function formatText(r: InspectResult): string {
  const rows: [string, string][] = [];
  let fmt = r.format!;
  if (r.png) {
    const colour = r.png.colour ?? (r.png.palette ? 'palette' : 'grey');
    const what = colour === 'palette' ? 'palette (index = label)' : colour === 'grey' ? 'grey' : `${colour} (equal channels read as grey)`;
    fmt += `, ${r.png.bit_depth}-bit ${what}${r.png.interlaced ? ', interlaced (Adam7)' : ''}`;
    fmt += r.png.binary ? `, binary: ${r.png.max_value} read as 1` : '';
  }
  if (r.npz_key !== undefined) fmt += `, key "${r.npz_key}"`;
  rows.push(['format', fmt]);
  rows.push(['shape', `${r.shape!.join(' × ')} (${r.axes})`]);
  rows.push(['dtype', `${r.dtype}, ${r.order === 'F' ? 'first axis fastest (F)' : 'last axis fastest (C)'}`]);
  rows.push(['spacing', r.spacing ? `${r.spacing.map(fmtNum).join(' × ')} mm` : 'none in the file (eval: 1 per axis, or --spacing)']);
  const range = `${fmtNum(r.min)} … ${fmtNum(r.max)}${r.integer_valued ? ', integers' : ''}${r.non_finite ? `, ${r.non_finite} NaN/±Inf` : ''}`;
  rows.push(['values', range]);
  if (r.values) {
    const list = r.values.map((v) => `${v.value} (${v.count})`).join(', ');
    rows.push(['labels', `${list}${r.values_truncated ? `, … more than ${r.values.length} distinct` : ''}`]);
  }
  if (r.geometry !== undefined) {
    rows.push(['geometry', r.geometry
      ? `LPS directions ${r.geometry.direction.map((v) => `(${v.map(fmtNum).join(', ')})`).join(' ')}, origin (${r.geometry.origin.map(fmtNum).join(', ')}) mm`
      : 'none (not checked against other files)']);
  }
  if (r.header) {
    for (const [k, v] of Object.entries(r.header)) rows.push([`  ${k}`, v.length > 100 ? `${v.slice(0, 100)}…` : v]);
  }
  rows.push(['--input auto', `${r.input_auto}${r.input_auto_note ? ` (${r.input_auto_note})` : ''}`]);
  rows.push(['as ground truth', r.as_ground_truth!]);
  const width = Math.max(...rows.map(([k]) => k.length));
  return [r.file, ...rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`)].join('\n');
}

export async function inspectCommand(files: string[], opts: Record<string, unknown>, io: InspectIO): Promise<number> {
  const format = String(opts.format ?? 'table');
  if (format !== 'table' && format !== 'json') throw new UsageError(`--format must be table|json, got "${format}"`);
  const maxLabels = opts.maxLabels === undefined ? 20 : num('--max-labels', opts.maxLabels, (x) => Number.isInteger(x) && x >= 0, 'an integer ≥ 0');
  const maxVoxels = opts.maxVoxels === undefined ? undefined : num('--max-voxels', opts.maxVoxels, (x) => Number.isSafeInteger(x) && x > 0, 'a positive integer');
  const results: InspectResult[] = [];
  let failed = 0;
  for (const file of files) {
    try {
      if (statSync(file, { throwIfNoEntry: false })?.isDirectory()) {
        throw new Error('is a folder; inspect takes files (e.g. segloss inspect folder/*.png)');
      }
      const raw = await readArray(file, maxVoxels === undefined ? {} : { maxVoxels });
      const result = inspectArray(raw, file, maxLabels);
      const layout = result.png ? pngLayout(file) : null;
      if (result.png && layout) Object.assign(result.png, layout);
      results.push(result);
    } catch (e) {
      failed++;
      const reason = e instanceof InputError ? (e.file === file ? e.reason : e.message) : (e instanceof Error ? e.message : String(e)).replace(/\s*\n\s*/g, ' ');
      results.push({ file, error: reason });
      io.stderr(`segloss: ${file}: ${reason}\n`);
    }
  }
  if (format === 'json') {
    io.stdout(`${JSON.stringify(results, null, 2)}\n`);
  } else {
    const ok = results.filter((r) => r.error === undefined);
    if (ok.length > 0) io.stdout(`${ok.map(formatText).join('\n\n')}\n`);
  }
  return failed > 0 ? 1 : 0;
}
