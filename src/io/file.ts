// File access for the readers: open with human reasons for the usual failures, and
// read byte ranges into fresh buffers. Fresh buffers (allocUnsafeSlow, never the shared
// pool) start at byteOffset 0, so typed-array views over them are aligned and a reader
// can hand out zero-copy views or byte-swap in place without touching anyone else's data.
import type { Stats } from 'node:fs';
import { closeSync, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { InputError } from '../types.js';
import { FormatError } from './errors.js';

export interface OpenedFile {
  size: number;
  /** Reads up to `length` bytes at `position` into `buf` from `offset`; resolves to the bytes read. */
  read(buf: Uint8Array, offset: number, length: number, position: number): Promise<number>;
  close(): Promise<void>;
}

/**
 * Files up to this size are opened and read with blocking calls: a 2D slice or a small
 * volume is read in well under a millisecond, while the five hops of an async
 * stat/open/fstat/read/close through libuv's thread pool cost about as much as decoding
 * a 512×512 PNG, and two workers queue on the same pool. Larger files stay asynchronous,
 * so a case's two CT volumes are read, and inflated, at the same time.
 */
const SYNC_MAX = 8 << 20;

const FS_REASONS: Record<string, string> = {
  ENOENT: 'file not found',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'is a directory, not a file',
  ENOTDIR: 'a parent of the path is not a directory',
  ELOOP: 'too many levels of symbolic links',
  ENAMETOOLONG: 'file name too long',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files',
  EIO: 'input/output error while reading',
};

function fsError(path: string, err: unknown): InputError {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  const reason = (code && FS_REASONS[code]) ?? `file system error (${code ?? String(err)})`;
  return new InputError(path, reason);
}

function isSyscallError(err: unknown): boolean {
  return typeof err === 'object' && err !== null && 'syscall' in err;
}

/** Open a regular, non-empty file for reading; every refusal is an InputError. */
export async function openFile(path: string): Promise<OpenedFile> {
  // Look before opening: open() on a FIFO blocks until a writer appears, which would
  // hang the whole run on one odd directory entry.
  let kind: Stats;
  try {
    kind = statSync(path);
  } catch (err) {
    throw fsError(path, err);
  }
  if (kind.isDirectory()) throw new InputError(path, 'is a directory, not a file');
  if (!kind.isFile()) throw new InputError(path, 'not a regular file');
  return kind.size <= SYNC_MAX ? openSyncFile(path) : openAsyncFile(path);
}

function checkOpened(path: string, st: Stats): void {
  if (!st.isFile()) throw new InputError(path, 'not a regular file'); // swapped since stat()
  if (st.size === 0) throw new InputError(path, 'file is empty');
}

function openSyncFile(path: string): OpenedFile {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    throw fsError(path, err);
  }
  try {
    const st = fstatSync(fd);
    checkOpened(path, st);
    return {
      size: st.size,
      read: (buf, offset, length, position) => Promise.resolve(readSync(fd, buf, offset, length, position)),
      close: () => Promise.resolve(closeSync(fd)),
    };
  } catch (err) {
    closeSync(fd);
    throw err instanceof InputError ? err : fsError(path, err);
  }
}

async function openAsyncFile(path: string): Promise<OpenedFile> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (err) {
    throw fsError(path, err);
  }
  try {
    const st = await handle.stat();
    checkOpened(path, st);
    return {
      size: st.size,
      read: async (buf, offset, length, position) => (await handle.read(buf, offset, length, position)).bytesRead,
      close: () => handle.close(),
    };
  } catch (err) {
    await handle.close();
    throw err instanceof InputError ? err : fsError(path, err);
  }
}

/**
 * From this size a buffer is shared memory: a large float prediction is then sorted in its
 * own memory by two threads at once (losses/parallel/split.ts), which a helper thread can
 * only do in memory it can see. The engine splits classes from 2²² voxels (16 MiB of float32).
 */
const SHARED_FROM = 1 << 24;

/** A fresh, unpooled buffer, with an allocation failure reported as bad input. */
export function allocBytes(length: number): Buffer {
  try {
    return length >= SHARED_FROM ? Buffer.from(new SharedArrayBuffer(length)) : Buffer.allocUnsafeSlow(length);
  } catch {
    throw new FormatError(`needs ${length} bytes of memory, more than this process can allocate`);
  }
}

// One read() call moves at most about 2 GiB on Linux; larger ranges loop.
const MAX_READ = 1 << 30;

/** Read exactly `length` bytes at `position` into a fresh buffer. */
export async function readRange(file: OpenedFile, position: number, length: number): Promise<Buffer> {
  const buf = allocBytes(length);
  let done = 0;
  while (done < length) {
    const want = Math.min(MAX_READ, length - done);
    const bytesRead = await file.read(buf, done, want, position + done);
    if (bytesRead === 0) throw new FormatError(`file ended after ${position + done} bytes while reading (was it truncated while being read?)`);
    done += bytesRead;
  }
  return buf;
}

/** Open, run, and always close, mapping read failures to InputError. */
export async function withFile<T>(path: string, run: (file: OpenedFile) => Promise<T>): Promise<T> {
  const file = await openFile(path);
  try {
    return await run(file);
  } catch (err) {
    // Only system-call failures (EIO, ...) are file errors; zlib and RangeErrors pass on.
    if (isSyscallError(err)) throw fsError(path, err);
    throw err;
  } finally {
    await file.close();
  }
}

/** The whole file in one fresh buffer. */
export async function readWholeFile(path: string): Promise<Buffer> {
  return withFile(path, (file) => readRange(file, 0, file.size));
}
