import { randomBytes } from 'node:crypto';
import { open, rename, stat, unlink, chmod } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';

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
    await rename(tmp, path);
    created = false;
  } catch (err) {
    if (created) await unlink(tmp).catch(() => undefined);
    throw err;
  }
  await syncDir(dir);
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
