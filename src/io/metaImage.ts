// MetaImage reader (.mha with its data inline, .mhd with a detached .raw/.zraw): the
// `Key = Value` header of formats.md, validated and sized against --max-voxels and the
// data file before any voxel memory is allocated. Elements are decoded by elements.ts,
// compressed data inflated with the bounded inflate of inflate.ts.
import type { Geometry, RawArray } from '../types.js';
import { moveAxisLast, unit } from './channels.js';
import { isFilePattern, readDataBlock, resolveDataFile, withDataFile, type DataBlock } from './dataFile.js';
import { decodeElements, type StoredType } from './elements.js';
import { FormatError, guarded } from './errors.js';
import { readRange, withFile } from './file.js';
import { elementCount, maxVoxelsOf, type ReadOptions } from './options.js';

/** A header longer than this without ElementDataFile is not a MetaImage header. */
const MAX_HEADER_BYTES = 1 << 20;

const ELEMENT_TYPES: Record<string, StoredType> = {
  MET_UCHAR: { kind: 'uint', bytes: 1 },
  MET_CHAR: { kind: 'int', bytes: 1 },
  MET_USHORT: { kind: 'uint', bytes: 2 },
  MET_SHORT: { kind: 'int', bytes: 2 },
  MET_UINT: { kind: 'uint', bytes: 4 },
  MET_ULONG: { kind: 'uint', bytes: 4 },
  MET_INT: { kind: 'int', bytes: 4 },
  MET_LONG: { kind: 'int', bytes: 4 },
  MET_ULONG_LONG: { kind: 'uint', bytes: 8 },
  MET_LONG_LONG: { kind: 'int', bytes: 8 },
  MET_FLOAT: { kind: 'float', bytes: 4 },
  MET_DOUBLE: { kind: 'float', bytes: 8 },
};

export interface MetaHeader {
  /** Keys upper-cased, values trimmed, in file order. */
  fields: Map<string, string>;
  /** Original spelling of each key, for inspect. */
  display: Record<string, string>;
  /** Byte just past the ElementDataFile line (where LOCAL data begin). */
  dataOffset: number;
}

/** Parse the text header in `bytes` (the file's start); throws when ElementDataFile is not there. */
export function parseMetaHeader(bytes: Uint8Array): MetaHeader {
  const fields = new Map<string, string>();
  const display: Record<string, string> = {};
  let pos = 0;
  while (pos < bytes.length) {
    let end = bytes.indexOf(0x0a, pos);
    const complete = end >= 0;
    if (!complete) end = bytes.length;
    const line = Buffer.from(bytes.buffer, bytes.byteOffset + pos, end - pos).toString('latin1').replace(/\r$/, '');
    const next = end + 1;
    if (line.trim() !== '') {
      const eq = line.indexOf('=');
      if (eq < 0) {
        if (fields.size === 0) throw new FormatError('not a MetaImage header (first line is not "Key = Value")');
        throw new FormatError(`header line without "=": ${JSON.stringify(line.slice(0, 60))}`);
      }
      const key = line.slice(0, eq).trim();
      const value = line.slice(eq + 1).trim();
      fields.set(key.toUpperCase(), value);
      display[key] = value;
      if (key.toUpperCase() === 'ELEMENTDATAFILE') {
        if (!complete && value.toUpperCase() === 'LOCAL') throw new FormatError('file ends right after the header (no data)');
        return { fields, display, dataOffset: Math.min(next, bytes.length) };
      }
    }
    if (!complete) break;
    pos = next;
  }
  if (fields.size === 0) throw new FormatError('not a MetaImage header');
  throw new FormatError('header has no ElementDataFile line (truncated, or not a MetaImage file)');
}

function numbers(h: MetaHeader, key: string): number[] | undefined {
  const v = h.fields.get(key);
  if (v === undefined) return undefined;
  const parts = v.split(/\s+/).filter((s) => s.length > 0).map(Number);
  if (parts.some((x) => !Number.isFinite(x))) throw new FormatError(`${key} is not a list of numbers: ${JSON.stringify(v.slice(0, 60))}`);
  return parts;
}

const isTrue = (v: string | undefined) => v !== undefined && /^[Tt1]/.test(v.trim());

export interface MetaLayout {
  dims: number[];
  channels: number;
  /** Channels interleaved per voxel (ElementNumberOfChannels) rather than a 4th axis. */
  interleaved: boolean;
  stored: StoredType;
  littleEndian: boolean;
  spacing: number[];
  geometry: Geometry;
  count: number;
}

/** Shape, type and geometry from a parsed header; every refusal before allocation. */
export function planMeta(h: MetaHeader, maxVoxels: number): MetaLayout {
  const ndims = Number(h.fields.get('NDIMS'));
  if (!Number.isInteger(ndims) || ndims < 2 || ndims > 4) throw new FormatError(`NDims must be 2, 3 or 4, got ${h.fields.get('NDIMS') ?? 'none'}`);
  const dimSize = numbers(h, 'DIMSIZE');
  if (!dimSize || dimSize.length !== ndims) throw new FormatError(`DimSize must give ${ndims} sizes, got ${h.fields.get('DIMSIZE') ?? 'none'}`);
  dimSize.forEach((d, i) => {
    if (!Number.isSafeInteger(d) || d < 1) throw new FormatError(`DimSize[${i}] is ${d}, not a positive size`);
  });
  const typeName = (h.fields.get('ELEMENTTYPE') ?? '').toUpperCase().replace(/_ARRAY$/, '');
  const stored = ELEMENT_TYPES[typeName];
  if (!stored) throw new FormatError(`ElementType ${h.fields.get('ELEMENTTYPE') ?? '(missing)'} is not supported`);
  const binary = h.fields.get('BINARYDATA');
  if (binary !== undefined && /^[Ff0]/.test(binary)) throw new FormatError('BinaryData = False (text data) is not supported');
  const msb = h.fields.get('BINARYDATABYTEORDERMSB') ?? h.fields.get('ELEMENTBYTEORDERMSB');
  const elementChannels = Number(h.fields.get('ELEMENTNUMBEROFCHANNELS') ?? '1');
  if (!Number.isSafeInteger(elementChannels) || elementChannels < 1) throw new FormatError(`ElementNumberOfChannels is ${h.fields.get('ELEMENTNUMBEROFCHANNELS')}`);
  const spatialRank = Math.min(ndims, 3);
  const dims = dimSize.slice(0, spatialRank);
  let channels = elementChannels;
  const interleaved = elementChannels > 1;
  if (ndims === 4) {
    if (interleaved) throw new FormatError('NDims = 4 with ElementNumberOfChannels > 1 is not supported');
    channels = dimSize[3];
  }
  const count = elementCount(channels > 1 ? [...dims, channels] : dims, maxVoxels, 'header declares');
  const spacingAll = numbers(h, 'ELEMENTSPACING') ?? numbers(h, 'ELEMENTSIZE');
  const spacing = dims.map((_, k) => {
    const s = spacingAll?.[k];
    return s !== undefined && Number.isFinite(s) && s !== 0 ? Math.abs(s) : 1;
  });
  return {
    dims, channels, interleaved, stored, littleEndian: !isTrue(msb), spacing,
    geometry: metaGeometry(h, ndims, spatialRank), count,
  };
}

/** TransformMatrix (Rotation, Orientation): the k-th run of NDims numbers is axis k's direction. */
function metaGeometry(h: MetaHeader, ndims: number, rank: number): Geometry {
  const matrix = numbers(h, 'TRANSFORMMATRIX') ?? numbers(h, 'ROTATION') ?? numbers(h, 'ORIENTATION');
  const origin = numbers(h, 'OFFSET') ?? numbers(h, 'ORIGIN') ?? numbers(h, 'POSITION');
  const direction: number[][] = [];
  for (let k = 0; k < rank; k++) {
    const run = matrix && matrix.length >= ndims * ndims ? matrix.slice(k * ndims, k * ndims + rank) : null;
    direction.push(run ? unit(run) : Array.from({ length: rank }, (_, i) => (i === k ? 1 : 0)));
  }
  return { direction, origin: Array.from({ length: rank }, (_, i) => origin?.[i] ?? 0) };
}

/** Where the data are: inline after the header (LOCAL) or in a file next to it. */
function dataSource(path: string, h: MetaHeader): string | null {
  const name = h.fields.get('ELEMENTDATAFILE')!;
  if (name.toUpperCase() === 'LOCAL') return null;
  if (/^LIST\b/i.test(name) || isFilePattern(name)) {
    throw new FormatError(`ElementDataFile = ${name.slice(0, 60)}: a list or pattern of slice files is not supported`);
  }
  return resolveDataFile(path, name);
}

function blockOf(h: MetaHeader, layout: MetaLayout, offset: number): DataBlock {
  const compressed = isTrue(h.fields.get('COMPRESSEDDATA'));
  const headerSize = Number(h.fields.get('HEADERSIZE') ?? '0');
  if (!Number.isSafeInteger(headerSize) || headerSize < -1) throw new FormatError(`HeaderSize ${h.fields.get('HEADERSIZE')} is not a byte count`);
  if (headerSize === -1 && compressed) throw new FormatError('HeaderSize = -1 with compressed data is not supported');
  const sizeText = h.fields.get('COMPRESSEDDATASIZE');
  let compressedLength: number | undefined;
  if (compressed && sizeText !== undefined) {
    compressedLength = Number(sizeText);
    if (!Number.isSafeInteger(compressedLength) || compressedLength < 1) throw new FormatError(`CompressedDataSize ${sizeText} is not a byte count`);
  }
  return {
    offset: offset + (compressed && headerSize > 0 ? headerSize : 0),
    bytes: layout.count * layout.stored.bytes,
    compression: compressed ? 'zlib-or-gzip' : 'none',
    compressedLength,
    skip: !compressed && headerSize > 0 ? headerSize : 0,
    fromEnd: headerSize === -1,
  };
}

export async function readMetaImage(path: string, opts?: ReadOptions): Promise<RawArray> {
  const maxVoxels = maxVoxelsOf(opts);
  return guarded(path, 'MetaImage', async () => {
    const { header, layout, detached } = await withFile(path, async (file) => {
      const head = await readRange(file, 0, Math.min(file.size, MAX_HEADER_BYTES));
      const header = parseMetaHeader(head);
      const layout = planMeta(header, maxVoxels);
      const detached = dataSource(path, header);
      return { header, layout, detached };
    });
    const bytes = await (detached ? withDataFile(detached, (file) => readDataBlock(file, blockOf(header, layout, detached ? 0 : header.dataOffset))) : withFile(path, (file) => readDataBlock(file, blockOf(header, layout, detached ? 0 : header.dataOffset))));
    const decoded = decodeElements(bytes, layout.stored, layout.littleEndian);
    const { dims, channels } = layout;
    const shape = channels > 1 ? [...dims, channels] : dims.slice();
    const data = layout.interleaved ? moveAxisLast(decoded.data, [channels, ...dims], 0) : decoded.data;
    const raw: RawArray = {
      path, format: 'metaimage', dtype: decoded.dtype, integer: decoded.integer, data, shape, order: 'F',
      spacing: layout.spacing, geometry: layout.geometry, header: header.display,
    };
    return raw;
  });
}
