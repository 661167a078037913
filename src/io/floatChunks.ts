// A file's float32/float64 data read chunk by chunk into buffers a thread owns and reuses
// from chunk to chunk and from case to case, for a pass that never needs the whole array:
// no page of a volume-sized buffer is ever faulted in. Stored data: the next chunk is read
// (libuv's thread pool) while the pass runs over the current one. Gzip data: inflated from
// the file a piece at a time, the output cut into whole-element chunks.
import zlib from 'node:zlib';
import type { RawArray } from '../types.js';
import { HOST_LITTLE_ENDIAN } from './elements.js';
import { FormatError } from './errors.js';
import { allocBytes, withFile, type OpenedFile } from './file.js';
import { feed } from './inflateFile.js';

/** Where a file's values lie and how they are stored, known from its header alone. */
export interface FloatChunkPlan {
  /** Byte offset of the first value: in the file, or in the inflated stream when `gzip`. */
  offset: number;
  count: number;
  bytes: 4 | 8;
  littleEndian: boolean;
  /** The whole file is one gzip stream; inflating more than `limit` bytes of it is refused. */
  gzip?: { limit: number };
}

/** A file whose values can be read as float chunks. */
export interface FloatChunkSource {
  path: string;
  plan: FloatChunkPlan;
  /** The RawArray the format's reader would give, with a zero-length `data` of the same type. */
  raw: RawArray;
}

/** A chunk of values: a view of a reused buffer, valid only during the callback it is given to. */
export type FloatChunk = Float32Array | Float64Array;

/** Bytes per chunk: a few MiB, so a chunk's values and labels stay in cache between the passes over it. */
export const FLOAT_CHUNK_BYTES = 1 << 20;

/** The zero-length array of a plan's element type, for the `raw` of a source. */
export function emptyOf(bytes: 4 | 8): Float32Array | Float64Array {
  return bytes === 4 ? new Float32Array(0) : new Float64Array(0);
}

/** Reads exactly `length` bytes at `position` into buf[0, length), as readRange does (same message when the file ends early). */
async function fill(file: OpenedFile, buf: Uint8Array, length: number, position: number): Promise<void> {
  let done = 0;
  while (done < length) {
    const got = await file.read(buf, done, length - done, position + done);
    if (got === 0) throw new FormatError(`file ended after ${position + done} bytes while reading (was it truncated while being read?)`);
    done += got;
  }
}

/** Chunk buffers a read uses: two alternate for stored values; gzip output fills one while the others wait for the pass. */
type Ring = [Buffer, Buffer, Buffer];

/** This thread's chunk buffers, lent to one read at a time (a second read at once gets its own). */
let threadBuffers: Ring | null = null;
let lent = false;

function borrowBuffers(): [Ring, () => void] {
  const fresh = (): Ring => [allocBytes(FLOAT_CHUNK_BYTES), allocBytes(FLOAT_CHUNK_BYTES), allocBytes(FLOAT_CHUNK_BYTES)];
  if (lent) return [fresh(), () => {}];
  threadBuffers ??= fresh();
  lent = true;
  return [threadBuffers, () => (lent = false)];
}

/** A read that failed (the file changed since its header was read, a damaged stream): `cause` says why. */
export class ChunkReadFailed extends Error {
  constructor(readonly path: string, cause: unknown) {
    super(`${path}: chunked read failed`, { cause });
  }
}

/**
 * Hands `each` the values of `src` in file order, chunk by chunk (each at most
 * FLOAT_CHUNK_BYTES, the last one shorter), in host byte order. What `each` throws stops
 * the read and passes on as it is; a read that fails rejects with ChunkReadFailed.
 */
export async function readFloatChunks(src: FloatChunkSource, each: (values: FloatChunk) => void): Promise<void> {
  const [buffers, giveBack] = borrowBuffers();
  let stopped = null as { reason: unknown } | null;
  const guardedEach = (values: FloatChunk): boolean => {
    try {
      each(values);
      return true;
    } catch (reason) {
      stopped = { reason };
      return false;
    }
  };
  try {
    await withFile(src.path, (file) => (src.plan.gzip ? inflateChunks(file, src.plan, src.plan.gzip.limit, buffers, guardedEach) : storedChunks(file, src.plan, [buffers[0], buffers[1]], guardedEach)));
  } catch (err) {
    throw new ChunkReadFailed(src.path, err);
  } finally {
    giveBack();
  }
  if (stopped) throw stopped.reason;
}

function view(buf: Buffer, plan: FloatChunkPlan, len: number): FloatChunk {
  if (plan.littleEndian !== HOST_LITTLE_ENDIAN) {
    const bytes = buf.subarray(0, len * plan.bytes);
    if (plan.bytes === 4) bytes.swap32();
    else bytes.swap64();
  }
  return plan.bytes === 4 ? new Float32Array(buf.buffer, buf.byteOffset, len) : new Float64Array(buf.buffer, buf.byteOffset, len);
}

/** Stored values: two buffers alternate, the next chunk read while `each` runs on the current. */
async function storedChunks(file: OpenedFile, plan: FloatChunkPlan, buffers: [Buffer, Buffer], each: (v: FloatChunk) => boolean): Promise<void> {
  const { count, bytes, offset } = plan;
  const held = file.size - offset;
  // The file may have changed since its header was read.
  if (held < count * bytes) throw new FormatError(`file is truncated: ${count * bytes} bytes of data needed, the file holds ${Math.max(0, held)}`);
  const per = Math.floor(FLOAT_CHUNK_BYTES / bytes);
  const read = (from: number, buf: Buffer) => fill(file, buf, Math.min(per, count - from) * bytes, offset + from * bytes);
  let pending = read(0, buffers[0]);
  for (let from = 0, k = 0; from < count; from += per, k++) {
    await pending;
    const len = Math.min(per, count - from);
    if (from + per < count) pending = read(from + per, buffers[(k + 1) & 1]);
    if (!each(view(buffers[k & 1], plan, len))) {
      // The read already under way finishes before the file is closed.
      await pending.catch(() => {});
      return;
    }
  }
}

/** Compressed bytes read per piece. */
const PIECE = 1 << 20;

/**
 * A gzip file inflated a piece at a time, its output from `plan.offset` on cut into
 * whole-element chunks and handed to `each`. The pass over a full chunk runs on its own
 * turn of the event loop (setImmediate), so zlib inflates the next piece on the thread
 * pool meanwhile; with every buffer waiting for the pass, the stream is paused. Output
 * beyond `limit` bytes, a stream that ends before the last value, and zlib's complaints reject.
 */
function inflateChunks(file: OpenedFile, plan: FloatChunkPlan, limit: number, ring: Ring, each: (v: FloatChunk) => boolean): Promise<void> {
  const need = plan.count * plan.bytes;
  const chunkBytes = Math.floor(FLOAT_CHUNK_BYTES / plan.bytes) * plan.bytes;
  return new Promise((resolve, reject) => {
    const z = zlib.createGunzip({ chunkSize: PIECE });
    const free: Buffer[] = ring.slice(1);
    const full: { buf: Buffer; len: number }[] = [];
    let cur = ring[0];
    let written = 0;
    let skip = plan.offset;
    let filled = 0;
    let delivered = 0;
    let ended = false;
    let passing = false;
    let over = false;
    const finish = (err?: unknown) => {
      if (over) return;
      over = true;
      z.destroy();
      if (err === undefined) resolve();
      else reject(err);
    };
    // One full chunk per turn; the buffer goes back to the free ones, and a paused stream resumes.
    const pass = () => {
      passing = false;
      if (over) return;
      const next = full.shift();
      if (next) {
        if (!each(view(next.buf, plan, next.len))) return finish();
        free.push(next.buf);
        if (z.isPaused()) z.resume();
      }
      if (full.length > 0) schedule();
      else if (ended) finish(delivered < need ? new FormatError(`decompressed data end after ${delivered} of ${need} bytes`) : undefined);
    };
    const schedule = () => {
      if (!passing) {
        passing = true;
        setImmediate(pass);
      }
    };
    z.on('data', (out: Buffer) => {
      if (over) return;
      written += out.length;
      if (written > limit) return finish(new FormatError(`decompresses to more than the ${limit} bytes its header promises`));
      let at = Math.min(skip, out.length);
      skip -= at;
      // A piece is at most one chunk long, so it fills the current buffer and at most one free one.
      while (at < out.length && delivered < need) {
        const take = Math.min(chunkBytes - filled, out.length - at, need - delivered - filled);
        out.copy(cur, filled, at, at + take);
        filled += take;
        at += take;
        if (filled === chunkBytes || delivered + filled === need) {
          full.push({ buf: cur, len: filled / plan.bytes });
          delivered += filled;
          filled = 0;
          cur = free.shift()!;
          schedule();
        }
      }
      if (free.length === 0) z.pause();
    });
    z.on('error', (err) => finish(new FormatError(`corrupt gzip stream (${err.message})`)));
    z.on('end', () => {
      ended = true;
      schedule();
    });
    feed(file, 0, z, () => over).catch(finish);
  });
}

