// How much data a case holds, estimated from its files without decoding them: enough to
// tell a case the main thread may evaluate between two looks at the event loop (so a
// SIGINT/SIGTERM is handled within a second) from one that must go to a worker thread.
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import type { CasePair } from './discover.js';

/**
 * Above this many decoded bytes (ground truth + prediction) a case goes to a worker
 * thread even with --workers 1: the engine runs at roughly 10 M voxels/s on one thread
 * (surface metrics slower), so 8 MiB is well under a second of blocked event loop.
 */
export const MAIN_THREAD_MAX_BYTES = 8 * 1024 * 1024;

/** Decoded size of one file: its size, or a gzip member's ISIZE trailer (size mod 2^32). */
export function decodedBytes(path: string): number {
  let size: number;
  try {
    size = statSync(path).size;
  } catch {
    return 0; // The reader reports the problem for its case.
  }
  if (!/\.gz$/i.test(path) || size < 18) return size;
  let fd: number | null = null;
  try {
    fd = openSync(path, 'r');
    const tail = Buffer.alloc(4);
    readSync(fd, tail, 0, 4, size - 4);
    // ISIZE wraps at 4 GiB; a trailer smaller than the file means it wrapped (or lies).
    return Math.max(tail.readUInt32LE(0), size);
  } catch {
    return size;
  } finally {
    if (fd !== null) closeSync(fd);
  }
}

/** True when the case is too large to evaluate on the main thread without blocking signals. */
export function isLargeCase(pair: CasePair): boolean {
  let bytes = decodedBytes(pair.gt);
  if (bytes > MAIN_THREAD_MAX_BYTES) return true;
  if (pair.pred) bytes += decodedBytes(pair.pred);
  return bytes > MAIN_THREAD_MAX_BYTES;
}
