// Hand-built MetaImage, NRRD and TIFF files for tests: just the fields the readers use,
// values encoded with DataView so both byte orders are exercised. The arrays a test
// writes are the values it expects back: nothing here shares code with src/io.
import zlib from 'node:zlib';

export type Elem = 'u8' | 'i8' | 'u16' | 'i16' | 'u32' | 'i32' | 'f32' | 'f64';
const SIZE: Record<Elem, number> = { u8: 1, i8: 1, u16: 2, i16: 2, u32: 4, i32: 4, f32: 4, f64: 8 };

/** Values as `type` elements in the given byte order. */
export function elementBytes(values: readonly number[], type: Elem, littleEndian = true): Buffer {
  const size = SIZE[type];
  const out = Buffer.alloc(values.length * size);
  const v = new DataView(out.buffer, out.byteOffset, out.length);
  values.forEach((x, i) => {
    const at = i * size;
    switch (type) {
      case 'u8': v.setUint8(at, x); break;
      case 'i8': v.setInt8(at, x); break;
      case 'u16': v.setUint16(at, x, littleEndian); break;
      case 'i16': v.setInt16(at, x, littleEndian); break;
      case 'u32': v.setUint32(at, x, littleEndian); break;
      case 'i32': v.setInt32(at, x, littleEndian); break;
      case 'f32': v.setFloat32(at, x, littleEndian); break;
      case 'f64': v.setFloat64(at, x, littleEndian); break;
    }
  });
  return out;
}

const MET: Record<Elem, string> = { u8: 'MET_UCHAR', i8: 'MET_CHAR', u16: 'MET_USHORT', i16: 'MET_SHORT', u32: 'MET_UINT', i32: 'MET_INT', f32: 'MET_FLOAT', f64: 'MET_DOUBLE' };

export interface MetaSpec {
  dims: number[];
  type: Elem;
  values: readonly number[];
  /** Extra `Key = Value` lines, written before ElementType (geometry, spacing, channels, …). */
  fields?: Record<string, string>;
  msb?: boolean;
  compress?: 'zlib' | 'gzip';
  /** Detached data: the header names this file; `metaImage` then returns the header and data apart. */
  dataFile?: string;
}

/** A MetaImage header and its data; for LOCAL data, `file` is the whole .mha. */
export function metaImage(s: MetaSpec): { header: Buffer; data: Buffer; file: Buffer } {
  let data = elementBytes(s.values, s.type, !s.msb);
  if (s.compress === 'zlib') data = zlib.deflateSync(data);
  if (s.compress === 'gzip') data = zlib.gzipSync(data);
  const lines = [
    'ObjectType = Image',
    `NDims = ${s.dims.length}`,
    'BinaryData = True',
    `BinaryDataByteOrderMSB = ${s.msb ? 'True' : 'False'}`,
    `CompressedData = ${s.compress ? 'True' : 'False'}`,
    ...(s.compress ? [`CompressedDataSize = ${data.length}`] : []),
    `DimSize = ${s.dims.join(' ')}`,
    ...Object.entries(s.fields ?? {}).map(([k, v]) => `${k} = ${v}`),
    `ElementType = ${MET[s.type]}`,
    `ElementDataFile = ${s.dataFile ?? 'LOCAL'}`,
  ];
  const header = Buffer.from(lines.join('\n') + '\n', 'latin1');
  return { header, data, file: Buffer.concat([header, data]) };
}

const NRRD_TYPE: Record<Elem, string> = { u8: 'unsigned char', i8: 'signed char', u16: 'ushort', i16: 'short', u32: 'uint', i32: 'int32_t', f32: 'float', f64: 'double' };

export interface NrrdSpec {
  sizes: number[];
  type: Elem;
  values: readonly number[];
  encoding?: 'raw' | 'gzip' | 'ascii';
  bigEndian?: boolean;
  /** Extra `field: value` (or `key:=value`) lines. */
  lines?: string[];
  dataFile?: string;
}

export function nrrd(s: NrrdSpec): { header: Buffer; data: Buffer; file: Buffer } {
  const encoding = s.encoding ?? 'raw';
  let data: Buffer =
    encoding === 'ascii' ? Buffer.from(s.values.join(' ') + '\n', 'latin1') : elementBytes(s.values, s.type, !s.bigEndian);
  if (encoding === 'gzip') data = zlib.gzipSync(data);
  const lines = [
    'NRRD0004',
    '# made by test/helpers/formats.ts',
    `type: ${NRRD_TYPE[s.type]}`,
    `dimension: ${s.sizes.length}`,
    `sizes: ${s.sizes.join(' ')}`,
    `endian: ${s.bigEndian ? 'big' : 'little'}`,
    `encoding: ${encoding}`,
    ...(s.lines ?? []),
    ...(s.dataFile ? [`data file: ${s.dataFile}`] : []),
  ];
  const header = Buffer.from(lines.join('\n') + '\n' + (s.dataFile ? '' : '\n'), 'latin1');
  return { header, data, file: Buffer.concat([header, data]) };
}

export interface TiffPageSpec {
  width: number;
  height: number;
  /** Stored strip bytes (already compressed when `compression` is not 1). */
  data: Uint8Array;
  /** null: no BitsPerSample tag (TIFF's default, 1). */
  bits?: number | null;
  samples?: number;
  sampleFormat?: number;
  photometric?: number;
  compression?: number;
  subfile?: number;
  /** Overrides the strip offset (to point it past the end of the file). */
  stripOffset?: number;
}

/** Little-endian classic TIFF, one strip per page. `loop`: the last IFD points back at the first. */
export function tiffBytes(pages: TiffPageSpec[], opts: { loop?: boolean } = {}): Buffer {
  const parts: Buffer[] = [Buffer.from([0x49, 0x49, 42, 0, 0, 0, 0, 0])];
  let pos = 8;
  const dataAt: number[] = [];
  for (const p of pages) {
    dataAt.push(pos);
    const d = Buffer.from(p.data);
    parts.push(d);
    pos += d.length;
    if (pos % 2) {
      parts.push(Buffer.alloc(1));
      pos++;
    }
  }
  const ifdAt: number[] = [];
  const ifds: Buffer[] = [];
  for (let k = 0; k < pages.length; k++) {
    const p = pages[k];
    const samples = p.samples ?? 1;
    const entries: [number, number, number[]][] = [];
    if (p.subfile !== undefined) entries.push([254, 4, [p.subfile]]);
    entries.push([256, 4, [p.width]], [257, 4, [p.height]]);
    if (p.bits !== null) entries.push([258, 3, new Array(samples).fill(p.bits ?? 8)]);
    entries.push([259, 3, [p.compression ?? 1]], [262, 3, [p.photometric ?? 1]], [273, 4, [p.stripOffset ?? dataAt[k]]]);
    entries.push([277, 3, [samples]], [278, 4, [p.height]], [279, 4, [p.data.length]]);
    if (p.sampleFormat !== undefined) entries.push([339, 3, new Array(samples).fill(p.sampleFormat)]);
    const size = 2 + 12 * entries.length + 4;
    ifdAt.push(pos);
    const ifd = Buffer.alloc(size);
    const extra: Buffer[] = [];
    let extraAt = pos + size;
    ifd.writeUInt16LE(entries.length, 0);
    entries.forEach(([tag, type, values], i) => {
      const e = 2 + 12 * i;
      ifd.writeUInt16LE(tag, e);
      ifd.writeUInt16LE(type, e + 2);
      ifd.writeUInt32LE(values.length, e + 4);
      const bytes = Buffer.alloc(values.length * (type === 3 ? 2 : 4));
      values.forEach((v, j) => (type === 3 ? bytes.writeUInt16LE(v, 2 * j) : bytes.writeUInt32LE(v, 4 * j)));
      if (bytes.length <= 4) bytes.copy(ifd, e + 8);
      else {
        ifd.writeUInt32LE(extraAt, e + 8);
        extra.push(bytes);
        extraAt += bytes.length;
      }
    });
    ifds.push(Buffer.concat([ifd, ...extra]));
    pos = extraAt + (extraAt % 2);
    if (extraAt % 2) ifds.push(Buffer.alloc(1));
  }
  // Link the chain: header → IFD 0 → IFD 1 … → 0 (or back to IFD 0).
  parts[0].writeUInt32LE(ifdAt[0] ?? 0, 4);
  let which = 0;
  for (const b of ifds) {
    if (b.length === 1) continue;
    const n = b.readUInt16LE(0);
    const next = which + 1 < pages.length ? ifdAt[which + 1] : opts.loop ? ifdAt[0] : 0;
    b.writeUInt32LE(next, 2 + 12 * n);
    which++;
  }
  return Buffer.concat([...parts, ...ifds]);
}

/** 1-bit rows, most significant bit first, each row padded to a whole byte. */
export function packBits1(values: readonly number[], width: number): Buffer {
  const rowBytes = Math.ceil(width / 8);
  const height = values.length / width;
  const out = Buffer.alloc(rowBytes * height);
  values.forEach((v, i) => {
    const y = Math.floor(i / width);
    const x = i % width;
    if (v) out[y * rowBytes + (x >> 3)] |= 0x80 >> (x & 7);
  });
  return out;
}
