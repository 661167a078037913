// Detached data files (MetaImage .mhd → .raw/.zraw, NRRD .nhdr → data file) and the data
// block of a header-plus-data format: where it is, how it is compressed, and reading it
// with every size checked against the file before memory is committed to it.
import { realpathSync } from 'node:fs';
import { basename, dirname, isAbsolute, relative, resolve } from 'node:path';
import { FormatError } from './errors.js';
import { readRange, withFile, type OpenedFile } from './file.js';
import { InputError } from '../types.js';
import { inflateAllAsync, isGzip } from './inflate.js';

/**
 * The path of a data file named in a header, relative to the header's folder. A name
 * that leaves that folder (absolute, `..`) or names the header itself is refused: a
 * header must not make segloss read files the user did not give it.
 */
export function resolveDataFile(headerPath: string, name: string): string {
  const folder = dirname(headerPath);
  if (name.length === 0) throw new FormatError('data file name is empty');
  if (isAbsolute(name)) throw new FormatError(`data file "${name}" is an absolute path; only files next to the header are read`);
  const path = resolve(folder, name);
  const rel = relative(resolve(folder), path);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) {
    throw new FormatError(`data file "${name}" points outside the header's folder`);
  }
  if (sameFile(path, headerPath)) throw new FormatError(`data file "${name}" is the header itself`);
  return path;
}

function sameFile(a: string, b: string): boolean {
  try {
    return realpathSync(a) === realpathSync(b);
  } catch {
    return resolve(a) === resolve(b);
  }
}

/**
 * Open a detached data file; its failures (missing, unreadable) are told as the header's
 * problem, naming the data file, so the case's error names the file the user gave.
 */
export async function withDataFile<T>(dataPath: string, run: (file: OpenedFile) => Promise<T>): Promise<T> {
  try {
    return await withFile(dataPath, run);
  } catch (err) {
    if (err instanceof InputError && err.file === dataPath) {
      throw new FormatError(`data file ${basename(dataPath)}: ${err.reason}`, { cause: err });
    }
    throw err;
  }
}

/**
 * A printf-style list of slice files (`slice%03d.raw 1 9 1`, NRRD with an optional
 * sub-dimension): a `%` in the name, or a name followed by three or four integers. A plain
 * name with spaces in it is a file name.
 */
export function isFilePattern(name: string): boolean {
  return /%/.test(name) || /\s-?\d+\s+-?\d+\s+-?\d+(\s+\d+)?\s*$/.test(name);
}

export type Compression = 'none' | 'zlib-or-gzip' | 'gzip';

export interface DataBlock {
  /** Byte offset of the block in the file (after any header). */
  offset: number;
  /** Bytes the decoded data must hold. */
  bytes: number;
  compression: Compression;
  /** Compressed stream length when the header states it; else to the end of the file. */
  compressedLength?: number;
  /** Bytes to skip before the data: in the file when uncompressed, after inflating when compressed. */
  skip: number;
  /** Data are the file's (or the inflated stream's) last `bytes` bytes (HeaderSize -1, byte skip -1). */
  fromEnd: boolean;
}

// Deflate expands at most 1032:1; a stream this short cannot hold what its header promises.
const MAX_DEFLATE_RATIO = 1032;

/** Read, and inflate when compressed, exactly `block.bytes` bytes of data. */
export async function readDataBlock(file: OpenedFile, block: DataBlock): Promise<Buffer> {
  const available = file.size - block.offset;
  if (available < 0) throw new FormatError(`data start at byte ${block.offset}, past the end of the file (${file.size} bytes)`);
  if (block.compression === 'none') {
    const start = block.fromEnd ? file.size - block.bytes : block.offset + block.skip;
    if (start < block.offset || start + block.bytes > file.size) {
      const held = Math.max(0, file.size - block.offset - (block.fromEnd ? 0 : block.skip));
      throw new FormatError(`data are truncated: the header promises ${block.bytes} bytes, the file holds ${held}`);
    }
    return readRange(file, start, block.bytes);
  }
  if (block.fromEnd) {
    throw new FormatError('data at the end of the file (-1 skip) cannot be compressed');
  }
  let length = available;
  if (block.compressedLength !== undefined) {
    if (block.compressedLength > available) {
      throw new FormatError(`compressed data are truncated: the header promises ${block.compressedLength} bytes, the file holds ${available}`);
    }
    length = block.compressedLength;
  }
  const need = block.bytes + block.skip;
  if (need > length * MAX_DEFLATE_RATIO + 1024) {
    throw new FormatError(`${length} compressed bytes cannot hold the ${need} bytes the header promises (truncated or a lying header?)`);
  }
  const stream = await readRange(file, block.offset, length);
  const kind = isGzip(stream) ? 'gzip' : block.compression === 'gzip' ? 'gzip' : 'zlib';
  const out = await inflateAllAsync(kind, stream, need);
  if (out.length !== need) {
    throw new FormatError(`compressed data inflate to ${out.length} bytes, the header promises ${need}`);
  }
  return out.subarray(block.skip);
}
