// A PNG's colour type and interlace method from its IHDR (bytes 25 and 28 of the file),
// so `inspect` can say what the file is, not only what the reader made of it.
import { closeSync, openSync, readSync } from 'node:fs';

const COLOUR: Record<number, string> = { 0: 'grey', 2: 'RGB', 3: 'palette', 4: 'grey+alpha', 6: 'RGBA' };

export function pngLayout(path: string): { colour: string; interlaced: boolean } | null {
  let fd: number | null = null;
  try {
    fd = openSync(path, 'r');
    const head = Buffer.alloc(29);
    if (readSync(fd, head, 0, 29, 0) < 29 || head.toString('latin1', 12, 16) !== 'IHDR') return null;
    const colour = COLOUR[head[25]];
    return colour ? { colour, interlaced: head[28] === 1 } : null;
  } catch {
    return null;
  } finally {
    if (fd !== null) closeSync(fd);
  }
}
