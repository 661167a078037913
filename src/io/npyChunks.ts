// A float .npy as a source of chunks (floatChunks.ts): its header read and checked, its
// values left in the file.
import { emptyOf, type FloatChunkSource } from './floatChunks.js';
import { readRange, withFile } from './file.js';
import { readNpyHeader, toRawArray } from './npy.js';
import { maxVoxelsOf, type ReadOptions } from './options.js';

/**
 * The chunk source of `path` when its data are float32 or float64 and exactly the size
 * the shape needs; null for anything else, a failure included (readNpy then says what is
 * wrong, in its own words).
 */
export async function probeFloatNpy(path: string, opts?: ReadOptions): Promise<FloatChunkSource | null> {
  try {
    const maxVoxels = maxVoxelsOf(opts);
    return await withFile(path, async (file) => {
      const header = await readNpyHeader((length) => readRange(file, 0, Math.min(length, file.size)), maxVoxels);
      const bytes = header.stored.bytes;
      if (header.stored.kind !== 'float' || (bytes !== 4 && bytes !== 8)) return null;
      if (file.size - header.dataOffset !== header.dataBytes) return null;
      const raw = toRawArray(path, header, { data: emptyOf(bytes), dtype: bytes === 4 ? 'float32' : 'float64', integer: false });
      return { path, plan: { offset: header.dataOffset, count: header.count, bytes, littleEndian: header.littleEndian }, raw };
    });
  } catch {
    return null;
  }
}
