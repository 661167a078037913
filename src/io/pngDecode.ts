// Non-interlaced PNG pixel data decoded here: inflate (node:zlib, bounded) and the five
// scanline filters. A label map is small and simple, and this is several times cheaper
// than a libvips pipeline per image, on one thread, so --workers scales over PNG batches.
// Interlaced files still go to sharp. Pure function over the file's bytes.
import zlib from 'node:zlib';
import { FormatError } from './errors.js';
import { diagnoseImageData, idatStream, SAMPLES_PER_PIXEL, type Ihdr, type PngChunk } from './pngChunks.js';

/**
 * The stored samples, one per pixel (grey, palette index; grey+alpha drops alpha) or
 * three (RGB; RGBA drops alpha), at the file's precision: 1/2/4/8-bit as Uint8Array
 * holding the raw values, 16-bit as Uint16Array.
 */
export function decodePngPixels(buf: Uint8Array, chunks: PngChunk[], ihdr: Ihdr): Uint8Array | Uint16Array {
  const { width, height, bitDepth, colorType } = ihdr;
  const samples = SAMPLES_PER_PIXEL[colorType]!;
  const rowBytes = Math.ceil((width * samples * bitDepth) / 8);
  const expected = height * (1 + rowBytes);
  const stream = idatStream(buf, chunks);
  let raw: Buffer;
  try {
    raw = zlib.inflateSync(stream, { maxOutputLength: Math.max(1, expected), chunkSize: Math.max(64 * 1024, Math.min(expected + 1, 1 << 30)) });
  } catch {
    throw corrupt(buf, chunks, ihdr);
  }
  if (raw.length < expected) throw corrupt(buf, chunks, ihdr);
  const bpp = Math.max(1, (samples * bitDepth) >> 3); // bytes per complete pixel, for the filters
  const keep = colorType === 2 || colorType === 6 ? 3 : 1; // channels kept per pixel
  if (bitDepth === 8 && samples === keep) return unfilterInPlace(raw, height, rowBytes, bpp, () => corrupt(buf, chunks, ihdr));
  let prev = new Uint8Array(rowBytes);
  let cur = new Uint8Array(rowBytes);
  const wide = bitDepth === 16;
  const out = wide ? new Uint16Array(width * height * keep) : new Uint8Array(width * height * keep);
  for (let y = 0, at = 0; y < height; y++) {
    const filter = raw[at++]!;
    if (filter > 4) throw corrupt(buf, chunks, ihdr);
    unfilterRow(filter, raw, at, cur, 0, prev, 0, rowBytes, bpp);
    at += rowBytes;
    unpackRow(cur, out, y * width * keep, width, samples, keep, bitDepth);
    const t = prev;
    prev = cur;
    cur = t;
  }
  return out;
}

/**
 * 8-bit samples that are all kept (grey, palette, RGB): the inflated rows are the image
 * once unfiltered and moved down over their filter bytes, so that is done where they lie
 * and the inflated buffer becomes the image, with no second image-sized buffer. A row
 * moves only after the next one is unfiltered (which reads it as its previous row), and
 * its new place ends before that next row begins.
 */
function unfilterInPlace(raw: Buffer, height: number, rowBytes: number, bpp: number, corrupt: () => FormatError): Uint8Array {
  const bytes = new Uint8Array(raw.buffer, raw.byteOffset, raw.length);
  const zero = new Uint8Array(rowBytes);
  let prevAt = -1;
  for (let y = 0, at = 0; y < height; y++) {
    const filter = bytes[at++]!;
    if (filter > 4) throw corrupt();
    if (prevAt < 0) unfilterRow(filter, bytes, at, bytes, at, zero, 0, rowBytes, bpp);
    else {
      unfilterRow(filter, bytes, at, bytes, at, bytes, prevAt, rowBytes, bpp);
      bytes.copyWithin((y - 1) * rowBytes, prevAt, prevAt + rowBytes);
    }
    prevAt = at;
    at += rowBytes;
  }
  if (prevAt >= 0) bytes.copyWithin((height - 1) * rowBytes, prevAt, prevAt + rowBytes);
  return bytes.subarray(0, height * rowBytes);
}

/**
 * Undoes one scanline's filter (PNG spec §9) from raw[at …] into cur[c0 …], given the
 * previous unfiltered row at prev[p0 …]: one loop per filter type, so the per-byte work is
 * only the predictor. cur[c0 …] may be raw[at …] itself: each byte is read before it is
 * written, and the left neighbour read back is then already unfiltered, as the filters
 * define it.
 */
function unfilterRow(filter: number, raw: Uint8Array, at: number, cur: Uint8Array, c0: number, prev: Uint8Array, p0: number, n: number, bpp: number): void {
  const first = Math.min(bpp, n); // bytes with no left neighbour (a = c = 0)
  switch (filter) {
    case 0:
      if (cur !== raw || c0 !== at) cur.set(raw.subarray(at, at + n), c0);
      return;
    case 1:
      for (let i = 0; i < first; i++) cur[c0 + i] = raw[at + i]!;
      for (let i = first; i < n; i++) cur[c0 + i] = (raw[at + i]! + cur[c0 + i - bpp]!) & 0xff;
      return;
    case 2:
      for (let i = 0; i < n; i++) cur[c0 + i] = (raw[at + i]! + prev[p0 + i]!) & 0xff;
      return;
    case 3:
      for (let i = 0; i < first; i++) cur[c0 + i] = (raw[at + i]! + (prev[p0 + i]! >> 1)) & 0xff;
      for (let i = first; i < n; i++) cur[c0 + i] = (raw[at + i]! + ((cur[c0 + i - bpp]! + prev[p0 + i]!) >> 1)) & 0xff;
      return;
    default:
      // Paeth with a = c = 0 predicts b.
      for (let i = 0; i < first; i++) cur[c0 + i] = (raw[at + i]! + prev[p0 + i]!) & 0xff;
      for (let i = first; i < n; i++) {
        const a = cur[c0 + i - bpp]!;
        const b = prev[p0 + i]!;
        const c = prev[p0 + i - bpp]!;
        const p = a + b - c;
        const pa = p > a ? p - a : a - p;
        const pb = p > b ? p - b : b - p;
        const pc = p > c ? p - c : c - p;
        cur[c0 + i] = (raw[at + i]! + (pa <= pb && pa <= pc ? a : pb <= pc ? b : c)) & 0xff;
      }
  }
}

/** One unfiltered scanline into `out`: the first `keep` samples of each pixel, big-endian 16-bit, sub-byte depths unpacked. */
function unpackRow(row: Uint8Array, out: Uint8Array | Uint16Array, base: number, width: number, samples: number, keep: number, depth: number): void {
  if (depth === 8) {
    if (samples === keep) (out as Uint8Array).set(row.subarray(0, width * keep), base);
    else for (let x = 0; x < width; x++) for (let s = 0; s < keep; s++) out[base + x * keep + s] = row[x * samples + s]!;
  } else if (depth === 16) {
    for (let x = 0; x < width; x++) {
      for (let s = 0; s < keep; s++) {
        const j = 2 * (x * samples + s);
        out[base + x * keep + s] = (row[j]! << 8) | row[j + 1]!;
      }
    }
  } else {
    // 1/2/4-bit: grey or palette only, one sample per pixel, most significant bits first.
    const mask = (1 << depth) - 1;
    const perByte = 8 / depth;
    for (let x = 0; x < width; x++) {
      const byte = row[Math.floor(x / perByte)]!;
      const shift = 8 - depth * ((x % perByte) + 1);
      out[base + x] = (byte >> shift) & mask;
    }
  }
}

function corrupt(buf: Uint8Array, chunks: PngChunk[], ihdr: Ihdr): FormatError {
  const why = diagnoseImageData(buf, chunks, ihdr) ?? 'the pixel stream cannot be decoded';
  return new FormatError(`corrupt or truncated image data (${why})`);
}
