// TIFF reader: 2D images and multi-page stacks (pages = z). The structure is validated by
// tiffIfd.ts first (JPEG pages, pages of different sizes, IFD loops, strips outside the
// file, sizes against --max-voxels), then the pixels are decoded by the `geotiff` package
// (strips and tiles, chunky and planar, LZW, PackBits, predictors), with its deflate
// replaced by node:zlib capped at each strip's decoded size, so no strip can inflate past
// what its page declares.
import zlib from 'node:zlib';
import { isMainThread } from 'node:worker_threads';
import type { NumericArray, RawArray } from '../types.js';
import { describe, FormatError, guarded } from './errors.js';
import { readWholeFile } from './file.js';
import { elementCount, maxVoxelsOf, type ReadOptions } from './options.js';
import { compressionName, walkTiff, type TiffLayout, type TiffPage } from './tiffIfd.js';

type GeoTiffModule = typeof import('geotiff');
let geotiffLoad: Promise<GeoTiffModule> | null = null;

/** Decoded bytes of one strip or tile, from the parameters geotiff hands each decoder. */
interface ChunkParameters {
  tileWidth: number;
  tileHeight: number;
  bitsPerSample?: number[] | number;
  planarConfiguration?: number;
  samplesPerPixel?: number;
}

/**
 * geotiff loads only when a TIFF is read. Its deflate (pako, no output limit) is replaced
 * by node:zlib with the strip's own size as the cap: faster, and a deflate bomb inside a
 * strip is refused rather than inflated.
 */
function loadGeotiff(): Promise<GeoTiffModule> {
  geotiffLoad ??= importGeotiff().then((m) => {
    class BoundedDeflate extends m.BaseDecoder {
      decodeBlock(buffer: ArrayBuffer): ArrayBuffer {
        const p = (this as unknown as { parameters: ChunkParameters }).parameters;
        const bits = Array.isArray(p.bitsPerSample) ? p.bitsPerSample : [p.bitsPerSample ?? 1];
        const pixelBits = p.planarConfiguration === 2 ? bits[0] : bits.reduce((a, b) => a + b, 0);
        const cap = Math.ceil((p.tileWidth * pixelBits) / 8) * p.tileHeight;
        let out: Buffer;
        try {
          out = zlib.inflateSync(new Uint8Array(buffer), { maxOutputLength: Math.max(1, cap) });
        } catch (err) {
          const code = (err as NodeJS.ErrnoException).code;
          if (code === 'ERR_BUFFER_TOO_LARGE') throw new FormatError(`a deflate strip inflates past its ${cap} bytes; refusing a possible decompression bomb`);
          throw new FormatError(`corrupt deflate data (${(err as Error).message})`);
        }
        return out.buffer.slice(out.byteOffset, out.byteOffset + out.length) as ArrayBuffer;
      }
    }
    m.addDecoder([8, 32946], () => Promise.resolve(BoundedDeflate), undefined, false);
    return m;
  });
  return geotiffLoad;
}

/**
 * geotiff imports the `web-worker` polyfill, which on a Node worker thread (our --workers)
 * takes the thread over as a web worker of its own unless a global Worker exists, and
 * fails ("Cannot destructure property 'mod' of 'threads.workerData'"). segloss never uses
 * geotiff's worker pool, so a placeholder Worker is present only while geotiff loads.
 */
async function importGeotiff(): Promise<GeoTiffModule> {
  const g = globalThis as { Worker?: unknown };
  if (isMainThread || typeof g.Worker === 'function') return import('geotiff');
  g.Worker = class NoGeotiffWorkers {
    constructor() {
      throw new Error('geotiff worker pools are not used by segloss');
    }
  };
  try {
    return await import('geotiff');
  } finally {
    delete g.Worker;
  }
}

// The most one compressed byte can expand to: deflate 1032, PackBits 128/2 = 64, LZW one
// 9-bit code to at most 4096 bytes.
const MAX_RATIO: Record<number, number> = { 1: 1, 8: 1032, 32946: 1032, 32773: 64, 5: 3641 };

type Role = 'grey' | 'palette' | 'rgb' | 'grey+alpha';

function roleOf(p: TiffPage): Role {
  if (p.samples === 1) {
    if (p.photometric === 3) return 'palette';
    if (p.photometric === 0 || p.photometric === 1) return 'grey';
    throw new FormatError(`photometric interpretation ${p.photometric} with one sample is not a label map`);
  }
  if (p.photometric === 2 && (p.samples === 3 || p.samples === 4)) return 'rgb';
  if ((p.photometric === 0 || p.photometric === 1) && p.samples === 2) return 'grey+alpha';
  throw new FormatError(`${p.samples} samples with photometric interpretation ${p.photometric} are not a label map (grey, palette, RGB(A) or grey+alpha)`);
}

type Ctor = { new (n: number): NumericArray };
function outputType(p: TiffPage): { ctor: Ctor; dtype: string; integer: boolean } {
  // Half floats widen exactly to float32.
  if (p.sampleFormat === 3) return p.bits <= 32 ? { ctor: Float32Array, dtype: 'float32', integer: false } : { ctor: Float64Array, dtype: 'float64', integer: false };
  const signed = p.sampleFormat === 2;
  switch (p.bits) {
    case 1:
      return { ctor: Uint8Array, dtype: 'uint8', integer: true };
    case 8:
      return signed ? { ctor: Int8Array, dtype: 'int8', integer: true } : { ctor: Uint8Array, dtype: 'uint8', integer: true };
    case 16:
      return signed ? { ctor: Int16Array, dtype: 'int16', integer: true } : { ctor: Uint16Array, dtype: 'uint16', integer: true };
    case 32:
      return signed ? { ctor: Int32Array, dtype: 'int32', integer: true } : { ctor: Uint32Array, dtype: 'uint32', integer: true };
    default:
      return { ctor: Float64Array, dtype: 'float64', integer: true };
  }
}

/** Refuse pages whose compressed bytes cannot hold what the page declares (a lying size). */
function checkDataSize(p: TiffPage): void {
  const need = Math.ceil((p.width * p.samples * p.bits) / 8) * p.height;
  const ratio = MAX_RATIO[p.compression] ?? 1;
  if (need > p.dataBytes * ratio + 1024) {
    throw new FormatError(`page ${p.ifd}: ${p.dataBytes} bytes of ${compressionName(p.compression)} data cannot hold its ${p.width}×${p.height} image (truncated or a lying size?)`);
  }
}

export async function readTiff(path: string, opts?: ReadOptions): Promise<RawArray> {
  const maxVoxels = maxVoxelsOf(opts);
  return guarded(path, 'TIFF', async () => {
    const file = await readWholeFile(path);
    const layout = walkTiff(file);
    const first = layout.pages[0];
    const role = roleOf(first);
    const depth = layout.pages.length;
    elementCount(depth > 1 ? [depth, first.height, first.width, first.samples] : [first.height, first.width, first.samples], maxVoxels, 'image is');
    for (const p of layout.pages) checkDataSize(p);
    const data = await decodePages(file, layout, role);
    const unsignedSmall = first.sampleFormat === 1 && (first.bits === 1 || first.bits === 8 || first.bits === 16);
    const out = outputType(first);
    const raw: RawArray = {
      path, format: 'tiff', dtype: out.dtype, integer: out.integer, data,
      shape: depth > 1 ? [depth, first.height, first.width] : [first.height, first.width], order: 'C', spacing: null,
      header: tiffHeader(layout, role),
    };
    if (unsignedSmall) raw.png = { bitDepth: first.bits, maxValue: 2 ** first.bits - 1, palette: role === 'palette' };
    return raw;
  });
}

function tiffHeader(layout: TiffLayout, role: Role): Record<string, string> {
  const p = layout.pages[0];
  return {
    container: layout.bigTiff ? 'BigTIFF' : 'classic TIFF',
    byte_order: layout.littleEndian ? 'little-endian' : 'big-endian',
    pages: String(layout.pages.length),
    size: `${p.width}×${p.height}`,
    samples: `${p.samples} (${role})`,
    bits_per_sample: `${p.bits}${p.bitsTagAbsent ? ' (tag absent)' : ''}`,
    sample_format: p.sampleFormat === 3 ? 'float' : p.sampleFormat === 2 ? 'int' : 'uint',
    compression: compressionName(p.compression),
    predictor: String(p.predictor),
    planar: p.planar === 2 ? 'planar' : 'chunky',
  };
}

async function decodePages(file: Buffer, layout: TiffLayout, role: Role): Promise<NumericArray> {
  const m = await loadGeotiff();
  // A fresh buffer from readWholeFile owns its whole ArrayBuffer.
  const ab = file.buffer.byteLength === file.length ? file.buffer : file.buffer.slice(file.byteOffset, file.byteOffset + file.length);
  const tiff = await m.fromArrayBuffer(ab as ArrayBuffer);
  const first = layout.pages[0];
  const plane = first.width * first.height;
  const { ctor } = outputType(first);
  const out = new ctor(plane * layout.pages.length);
  const samples = role === 'rgb' ? [0, 1, 2] : [0];
  for (let z = 0; z < layout.pages.length; z++) {
    const page = layout.pages[z];
    const image = await tiff.getImage(page.ifd);
    if (page.bitsTagAbsent) {
      // geotiff needs the tag; TIFF's default for an absent BitsPerSample is 1 (bilevel).
      (image.fileDirectory as unknown as { actualizedFields: Map<number, unknown> }).actualizedFields.set(258, [1]);
    }
    const rasters = (await image.readRasters({ samples, interleave: false }).catch((err: unknown) => {
      if (err instanceof FormatError) throw err;
      // geotiff's decoders fail with bare RangeErrors ("Offset is outside the bounds of
      // the DataView") on a cut-off stream: say what it means, keep its text in the cause.
      throw new FormatError(`page ${page.ifd}: corrupt or truncated ${compressionName(page.compression)} data (${describe(err)})`, { cause: err });
    })) as unknown as ArrayLike<number>[];
    const base = z * plane;
    const s0 = rasters[0];
    if (s0.length !== plane) throw new FormatError(`page ${page.ifd} decoded to ${s0.length} values, expected ${plane}`);
    if (role === 'rgb') checkEqualChannels(rasters, page);
    if (out instanceof Float64Array && !(s0 instanceof Float64Array)) {
      for (let i = 0; i < plane; i++) out[base + i] = Number(s0[i]);
    } else {
      out.set(s0 as unknown as ArrayLike<number>, base);
    }
  }
  return out;
}

function checkEqualChannels(rasters: ArrayLike<number>[], page: TiffPage): void {
  const [r, g, b] = rasters;
  for (let i = 0; i < r.length; i++) {
    if (r[i] !== g[i] || r[i] !== b[i]) {
      const row = Math.floor(i / page.width);
      throw new FormatError(`page ${page.ifd}: RGB with unequal channels is not a label map (first at row ${row}, column ${i % page.width}: ${r[i]},${g[i]},${b[i]})`);
    }
  }
}
