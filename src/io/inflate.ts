// Bounded decompression. Every inflate here has a hard output cap taken from what the
// file's own header promises, so a small file that would expand to gigabytes (a
// "gzip bomb") is refused instead of exhausting memory.
import buffer from 'node:buffer';
import zlib from 'node:zlib';
import { FormatError } from './errors.js';

const MAX_BUFFER = buffer.constants.MAX_LENGTH;

export type Container = 'gzip' | 'zlib' | 'deflate-raw';

/** True when the bytes start with the gzip signature (1f 8b). */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

// Compressed input tried first while looking for a header; each retry takes four times
// more. Deflate expands at most about 1032:1, so a try yields at most ~1032 bytes per
// input byte however hostile the stream is.
const PREFIX_STEP = 512;

/**
 * The first `want` decompressed bytes (fewer if the stream is shorter), inflating only a
 * prefix of the input: enough to read and validate a header before committing memory to
 * the body. node:zlib with a sync flush decodes a cut-off stream as far as it goes, so a
 * short prefix is tried first and only a header that is not there yet costs a longer one.
 * (fflate's streaming decoder did this in 512-byte pushes, but in JS, cold on every worker
 * thread, and decoding ~0.5 MB per push: milliseconds for a small volume's header.)
 */
export function inflatePrefix(kind: Container, src: Uint8Array, want: number): Uint8Array {
  const run = (input: Uint8Array, finish: boolean): Buffer => {
    const options: zlib.ZlibOptions = {
      finishFlush: finish ? zlib.constants.Z_FINISH : zlib.constants.Z_SYNC_FLUSH,
      maxOutputLength: Math.min(MAX_BUFFER, input.length * MAX_DEFLATE_RATIO + MIN_CHUNK),
    };
    try {
      return inflateSyncOf(kind)(input, options);
    } catch (err) {
      throw new FormatError(zlibReason(kind, err, options.maxOutputLength!));
    }
  };
  for (let len = PREFIX_STEP; ; len *= 4) {
    const input = src.subarray(0, Math.min(src.length, len));
    const out = run(input, false);
    if (out.length >= want) return out.subarray(0, want);
    if (input.length === src.length) {
      // The whole stream and still short: a stream that ends early, or one cut off or
      // damaged, which finishing it says.
      run(input, true);
      return out;
    }
  }
}

// Deflate cannot expand data by more than 1032:1 (a 258-byte match coded in 2 bits), so
// a stream of n bytes inflates to at most this many: a bound no header can talk us past.
export const MAX_DEFLATE_RATIO = 1032;
export const MIN_CHUNK = 64 * 1024;

/**
 * Streams that inflate to at most this many bytes (a small volume, a 2D slice) are
 * inflated synchronously: under --workers the round trip through libuv's pool, shared by
 * the workers, made a 96×96×64 case about four times slower than the inflate itself.
 */
const SYNC_INFLATE_MAX = 4 << 20;

/**
 * Decompress a whole stream, refusing output beyond `limit` bytes, on libuv's thread
 * pool: the ground truth and the prediction of a case are read together (evaluatePair
 * awaits both), so their inflates run on two cores at once (small ones: see
 * SYNC_INFLATE_MAX).
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
  if (limit <= SYNC_INFLATE_MAX) {
    // Small streams inflate here: a hop to the thread pool and back costs more than the work.
    try {
      return Promise.resolve(inflateSyncOf(kind)(src, options));
    } catch (err) {
      return Promise.reject(new FormatError(zlibReason(kind, err, limit)));
    }
  }
  return new Promise((resolve, reject) => {
    const done = (err: Error | null, out: Buffer) => (err ? reject(new FormatError(zlibReason(kind, err, limit))) : resolve(out));
    if (kind === 'gzip') zlib.gunzip(src, options, done);
    else if (kind === 'zlib') zlib.inflate(src, options, done);
    else zlib.inflateRaw(src, options, done);
  });
}

function inflateSyncOf(kind: Container): (src: Uint8Array, options: zlib.ZlibOptions) => Buffer {
  return kind === 'gzip' ? zlib.gunzipSync : kind === 'zlib' ? zlib.inflateSync : zlib.inflateRawSync;
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

export function zlibReason(kind: Container, err: unknown, limit: number): string {
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
