// Turning a block of stored numbers into a typed array in host byte order. Shared by the
// NIfTI and NumPy readers, whose element types are the same handful of integers and
// floats. The input bytes belong to the reader (freshly read or decompressed), so they
// may be byte-swapped in place and, when aligned, returned as a zero-copy view.
import os from 'node:os';
import type { NumericArray } from '../types.js';

export type ElementKind = 'bool' | 'int' | 'uint' | 'float';

/** How one element is stored in the file. */
export interface StoredType {
  kind: ElementKind;
  bytes: 1 | 2 | 4 | 8;
}

export interface Decoded {
  data: NumericArray;
  /** numpy-style name of `data`'s element type. */
  dtype: string;
  /** True for integer and bool storage: every value is an integer by construction. */
  integer: boolean;
}

export const HOST_LITTLE_ENDIAN = os.endianness() === 'LE';

/**
 * Decode exactly `bytes.length / type.bytes` elements. 64-bit integers become float64
 * (exact up to 2**53, far beyond any label or count) because the engine has no BigInt
 * path; float16 becomes float32, which holds every half value exactly.
 */
export function decodeElements(bytes: Uint8Array, type: StoredType, littleEndian: boolean): Decoded {
  const size = type.bytes;
  if (size > 1 && littleEndian !== HOST_LITTLE_ENDIAN) swapInPlace(bytes, size);
  // A typed-array view needs its start aligned to the element size; copy when not.
  // (new Uint8Array(x) copies; Buffer#slice would not.)
  const aligned = bytes.byteOffset % size === 0 ? bytes : new Uint8Array(bytes);
  const count = aligned.length / size;
  const { buffer, byteOffset } = aligned;
  const integer = type.kind !== 'float';
  switch (`${type.kind}${size * 8}`) {
    case 'bool8':
      return { data: new Uint8Array(buffer, byteOffset, count), dtype: 'bool', integer };
    case 'uint8':
      return { data: new Uint8Array(buffer, byteOffset, count), dtype: 'uint8', integer };
    case 'int8':
      return { data: new Int8Array(buffer, byteOffset, count), dtype: 'int8', integer };
    case 'int16':
      return { data: new Int16Array(buffer, byteOffset, count), dtype: 'int16', integer };
    case 'uint16':
      return { data: new Uint16Array(buffer, byteOffset, count), dtype: 'uint16', integer };
    case 'int32':
      return { data: new Int32Array(buffer, byteOffset, count), dtype: 'int32', integer };
    case 'uint32':
      return { data: new Uint32Array(buffer, byteOffset, count), dtype: 'uint32', integer };
    case 'int64':
    case 'uint64':
      return { data: int64ToFloat64(aligned, type.kind === 'int'), dtype: 'float64', integer };
    case 'float16':
      return { data: halfToFloat32(new Uint16Array(buffer, byteOffset, count)), dtype: 'float32', integer };
    case 'float32':
      return { data: new Float32Array(buffer, byteOffset, count), dtype: 'float32', integer };
    case 'float64':
      return { data: new Float64Array(buffer, byteOffset, count), dtype: 'float64', integer };
    default:
      throw new Error(`no decoder for ${type.kind}${size * 8}`);
  }
}

/** Reverse the bytes of every `size`-byte element (Buffer's native swaps are fast). */
function swapInPlace(bytes: Uint8Array, size: number): void {
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  if (size === 2) view.swap16();
  else if (size === 4) view.swap32();
  else view.swap64();
}

function int64ToFloat64(bytes: Uint8Array, signed: boolean): Float64Array {
  const words = new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
  const out = new Float64Array(words.length / 2);
  const lo = HOST_LITTLE_ENDIAN ? 0 : 1;
  const hi = 1 - lo;
  for (let i = 0; i < out.length; i++) {
    const high = words[2 * i + hi];
    const highValue = signed ? high | 0 : high; // `| 0` reinterprets as two's complement
    out[i] = highValue * 4294967296 + words[2 * i + lo];
  }
  return out;
}

let halfTable: Float32Array | undefined;

function halfToFloat32(halves: Uint16Array): Float32Array {
  if (!halfTable) {
    halfTable = new Float32Array(65536);
    for (let h = 0; h < 65536; h++) halfTable[h] = halfValue(h);
  }
  const table = halfTable;
  const out = new Float32Array(halves.length);
  for (let i = 0; i < halves.length; i++) out[i] = table[halves[i]];
  return out;
}

function halfValue(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24; // zero and subnormals
  if (exponent === 31) return fraction ? NaN : sign * Infinity;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}
