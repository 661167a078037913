// TIFF structure, checked by hand before any pixel is decoded (formats.md TIFF): the IFD
// chain (classic and BigTIFF) walked with loop and bounds checks, every page's size,
// samples, type and compression validated, and every strip or tile inside the file.
// The decoder library only ever sees a file this walk accepted. Pure: bytes in.
import { FormatError } from './errors.js';

export interface TiffPage {
  /** Index of the IFD in the chain (reduced-resolution pages included). */
  ifd: number;
  width: number;
  height: number;
  samples: number;
  /** BitsPerSample of sample 0 (absent tag = 1). */
  bits: number;
  /** SampleFormat of sample 0: 1 uint, 2 int, 3 float. */
  sampleFormat: number;
  photometric: number;
  compression: number;
  predictor: number;
  planar: number;
  /** BitsPerSample was absent (1-bit bilevel files written without it). */
  bitsTagAbsent: boolean;
  /** Compressed bytes of all strips or tiles. */
  dataBytes: number;
}

export interface TiffLayout {
  littleEndian: boolean;
  bigTiff: boolean;
  /** Full-resolution pages, in chain order: the z slices. */
  pages: TiffPage[];
}

const COMPRESSIONS: Record<number, string> = { 1: 'none', 5: 'LZW', 8: 'deflate', 32946: 'deflate', 32773: 'PackBits' };
const NAMED_COMPRESSIONS: Record<number, string> = {
  2: 'CCITT RLE', 3: 'CCITT fax 3', 4: 'CCITT fax 4', 6: 'old-style JPEG', 7: 'JPEG', 34712: 'JPEG 2000',
  34887: 'LERC', 50000: 'Zstandard', 34925: 'LZMA', 50001: 'WebP', 50002: 'JPEG XL',
};

/** Pages beyond this are refused: no microscopy stack is near it, a hostile chain could be. */
const MAX_PAGES = 65536;
const MAX_ENTRIES = 4096;

const TYPE_SIZES: Record<number, number> = { 1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8, 13: 4, 16: 8, 17: 8, 18: 8 };

export function walkTiff(bytes: Uint8Array): TiffLayout {
  if (bytes.length < 8) throw new FormatError(`file is too short for a TIFF header (${bytes.length} bytes)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const order = String.fromCharCode(bytes[0], bytes[1]);
  if (order !== 'II' && order !== 'MM') throw new FormatError('not a TIFF file (no II/MM byte-order mark)');
  const le = order === 'II';
  const magic = view.getUint16(2, le);
  if (magic !== 42 && magic !== 43) throw new FormatError(`not a TIFF file (version ${magic}, expected 42 or 43)`);
  const big = magic === 43;
  if (big && (bytes.length < 16 || view.getUint16(4, le) !== 8)) throw new FormatError('BigTIFF header is damaged');
  const offsetAt = (pos: number): number => (big ? Number(view.getBigUint64(pos, le)) : view.getUint32(pos, le));
  let next = offsetAt(big ? 8 : 4);
  const seen = new Set<number>();
  const pages: TiffPage[] = [];
  let ifd = 0;
  while (next !== 0) {
    if (seen.has(next)) throw new FormatError(`IFD chain loops back to byte ${next} (page ${ifd})`);
    if (seen.size >= MAX_PAGES) throw new FormatError(`more than ${MAX_PAGES} pages`);
    seen.add(next);
    const { tags, nextOffset } = readIfd(bytes, view, next, le, big, ifd);
    const page = checkPage(tags, ifd, bytes.length);
    if (page) pages.push(page);
    next = nextOffset;
    ifd++;
  }
  if (pages.length === 0) throw new FormatError('no full-resolution image in the file');
  const first = pages[0];
  for (const p of pages) {
    if (p.width !== first.width || p.height !== first.height) {
      throw new FormatError(`page ${p.ifd} is ${p.width}×${p.height}, page ${first.ifd} is ${first.width}×${first.height}: a stack's pages must have one size`);
    }
    if (p.samples !== first.samples || p.bits !== first.bits || p.sampleFormat !== first.sampleFormat || p.photometric !== first.photometric) {
      throw new FormatError(`page ${p.ifd} has ${p.samples} sample(s) of ${p.bits}-bit ${formatName(p.sampleFormat)}, page ${first.ifd} ${first.samples} of ${first.bits}-bit ${formatName(first.sampleFormat)}: a stack's pages must agree`);
    }
  }
  return { littleEndian: le, bigTiff: big, pages };
}

const formatName = (f: number) => (f === 3 ? 'float' : f === 2 ? 'int' : 'uint');

type Tags = Map<number, number[]>;

function readIfd(bytes: Uint8Array, view: DataView, at: number, le: boolean, big: boolean, ifd: number): { tags: Tags; nextOffset: number } {
  const countSize = big ? 8 : 2;
  const entrySize = big ? 20 : 12;
  const offsetSize = big ? 8 : 4;
  if (at + countSize > bytes.length) throw new FormatError(`IFD ${ifd} at byte ${at} is past the end of the file (${bytes.length} bytes)`);
  const n = big ? Number(view.getBigUint64(at, le)) : view.getUint16(at, le);
  if (n === 0 || n > MAX_ENTRIES) throw new FormatError(`IFD ${ifd} has ${n} entries`);
  const end = at + countSize + n * entrySize;
  if (end + offsetSize > bytes.length) throw new FormatError(`IFD ${ifd} is truncated`);
  const tags: Tags = new Map();
  for (let e = 0; e < n; e++) {
    const p = at + countSize + e * entrySize;
    const tag = view.getUint16(p, le);
    const type = view.getUint16(p + 2, le);
    const count = big ? Number(view.getBigUint64(p + 4, le)) : view.getUint32(p + 4, le);
    if (!WANTED.has(tag)) continue;
    const size = TYPE_SIZES[type];
    if (!size || ![1, 3, 4, 16, 13, 18].includes(type)) throw new FormatError(`IFD ${ifd}: tag ${tag} has field type ${type}, not an integer`);
    const total = size * count;
    const inline = total <= offsetSize;
    const valueAt = inline ? p + (big ? 12 : 8) : big ? Number(view.getBigUint64(p + 12, le)) : view.getUint32(p + 8, le);
    if (!Number.isSafeInteger(total) || valueAt + total > bytes.length) throw new FormatError(`IFD ${ifd}: tag ${tag}'s ${count} values lie past the end of the file`);
    const values: number[] = new Array(count);
    for (let i = 0; i < count; i++) {
      const q = valueAt + i * size;
      values[i] = size === 1 ? view.getUint8(q) : size === 2 ? view.getUint16(q, le) : size === 4 ? view.getUint32(q, le) : Number(view.getBigUint64(q, le));
    }
    tags.set(tag, values);
  }
  const nextOffset = big ? Number(view.getBigUint64(end, le)) : view.getUint32(end, le);
  return { tags, nextOffset };
}

const T = {
  subfile: 254, width: 256, height: 257, bits: 258, compression: 259, photometric: 262, stripOffsets: 273,
  samples: 277, rowsPerStrip: 278, stripBytes: 279, planar: 284, predictor: 317, tileWidth: 322, tileLength: 323,
  tileOffsets: 324, tileBytes: 325, sampleFormat: 339,
};
const WANTED = new Set(Object.values(T));

function one(tags: Tags, tag: number, fallback?: number): number | undefined {
  return tags.get(tag)?.[0] ?? fallback;
}

/** A validated full-resolution page, or null for a reduced-resolution one. */
function checkPage(tags: Tags, ifd: number, fileSize: number): TiffPage | null {
  const subfile = one(tags, T.subfile, 0)!;
  if (subfile & 1) return null;
  const width = one(tags, T.width);
  const height = one(tags, T.height);
  if (!width || !height) throw new FormatError(`page ${ifd} has no image width or length`);
  const compression = one(tags, T.compression, 1)!;
  if (!COMPRESSIONS[compression]) {
    const name = NAMED_COMPRESSIONS[compression];
    if (compression === 6 || compression === 7) throw new FormatError(`page ${ifd} is JPEG-compressed (compression ${compression}): JPEG is lossy and changes label values`);
    throw new FormatError(`page ${ifd} uses compression ${compression}${name ? ` (${name})` : ''}, not supported (none, deflate, LZW, PackBits)`);
  }
  const samples = one(tags, T.samples, 1)!;
  const bitsList = tags.get(T.bits);
  const bits = bitsList?.[0] ?? 1;
  if (bitsList && bitsList.some((b) => b !== bits)) throw new FormatError(`page ${ifd} has samples of different bit depths (${bitsList.join(', ')})`);
  const sampleFormat = one(tags, T.sampleFormat, 1)!;
  if (![1, 2, 3].includes(sampleFormat)) throw new FormatError(`page ${ifd}: SampleFormat ${sampleFormat} is not uint, int or float`);
  const okBits = sampleFormat === 3 ? [16, 32, 64] : sampleFormat === 1 ? [1, 8, 16, 32, 64] : [8, 16, 32, 64];
  if (!okBits.includes(bits)) throw new FormatError(`page ${ifd}: ${bits}-bit ${formatName(sampleFormat)} samples are not supported`);
  const predictor = one(tags, T.predictor, 1)!;
  if (predictor !== 1 && predictor !== 2) throw new FormatError(`page ${ifd}: predictor ${predictor} is not supported (1 or 2)`);
  const planar = one(tags, T.planar, 1)!;
  const photometric = one(tags, T.photometric, samples >= 3 ? 2 : 1)!;
  const tiled = tags.has(T.tileOffsets);
  const offsets = tags.get(tiled ? T.tileOffsets : T.stripOffsets);
  const counts = tags.get(tiled ? T.tileBytes : T.stripBytes);
  if (!offsets || !counts) throw new FormatError(`page ${ifd} has no ${tiled ? 'tile' : 'strip'} offsets or byte counts`);
  let chunks: number;
  const planes = planar === 2 ? samples : 1;
  if (tiled) {
    const tw = one(tags, T.tileWidth);
    const tl = one(tags, T.tileLength);
    if (!tw || !tl) throw new FormatError(`page ${ifd} is tiled without a tile size`);
    chunks = Math.ceil(width / tw) * Math.ceil(height / tl) * planes;
  } else {
    const rows = Math.min(one(tags, T.rowsPerStrip, height)!, height) || height;
    chunks = Math.ceil(height / rows) * planes;
  }
  if (offsets.length < chunks || counts.length < chunks) {
    throw new FormatError(`page ${ifd} lists ${Math.min(offsets.length, counts.length)} ${tiled ? 'tiles' : 'strips'}, its size needs ${chunks}`);
  }
  let dataBytes = 0;
  for (let i = 0; i < chunks; i++) {
    if (offsets[i] + counts[i] > fileSize) throw new FormatError(`page ${ifd}: ${tiled ? 'tile' : 'strip'} ${i} lies past the end of the file (truncated?)`);
    dataBytes += counts[i];
  }
  const raw = Math.ceil((width * samples * bits) / 8) * height;
  if (compression === 1 && dataBytes < raw) throw new FormatError(`page ${ifd} is truncated: its image needs ${raw} bytes, its ${tiled ? 'tiles' : 'strips'} hold ${dataBytes}`);
  return { ifd, width, height, samples, bits, sampleFormat, photometric, compression, predictor, planar, bitsTagAbsent: !bitsList, dataBytes };
}

export function compressionName(code: number): string {
  return COMPRESSIONS[code] ?? NAMED_COMPRESSIONS[code] ?? String(code);
}
