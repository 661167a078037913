// NIfTI-1/-2 reader (.nii and .nii.gz). The header is read and validated before any
// memory is committed to the voxels; the voxels are decoded by our own code so that byte
// order, scaling and zero-copy views are handled the same way for every datatype.
import type { RawArray } from '../types.js';
import { FormatError, guarded } from './errors.js';
import { decodeElements, type Decoded } from './elements.js';
import { readRange, withFile, type OpenedFile } from './file.js';
import { inflateAllAsync, inflatePrefix, isGzip } from './inflate.js';
import { inflateFile } from './inflateFile.js';
import { NIFTI_HEADER_BYTES, parseNiftiHeader, type NiftiHeader } from './niftiHeader.js';
import { elementCount, maxVoxelsOf, type ReadOptions } from './options.js';
import { niftiGeometry } from './niftiGeometry.js';

// Extra decompressed bytes tolerated past the promised data (some writers pad); more
// than this is treated as a decompression bomb.
export const GZIP_SLACK = 1 << 20;

/**
 * Read a .nii or .nii.gz file. Compression is detected from the content (gzip
 * signature), not the name, so a mislabelled file still reads.
 */
export async function readNifti(path: string, opts?: ReadOptions): Promise<RawArray> {
  const maxVoxels = maxVoxelsOf(opts);
  return guarded(path, 'NIfTI', () =>
    withFile(path, async (file) => {
      const head = await readRange(file, 0, Math.min(file.size, NIFTI_HEADER_BYTES));
      if (isGzip(head)) {
        if (file.size > STREAM_MIN) {
          const streamed = await fromCompressedFile(path, file, maxVoxels);
          if (streamed) return streamed;
        }
        const compressed = await readRange(file, 0, file.size);
        return await fromCompressed(path, compressed, maxVoxels);
      }
      const header = parseNiftiHeader(head);
      const layout = planLayout(header, maxVoxels);
      const end = header.voxOffset + layout.dataBytes;
      // At the very end is a file cut after its header: "truncated" below says it better.
      if (header.voxOffset > file.size) {
        throw new FormatError(`vox_offset ${header.voxOffset} is past the end of the file (${file.size} bytes)`);
      }
      if (end > file.size) {
        throw truncated(layout.dataBytes, file.size - header.voxOffset, 'file');
      }
      const bytes = await readRange(file, header.voxOffset, layout.dataBytes);
      return toRawArray(path, header, layout, bytes);
    }),
  );
}

/** Compressed files larger than this are inflated from the file a piece at a time (inflateFile.ts), never held whole. */
const STREAM_MIN = 8 << 20;

/** Compressed bytes whose inflate should hold the header; a file that needs more takes fromCompressed's road. */
export const HEADER_PREFIX = 64 << 10;

/**
 * fromCompressed without holding the compressed bytes: the header from a prefix of the
 * file, then the whole stream inflated from the file. Undefined when the prefix does not
 * yield a whole header (an odd gzip with a large extra field, or a damaged one): the
 * caller then reads the file whole, which also words any error as before.
 */
async function fromCompressedFile(path: string, file: OpenedFile, maxVoxels: number): Promise<RawArray | undefined> {
  const prefix = await readRange(file, 0, Math.min(file.size, HEADER_PREFIX));
  let head: Uint8Array;
  try {
    head = inflatePrefix('gzip', prefix, NIFTI_HEADER_BYTES);
  } catch {
    return undefined;
  }
  if (head.length < NIFTI_HEADER_BYTES) return undefined;
  const header = parseNiftiHeader(head);
  const layout = planLayout(header, maxVoxels);
  const end = header.voxOffset + layout.dataBytes;
  return fromInflated(path, header, layout, await inflateFile('gzip', file, 0, end + GZIP_SLACK));
}

async function fromCompressed(path: string, compressed: Uint8Array, maxVoxels: number): Promise<RawArray> {
  // Inflate just the header first: a hostile or damaged header is refused before the
  // body is inflated, and the body's inflate is capped at what the header promises.
  const header = parseNiftiHeader(inflatePrefix('gzip', compressed, NIFTI_HEADER_BYTES));
  const layout = planLayout(header, maxVoxels);
  const end = header.voxOffset + layout.dataBytes;
  return fromInflated(path, header, layout, await inflateAllAsync('gzip', compressed, end + GZIP_SLACK));
}

function fromInflated(path: string, header: NiftiHeader, layout: Layout, whole: Buffer): RawArray {
  const end = header.voxOffset + layout.dataBytes;
  if (whole.length < end && whole.length < header.voxOffset) {
    throw new FormatError(`vox_offset ${header.voxOffset} is past the end of the decompressed file (${whole.length} bytes)`);
  }
  if (whole.length < end) {
    throw truncated(layout.dataBytes, Math.max(0, whole.length - header.voxOffset), 'decompressed file');
  }
  return toRawArray(path, header, layout, whole.subarray(header.voxOffset, end));
}

function truncated(promised: number, held: number, what: string): FormatError {
  return new FormatError(`${what} is truncated: header promises ${promised} bytes of data, ${what} holds ${Math.max(0, held)}`);
}

interface Layout {
  shape: number[];
  spacing: number[];
  count: number;
  dataBytes: number;
}

/**
 * Shape and spacing as the report sees them, and the byte count to read.
 * Size-1 axes after the third are dropped (they do not change the memory order), so a
 * 5D [X,Y,Z,1,C] (the NIfTI vector convention) reads as [X,Y,Z,C], and [X,Y,Z,1] as
 * [X,Y,Z]; the first three axes are kept whatever their size, so a single slice stays 3D.
 */
export function planLayout(header: NiftiHeader, maxVoxels: number): Layout {
  const shape = header.dims.filter((d, i) => i < 3 || d !== 1);
  const count = elementCount(header.dims, maxVoxels, 'header declares');
  const spacing = header.pixdim.slice(0, Math.min(3, header.dims.length)).map(cleanSpacing);
  return { shape, spacing, count, dataBytes: count * header.stored.bytes };
}

/**
 * Voxel size from pixdim: the magnitude (a negative pixdim is a flip, not a size), and 1
 * when the header leaves it 0 or non-finite, which many label writers do.
 */
function cleanSpacing(p: number): number {
  return Number.isFinite(p) && p !== 0 ? Math.abs(p) : 1;
}

export function toRawArray(path: string, header: NiftiHeader, layout: Layout, bytes: Uint8Array): RawArray {
  const decoded = applyScaling(decodeElements(bytes, header.stored, header.littleEndian), header);
  return {
    path,
    format: 'nifti',
    ...decoded,
    shape: layout.shape,
    order: 'F',
    spacing: layout.spacing,
    geometry: niftiGeometry(header.orientation, Math.min(3, layout.shape.length)),
  };
}

/**
 * Apply scl_slope/scl_inter as the NIfTI standard says: only when the slope is set (not 0
 * and finite) and the pair is not the identity (1, 0). The result is float64. It is still
 * `integer` when integer data meets an integer slope and intercept, since every value
 * then stays an integer (a label map stored with slope 1, intercept -1, say).
 */
export function applyScaling(decoded: Decoded, header: Pick<NiftiHeader, 'sclSlope' | 'sclInter'>): Decoded {
  const slope = header.sclSlope;
  const inter = Number.isFinite(header.sclInter) ? header.sclInter : 0;
  if (!Number.isFinite(slope) || slope === 0 || (slope === 1 && inter === 0)) return decoded;
  const src = decoded.data;
  const out = new Float64Array(src.length);
  for (let i = 0; i < src.length; i++) out[i] = src[i] * slope + inter;
  return {
    data: out,
    dtype: 'float64',
    integer: decoded.integer && Number.isInteger(slope) && Number.isInteger(inter),
  };
}
