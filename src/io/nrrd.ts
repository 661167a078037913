// NRRD reader (.nrrd, .nhdr with a detached data file, Slicer's .seg.nrrd): the header of
// formats.md, validated and sized against --max-voxels and the data before any voxel
// memory is allocated. Raw and gzip data are decoded by elements.ts and the bounded
// inflate; ascii data are parsed here.
import type { Geometry, NumericArray, RawArray } from '../types.js';
import { moveAxisLast, unit } from './channels.js';
import { isFilePattern, readDataBlock, resolveDataFile, withDataFile, type DataBlock } from './dataFile.js';
import { decodeElements, type StoredType } from './elements.js';
import { FormatError, guarded } from './errors.js';
import { allocBytes, readRange, withFile, type OpenedFile } from './file.js';
import { elementCount, maxVoxelsOf, type ReadOptions } from './options.js';

/** A header longer than this is not an NRRD header. */
const MAX_HEADER_BYTES = 1 << 20;

const TYPES: Record<string, StoredType> = {};
function alias(names: string[], type: StoredType): void {
  for (const n of names) TYPES[n] = type;
}
alias(['signed char', 'int8', 'int8_t'], { kind: 'int', bytes: 1 });
alias(['uchar', 'unsigned char', 'uint8', 'uint8_t'], { kind: 'uint', bytes: 1 });
alias(['short', 'short int', 'signed short', 'signed short int', 'int16', 'int16_t'], { kind: 'int', bytes: 2 });
alias(['ushort', 'unsigned short', 'unsigned short int', 'uint16', 'uint16_t'], { kind: 'uint', bytes: 2 });
alias(['int', 'signed int', 'int32', 'int32_t'], { kind: 'int', bytes: 4 });
alias(['uint', 'unsigned int', 'uint32', 'uint32_t'], { kind: 'uint', bytes: 4 });
alias(['longlong', 'long long', 'long long int', 'signed long long', 'signed long long int', 'int64', 'int64_t'], { kind: 'int', bytes: 8 });
alias(['ulonglong', 'unsigned long long', 'unsigned long long int', 'uint64', 'uint64_t'], { kind: 'uint', bytes: 8 });
alias(['float'], { kind: 'float', bytes: 4 });
alias(['double'], { kind: 'float', bytes: 8 });

type Encoding = 'raw' | 'gzip' | 'ascii';
const ENCODINGS: Record<string, Encoding> = { raw: 'raw', gzip: 'gzip', gz: 'gzip', ascii: 'ascii', text: 'ascii', txt: 'ascii' };

/** Kinds that are axes of space or time; `???` and `none` say nothing; any other kind is a channel axis. */
const SPATIAL_KINDS = new Set(['domain', 'space', 'time']);
const SILENT_KINDS = new Set(['???', 'none']);

export interface NrrdHeader {
  /** Field names lower-cased with inner spaces kept ("space directions"). */
  fields: Map<string, string>;
  /** `key:=value` pairs. */
  keyValues: Map<string, string>;
  /** Header as written, for inspect. */
  display: Record<string, string>;
  /** Byte just past the blank line ending the header (where inline data begin). */
  dataOffset: number;
  /** A blank line ended the header (an attached header needs one). */
  ended: boolean;
}

export function parseNrrdHeader(bytes: Uint8Array): NrrdHeader {
  const fields = new Map<string, string>();
  const keyValues = new Map<string, string>();
  const display: Record<string, string> = {};
  let pos = 0;
  let lineNo = 0;
  while (pos < bytes.length) {
    let end = bytes.indexOf(0x0a, pos);
    if (end < 0) end = bytes.length;
    const line = Buffer.from(bytes.buffer, bytes.byteOffset + pos, end - pos).toString('latin1').replace(/\r$/, '');
    pos = end + 1;
    if (lineNo++ === 0) {
      if (!/^NRRD000[1-5]$/.test(line.trim())) throw new FormatError(`not an NRRD file (magic ${JSON.stringify(line.slice(0, 12))}, expected NRRD0001-NRRD0005)`);
      display.magic = line.trim();
      continue;
    }
    if (line.length === 0) return { fields, keyValues, display, dataOffset: Math.min(pos, bytes.length), ended: true };
    if (line.startsWith('#')) continue;
    const kv = line.indexOf(':=');
    if (kv > 0) {
      keyValues.set(line.slice(0, kv), line.slice(kv + 2));
      display[line.slice(0, kv)] = line.slice(kv + 2);
      continue;
    }
    const colon = line.indexOf(': ');
    if (colon <= 0) throw new FormatError(`header line is not "field: value": ${JSON.stringify(line.slice(0, 60))}`);
    const field = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 2).trim();
    fields.set(field === 'datafile' ? 'data file' : field, value);
    display[field] = value;
  }
  // A detached header (.nhdr) may end without a blank line.
  return { fields, keyValues, display, dataOffset: bytes.length, ended: false };
}

function words(v: string | undefined): string[] {
  return v === undefined ? [] : v.trim().split(/\s+/).filter((s) => s.length > 0);
}

/** "(1,0,0) none (0,1,0)" → vectors or null per axis. */
function parseVectors(v: string, what: string): (number[] | null)[] {
  const out: (number[] | null)[] = [];
  const re = /\(([^)]*)\)|none/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(v)) !== null) {
    if (m[0] === 'none') out.push(null);
    else {
      const xs = m[1].split(',').map((s) => Number(s.trim()));
      if (xs.some((x) => !Number.isFinite(x))) throw new FormatError(`${what} has a non-numeric vector ${m[0]}`);
      out.push(xs);
    }
  }
  return out;
}

export interface NrrdLayout {
  /** Sizes as stored, fastest first. */
  sizes: number[];
  /** Index in `sizes` of the channel axis, or -1. */
  channelAxis: number;
  dims: number[];
  channels: number;
  stored: StoredType;
  encoding: Encoding;
  littleEndian: boolean;
  spacing: number[] | null;
  geometry: Geometry | null;
  count: number;
}

export function planNrrd(h: NrrdHeader, maxVoxels: number, segmentation: boolean): NrrdLayout {
  const typeName = (h.fields.get('type') ?? '').toLowerCase().replace(/\s+/g, ' ');
  const stored = TYPES[typeName];
  if (!stored) throw new FormatError(`NRRD type "${h.fields.get('type') ?? '(missing)'}" is not supported`);
  const encName = (h.fields.get('encoding') ?? '').toLowerCase();
  const encoding = ENCODINGS[encName];
  if (!encoding) throw new FormatError(`unsupported NRRD encoding "${h.fields.get('encoding') ?? '(missing)'}" (raw, gzip or ascii)`);
  const dimension = Number(h.fields.get('dimension'));
  const sizes = words(h.fields.get('sizes')).map(Number);
  if (!Number.isInteger(dimension) || dimension < 1 || sizes.length !== dimension) {
    throw new FormatError(`sizes "${h.fields.get('sizes') ?? ''}" do not match dimension ${h.fields.get('dimension') ?? '(missing)'}`);
  }
  sizes.forEach((d, i) => {
    if (!Number.isSafeInteger(d) || d < 1) throw new FormatError(`sizes[${i}] is ${d}, not a positive size`);
  });
  const count = elementCount(sizes, maxVoxels, 'header declares');
  const kinds = words(h.fields.get('kinds'));
  const directionsText = h.fields.get('space directions');
  const directions = directionsText !== undefined ? parseVectors(directionsText, 'space directions') : null;
  if (directions && directions.length !== dimension) throw new FormatError(`space directions give ${directions.length} entries for ${dimension} axes`);
  const channelAxis = findChannelAxis(kinds, directions, dimension);
  const spatial = sizes.map((_, i) => i).filter((i) => i !== channelAxis);
  if (spatial.length < 2 || spatial.length > 3) throw new FormatError(`${spatial.length} spatial axes (need 2 or 3)`);
  const channels = channelAxis >= 0 ? sizes[channelAxis] : 1;
  if (segmentation && channels > 1) throw new FormatError('multi-layer .seg.nrrd: export a label map');
  const endian = (h.fields.get('endian') ?? 'little').toLowerCase();
  if (endian !== 'little' && endian !== 'big') throw new FormatError(`endian "${endian}" is not little or big`);
  let spacing: number[] | null = null;
  if (directions) spacing = spatial.map((i) => (directions[i] ? Math.hypot(...directions[i]!) : 1)).map((s) => (s > 0 && Number.isFinite(s) ? s : 1));
  else if (h.fields.has('spacings')) {
    const sp = words(h.fields.get('spacings')).map(Number);
    spacing = spatial.map((i) => (Number.isFinite(sp[i]) && sp[i] !== 0 ? Math.abs(sp[i]) : 1));
  }
  return {
    sizes, channelAxis, dims: spatial.map((i) => sizes[i]), channels, stored, encoding,
    littleEndian: endian === 'little', spacing, geometry: nrrdGeometry(h, directions, spatial), count,
  };
}

function findChannelAxis(kinds: string[], directions: (number[] | null)[] | null, dimension: number): number {
  const byKind = kinds
    .map((k, i) => ({ k: k.toLowerCase(), i }))
    .filter(({ k }) => !SPATIAL_KINDS.has(k) && !SILENT_KINDS.has(k))
    .map(({ i }) => i);
  if (byKind.length > 1) throw new FormatError(`kinds "${kinds.join(' ')}" name ${byKind.length} non-spatial axes; only one channel axis is supported`);
  if (byKind.length === 1) return byKind[0];
  const none = directions ? directions.map((d, i) => (d === null ? i : -1)).filter((i) => i >= 0) : [];
  if (none.length > 1) throw new FormatError(`space directions are "none" on ${none.length} axes; only one channel axis is supported`);
  if (none.length === 1) return none[0];
  return dimension === 4 ? 3 : -1;
}

/** LPS directions and origin; `space` RAS negates x and y, LAS negates y; other spaces: none. */
function nrrdGeometry(h: NrrdHeader, directions: (number[] | null)[] | null, spatial: number[]): Geometry | null {
  const space = (h.fields.get('space') ?? '').toLowerCase();
  const flip: Record<string, number[]> = {
    'left-posterior-superior': [1, 1, 1], lps: [1, 1, 1],
    'right-anterior-superior': [-1, -1, 1], ras: [-1, -1, 1],
    'left-anterior-superior': [1, -1, 1], las: [1, -1, 1],
  };
  const sign = flip[space];
  if (!sign || !directions) return null;
  const rank = spatial.length;
  const direction = spatial.map((i) => {
    const v = directions[i];
    if (!v) throw new FormatError(`space directions entry of spatial axis ${i} is none`);
    return unit(v.slice(0, rank).map((x, k) => x * sign[k]));
  });
  const originText = h.fields.get('space origin');
  const origin = originText ? parseVectors(originText, 'space origin')[0] : null;
  return { direction, origin: Array.from({ length: rank }, (_, k) => (origin?.[k] ?? 0) * sign[k] + 0) };
}

function dataSource(path: string, h: NrrdHeader): string | null {
  const name = h.fields.get('data file');
  if (name === undefined) return null;
  if (/^LIST\b/.test(name) || isFilePattern(name)) {
    throw new FormatError(`data file "${name.slice(0, 60)}": a list or pattern of files is not supported`);
  }
  return resolveDataFile(path, name);
}

function skips(h: NrrdHeader): { lineSkip: number; byteSkip: number } {
  const lineSkip = Number(h.fields.get('line skip') ?? h.fields.get('lineskip') ?? '0');
  const byteSkip = Number(h.fields.get('byte skip') ?? h.fields.get('byteskip') ?? '0');
  if (!Number.isSafeInteger(lineSkip) || lineSkip < 0) throw new FormatError(`line skip ${lineSkip} is not a line count`);
  if (!Number.isSafeInteger(byteSkip) || byteSkip < -1) throw new FormatError(`byte skip ${byteSkip} is not a byte count`);
  return { lineSkip, byteSkip };
}

/** Offset just past `lines` newlines from `start`, read a chunk at a time. */
async function afterLines(file: OpenedFile, start: number, lines: number): Promise<number> {
  let pos = start;
  let left = lines;
  const chunk = allocBytes(64 * 1024);
  while (left > 0) {
    const n = await file.read(chunk, 0, chunk.length, pos);
    if (n === 0) throw new FormatError(`line skip ${lines}: the data file has fewer lines`);
    let i = 0;
    for (; i < n && left > 0; i++) if (chunk[i] === 0x0a) left--;
    pos += i;
  }
  return pos;
}

async function readNrrdData(file: OpenedFile, h: NrrdHeader, layout: NrrdLayout, start: number): Promise<{ data: NumericArray; dtype: string; integer: boolean }> {
  const { lineSkip, byteSkip } = skips(h);
  const offset = lineSkip > 0 ? await afterLines(file, start, lineSkip) : start;
  if (layout.encoding === 'ascii') return parseAscii(await readRange(file, offset, Math.max(0, file.size - offset)), layout);
  if (byteSkip === -1 && layout.encoding !== 'raw') throw new FormatError('byte skip -1 is only allowed with raw encoding');
  const block: DataBlock = {
    offset,
    bytes: layout.count * layout.stored.bytes,
    compression: layout.encoding === 'gzip' ? 'gzip' : 'none',
    skip: Math.max(0, byteSkip),
    fromEnd: byteSkip === -1,
  };
  return decodeElements(await readDataBlock(file, block), layout.stored, layout.littleEndian);
}

type Ctor = { new (n: number): NumericArray };
function arrayFor(t: StoredType): { ctor: Ctor; dtype: string } {
  if (t.kind === 'float') return t.bytes === 4 ? { ctor: Float32Array, dtype: 'float32' } : { ctor: Float64Array, dtype: 'float64' };
  const table: Record<string, { ctor: Ctor; dtype: string }> = {
    int1: { ctor: Int8Array, dtype: 'int8' }, uint1: { ctor: Uint8Array, dtype: 'uint8' },
    int2: { ctor: Int16Array, dtype: 'int16' }, uint2: { ctor: Uint16Array, dtype: 'uint16' },
    int4: { ctor: Int32Array, dtype: 'int32' }, uint4: { ctor: Uint32Array, dtype: 'uint32' },
  };
  return table[`${t.kind}${t.bytes}`] ?? { ctor: Float64Array, dtype: 'float64' };
}

function parseAscii(bytes: Uint8Array, layout: NrrdLayout): { data: NumericArray; dtype: string; integer: boolean } {
  // Each number takes at least one character and one separator.
  if (layout.count > bytes.length / 2 + 1) throw new FormatError(`ascii data are truncated: ${bytes.length} bytes cannot hold ${layout.count} numbers`);
  const { ctor, dtype } = arrayFor(layout.stored);
  const out = new ctor(layout.count);
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1');
  const re = /[^\s,]+/g;
  let i = 0;
  let m: RegExpExecArray | null;
  while (i < layout.count && (m = re.exec(text)) !== null) {
    const v = Number(m[0]);
    if (Number.isNaN(v) && !/^[-+]?nan$/i.test(m[0])) throw new FormatError(`ascii data: "${m[0].slice(0, 20)}" is not a number (value ${i})`);
    out[i++] = v;
  }
  if (i < layout.count) throw new FormatError(`ascii data are truncated: ${i} of ${layout.count} numbers`);
  return { data: out, dtype, integer: layout.stored.kind !== 'float' };
}

export async function readNrrd(path: string, opts?: ReadOptions): Promise<RawArray> {
  const maxVoxels = maxVoxelsOf(opts);
  return guarded(path, 'NRRD', async () => {
    const { header, detached } = await withFile(path, async (file) => {
      const header = parseNrrdHeader(await readRange(file, 0, Math.min(file.size, MAX_HEADER_BYTES)));
      return { header, detached: dataSource(path, header) };
    });
    if (!detached && !header.ended) throw new FormatError('header is not ended by a blank line and names no data file (truncated?)');
    const segmentation = [...header.keyValues.keys()].some((k) => /^Segment\d+_ID$/.test(k));
    const layout = planNrrd(header, maxVoxels, segmentation);
    const decoded = await (detached ? withDataFile(detached, (file) => readNrrdData(file, header, layout, detached ? 0 : header.dataOffset)) : withFile(path, (file) => readNrrdData(file, header, layout, detached ? 0 : header.dataOffset)));
    const data = layout.channelAxis >= 0 ? moveAxisLast(decoded.data, layout.sizes, layout.channelAxis) : decoded.data;
    const raw: RawArray = {
      path, format: 'nrrd', dtype: decoded.dtype, integer: decoded.integer, data,
      shape: layout.channels > 1 ? [...layout.dims, layout.channels] : layout.dims.slice(), order: 'F',
      spacing: layout.spacing, geometry: layout.geometry, header: header.display,
    };
    return raw;
  });
}
