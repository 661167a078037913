// Hand-built .npy and .npz bytes for tests, laid out as numpy writes them (header dict
// padded with spaces to a 64-byte boundary, ending in '\n'), plus knobs to break them.
import zlib from 'node:zlib';

export interface NpySpec {
  descr: string;
  shape: number[];
  fortran?: boolean;
  values?: ArrayLike<number | bigint>;
  /** Raw data bytes instead of encoding `values`. */
  data?: Uint8Array;
  version?: 1 | 2 | 3;
  /** The dict text, verbatim (to test malformed headers). */
  headerText?: string;
  /** Pad the header so the data starts at this multiple (numpy: 64). */
  align?: number;
}

function shapeRepr(shape: number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
}

/** float -> IEEE half bits (round to nearest; test values are exact halves). */
export function toHalf(v: number): number {
  if (Number.isNaN(v)) return 0x7e00;
  const sign = v < 0 || Object.is(v, -0) ? 0x8000 : 0;
  const a = Math.abs(v);
  if (a === Infinity) return sign | 0x7c00;
  if (a < 2 ** -14) return sign | Math.round(a / 2 ** -24);
  const e = Math.floor(Math.log2(a));
  return sign | ((e + 15) << 10) | Math.round((a / 2 ** e - 1) * 1024);
}

export function encodeValues(descr: string, values: ArrayLike<number | bigint>): Uint8Array {
  const m = /^([<>|=])([biuf])(\d+)$/.exec(descr);
  if (!m) throw new Error(`test helper cannot encode ${descr}`);
  const le = m[1] !== '>';
  const kind = m[2]!;
  const size = Number(m[3]);
  const out = new Uint8Array(values.length * size);
  const view = new DataView(out.buffer);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    const at = i * size;
    if (kind === 'b' || (size === 1 && kind === 'u')) view.setUint8(at, Number(v));
    else if (size === 1) view.setInt8(at, Number(v));
    else if (kind === 'f' && size === 2) view.setUint16(at, toHalf(Number(v)), le);
    else if (kind === 'f' && size === 4) view.setFloat32(at, Number(v), le);
    else if (kind === 'f') view.setFloat64(at, Number(v), le);
    else if (size === 2) kind === 'i' ? view.setInt16(at, Number(v), le) : view.setUint16(at, Number(v), le);
    else if (size === 4) kind === 'i' ? view.setInt32(at, Number(v), le) : view.setUint32(at, Number(v), le);
    else kind === 'i' ? view.setBigInt64(at, BigInt(v), le) : view.setBigUint64(at, BigInt(v), le);
  }
  return out;
}

export function npyBytes(spec: NpySpec): Buffer {
  const version = spec.version ?? 1;
  const dict =
    spec.headerText ??
    `{'descr': '${spec.descr}', 'fortran_order': ${spec.fortran ? 'True' : 'False'}, 'shape': ${shapeRepr(spec.shape)}, }`;
  const preamble = version === 1 ? 10 : 12;
  const align = spec.align ?? 64;
  const unpadded = preamble + Buffer.byteLength(dict, 'utf8') + 1;
  const padded = Math.ceil(unpadded / align) * align;
  const header = dict + ' '.repeat(padded - unpadded) + '\n';
  const head = Buffer.alloc(preamble);
  Buffer.from('\x93NUMPY', 'latin1').copy(head);
  head[6] = version;
  head[7] = 0;
  if (version === 1) head.writeUInt16LE(padded - preamble, 8);
  else head.writeUInt32LE(padded - preamble, 8);
  const data = spec.data ?? encodeValues(spec.descr, spec.values ?? []);
  return Buffer.concat([head, Buffer.from(header, 'utf8'), data]);
}

export interface ZipEntrySpec {
  name: string;
  data: Uint8Array;
  /** 0 stored (default), 8 deflate, anything else written as-is. */
  method?: number;
  /** Write a wrong CRC. */
  badCrc?: boolean;
}

/**
 * A ZIP archive as Python's zipfile writes one. With `zip64`, every central entry
 * carries its sizes and offset in a zip64 extra field and the archive ends with zip64
 * end records (as numpy does for arrays over 4 GiB).
 */
export function zipBytes(entries: ZipEntrySpec[], opts: { zip64?: boolean } = {}): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const method = e.method ?? 0;
    const body = method === 8 ? zlib.deflateRawSync(e.data) : Buffer.from(e.data);
    const crc = (zlib.crc32(e.data) ^ (e.badCrc ? 1 : 0)) >>> 0;
    const name = Buffer.from(e.name, 'utf8');
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(e.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    locals.push(local, name, body);
    const extra = Buffer.alloc(opts.zip64 ? 28 : 0);
    if (opts.zip64) {
      extra.writeUInt16LE(1, 0);
      extra.writeUInt16LE(24, 2);
      extra.writeBigUInt64LE(BigInt(e.data.length), 4);
      extra.writeBigUInt64LE(BigInt(body.length), 12);
      extra.writeBigUInt64LE(BigInt(offset), 20);
    }
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(45, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x800, 8); // UTF-8 names
    central.writeUInt16LE(method, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(opts.zip64 ? 0xffffffff : body.length, 20);
    central.writeUInt32LE(opts.zip64 ? 0xffffffff : e.data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt16LE(extra.length, 30);
    central.writeUInt32LE(opts.zip64 ? 0xffffffff : offset, 42);
    centrals.push(central, name, extra);
    offset += 30 + name.length + body.length;
  }
  const cd = Buffer.concat(centrals);
  const tail: Buffer[] = [];
  if (opts.zip64) {
    const record = Buffer.alloc(56);
    record.writeUInt32LE(0x06064b50, 0);
    record.writeBigUInt64LE(44n, 4);
    record.writeBigUInt64LE(BigInt(entries.length), 24);
    record.writeBigUInt64LE(BigInt(entries.length), 32);
    record.writeBigUInt64LE(BigInt(cd.length), 40);
    record.writeBigUInt64LE(BigInt(offset), 48);
    const locator = Buffer.alloc(20);
    locator.writeUInt32LE(0x07064b50, 0);
    locator.writeBigUInt64LE(BigInt(offset + cd.length), 8);
    locator.writeUInt32LE(1, 16);
    tail.push(record, locator);
  }
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(opts.zip64 ? 0xffff : entries.length, 8);
  eocd.writeUInt16LE(opts.zip64 ? 0xffff : entries.length, 10);
  eocd.writeUInt32LE(opts.zip64 ? 0xffffffff : cd.length, 12);
  eocd.writeUInt32LE(opts.zip64 ? 0xffffffff : offset, 16);
  return Buffer.concat([...locals, cd, ...tail, eocd]);
}
