// A float NIfTI (.nii, or .nii.gz inflated as it is read) as a source of chunks
// (floatChunks.ts): its header read and checked as readNifti checks it, its values left
// in the file.
import { emptyOf, type FloatChunkSource } from './floatChunks.js';
import { readRange, withFile } from './file.js';
import { inflatePrefix, isGzip } from './inflate.js';
import { applyScaling, GZIP_SLACK, HEADER_PREFIX, planLayout, toRawArray } from './nifti.js';
import { NIFTI_HEADER_BYTES, parseNiftiHeader } from './niftiHeader.js';
import { maxVoxelsOf, type ReadOptions } from './options.js';

/**
 * The chunk source of `path` when its voxels are float32 or float64 with no scaling to
 * apply, and (stored) the file holds them all; null for anything else, a failure
 * included (readNifti then says what is wrong, in its own words).
 */
export async function probeFloatNifti(path: string, opts?: ReadOptions): Promise<FloatChunkSource | null> {
  try {
    const maxVoxels = maxVoxelsOf(opts);
    return await withFile(path, async (file) => {
      let head: Uint8Array = await readRange(file, 0, Math.min(file.size, NIFTI_HEADER_BYTES));
      const gzip = isGzip(head);
      if (gzip) head = inflatePrefix('gzip', await readRange(file, 0, Math.min(file.size, HEADER_PREFIX)), NIFTI_HEADER_BYTES);
      if (head.length < NIFTI_HEADER_BYTES && gzip) return null;
      const header = parseNiftiHeader(head);
      const layout = planLayout(header, maxVoxels);
      const bytes = header.stored.bytes;
      if (header.stored.kind !== 'float' || (bytes !== 4 && bytes !== 8)) return null;
      const data = emptyOf(bytes);
      const decoded = { data, dtype: bytes === 4 ? 'float32' : 'float64', integer: false };
      // Scaling makes new values (float64): the whole-file road.
      if (applyScaling(decoded, header) !== decoded) return null;
      const end = header.voxOffset + layout.dataBytes;
      if (!gzip && end > file.size) return null;
      const raw = toRawArray(path, header, layout, new Uint8Array(0));
      const plan = { offset: header.voxOffset, count: layout.count, bytes, littleEndian: header.littleEndian, ...(gzip ? { gzip: { limit: end + GZIP_SLACK } } : {}) };
      return { path, plan, raw };
    });
  } catch {
    return null;
  }
}
