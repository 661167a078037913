// A plain float .npy read chunk by chunk into two buffers a thread owns and reuses from
// chunk to chunk and from case to case, for a pass that never needs the whole array: the
// read of the next chunk (libuv's thread pool) overlaps the pass over the current one,
// and no page of a volume-sized buffer is ever faulted in.
import type { RawArray } from '../types.js';
import { HOST_LITTLE_ENDIAN } from './elements.js';
import { FormatError, guarded } from './errors.js';
import { allocBytes, withFile, type OpenedFile } from './file.js';
import { checkDataLength, readNpyHeader, toRawArray, type NpyHeader } from './npy.js';
import { maxVoxelsOf, type ReadOptions } from './options.js';

/** A .npy whose data can be read as float chunks, known from its header alone. */
export interface NpyChunkSource {
  path: string;
  header: NpyHeader;
  /** The RawArray readNpy would give, with a zero-length `data` of the same type (the values are read by readNpyChunks). */
  raw: RawArray;
}

/** A chunk of values: a view of a reused buffer, valid only during the callback it is given to. */
export type FloatChunk = Float32Array | Float64Array;

/** Bytes per chunk: a few MiB, so a chunk's values and labels stay in cache between the passes over it. */
export const NPY_CHUNK_BYTES = 1 << 20;

/**
 * The header of `path` when its data are float32 or float64 and exactly the size the
 * shape needs; null for anything else, a failure included (the whole-file reader then
 * says what is wrong, in its own words).
 */
export async function probeFloatNpy(path: string, opts?: ReadOptions): Promise<NpyChunkSource | null> {
  try {
    const maxVoxels = maxVoxelsOf(opts);
    return await withFile(path, async (file) => {
      const header = await readNpyHeader((length) => readExactly(file, Math.min(length, file.size)), maxVoxels);
      if (header.stored.kind !== 'float' || header.stored.bytes === 2) return null;
      if (file.size - header.dataOffset !== header.dataBytes) return null;
      const dtype = header.stored.bytes === 4 ? 'float32' : 'float64';
      const data = dtype === 'float32' ? new Float32Array(0) : new Float64Array(0);
      return { path, header, raw: toRawArray(path, header, { data, dtype, integer: false }) };
    });
  } catch {
    return null;
  }
}

async function readExactly(file: OpenedFile, length: number): Promise<Uint8Array> {
  const buf = new Uint8Array(length);
  await fill(file, buf, length, 0);
  return buf;
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

/** This thread's two chunk buffers, lent to one read at a time (a second read at once gets its own). */
let threadBuffers: [Buffer, Buffer] | null = null;
let lent = false;

function borrowBuffers(): [[Buffer, Buffer], () => void] {
  if (lent) return [[allocBytes(NPY_CHUNK_BYTES), allocBytes(NPY_CHUNK_BYTES)], () => {}];
  threadBuffers ??= [allocBytes(NPY_CHUNK_BYTES), allocBytes(NPY_CHUNK_BYTES)];
  lent = true;
  return [threadBuffers, () => (lent = false)];
}

/**
 * Hands `each` the data of `src` in voxel order, chunk by chunk (each at most
 * NPY_CHUNK_BYTES, the last one shorter), in host byte order; the next chunk is read
 * while `each` runs. `each` may throw to stop the read. Read failures are InputErrors
 * naming the file, with readNpy's words.
 */
export async function readNpyChunks(src: NpyChunkSource, each: (values: FloatChunk) => void): Promise<void> {
  const { header } = src;
  const size = header.stored.bytes;
  const per = Math.floor(NPY_CHUNK_BYTES / size);
  const [buffers, giveBack] = borrowBuffers();
  // What `each` throws passes on as it is: only the reading is the file's failure.
  let stopped = null as { reason: unknown } | null;
  try {
    await guarded(src.path, 'NumPy .npy', () =>
      withFile(src.path, async (file) => {
        // The file may have changed since its header was read.
        checkDataLength(header, file.size - header.dataOffset);
        const count = header.count;
        const read = (from: number, buf: Buffer): Promise<void> =>
          fill(file, buf, Math.min(per, count - from) * size, header.dataOffset + from * size);
        let pending = read(0, buffers[0]);
        for (let from = 0, k = 0; from < count; from += per, k++) {
          await pending;
          const buf = buffers[k & 1];
          const len = Math.min(per, count - from);
          if (from + per < count) pending = read(from + per, buffers[(k + 1) & 1]);
          if (header.littleEndian !== HOST_LITTLE_ENDIAN) swapInPlace(buf, len * size, size);
          const values = size === 4 ? new Float32Array(buf.buffer, buf.byteOffset, len) : new Float64Array(buf.buffer, buf.byteOffset, len);
          try {
            each(values);
          } catch (reason) {
            // The read already under way finishes before the file is closed.
            await pending.catch(() => {});
            stopped = { reason };
            return;
          }
        }
      }),
    );
  } finally {
    giveBack();
  }
  if (stopped) throw stopped.reason;
}

function swapInPlace(buf: Buffer, bytes: number, size: number): void {
  const view = buf.subarray(0, bytes);
  if (size === 4) view.swap32();
  else view.swap64();
}
