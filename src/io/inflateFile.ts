// A compressed stream inflated straight from its file, a piece at a time: the compressed
// bytes are never held whole (a CT's float32 .nii.gz is ~280 MB of them, which used to sit
// in memory beside the inflated volume). Same bounds and same messages as inflateAllAsync:
// the output is capped by what the header promises, and a stream that would pass the cap is
// refused as a possible bomb as soon as it does.
import zlib from 'node:zlib';
import buffer from 'node:buffer';
import { FormatError } from './errors.js';
import { allocBytes, type OpenedFile } from './file.js';
import { MAX_DEFLATE_RATIO, MIN_CHUNK, zlibReason, type Container } from './inflate.js';

/** Compressed bytes read per piece; two pieces alternate so a read overlaps the inflate of the one before. */
const PIECE = 1 << 20;

function streamOf(kind: Container): zlib.Gunzip | zlib.Inflate | zlib.InflateRaw {
  const options = { chunkSize: PIECE };
  return kind === 'gzip' ? zlib.createGunzip(options) : kind === 'zlib' ? zlib.createInflate(options) : zlib.createInflateRaw(options);
}

/**
 * Inflates the file's bytes from `position` to its end into one buffer; more than `limit`
 * bytes of output is refused. Resolves to the bytes inflated (a view of one fresh buffer).
 */
export function inflateFile(kind: Container, file: OpenedFile, position: number, limit: number): Promise<Buffer> {
  if (limit > buffer.constants.MAX_LENGTH) {
    return Promise.reject(new FormatError(`needs ${limit} bytes decompressed, more than one Node buffer can hold (${buffer.constants.MAX_LENGTH})`));
  }
  // No stream of n bytes inflates to more than n · 1032: a lying header commits no more memory than that.
  const room = Math.max(1, Math.min(limit, (file.size - position) * MAX_DEFLATE_RATIO + MIN_CHUNK));
  let out: Buffer;
  try {
    out = allocBytes(room);
  } catch (err) {
    return Promise.reject(err);
  }
  return new Promise((resolve, reject) => {
    const z = streamOf(kind);
    let written = 0;
    let failed = false;
    const fail = (err: unknown) => {
      if (failed) return;
      failed = true;
      z.destroy();
      reject(err);
    };
    z.on('data', (chunk: Buffer) => {
      if (failed) return;
      if (written + chunk.length > limit) {
        fail(new FormatError(`decompresses to more than the ${limit} bytes its header promises; refusing a possible decompression bomb`));
        return;
      }
      chunk.copy(out, written);
      written += chunk.length;
    });
    z.on('error', (err) => fail(new FormatError(zlibReason(kind, err, limit))));
    z.on('end', () => {
      if (!failed) resolve(out.subarray(0, written));
    });
    feed(file, position, z, () => failed).catch(fail);
  });
}

/** Reads the file from `position` into the stream, then ends it; stops early once `stopped()`. */
export async function feed(file: OpenedFile, position: number, z: zlib.Gunzip | zlib.Inflate | zlib.InflateRaw, stopped: () => boolean): Promise<void> {
  const pieces = [allocBytes(Math.min(PIECE, file.size - position)), allocBytes(Math.min(PIECE, file.size - position))];
  let pending: Promise<void> = Promise.resolve();
  let k = 0;
  for (let at = position; at < file.size && !stopped(); k ^= 1) {
    const piece = pieces[k];
    const got = await file.read(piece, 0, Math.min(piece.length, file.size - at), at);
    if (got === 0) throw new FormatError(`file ended after ${at} bytes while reading (was it truncated while being read?)`);
    at += got;
    // The other piece is free again once its write has been consumed.
    await pending;
    if (stopped()) return;
    pending = new Promise((done) => z.write(piece.subarray(0, got), () => done()));
  }
  await pending;
  if (!stopped()) z.end();
}
