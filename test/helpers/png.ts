// A minimal PNG writer for tests: every colour type and bit depth, optional Adam7
// interlacing and extra chunks, and hand-made chunks (a lying IHDR) with correct CRCs.
// Independent of the decoder under test; fast-png and sharp cross-check it in the tests.
import zlib from 'node:zlib';

export const PNG_SIGNATURE = Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]);

export function pngChunk(type: string, data: Uint8Array = new Uint8Array(0)): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const out = Buffer.alloc(4 + body.length + 4);
  out.writeUInt32BE(data.length, 0);
  body.copy(out, 4);
  out.writeUInt32BE(zlib.crc32(body) >>> 0, 4 + body.length);
  return out;
}

export function ihdr(width: number, height: number, bitDepth: number, colorType: number, interlace = 0): Buffer {
  const data = Buffer.alloc(13);
  data.writeUInt32BE(width, 0);
  data.writeUInt32BE(height, 4);
  data[8] = bitDepth;
  data[9] = colorType;
  data[12] = interlace;
  return pngChunk('IHDR', data);
}

const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

export interface PngSpec {
  width: number;
  height: number;
  bitDepth: 1 | 2 | 4 | 8 | 16;
  colorType: 0 | 2 | 3 | 4 | 6;
  /** Samples row-major, channels interleaved, unpacked (one number per sample). */
  samples: ArrayLike<number>;
  palette?: Array<[number, number, number]>;
  interlace?: boolean;
  /** Chunks inserted after IHDR (and PLTE). */
  extra?: Buffer[];
  /** Scanline filter types, used in turn row by row (non-interlaced only); default all 0. */
  filters?: number[];
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/** Re-filter type-0 scanlines row by row with `filters` in turn (PNG spec §9, written plainly). */
function applyFilters(raw: Buffer, height: number, rowBytes: number, bpp: number, filters: number[]): Buffer {
  const out = Buffer.from(raw);
  for (let y = 0; y < height; y++) {
    const f = filters[y % filters.length]!;
    const row = y * (rowBytes + 1) + 1;
    const prev = (y - 1) * (rowBytes + 1) + 1;
    out[row - 1] = f;
    for (let i = 0; i < rowBytes; i++) {
      const x = raw[row + i]!;
      const a = i >= bpp ? raw[row + i - bpp]! : 0;
      const b = y > 0 ? raw[prev + i]! : 0;
      const c = y > 0 && i >= bpp ? raw[prev + i - bpp]! : 0;
      const predicted = f === 0 ? 0 : f === 1 ? a : f === 2 ? b : f === 3 ? (a + b) >> 1 : paeth(a, b, c);
      out[row + i] = (x - predicted) & 0xff;
    }
  }
  return out;
}

/** Filter-type-0 scanlines for a (sub)image whose pixel (x, y) is sampleAt(x, y, c). */
function scanlines(width: number, height: number, spec: PngSpec, sampleAt: (x: number, y: number, c: number) => number): Buffer {
  const ch = CHANNELS[spec.colorType]!;
  const depth = spec.bitDepth;
  const rowBytes = Math.ceil((width * ch * depth) / 8);
  const out = Buffer.alloc(height * (rowBytes + 1));
  for (let y = 0; y < height; y++) {
    const row = y * (rowBytes + 1) + 1;
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < ch; c++) {
        const v = sampleAt(x, y, c);
        const s = x * ch + c;
        if (depth === 16) out.writeUInt16BE(v, row + 2 * s);
        else if (depth === 8) out[row + s] = v;
        else {
          const bit = s * depth;
          out[row + (bit >> 3)] |= v << (8 - depth - (bit & 7));
        }
      }
    }
  }
  return out;
}

const ADAM7 = [
  [0, 0, 8, 8],
  [4, 0, 8, 8],
  [0, 4, 4, 8],
  [2, 0, 4, 4],
  [0, 2, 2, 4],
  [1, 0, 2, 2],
  [0, 1, 1, 2],
] as const;

export function encodePng(spec: PngSpec): Buffer {
  const { width, height } = spec;
  const ch = CHANNELS[spec.colorType]!;
  const at = (x: number, y: number, c: number): number => spec.samples[(y * width + x) * ch + c]!;
  let raw: Buffer;
  if (!spec.interlace) {
    raw = scanlines(width, height, spec, at);
    if (spec.filters) {
      const rowBytes = Math.ceil((width * ch * spec.bitDepth) / 8);
      raw = applyFilters(raw, height, rowBytes, Math.max(1, (ch * spec.bitDepth) >> 3), spec.filters);
    }
  }
  else {
    const passes: Buffer[] = [];
    for (const [x0, y0, dx, dy] of ADAM7) {
      const pw = Math.ceil((width - x0) / dx);
      const ph = Math.ceil((height - y0) / dy);
      if (pw <= 0 || ph <= 0) continue;
      passes.push(scanlines(pw, ph, spec, (x, y, c) => at(x0 + x * dx, y0 + y * dy, c)));
    }
    raw = Buffer.concat(passes);
  }
  const parts = [PNG_SIGNATURE, ihdr(width, height, spec.bitDepth, spec.colorType, spec.interlace ? 1 : 0)];
  if (spec.palette) parts.push(pngChunk('PLTE', Buffer.from(spec.palette.flat())));
  parts.push(...(spec.extra ?? []), pngChunk('IDAT', zlib.deflateSync(raw)), pngChunk('IEND'));
  return Buffer.concat(parts);
}

/** Pack 1/2/4-bit samples row by row, as fast-png's encoder expects them. */
export function packBits(samples: ArrayLike<number>, width: number, height: number, depth: number): Uint8Array {
  const rowBytes = Math.ceil((width * depth) / 8);
  const out = new Uint8Array(rowBytes * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const bit = x * depth;
      out[y * rowBytes + (bit >> 3)] |= samples[y * width + x]! << (8 - depth - (bit & 7));
    }
  }
  return out;
}
