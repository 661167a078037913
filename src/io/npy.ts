// NumPy .npy reader, written by hand (npyjs mishandles bool, big-endian and copies). Layout: "\x93NUMPY", version, header length, a Python-literal dict
// {'descr', 'fortran_order', 'shape'}, then the raw elements.
import type { RawArray } from '../types.js';
import { asInputError, FormatError, guarded } from './errors.js';
import { decodeElements, HOST_LITTLE_ENDIAN, type Decoded, type StoredType } from './elements.js';
import { readRange, withFile } from './file.js';
import { elementCount, maxVoxelsOf, type ReadOptions } from './options.js';
import { parsePyLiteral } from './pyliteral.js';

export interface NpyHeader {
  descr: string;
  stored: StoredType;
  littleEndian: boolean;
  fortranOrder: boolean;
  shape: number[];
  count: number;
  /** Byte offset of the first element (the header's total length). */
  dataOffset: number;
  /** count × element size. */
  dataBytes: number;
}

const MAGIC = '\x93NUMPY';
/** Bytes that hold the magic, version and header length, for every version. */
export const NPY_PREAMBLE_BYTES = 12;
// numpy itself refuses headers over 10 000 bytes by default; 1 MiB is generous and
// keeps a damaged length field from making us read a whole file as "header".
const MAX_HEADER_BYTES = 1 << 20;

/** Total header length (= data offset) from the first NPY_PREAMBLE_BYTES bytes. */
export function npyHeaderLength(bytes: Uint8Array): number {
  if (bytes.length < 10) throw new FormatError(`file is too short for a .npy header (${bytes.length} bytes)`);
  for (let i = 0; i < MAGIC.length; i++) {
    if (bytes[i] !== MAGIC.charCodeAt(i)) throw new FormatError('not a .npy file (bad magic)');
  }
  const major = bytes[6];
  const minor = bytes[7];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  let total: number;
  if (major === 1 && minor === 0) total = 10 + view.getUint16(8, true);
  else if ((major === 2 || major === 3) && minor === 0) {
    if (bytes.length < 12) throw new FormatError(`file is too short for a .npy header (${bytes.length} bytes)`);
    total = 12 + view.getUint32(8, true);
  } else throw new FormatError(`unsupported .npy format version ${major}.${minor}`);
  if (total > MAX_HEADER_BYTES) throw new FormatError(`implausible .npy header length ${total}`);
  return total;
}

/** Parse the header in `bytes` (which must hold at least npyHeaderLength bytes). */
export function parseNpyHeader(bytes: Uint8Array, maxVoxels: number): NpyHeader {
  const dataOffset = npyHeaderLength(bytes);
  if (bytes.length < dataOffset) {
    throw new FormatError(`file is truncated inside its header (${bytes.length} of ${dataOffset} bytes)`);
  }
  const start = bytes[6] === 1 ? 10 : 12;
  // Versions 1 and 2 are latin-1, version 3 is UTF-8.
  const encoding = bytes[6] === 3 ? 'utf8' : 'latin1';
  const text = Buffer.from(bytes.buffer, bytes.byteOffset + start, dataOffset - start).toString(encoding);
  const dict = parsePyLiteral(text);
  if (typeof dict !== 'object' || dict === null || Array.isArray(dict)) {
    throw new FormatError('malformed header (not a dict)');
  }
  const { descr, fortran_order: fortran, shape } = dict;
  if (typeof descr !== 'string') {
    throw new FormatError('structured (record) arrays are not supported, need a plain numeric array');
  }
  if (typeof fortran !== 'boolean') throw new FormatError("malformed header ('fortran_order' is not True/False)");
  if (!Array.isArray(shape) || !shape.every((d) => typeof d === 'number' && Number.isSafeInteger(d) && d >= 0)) {
    throw new FormatError("malformed header ('shape' is not a tuple of sizes)");
  }
  const dims = shape as number[];
  if (dims.length === 0) throw new FormatError('0-d array (a single number), not an image');
  if (dims.includes(0)) throw new FormatError(`array is empty (shape ${shapeText(dims)})`);
  const { stored, littleEndian } = parseDescr(descr);
  const count = elementCount(dims, maxVoxels, 'shape');
  return { descr, stored, littleEndian, fortranOrder: fortran, shape: dims, count, dataOffset, dataBytes: count * stored.bytes };
}

/** Python's repr of a shape tuple, for messages users can match against numpy. */
export function shapeText(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
}

const KIND_NAMES: Record<string, string> = {
  c: 'complex',
  O: 'Python object',
  U: 'unicode string',
  S: 'byte string',
  a: 'byte string',
  V: 'void/structured',
  M: 'datetime',
  m: 'timedelta',
};

function parseDescr(descr: string): { stored: StoredType; littleEndian: boolean } {
  const m = /^([<>|=]?)([a-zA-Z])(\d*)(\[.*\])?$/.exec(descr);
  const refuse = (why: string): never => {
    throw new FormatError(`unsupported dtype '${descr}' (${why})`);
  };
  if (!m) return refuse('not a simple numeric type');
  const [, order, kind, digits] = m;
  const size = Number(digits);
  const littleEndian = order === '>' ? false : order === '<' ? true : HOST_LITTLE_ENDIAN;
  const kinds: Record<string, StoredType['kind']> = { b: 'bool', i: 'int', u: 'uint', f: 'float' };
  const mapped = kinds[kind!];
  if (!mapped) return refuse(KIND_NAMES[kind!] ?? 'not a numeric type');
  const allowed: Record<StoredType['kind'], number[]> = { bool: [1], int: [1, 2, 4, 8], uint: [1, 2, 4, 8], float: [2, 4, 8] };
  if (!allowed[mapped].includes(size)) {
    return refuse(mapped === 'float' && size > 8 ? 'extended precision' : `no ${size}-byte ${mapped}`);
  }
  return { stored: { kind: mapped, bytes: size as StoredType['bytes'] }, littleEndian };
}

/**
 * Decode the elements. `data` must be exactly header.dataBytes long; a length that
 * disagrees with the shape means a damaged file or a wrong header, never a guess.
 */
export function decodeNpyData(header: NpyHeader, data: Uint8Array): Decoded {
  checkDataLength(header, data.length);
  const decoded = decodeElements(data, header.stored, header.littleEndian);
  if (header.stored.kind === 'bool') decoded.data = normaliseBool(decoded.data as Uint8Array);
  return decoded;
}

/** Refuse data whose length disagrees with the header's shape (before reading it, when possible). */
export function checkDataLength(header: NpyHeader, held: number): void {
  if (held === header.dataBytes) return;
  const what = held < header.dataBytes ? 'file is truncated' : 'shape and data disagree';
  throw new FormatError(
    `${what}: shape ${shapeText(header.shape)} of '${header.descr}' needs ${header.dataBytes} bytes of data, file holds ${held}`,
  );
}

/** numpy treats any nonzero byte as True; make such bytes 1 so labels stay 0/1. */
function normaliseBool(data: Uint8Array): Uint8Array {
  let i = 0;
  while (i < data.length && data[i]! <= 1) i++;
  if (i === data.length) return data;
  const out = new Uint8Array(data); // a copy: the view may share the caller's buffer
  for (; i < out.length; i++) if (out[i]! > 1) out[i] = 1;
  return out;
}

export function toRawArray(path: string, header: NpyHeader, decoded: Decoded): RawArray {
  return {
    path,
    format: 'npy',
    ...decoded,
    shape: header.shape,
    order: header.fortranOrder ? 'F' : 'C',
    spacing: null,
  };
}

/**
 * Parse a whole .npy held in memory. Zero-copy when the data is aligned and in host
 * byte order; the buffer may be modified in place (byte-swapping), so pass one you own.
 */
export function parseNpy(buf: Uint8Array, path: string, opts?: ReadOptions): RawArray {
  const maxVoxels = maxVoxelsOf(opts);
  try {
    const header = parseNpyHeader(buf, maxVoxels);
    return toRawArray(path, header, decodeNpyData(header, buf.subarray(header.dataOffset)));
  } catch (err) {
    throw asInputError(path, 'NumPy .npy', err);
  }
}

/**
 * Read and validate a header through `readPrefix(n)`, which yields the first n bytes of
 * the .npy (fewer when it is shorter): from a file, a ZIP entry, or an inflating stream.
 * Only the header is read, so a shape beyond --max-voxels costs no memory.
 */
export async function readNpyHeader(
  readPrefix: (length: number) => Promise<Uint8Array> | Uint8Array,
  maxVoxels: number,
): Promise<NpyHeader> {
  const headerLength = npyHeaderLength(await readPrefix(NPY_PREAMBLE_BYTES));
  return parseNpyHeader(await readPrefix(headerLength), maxVoxels);
}

/** Read a .npy file: header first, then exactly the data it describes. */
export async function readNpy(path: string, opts?: ReadOptions): Promise<RawArray> {
  const maxVoxels = maxVoxelsOf(opts);
  return guarded(path, 'NumPy .npy', () =>
    withFile(path, async (file) => {
      const header = await readNpyHeader((length) => readRange(file, 0, Math.min(length, file.size)), maxVoxels);
      // Checked against the file size before reading, so a lying shape costs no memory.
      checkDataLength(header, file.size - header.dataOffset);
      const data = await readRange(file, header.dataOffset, header.dataBytes);
      return toRawArray(path, header, decodeNpyData(header, data));
    }),
  );
}
