// NumPy .npz reader: a ZIP of .npy entries. We take `probabilities.npy` (what nnU-Net
// writes) or else the only array; anything else is ambiguous and refused with the keys.
// Only the central directory and the chosen entry are read from disk.
import zlib from 'node:zlib';
import type { RawArray } from '../types.js';
import { describe, FormatError, guarded } from './errors.js';
import { readRange, withFile, type OpenedFile } from './file.js';
import { inflateAllAsync, inflatePrefix } from './inflate.js';
import { checkDataLength, decodeNpyData, readNpyHeader, toRawArray, type NpyHeader } from './npy.js';
import { maxVoxelsOf, type ReadOptions } from './options.js';
import { entryDataOffset, listZipEntries, type ByteSource, type ZipEntry } from './zip.js';

const PREFERRED_KEY = 'probabilities';
const STORED = 0;
const DEFLATE = 8;

export async function readNpz(path: string, opts?: ReadOptions): Promise<RawArray> {
  const maxVoxels = maxVoxelsOf(opts);
  return guarded(path, 'NumPy .npz', () =>
    withFile(path, async (file) => {
      const source: ByteSource = { size: file.size, read: (position, length) => readRange(file, position, length) };
      const entry = chooseEntry(await listZipEntries(source));
      try {
        const start = await entryDataOffset(source, entry);
        const { header, npy } = await readEntry(file, start, entry, maxVoxels);
        if ((zlib.crc32(npy) >>> 0) !== entry.crc32) throw new FormatError('CRC mismatch (the archive is corrupt)');
        const raw = toRawArray(path, header, decodeNpyData(header, npy.subarray(header.dataOffset)));
        return { ...raw, format: 'npz', npzKey: entry.name.slice(0, -'.npy'.length) } satisfies RawArray;
      } catch (err) {
        // Name the entry, since an archive may hold several.
        throw new FormatError(`entry '${entry.name}': ${describe(err)}`);
      }
    }),
  );
}

/** numpy names each array's entry "<key>.npy"; other entries are not arrays. */
export function chooseEntry(entries: ZipEntry[]): ZipEntry {
  const arrays = entries.filter((e) => e.name.endsWith('.npy'));
  const preferred = arrays.find((e) => e.name === `${PREFERRED_KEY}.npy`);
  if (preferred) return preferred;
  if (arrays.length === 1) return arrays[0]!;
  if (arrays.length === 0) {
    const names = entries.map((e) => e.name).join(', ');
    throw new FormatError(`archive holds no .npy array${names ? ` (entries: ${names})` : ''}`);
  }
  const keys = arrays.map((e) => e.name.slice(0, -'.npy'.length)).join(', ');
  throw new FormatError(`archive holds several arrays (${keys}) and none is named '${PREFERRED_KEY}'`);
}

/**
 * The entry's .npy bytes and validated header. Either way the .npy header is read
 * first and checked (shape within --max-voxels, data length) before the body:
 * - stored: the body is read straight from the file into its own buffer, so the data
 *   is aligned and becomes a zero-copy view;
 * - deflate: the body is inflated with a cap of exactly what the header describes, so
 *   neither a lying ZIP size nor a decompression bomb can allocate more.
 */
async function readEntry(file: OpenedFile, start: number, entry: ZipEntry, maxVoxels: number): Promise<{ header: NpyHeader; npy: Uint8Array }> {
  if (entry.flags & 1) throw new FormatError('entry is encrypted');
  const size = entry.compressedSize;
  if (entry.method === STORED) {
    const header = await readNpyHeader((length) => readRange(file, start, Math.min(length, size)), maxVoxels);
    checkDataLength(header, size - header.dataOffset);
    return { header, npy: await readRange(file, start, size) };
  }
  if (entry.method === DEFLATE) {
    const compressed = await readRange(file, start, size);
    const header = await readNpyHeader((length) => inflatePrefix('deflate-raw', compressed, length), maxVoxels);
    return { header, npy: await inflateAllAsync('deflate-raw', compressed, header.dataOffset + header.dataBytes) };
  }
  throw new FormatError(`compression method ${entry.method} is not supported (only stored and deflate)`);
}
