// Hand-written file writers for the benchmark workloads: NIfTI-1 (.nii / .nii.gz),
// .npy, .npz (a zip with one stored or deflated entry) and greyscale PNG (sharp).
// Layouts follow scripts/make-demo-fixtures.py and numpy's format; nothing here depends
// on segloss's own readers.
import { writeFileSync } from 'node:fs';
import zlib from 'node:zlib';

/** NIfTI-1 datatype codes by typed-array class. */
const NIFTI_DATATYPE = new Map([
  [Uint8Array, 2],
  [Int16Array, 4],
  [Int32Array, 8],
  [Float32Array, 16],
  [Float64Array, 64],
  [Int8Array, 256],
  [Uint16Array, 512],
]);

const NPY_DESCR = new Map([
  [Uint8Array, '|u1'],
  [Int16Array, '<i2'],
  [Int32Array, '<i4'],
  [Float32Array, '<f4'],
  [Float64Array, '<f8'],
  [Int8Array, '|i1'],
  [Uint16Array, '<u2'],
]);

const bytesOf = (a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

/**
 * The 352-byte NIfTI-1 header (348 + 4 extension bytes): dims, datatype, pixdim,
 * vox_offset 352, scl_slope 1, magic "n+1". Data follow in Fortran order (x fastest).
 */
export function niftiHeader(data, dims, spacing) {
  const code = NIFTI_DATATYPE.get(data.constructor);
  if (!code) throw new Error(`no NIfTI datatype for ${data.constructor.name}`);
  const h = Buffer.alloc(352);
  h.writeInt32LE(348, 0); // sizeof_hdr
  h.writeInt16LE(dims.length, 40); // dim[0]
  for (let k = 0; k < 7; k++) h.writeInt16LE(dims[k] ?? 1, 42 + 2 * k);
  h.writeInt16LE(code, 70); // datatype
  h.writeInt16LE(data.BYTES_PER_ELEMENT * 8, 72); // bitpix
  h.writeFloatLE(1, 76); // pixdim[0] = qfac
  for (let k = 0; k < 7; k++) h.writeFloatLE(spacing[k] ?? 1, 80 + 4 * k);
  h.writeFloatLE(352, 108); // vox_offset
  h.writeFloatLE(1, 112); // scl_slope
  h[123] = 2; // xyzt_units: mm
  h.write('n+1\0', 344, 'latin1');
  return h;
}

/** Writes `data` (x fastest) as .nii or, for a .gz path, gzip at `level`. Returns the file size. */
export function writeNifti(path, data, dims, spacing, level = 6) {
  const body = Buffer.concat([niftiHeader(data, dims, spacing), bytesOf(data)]);
  const out = path.endsWith('.gz') ? zlib.gzipSync(body, { level }) : body;
  writeFileSync(path, out);
  return out.length;
}

/** .npy version 1.0 bytes: magic, header dict padded with spaces to a 64-byte boundary, data. */
export function npyBytes(data, shape) {
  const descr = NPY_DESCR.get(data.constructor);
  if (!descr) throw new Error(`no npy descr for ${data.constructor.name}`);
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  const unpadded = 10 + dict.length + 1;
  dict += ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  const pre = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, 0, 0]);
  pre.writeUInt16LE(dict.length, 8);
  return Buffer.concat([pre, Buffer.from(dict, 'latin1'), bytesOf(data)]);
}

export function writeNpy(path, data, shape) {
  const b = npyBytes(data, shape);
  writeFileSync(path, b);
  return b.length;
}

let crcTable = null;
function crc32(buf) {
  if (typeof zlib.crc32 === 'function') return zlib.crc32(buf) >>> 0;
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (let i = 0; i < buf.length; i++) c = crcTable[(c ^ buf[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/**
 * A zip archive holding one entry `name` (as numpy's savez / savez_compressed write
 * `probabilities.npy`): stored, or deflated at `level`. Sizes must stay below 4 GiB.
 */
export function zipOneEntry(name, content, { deflate = true, level = 6 } = {}) {
  const data = deflate ? zlib.deflateRawSync(content, { level }) : content;
  const nameBytes = Buffer.from(name, 'utf8');
  const crc = crc32(content);
  const method = deflate ? 8 : 0;
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4); // version needed
  local.writeUInt16LE(0, 6); // flags
  local.writeUInt16LE(method, 8);
  local.writeUInt16LE(0, 10); // time
  local.writeUInt16LE(0x21, 12); // date 1980-01-01
  local.writeUInt32LE(crc, 14);
  local.writeUInt32LE(data.length, 18);
  local.writeUInt32LE(content.length, 22);
  local.writeUInt16LE(nameBytes.length, 26);
  local.writeUInt16LE(0, 28);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4); // made by
  central.writeUInt16LE(20, 6); // needed
  central.writeUInt16LE(0, 8);
  central.writeUInt16LE(method, 10);
  central.writeUInt16LE(0, 12);
  central.writeUInt16LE(0x21, 14);
  central.writeUInt32LE(crc, 16);
  central.writeUInt32LE(data.length, 20);
  central.writeUInt32LE(content.length, 24);
  central.writeUInt16LE(nameBytes.length, 28);
  // extra, comment, disk, internal attributes, external attributes: 0
  central.writeUInt32LE(0, 42); // local header offset
  const cdOffset = local.length + nameBytes.length + data.length;
  const cdSize = central.length + nameBytes.length;
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(cdSize, 12);
  end.writeUInt32LE(cdOffset, 16);
  return Buffer.concat([local, nameBytes, data, central, nameBytes, end]);
}

export function writeNpz(path, key, data, shape, opts) {
  const b = zipOneEntry(`${key}.npy`, npyBytes(data, shape), opts);
  writeFileSync(path, b);
  return b.length;
}

let sharpModule = null;
/** An 8-bit greyscale PNG of a row-major uint8 image, through sharp. */
export async function writePngGrey8(path, u8, width, height) {
  sharpModule ??= (await import('sharp')).default;
  const info = await sharpModule(u8, { raw: { width, height, channels: 1 } }).toColourspace('b-w').png().toFile(path);
  return info.size;
}

/** MetaImage .mha (x fastest), its data one zlib stream at `level`, as ITK writes with compression on. Returns the file size. */
export function writeMha(path, data, dims, spacing, level = 6) {
  const type = { Uint8Array: 'MET_UCHAR', Int16Array: 'MET_SHORT', Float32Array: 'MET_FLOAT' }[data.constructor.name];
  const body = zlib.deflateSync(bytesOf(data), { level });
  const header = ['ObjectType = Image', `NDims = ${dims.length}`, 'BinaryData = True', 'BinaryDataByteOrderMSB = False', 'CompressedData = True',
    `CompressedDataSize = ${body.length}`, 'TransformMatrix = 1 0 0 0 1 0 0 0 1', 'Offset = 0 0 0', `ElementSpacing = ${spacing.join(' ')}`,
    `DimSize = ${dims.join(' ')}`, `ElementType = ${type}`, 'ElementDataFile = LOCAL', ''].join('\n');
  const out = Buffer.concat([Buffer.from(header, 'latin1'), body]);
  writeFileSync(path, out);
  return out.length;
}

/** NRRD .nrrd (x fastest), gzip encoding at `level`, LPS space directions. Returns the file size. */
export function writeNrrd(path, data, dims, spacing, level = 6) {
  const type = { Uint8Array: 'uint8', Int16Array: 'int16', Float32Array: 'float' }[data.constructor.name];
  const body = zlib.gzipSync(bytesOf(data), { level });
  const dirs = spacing.map((s, k) => `(${[0, 1, 2].map((i) => (i === k ? s : 0)).join(',')})`).join(' ');
  const header = ['NRRD0004', `type: ${type}`, `dimension: ${dims.length}`, 'space: left-posterior-superior', `sizes: ${dims.join(' ')}`,
    `space directions: ${dirs}`, 'kinds: domain domain domain', 'endian: little', 'encoding: gzip', 'space origin: (0,0,0)', '', ''].join('\n');
  const out = Buffer.concat([Buffer.from(header, 'latin1'), body]);
  writeFileSync(path, out);
  return out.length;
}
