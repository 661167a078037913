// PNG container checks, done by hand before any decoder runs: signature, every chunk's
// bounds and CRC, IHDR validity and size. This lets us refuse a 100000×100000 IHDR
// before allocating, and name the damaged chunk in the message. Pure functions.
import zlib from 'node:zlib';
import { FormatError } from './errors.js';

export interface Ihdr {
  width: number;
  height: number;
  bitDepth: number;
  /** 0 grey, 2 RGB, 3 palette, 4 grey+alpha, 6 RGBA. */
  colorType: number;
  interlace: number;
}

export interface PngChunk {
  type: string;
  /** Offset of the chunk's length field; the whole chunk is [start, start + 12 + length). */
  start: number;
  length: number;
}

const SIGNATURE = [137, 80, 78, 71, 13, 10, 26, 10];

const VALID_DEPTHS: Record<number, number[]> = {
  0: [1, 2, 4, 8, 16],
  2: [8, 16],
  3: [1, 2, 4, 8],
  4: [8, 16],
  6: [8, 16],
};

/** What a file with another format's magic number probably is (a JPEG renamed .png, say). */
function looksLike(buf: Uint8Array): string {
  const at = (...bytes: number[]) => buf.length >= bytes.length && bytes.every((b, i) => buf[i] === b);
  if (at(0xff, 0xd8, 0xff)) return '; it looks like JPEG, whose lossy compression changes label values: export the masks as PNG';
  if (at(0x47, 0x49, 0x46, 0x38)) return '; it looks like GIF';
  if (at(0x49, 0x49, 0x2a, 0x00) || at(0x4d, 0x4d, 0x00, 0x2a)) return '; it looks like TIFF';
  if (at(0x42, 0x4d)) return '; it looks like BMP';
  if (at(0x1f, 0x8b)) return '; it looks gzip-compressed (a .nii.gz?)';
  return '';
}

export function parsePng(buf: Uint8Array): { ihdr: Ihdr; chunks: PngChunk[] } {
  if (buf.length < 8 || SIGNATURE.some((b, i) => buf[i] !== b)) throw new FormatError(`not a PNG file (bad signature${looksLike(buf)})`);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.length);
  const chunks: PngChunk[] = [];
  let at = 8;
  for (;;) {
    if (at + 12 > buf.length) {
      throw new FormatError(chunks.length === 0 ? 'file is truncated (no IHDR chunk)' : 'file is truncated (no IEND chunk)');
    }
    const length = view.getUint32(at);
    const type = String.fromCharCode(...buf.subarray(at + 4, at + 8));
    if (!/^[A-Za-z]{4}$/.test(type)) throw new FormatError(`corrupt data (invalid chunk type at byte ${at})`);
    if (at + 12 + length > buf.length) {
      throw new FormatError(`file is truncated (chunk ${type} at byte ${at} runs past the end)`);
    }
    // Only critical chunks (upper-case first letter) must be intact; ancillary ones are
    // dropped before decoding anyway, and some writers get their CRCs wrong.
    const critical = type.charCodeAt(0) < 97;
    const crc = view.getUint32(at + 8 + length);
    if (critical && (zlib.crc32(buf.subarray(at + 4, at + 8 + length)) >>> 0) !== crc) {
      throw new FormatError(`corrupt data (CRC mismatch in ${type} chunk at byte ${at})`);
    }
    chunks.push({ type, start: at, length });
    at += 12 + length;
    if (type === 'IEND') break;
  }
  if (chunks[0]!.type !== 'IHDR' || chunks[0]!.length !== 13) throw new FormatError('corrupt data (first chunk is not a valid IHDR)');
  const ihdr = readIhdr(view, chunks[0]!.start + 8);
  if (!chunks.some((c) => c.type === 'IDAT')) throw new FormatError('no image data (no IDAT chunk)');
  if (ihdr.colorType === 3 && !chunks.some((c) => c.type === 'PLTE')) throw new FormatError('palette image without a PLTE chunk');
  return { ihdr, chunks };
}

function readIhdr(view: DataView, at: number): Ihdr {
  const ihdr: Ihdr = {
    width: view.getUint32(at),
    height: view.getUint32(at + 4),
    bitDepth: view.getUint8(at + 8),
    colorType: view.getUint8(at + 9),
    interlace: view.getUint8(at + 12),
  };
  const compression = view.getUint8(at + 10);
  const filter = view.getUint8(at + 11);
  // The PNG standard caps each side at 2**31 - 1.
  if (ihdr.width < 1 || ihdr.height < 1 || ihdr.width > 0x7fffffff || ihdr.height > 0x7fffffff) {
    throw new FormatError(`invalid image size ${ihdr.width}×${ihdr.height}`);
  }
  const depths = VALID_DEPTHS[ihdr.colorType];
  if (!depths) throw new FormatError(`invalid colour type ${ihdr.colorType}`);
  if (!depths.includes(ihdr.bitDepth)) {
    throw new FormatError(`invalid bit depth ${ihdr.bitDepth} for colour type ${ihdr.colorType}`);
  }
  if (compression !== 0 || filter !== 0 || ihdr.interlace > 1) {
    throw new FormatError('unknown compression, filter or interlace method in IHDR');
  }
  return ihdr;
}

/**
 * The same image with only its critical chunks (IHDR, PLTE, IDAT, IEND), and for a
 * palette image a PLTE rewritten as a grey ramp (entry i = (i, i, i)) covering every
 * index the bit depth allows. Why:
 * - labels are the stored samples; ancillary chunks (iCCP, sRGB, gAMA, tRNS, ...) can
 *   make a decoder colour-manage values or add an alpha channel;
 * - with a grey-ramp palette, sharp's palette expansion yields each pixel's index
 *   exactly, interlaced or not, even when the real palette repeats a colour. (fast-png
 *   returns indices too but mis-decodes interlaced images below 8 bits.)
 */
export function criticalChunksOnly(buf: Uint8Array, chunks: PngChunk[], ihdr: Ihdr): Buffer {
  const parts: Uint8Array[] = [Uint8Array.from(SIGNATURE)];
  for (const chunk of chunks) {
    if (chunk.type === 'PLTE') {
      if (ihdr.colorType === 3) parts.push(greyRampPalette(ihdr.bitDepth));
      // A PLTE in an RGB image is only a quantisation hint: drop it.
    } else if (chunk.type === 'IHDR' || chunk.type === 'IDAT' || chunk.type === 'IEND') {
      parts.push(buf.subarray(chunk.start, chunk.start + 12 + chunk.length));
    }
  }
  return Buffer.concat(parts);
}

function greyRampPalette(bitDepth: number): Buffer {
  const entries = 1 << bitDepth;
  const body = Buffer.alloc(4 + 3 * entries);
  body.write('PLTE', 0, 'latin1');
  for (let i = 0; i < entries; i++) body.fill(i, 4 + 3 * i, 7 + 3 * i);
  const chunk = Buffer.alloc(12 + 3 * entries);
  chunk.writeUInt32BE(3 * entries, 0);
  body.copy(chunk, 4);
  chunk.writeUInt32BE(zlib.crc32(body) >>> 0, 8 + 3 * entries);
  return chunk;
}

/** Samples per pixel of each colour type: 0 grey, 2 RGB, 3 palette, 4 grey+alpha, 6 RGBA. */
export const SAMPLES_PER_PIXEL: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

/** The zlib stream of the pixel data: every IDAT chunk's body, in order. */
export function idatStream(buf: Uint8Array, chunks: PngChunk[]): Buffer {
  return Buffer.concat(chunks.filter((c) => c.type === 'IDAT').map((c) => buf.subarray(c.start + 8, c.start + 8 + c.length)));
}
// Adam7 passes: first column, first row, column step, row step.
const ADAM7 = [
  [0, 0, 8, 8],
  [4, 0, 8, 8],
  [0, 4, 4, 8],
  [2, 0, 4, 4],
  [0, 2, 2, 4],
  [1, 0, 2, 2],
  [0, 1, 1, 2],
] as const;

/** Rows and bytes per row (without the filter byte) of each pass (one pass unless interlaced). */
function scanlines(ihdr: Ihdr): Array<{ rows: number; rowBytes: number }> {
  const bits = SAMPLES_PER_PIXEL[ihdr.colorType]! * ihdr.bitDepth;
  const pass = (w: number, h: number) => ({ rows: w > 0 ? h : 0, rowBytes: Math.ceil((w * bits) / 8) });
  if (!ihdr.interlace) return [pass(ihdr.width, ihdr.height)];
  return ADAM7.map(([x0, y0, dx, dy]) => pass(Math.ceil((ihdr.width - x0) / dx), Math.ceil((ihdr.height - y0) / dy)));
}

/**
 * Why the pixel stream of a PNG cannot be decoded, found by reading it ourselves: a
 * corrupt or short zlib stream, more data than the image holds, or a scanline with an
 * invalid filter type. Null when none of these is wrong. Deterministic, unlike a
 * decoder's message; only called after the decoder failed, and bounded by the image
 * size the caller has already checked.
 */
export function diagnoseImageData(buf: Uint8Array, chunks: PngChunk[], ihdr: Ihdr): string | null {
  const stream = idatStream(buf, chunks);
  const passes = scanlines(ihdr);
  const expected = passes.reduce((sum, p) => sum + p.rows * (1 + p.rowBytes), 0);
  let raw: Buffer;
  try {
    raw = zlib.inflateSync(stream, { maxOutputLength: Math.max(1, expected) });
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e?.code === 'ERR_BUFFER_TOO_LARGE') return `the pixel stream holds more than the ${expected} bytes a ${ihdr.width}×${ihdr.height} image needs`;
    if (e?.code === 'Z_BUF_ERROR') return `the compressed pixel stream is truncated`;
    if (e?.code === 'Z_DATA_ERROR') return `corrupt compressed pixel stream: ${e.message}`;
    return null;
  }
  if (raw.length < expected) return `the pixel stream is truncated (${raw.length} of the ${expected} bytes a ${ihdr.width}×${ihdr.height} image needs)`;
  let at = 0;
  for (const [k, p] of passes.entries()) {
    for (let row = 0; row < p.rows; row++, at += 1 + p.rowBytes) {
      const filter = raw[at]!;
      if (filter > 4) {
        return `invalid filter type ${filter} in scanline ${row + 1}${passes.length > 1 ? ` of interlace pass ${k + 1}` : ''}`;
      }
    }
  }
  return null;
}
