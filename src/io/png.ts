// PNG reader: 2D label maps (and 8/16-bit probability maps) as their stored sample
// values. The container is checked by hand (pngChunks.ts); non-interlaced pixel data is
// decoded by pngDecode.ts, interlaced by sharp from a copy reduced to its critical
// chunks, with the settings that keep its output exact (see decode).
import { isMainThread } from 'node:worker_threads';
import type { Sharp, SharpOptions } from 'sharp';
import type { RawArray } from '../types.js';
import { describe, FormatError, guarded } from './errors.js';
import { readWholeFile } from './file.js';
import { elementCount, maxVoxelsOf, type ReadOptions } from './options.js';
import { criticalChunksOnly, diagnoseImageData, parsePng, SAMPLES_PER_PIXEL, type Ihdr, type PngChunk } from './pngChunks.js';
import { decodePngPixels } from './pngDecode.js';

const GREY = 0;
const RGB = 2;
const PALETTE = 3;
const GREY_ALPHA = 4;
const RGBA = 6;

export async function readPng(path: string, opts?: ReadOptions): Promise<RawArray> {
  const maxVoxels = maxVoxelsOf(opts);
  return guarded(path, 'PNG', async () => {
    const file = await readWholeFile(path);
    const { ihdr, chunks } = parsePng(file);
    // Refuse by the declared size, before any decoder allocates for it.
    const pixels = elementCount([ihdr.height, ihdr.width], maxVoxels, 'image is');
    checkImageDataSize(ihdr, chunks);
    if (!ihdr.interlace) {
      // The common case, decoded here without libvips (pngDecode.ts).
      const direct = decodePngPixels(file, chunks, ihdr);
      const data = ihdr.colorType === RGB || ihdr.colorType === RGBA ? equalChannels(direct, ihdr) : direct;
      return rawArrayOf(path, ihdr, data);
    }
    const samples = await decode(criticalChunksOnly(file, chunks, ihdr), ihdr, pixels).catch((err: unknown) => {
      if (!(err instanceof DecoderError)) throw err;
      // libvips keeps one error buffer for all threads, so under --workers its message
      // can belong to another file: the reason given is our own reading of the pixel
      // stream, the decoder's text stays in the cause (shown by --debug).
      const why = diagnoseImageData(file, chunks, ihdr) ?? 'the decoder refused it; --debug shows its message';
      throw new FormatError(`corrupt or truncated image data (${why})`, { cause: err });
    });
    const data = ihdr.colorType === RGB || ihdr.colorType === RGBA ? equalChannels(samples, ihdr) : samples;
    if (ihdr.bitDepth < 8 && ihdr.colorType !== PALETTE) unscaleLowDepth(data as Uint8Array, ihdr.bitDepth);
    return rawArrayOf(path, ihdr, data);
  });
}

function rawArrayOf(path: string, ihdr: Ihdr, data: Uint8Array | Uint16Array): RawArray {
  return {
    path,
    format: 'png',
    dtype: ihdr.bitDepth === 16 ? 'uint16' : 'uint8',
    integer: true,
    data,
    shape: [ihdr.height, ihdr.width],
    order: 'C',
    spacing: null,
    png: { bitDepth: ihdr.bitDepth, maxValue: 2 ** ihdr.bitDepth - 1, palette: ihdr.colorType === PALETTE },
  };
}

/** sharp/libvips refused the image (the text is libvips's, see readPng). */
class DecoderError extends FormatError {}

// Deflate expands at most 1032:1, so n compressed bytes hold at most this many pixel bytes.
const MAX_DEFLATE_RATIO = 1032;

/**
 * Refuse an IHDR that the IDAT data cannot possibly fill (a lying size, or an image cut
 * short), before the decoder allocates the declared image: n bytes of zlib stream inflate
 * to at most 1032·n bytes, and the image needs at least width·height·bits/8 of them.
 */
function checkImageDataSize(ihdr: Ihdr, chunks: PngChunk[]): void {
  const compressed = chunks.reduce((sum, c) => (c.type === 'IDAT' ? sum + c.length : sum), 0);
  const needed = Math.floor((ihdr.width * ihdr.height * SAMPLES_PER_PIXEL[ihdr.colorType]! * ihdr.bitDepth) / 8);
  if (needed > compressed * MAX_DEFLATE_RATIO + 1024) {
    throw new FormatError(
      `image data is too short for a ${ihdr.width}×${ihdr.height} image (${compressed} compressed bytes cannot hold its ${needed} bytes of pixels; truncated or a lying header?)`,
    );
  }
}

type SharpFactory = (input: Buffer, options: SharpOptions) => Sharp;
let sharpLoad: Promise<SharpFactory> | null = null;

/**
 * sharp (libvips, ~0.3 s to load) only when a PNG is read, so NIfTI and NumPy runs start
 * without it. On a worker thread the workers are the parallelism: libvips' process-wide
 * thread pool would only make their decodes compete for the same cores, and its operation
 * cache keeps memory for files that are read once.
 */
function loadSharp(): Promise<SharpFactory> {
  sharpLoad ??= import('sharp').then((m) => {
    const sharp = m.default;
    if (!isMainThread) {
      sharp.concurrency(1);
      sharp.cache(false);
    }
    return sharp;
  });
  return sharpLoad;
}

/**
 * Decode to one channel (grey, palette index) or three (RGB), at the file's precision.
 * - 16-bit needs an explicit 16-bit colourspace, or sharp reduces it to 8 bits;
 * - extractChannel(0) is exact at 8 bits and drops alpha for grey+alpha;
 * - grey below 8 bits comes back scaled to 0..255 (undone by the caller);
 * - a palette image (PLTE already a grey ramp) comes back as its indices.
 * ignoreIcc is belt and braces: the ICC chunk was already dropped.
 */
async function decode(png: Buffer, ihdr: Ihdr, pixels: number): Promise<Uint8Array | Uint16Array> {
  const sharp = await loadSharp();
  const color = ihdr.colorType === RGB || ihdr.colorType === RGBA;
  const wide = ihdr.bitDepth === 16;
  const channels = color ? 3 : 1;
  let image = sharp(png, { limitInputPixels: pixels, ignoreIcc: true, failOn: 'warning' });
  if (wide) image = image.removeAlpha().toColourspace(color ? 'rgb16' : 'grey16');
  else image = color ? image.removeAlpha() : image.extractChannel(0);
  const { data, info } = await image
    .raw(wide ? { depth: 'ushort' } : {})
    .toBuffer({ resolveWithObject: true })
    .catch((err: unknown) => {
      throw new DecoderError(`decoder: ${vipsReason(err)}`, { cause: err });
    });
  if (info.width !== ihdr.width || info.height !== ihdr.height || info.channels !== channels) {
    throw new FormatError(
      `decoder returned ${info.width}×${info.height}×${info.channels}, expected ${ihdr.width}×${ihdr.height}×${channels}`,
    );
  }
  if (!wide) return new Uint8Array(data.buffer, data.byteOffset, data.length);
  const aligned = data.byteOffset % 2 === 0 ? data : Buffer.from(data);
  return new Uint16Array(aligned.buffer, aligned.byteOffset, aligned.length / 2);
}

/**
 * libvips's reason, on one line. With failOn 'warning' its first line only says that a
 * warning was treated as an error; the warning itself ("IDAT: invalid distances set",
 * "Read Error", ...) follows on the next lines.
 */
function vipsReason(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  const lines = text
    .split(/\r?\n/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0 && !/^Warning treated as error/i.test(s));
  return lines.length > 0 ? describe(lines.slice(0, 2).join('; ')) : describe(err);
}

/** An RGB label map is one whose three channels agree everywhere; take the first. */
function equalChannels(rgb: Uint8Array | Uint16Array, ihdr: Ihdr): Uint8Array | Uint16Array {
  const count = rgb.length / 3;
  const out = rgb instanceof Uint16Array ? new Uint16Array(count) : new Uint8Array(count);
  for (let i = 0, j = 0; i < count; i++, j += 3) {
    const r = rgb[j]!;
    if (r !== rgb[j + 1] || r !== rgb[j + 2]) {
      const row = Math.floor(i / ihdr.width);
      const col = i % ihdr.width;
      throw new FormatError(
        `RGB PNG with unequal channels is not a label map (first at row ${row}, column ${col}: ${r},${rgb[j + 1]},${rgb[j + 2]})`,
      );
    }
    out[i] = r;
  }
  return out;
}

/** libvips scales 1/2/4-bit grey to 0..255 (×255, ×85, ×17); recover the stored values. */
function unscaleLowDepth(data: Uint8Array, bitDepth: number): void {
  const step = 255 / (2 ** bitDepth - 1);
  for (let i = 0; i < data.length; i++) data[i] = data[i]! / step;
}
