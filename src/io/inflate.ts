// Bounded decompression. Every inflate here has a hard output cap taken from what the
// file's own header promises, so a small file that would expand to gigabytes (a
// "gzip bomb") is refused instead of exhausting memory.
import buffer from 'node:buffer';
import zlib from 'node:zlib';
import { Gunzip, Inflate } from 'fflate';
import { FormatError } from './errors.js';

const MAX_BUFFER = buffer.constants.MAX_LENGTH;

export type Container = 'gzip' | 'deflate-raw';

/** True when the bytes start with the gzip signature (1f 8b). */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

// Compressed input fed per step while looking for a header. Deflate expands at most
// about 1032:1, so one step yields at most ~0.5 MB however hostile the stream is.
const PREFIX_STEP = 512;

/**
 * The first `want` decompressed bytes (fewer if the stream is shorter), inflating only
 * as much input as that takes: enough to read and validate a header before committing
 * memory to the body. Uses fflate's streaming decoder because node:zlib has no
 * synchronous way to stop early.
 */
export function inflatePrefix(kind: Container, src: Uint8Array, want: number): Uint8Array {
  const chunks: Uint8Array[] = [];
  let have = 0;
  let ended = false;
  const onData = (chunk: Uint8Array, final: boolean): void => {
    chunks.push(chunk);
    have += chunk.length;
    if (final) ended = true;
  };
  const stream = kind === 'gzip' ? new Gunzip(onData) : new Inflate(onData);
  try {
    for (let at = 0; at < src.length && have < want && !ended; at += PREFIX_STEP) {
      const end = Math.min(src.length, at + PREFIX_STEP);
      stream.push(src.subarray(at, end), end === src.length);
    }
  } catch (err) {
    // fflate's code 0 is "unexpected EOF": the input ran out mid-stream.
    if ((err as { code?: number }).code === 0) throw new FormatError(truncatedReason(kind));
    throw new FormatError(`corrupt compressed data (${(err as Error).message})`);
  }
  const out = new Uint8Array(Math.min(have, want));
  let at = 0;
  for (const chunk of chunks) {
    if (at >= out.length) break;
    const take = chunk.subarray(0, out.length - at);
    out.set(take, at);
    at += take.length;
  }
  return out;
}

// Deflate cannot expand data by more than 1032:1 (a 258-byte match coded in 2 bits), so
// a stream of n bytes inflates to at most this many: a bound no header can talk us past.
const MAX_DEFLATE_RATIO = 1032;
const MIN_CHUNK = 64 * 1024;

/**
 * Decompress a whole stream, refusing output beyond `limit` bytes, on libuv's thread
 * pool: the ground truth and the prediction of a case are read together (evaluatePair
 * awaits both), so their inflates run on two cores at once.
 *
 * The output buffer is sized once, to `limit + 1` bytes (or to the most the stream could
 * possibly inflate to, when that is smaller): node:zlib then fills a single chunk and
 * returns it without the Buffer.concat of many 16/64 KiB chunks, about twice as fast on a
 * 78 MB volume and with one copy less at peak. The "+ 1" matters twice: an honest stream
 * never fills the chunk, so zlib never allocates a second one; a bomb does fill it, and
 * then it has produced more than `limit` bytes and is refused at once.
 */
export function inflateAllAsync(kind: Container, src: Uint8Array, limit: number): Promise<Buffer> {
  const options = inflateOptions(src, limit);
  return new Promise((resolve, reject) => {
    const done = (err: Error | null, out: Buffer) => (err ? reject(new FormatError(zlibReason(kind, err, limit))) : resolve(out));
    if (kind === 'gzip') zlib.gunzip(src, options, done);
    else zlib.inflateRaw(src, options, done);
  });
}

function inflateOptions(src: Uint8Array, limit: number): zlib.ZlibOptions {
  if (limit > MAX_BUFFER) {
    throw new FormatError(`needs ${limit} bytes decompressed, more than one Node buffer can hold (${MAX_BUFFER})`);
  }
  const possible = src.length * MAX_DEFLATE_RATIO + MIN_CHUNK;
  return {
    maxOutputLength: Math.max(1, limit),
    chunkSize: Math.max(MIN_CHUNK, Math.min(limit + 1, possible, MAX_BUFFER)),
  };
}

function zlibReason(kind: Container, err: unknown, limit: number): string {
  const e = err as NodeJS.ErrnoException;
  if (err instanceof RangeError && /allocat/i.test(err.message)) {
    return `needs up to ${limit} bytes to decompress, more than this process can allocate`;
  }
  if (e?.code === 'ERR_BUFFER_TOO_LARGE') {
    return `decompresses to more than the ${limit} bytes its header promises; refusing a possible decompression bomb`;
  }
  if (e?.code === 'Z_BUF_ERROR') return truncatedReason(kind);
  if (e?.code === 'Z_DATA_ERROR') return `corrupt compressed data (${e.message})`;
  return `cannot decompress (${e?.message ?? String(err)})`;
}

function truncatedReason(kind: Container): string {
  return kind === 'gzip' ? 'compressed file is truncated' : 'compressed data is truncated';
}
