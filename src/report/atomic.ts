import { randomBytes } from 'node:crypto';
import { unlinkSync } from 'node:fs';
import { open, rename, stat, unlink, chmod } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { WriteAbortedError } from '../errors.js';

export type OutputFormat = 'json' | 'csv' | 'markdown';

/** --out format from the file extension (case-insensitive); null when it names none. */
export function formatForPath(path: string): OutputFormat | null {
  switch (extname(path).toLowerCase()) {
    case '.json':
      return 'json';
    case '.csv':
      return 'csv';
    case '.md':
    case '.markdown':
      return 'markdown';
    default:
      return null;
  }
}

/**
 * Replace `path` with `text` so a reader (or a crash) sees the old file or the new one,
 * never a half-written one: the temp file lives in the same folder because rename is
 * only atomic within one file system. An existing target's permission bits are kept, so
 * replacing a report does not silently change who may read it.
 */
export async function atomicWrite(path: string, text: string): Promise<void> {
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  if (aborting) throw new WriteAbortedError(path);
  const run = async (): Promise<void> => {
    let created = false;
    try {
      // 'wx': never follow or clobber something already sitting at the temp name.
      const fh = await open(tmp, 'wx');
      created = true;
      try {
        await fh.writeFile(text, 'utf8');
        await fh.sync();
      } finally {
        await fh.close();
      }
      const mode = await stat(path).then(
        (s) => s.mode & 0o7777,
        () => null,
      );
      if (mode !== null) await chmod(tmp, mode);
      // The last point where an interrupted run can still leave the target untouched.
      if (aborting) throw new WriteAbortedError(path);
      await rename(tmp, path);
      created = false;
    } catch (err) {
      if (created) await unlink(tmp).catch(() => undefined);
      throw err;
    }
  };
  const done = run();
  pending.set(tmp, done.then(
    () => undefined,
    () => undefined,
  ));
  try {
    await done;
  } finally {
    pending.delete(tmp);
  }
  await syncDir(dir);
}

/** Temp file → settles (never rejects) when that atomicWrite has finished or given up. */
const pending = new Map<string, Promise<void>>();
let aborting = false;

/**
 * For a process about to end on a signal (SIGINT/SIGTERM): every atomicWrite still in
 * flight gives up before its rename (removing its temp file) and no new one starts, so an
 * interrupted run leaves neither a half-written report nor a `.name.pid.hex.tmp` behind.
 * Waits for those writes to settle, at most `timeoutMs`; then removes, synchronously, any
 * temp file still there. Returns the temp paths that were in flight. One-way: meant to be
 * followed by process.exit.
 */
export async function abortPendingWrites(timeoutMs = 2000): Promise<string[]> {
  aborting = true;
  const inFlight = [...pending.keys()];
  if (inFlight.length > 0) {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
    });
    await Promise.race([Promise.all(pending.values()), timeout]);
    clearTimeout(timer);
  }
  for (const tmp of inFlight) {
    try {
      unlinkSync(tmp);
    } catch {
      // Already removed by its own atomicWrite, or never created: the usual case.
    }
  }
  return inFlight;
}

/** Persist the rename itself; best effort, some platforms cannot fsync a directory. */
async function syncDir(dir: string): Promise<void> {
  try {
    const fh = await open(dir, 'r');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
  } catch {
    // The data is already in place; only durability across a power cut is at stake.
  }
}
