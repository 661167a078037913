// Fuzzing the whole path from file to report: valid small PNG, NIfTI (.nii, .nii.gz),
// NumPy (.npy, .npz), MetaImage (.mha), NRRD (.nrrd) and TIFF ground truths and
// predictions are damaged by seeded mutations (bit flips, truncations, header fields
// (text header lines, TIFF IFD entries) overwritten with hostile values, PNG chunks given
// correct CRCs so the damage reaches the decoder), then the built CLI evaluates them in
// a few runs of many cases each. Every run must end with a report in which every case is
// ok or error, each error one line naming its file; never a crash, a stack trace or a
// hang (each run is killed after RUN_TIMEOUT_MS, which fails the test).
//
// Deterministic: the same seed makes the same files. More iterations locally with
//   SEGLOSS_FUZZ_SEED=7 SEGLOSS_FUZZ_CASES=2000 npx vitest run test/fuzz.test.ts
// (SEGLOSS_FUZZ_KEEP=1 keeps the generated files).
// Needs `npx tsc -p tsconfig.json` first.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import zlib from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';
import { chunkAt } from './helpers/hostile.js';
import { niftiBytes } from './helpers/nifti.js';
import { npyBytes, zipBytes } from './helpers/npy.js';
import { encodePng } from './helpers/png.js';
import { elementBytes, metaImage, nrrd, tiffBytes } from './helpers/formats.js';

const SEED = Number(process.env.SEGLOSS_FUZZ_SEED ?? 20240601);
const TOTAL_CASES = Number(process.env.SEGLOSS_FUZZ_CASES ?? 480);
const RUNS = 4;
const RUN_TIMEOUT_MS = 45_000;

/** mulberry32: small, fast, good enough to pick mutations reproducibly. */
function rng(seed: number) {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number): number => Math.floor(next() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  return { next, int, pick };
}
type Rng = ReturnType<typeof rng>;

// ---- valid starting files -------------------------------------------------------------
const W = 12;
const H = 10;
const LABELS2D = Array.from({ length: W * H }, (_, i) => ((i % W) + Math.floor(i / W)) % 5 === 0 ? 2 : i % W < 4 ? 1 : 0);
const DIMS = [6, 5, 4];
const N3 = 120;
const LABELS3D = Array.from({ length: N3 }, (_, i) => (i % 6 > 2 && Math.floor(i / 6) % 5 > 1 ? 1 : 0));
const PROBS3D = LABELS3D.map((v, i) => (v ? 0.85 : (i % 7) / 20));

const base = {
  pngLabels: () => encodePng({ width: W, height: H, bitDepth: 8, colorType: 0, samples: LABELS2D }),
  pngPalette: () =>
    encodePng({ width: W, height: H, bitDepth: 4, colorType: 3, samples: LABELS2D, palette: [[0, 0, 0], [255, 0, 0], [0, 255, 0]] }),
  png16: () => encodePng({ width: W, height: H, bitDepth: 16, colorType: 0, samples: LABELS2D.map((v) => v * 1000) }),
  pngRgb: () => encodePng({ width: W, height: H, bitDepth: 8, colorType: 2, samples: LABELS2D.flatMap((v) => [v, v, v]), interlace: true }),
  niiLabels: () => niftiBytes({ dims: DIMS, datatype: 'uint8', values: LABELS3D, pixdim: [0.8, 0.8, 2.5] }),
  niiProbs: () => niftiBytes({ dims: DIMS, datatype: 'float32', values: PROBS3D, pixdim: [0.8, 0.8, 2.5] }),
  niiLogits2: () => niftiBytes({ version: 2, dims: [...DIMS, 2], datatype: 'float64', values: [...PROBS3D.map((p) => -p * 4), ...PROBS3D.map((p) => p * 4)], littleEndian: false }),
  npyProbs2d: () => npyBytes({ descr: '<f4', shape: [H, W], values: LABELS2D.map((v) => (v === 1 ? 0.9 : 0.1)) }),
  npyLabels3d: () => npyBytes({ descr: '<i2', shape: [4, 5, 6], values: LABELS3D }),
  npySoftmax3d: () => npyBytes({ descr: '>f8', shape: [2, 4, 5, 6], values: [...PROBS3D.map((p) => 1 - p), ...PROBS3D] }),
  mhaLabels: () => metaImage({ dims: DIMS, type: 'u8', values: LABELS3D, fields: { ElementSpacing: '0.8 0.8 2.5' } }).file,
  mhaProbsZ: () => metaImage({ dims: DIMS, type: 'f32', values: PROBS3D, msb: true, compress: 'zlib', fields: { ElementSpacing: '0.8 0.8 2.5' } }).file,
  nrrdLabelsGz: () => nrrd({ sizes: DIMS, type: 'i16', values: LABELS3D, encoding: 'gzip', lines: ['space: LPS', 'space directions: (0.8,0,0) (0,0.8,0) (0,0,2.5)'] }).file,
  nrrdVector: () => nrrd({ sizes: [2, ...DIMS], type: 'f32', values: PROBS3D.flatMap((p) => [1 - p, p]), lines: ['kinds: vector domain domain domain'] }).file,
  tiffLabels: () => tiffBytes([{ width: W, height: H, data: elementBytes(LABELS2D, 'u8') }]),
  tiffProbsZ: () => tiffBytes([{ width: W, height: H, bits: 32, sampleFormat: 3, compression: 8, data: zlib.deflateSync(elementBytes(LABELS2D.map((v) => (v === 1 ? 0.9 : 0.1)), 'f32')) }]),
};

type Ext = '.png' | '.nii' | '.nii.gz' | '.npy' | '.npz' | '.mha' | '.nrrd' | '.tif';
interface Template {
  gt: { ext: Ext; bytes: () => Buffer };
  pred: { ext: Ext; bytes: () => Buffer };
}
const gz = (b: Uint8Array) => zlib.gzipSync(b);
const npz = (npy: Uint8Array, method: 0 | 8) => zipBytes([{ name: 'probabilities.npy', data: npy, method }]);
const TEMPLATES: Template[] = [
  { gt: { ext: '.png', bytes: base.pngLabels }, pred: { ext: '.png', bytes: base.pngLabels } },
  { gt: { ext: '.png', bytes: base.pngPalette }, pred: { ext: '.png', bytes: base.png16 } },
  { gt: { ext: '.png', bytes: base.pngLabels }, pred: { ext: '.png', bytes: base.pngRgb } },
  { gt: { ext: '.png', bytes: base.pngLabels }, pred: { ext: '.npy', bytes: base.npyProbs2d } },
  { gt: { ext: '.png', bytes: base.pngLabels }, pred: { ext: '.npz', bytes: () => npz(base.npyProbs2d(), 8) } },
  { gt: { ext: '.nii', bytes: base.niiLabels }, pred: { ext: '.nii', bytes: base.niiProbs } },
  { gt: { ext: '.nii.gz', bytes: () => gz(base.niiLabels()) }, pred: { ext: '.nii.gz', bytes: () => gz(base.niiProbs()) } },
  { gt: { ext: '.nii.gz', bytes: () => gz(base.niiLabels()) }, pred: { ext: '.nii', bytes: base.niiLogits2 } },
  { gt: { ext: '.nii', bytes: base.niiLabels }, pred: { ext: '.npy', bytes: base.npyLabels3d } },
  { gt: { ext: '.nii', bytes: base.niiLabels }, pred: { ext: '.npz', bytes: () => npz(base.npySoftmax3d(), 0) } },
  { gt: { ext: '.npy', bytes: base.npyLabels3d }, pred: { ext: '.nii.gz', bytes: () => gz(base.niiProbs()) } },
  { gt: { ext: '.mha', bytes: base.mhaLabels }, pred: { ext: '.mha', bytes: base.mhaProbsZ } },
  { gt: { ext: '.nii', bytes: base.niiLabels }, pred: { ext: '.nrrd', bytes: base.nrrdVector } },
  { gt: { ext: '.nrrd', bytes: base.nrrdLabelsGz }, pred: { ext: '.mha', bytes: base.mhaLabels } },
  { gt: { ext: '.png', bytes: base.pngLabels }, pred: { ext: '.tif', bytes: base.tiffProbsZ } },
  { gt: { ext: '.tif', bytes: base.tiffLabels }, pred: { ext: '.tif', bytes: base.tiffLabels } },
];

// ---- mutations --------------------------------------------------------------------------
const INT16S = [-32768, -1, 0, 1, 2, 3, 4, 5, 7, 8, 255, 256, 4096, 32767];
const FLOATS = [0, -0, -1, 1, 0.5, 351, 352, 353, 1e6, 1e30, 3e38, NaN, Infinity, -Infinity, 2 ** 31];
const DATATYPES = [0, 1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 768, 1024, 1280, 1536, 1792, 2048, 2304, 999, -1];

function flipBits(b: Buffer, r: Rng, count: number, from = 0, to = b.length): void {
  if (to <= from) return;
  for (let k = 0; k < count; k++) {
    const at = from + r.int(to - from);
    b[at] = b[at]! ^ (1 << r.int(8));
  }
}

function generic(b: Buffer, r: Rng): Buffer {
  switch (r.int(5)) {
    case 0: flipBits(b, r, 1 + r.int(8)); return b;
    case 1: flipBits(b, r, 1 + r.int(4), 0, Math.min(b.length, 400)); return b;
    case 2: return b.subarray(0, r.int(b.length));
    case 3: return Buffer.concat([b, Buffer.from(Array.from({ length: 1 + r.int(64) }, () => r.int(256)))]);
    default: {
      // Overwrite a random run with one repeated byte (0x00 or 0xff): zeroed or erased blocks.
      const at = r.int(b.length);
      b.fill(r.pick([0, 0xff]), at, Math.min(b.length, at + 1 + r.int(32)));
      return b;
    }
  }
}

/** NIfTI header fields: sizeof_hdr, dim[0..7], datatype, bitpix, pixdim, vox_offset, scl_*. */
function niftiField(b: Buffer, r: Rng): Buffer {
  if (b.length < 352) return generic(b, r);
  const le = b.readInt32LE(0) === 348 || b.readInt32LE(0) === 540;
  const v2 = (le ? b.readInt32LE(0) : b.readInt32BE(0)) === 540;
  const i16 = (at: number, v: number) => (le ? b.writeInt16LE(v, at) : b.writeInt16BE(v, at));
  const i64 = (at: number, v: number) => (le ? b.writeBigInt64LE(BigInt(v), at) : b.writeBigInt64BE(BigInt(v), at));
  const f32 = (at: number, v: number) => (le ? b.writeFloatLE(v, at) : b.writeFloatBE(v, at));
  const f64 = (at: number, v: number) => (le ? b.writeDoubleLE(v, at) : b.writeDoubleBE(v, at));
  const big = [-1, 0, 1, 2, 7, 8, 65536, 2 ** 31, 2 ** 40, 2 ** 53, -(2 ** 62)];
  const num = (vs: number[]) => (r.next() < 0.2 ? r.int(65536) - 32768 : r.pick(vs));
  switch (r.int(7)) {
    case 0: v2 ? i64(16 + 8 * r.int(8), r.pick(big)) : i16(40 + 2 * r.int(8), num(INT16S)); break; // dim
    case 1: i16(v2 ? 12 : 70, r.pick(DATATYPES)); break;
    case 2: i16(v2 ? 14 : 72, r.pick([0, 1, 7, 8, 16, 32, 64, 128, -8])); break; // bitpix (ignored)
    case 3: v2 ? i64(168, r.pick([...big, 544, 545, 4096])) : f32(108, r.pick(FLOATS)); break; // vox_offset
    case 4: v2 ? f64(176 + 8 * r.int(2), r.pick(FLOATS)) : f32(112 + 4 * r.int(2), r.pick(FLOATS)); break; // scl_slope/inter
    case 5: v2 ? f64(104 + 8 * r.int(8), r.pick(FLOATS)) : f32(76 + 4 * r.int(8), r.pick(FLOATS)); break; // pixdim
    default: if (r.next() < 0.5) b.writeInt32LE(r.pick([348, 540, 0, -348, 1543569408]), 0); else b.write(r.pick(['n+1\0', 'ni1\0', 'n+2\0', 'xxxx']), v2 ? 4 : 344, 'latin1');
  }
  return b;
}

const SHAPES = ['(10, 12)', '(12, 10)', '(120,)', '()', '(0, 12)', '(-1, 12)', '(10, 12, 1)', '(1, 10, 12)', '(100000, 100000, 100000)',
  '(4, 5, 6)', '(2, 4, 5, 6)', '(99999999999999999999,)', '((1,),)', '(10.0, 12)', "('a',)", '[10, 12]', '(1000, 1000, 1000)'];
const DESCRS = ['<f4', '>f4', '<f8', '<f2', '|b1', '|u1', '<i2', '>i2', '<i8', '<u8', '<c8', '|O', '<U3', '|V8', '<f16', 'f4', '<M8', 'x'];

/** The .npy header dict: a field swapped for a hostile value, or the text broken. */
function npyField(b: Buffer, r: Rng): Buffer {
  if (b.length < 12 || b.readUInt8(6) !== 1) return generic(b, r);
  const headerLength = b.readUInt16LE(8);
  const text = b.subarray(10, 10 + headerLength).toString('latin1');
  let out = text;
  switch (r.int(6)) {
    case 0: out = text.replace(/'shape': \([^)]*\)/, `'shape': ${r.pick(SHAPES)}`); break;
    case 1: out = text.replace(/'descr': '[^']*'/, `'descr': '${r.pick(DESCRS)}'`); break;
    case 2: out = text.replace(/'fortran_order': \w+/, `'fortran_order': ${r.pick(['True', 'False', '1', 'None', "'yes'"])}`); break;
    case 3: out = text.replace(r.pick(["'descr': ", "'shape': ", "'fortran_order': ", '}', '{', ',', "'"]), ''); break;
    case 4: out = '['.repeat(1 + r.int(3000)) + text.slice(1); break;
    default: {
      const nb = Buffer.from(b);
      nb.writeUInt16LE(r.pick([0, 1, headerLength - 1, headerLength + 1, 0xffff]) & 0xffff, 8);
      return nb;
    }
  }
  // Keep the header length field honest so the damage is in the dict itself.
  const body = Buffer.from(out.length <= 0xffff - 10 ? out : out.slice(0, 0xffff - 10), 'latin1');
  const head = Buffer.from(b.subarray(0, 10));
  head.writeUInt16LE(body.length, 8);
  return Buffer.concat([head, body, b.subarray(10 + headerLength)]);
}

/** The same chunk with a correct CRC again, so a damaged body reaches the decoder. */
function fixCrc(b: Buffer, at: number): void {
  const len = b.readUInt32BE(at);
  if (at + 12 + len > b.length) return;
  b.writeUInt32BE(zlib.crc32(b.subarray(at + 4, at + 8 + len)) >>> 0, at + 8 + len);
}

/** PNG: IHDR fields, chunk lengths, and IDAT bodies, mostly with correct CRCs. */
function pngField(b: Buffer, r: Rng): Buffer {
  let idat: number;
  try {
    idat = chunkAt(b, 'IDAT');
  } catch {
    return generic(b, r);
  }
  const ihdrAt = 8;
  switch (r.int(5)) {
    case 0: {
      const field = r.int(7);
      if (field < 2) b.writeUInt32BE(r.pick([0, 1, W - 1, W + 1, H, 0x7fffffff, 0x80000000, 0xffffffff, 40000, 100000]), ihdrAt + 8 + 4 * field);
      else b[ihdrAt + 8 + 6 + field] = r.pick([0, 1, 2, 3, 4, 6, 7, 8, 16, 32, 255]); // bit depth .. interlace
      if (r.next() < 0.8) fixCrc(b, ihdrAt);
      return b;
    }
    case 1: b.writeUInt32BE(r.pick([0, 1, b.readUInt32BE(idat) - 1, b.readUInt32BE(idat) + 1, 0x7fffffff, 0xffffffff]) >>> 0, idat); return b;
    case 2: case 3: {
      // Damage the compressed pixels but keep the chunk "valid": the decoder must cope.
      flipBits(b, r, 1 + r.int(6), idat + 8, idat + 8 + b.readUInt32BE(idat));
      fixCrc(b, idat);
      return b;
    }
    default: {
      // Replace the pixel stream with a well-formed one of the wrong length.
      const raw = Buffer.alloc(r.pick([0, 1, 50, H * (W + 1) - 1, H * (W + 1) + 7, 5000]), r.int(256));
      const body = zlib.deflateSync(raw);
      const chunk = Buffer.alloc(12 + body.length);
      chunk.writeUInt32BE(body.length, 0);
      chunk.write('IDAT', 4, 'latin1');
      body.copy(chunk, 8);
      fixCrc(chunk, 0);
      const end = idat + 12 + b.readUInt32BE(idat);
      return Buffer.concat([b.subarray(0, idat), chunk, b.subarray(end)]);
    }
  }
}

/** ZIP structure: sizes, offsets, method and counts in the central directory and local header. */
function zipField(b: Buffer, r: Rng): Buffer {
  const eocd = b.length - 22;
  if (eocd < 0 || b.readUInt32LE(eocd) !== 0x06054b50) return generic(b, r);
  const cd = b.readUInt32LE(eocd + 16);
  if (cd + 46 > b.length) return generic(b, r);
  const u32 = [0, 1, 100, 0x7fffffff, 0xffffffff, b.length, b.length * 2];
  switch (r.int(5)) {
    case 0: b.writeUInt32LE(r.pick(u32), cd + r.pick([20, 24, 42])); break; // compressed, uncompressed size, offset
    case 1: b.writeUInt16LE(r.pick([1, 6, 12, 14, 99, 0xffff]), cd + 10); break; // method
    case 2: b.writeUInt16LE(r.pick([0, 2, 100, 0xffff]), eocd + r.pick([8, 10])); break; // entry count
    case 3: b.writeUInt32LE(r.pick(u32), eocd + r.pick([12, 16])); break; // cd size / offset
    default: b.writeUInt16LE(r.pick([0, 1, 0xffff]), r.pick([26, 28])); break; // local name/extra length
  }
  return b;
}

const HEADER_NUMBERS = ['0', '-1', '1', '2', '4', '5', '7', '100000', '4294967296', '1e30', 'nan', '-0', '3.5', '', '999999999999'];

/** MetaImage / NRRD text header: a number swapped for a hostile one, a line dropped or a key renamed. */
function textHeaderField(b: Buffer, r: Rng): Buffer {
  const text = b.toString('latin1');
  const end = text.indexOf('\n\n') >= 0 ? text.indexOf('\n\n') + 1 : text.indexOf('ElementDataFile');
  if (end <= 0) return generic(b, r);
  const head = text.slice(0, end);
  const lines = head.split('\n');
  const k = 1 + r.int(Math.max(1, lines.length - 2));
  switch (r.int(3)) {
    case 0: lines[k] = (lines[k] ?? '').replace(/-?\d+(\.\d+)?/, r.pick(HEADER_NUMBERS)); break;
    case 1: lines.splice(k, 1); break;
    default: lines[k] = (lines[k] ?? '').replace(/^\w+/, r.pick(['Offset', 'DimSize', 'sizes', 'type', 'encoding', 'data file', 'HeaderSize', 'kinds', 'byte skip', 'ElementNumberOfChannels', 'NDims']));
  }
  return Buffer.concat([Buffer.from(lines.join('\n'), 'latin1'), b.subarray(Buffer.byteLength(head, 'latin1'))]);
}

/** TIFF: an IFD entry's value (size, bits, compression, offsets …) overwritten. */
function tiffField(b: Buffer, r: Rng): Buffer {
  if (b.length < 8 || b.readUInt16LE(0) !== 0x4949) return generic(b, r);
  const ifd = b.readUInt32LE(4);
  if (ifd + 2 > b.length) return generic(b, r);
  const n = b.readUInt16LE(ifd);
  if (r.next() < 0.15) {
    b.writeUInt32LE(r.pick([0, 4, ifd, b.length, 0xffffffff]), r.next() < 0.5 ? 4 : Math.min(b.length - 4, ifd + 2 + 12 * n));
    return b;
  }
  const e = ifd + 2 + 12 * r.int(Math.max(1, n));
  if (e + 12 > b.length) return generic(b, r);
  if (r.next() < 0.3) b.writeUInt32LE(r.pick([0, 1, 2, 3, 1000, 0xffffffff]), e + 4); // count
  else b.writeUInt32LE(r.pick([0, 1, 2, 5, 6, 7, 8, 16, 32, 64, 255, 32773, 32946, 65535, 100000, b.length, 0x7fffffff]), e + 8);
  return b;
}

function mutate(bytes: Buffer, ext: Ext, r: Rng): Buffer {
  let b: Buffer = Buffer.from(bytes);
  const rounds = 1 + r.int(r.next() < 0.8 ? 1 : 3);
  for (let k = 0; k < rounds; k++) {
    const structural = r.next() < 0.7;
    if (ext === '.nii.gz' && r.next() < 0.6) {
      // Damage the volume inside, then compress it again (else most damage is a CRC error).
      let inner: Buffer;
      try {
        inner = zlib.gunzipSync(b);
      } catch {
        b = generic(b, r);
        continue;
      }
      b = gz(structural ? niftiField(inner, r) : generic(inner, r));
    } else if (ext === '.npz' && r.next() < 0.6) {
      // The .npy inside, re-zipped; or the zip structure itself.
      if (r.next() < 0.5) b = zipField(b, r);
      else b = zipBytes([{ name: 'probabilities.npy', data: structural ? npyField(npyOf(b) ?? b, r) : generic(npyOf(b) ?? b, r), method: r.pick([0, 8]) }]);
    } else if (!structural) b = generic(b, r);
    else if (ext === '.nii') b = niftiField(b, r);
    else if (ext === '.npy') b = npyField(b, r);
    else if (ext === '.png') b = pngField(b, r);
    else if (ext === '.mha' || ext === '.nrrd') b = textHeaderField(b, r);
    else if (ext === '.tif') b = tiffField(b, r);
    else b = generic(b, r);
  }
  return b;
}

/** The first entry of one of our archives (stored or deflated), or null when unreadable. */
function npyOf(zip: Buffer): Buffer | null {
  try {
    if (zip.readUInt32LE(0) !== 0x04034b50) return null;
    const method = zip.readUInt16LE(8);
    const size = zip.readUInt32LE(18);
    const start = 30 + zip.readUInt16LE(26) + zip.readUInt16LE(28);
    const body = zip.subarray(start, start + size);
    return method === 8 ? zlib.inflateRawSync(body) : Buffer.from(body);
  } catch {
    return null;
  }
}

// ---- the runs ---------------------------------------------------------------------------
interface ReportCase {
  id: string;
  status: string;
  error: string | null;
}

const dirs: string[] = [];
afterAll(() => {
  // SEGLOSS_FUZZ_KEEP=1 keeps the files (to rerun a failing run by hand).
  if (!process.env.SEGLOSS_FUZZ_KEEP) for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function makeRun(run: number, cases: number): { dir: string; gt: string; pred: string; ids: string[] } {
  const r = rng(SEED + 7919 * run);
  const dir = mkdtempSync(join(tmpdir(), `segloss-fuzz-${run}-`));
  const gt = join(dir, 'gt');
  const pred = join(dir, 'pred');
  mkdirSync(gt);
  mkdirSync(pred);
  const ids: string[] = [];
  for (let k = 0; k < cases; k++) {
    const id = `f${run}_${String(k).padStart(4, '0')}`;
    const t = r.pick(TEMPLATES);
    let g = t.gt.bytes();
    let p = t.pred.bytes();
    // Most damage goes to the prediction, some to the ground truth, a few cases stay intact.
    const roll = r.next();
    if (roll < 0.75) p = mutate(p, t.pred.ext, r);
    else if (roll < 0.95) g = mutate(g, t.gt.ext, r);
    writeFileSync(join(gt, id + t.gt.ext), g);
    writeFileSync(join(pred, id + t.pred.ext), p);
    ids.push(id);
  }
  return { dir, gt, pred, ids };
}

describe(`fuzz: ${TOTAL_CASES} mutated cases in ${RUNS} CLI runs (seed ${SEED})`, () => {
  const perRun = Math.ceil(TOTAL_CASES / RUNS);
  const seen = { ok: 0, error: 0 };
  for (let run = 0; run < RUNS; run++) {
    it(`run ${run}: exits 0/1 with one ok-or-error entry per case, errors one line naming the file`, () => {
      const { dir, gt, pred, ids } = makeRun(run, perRun);
      dirs.push(dir);
      const extra = run % 2 === 1 ? ['--metrics', 'all'] : [];
      const t0 = Date.now();
      const res = runCli(['eval', '--pred', pred, '--gt', gt, '--format', 'json', '--workers', '2', ...extra], { timeout: RUN_TIMEOUT_MS });
      const where = `(seed ${SEED}, run ${run}, files in ${dir}; stderr: ${res.stderr.slice(0, 2000)})`;
      expect(res.status, `the CLI was killed or crashed after ${Date.now() - t0} ms ${where}`).not.toBeNull();
      expect([0, 1], where).toContain(res.status);
      expect(res.stderr, where).not.toMatch(/^\s+at /m);
      const report = JSON.parse(res.stdout) as { cases: ReportCase[]; summary: { cases: number } };
      expect(report.cases.map((c) => c.id)).toEqual(ids); // every case once, in id order
      expect(report.summary.cases).toBe(ids.length);
      for (const c of report.cases) {
        expect(['ok', 'error'], `${c.id} ${where}`).toContain(c.status);
        if (c.status === 'error') {
          expect(c.error, c.id).toBeTypeOf('string');
          expect(c.error, c.id).not.toMatch(/[\r\n]/);
          expect(c.error, `${c.id}: the error must name the file`).toContain(`${c.id}.`);
          expect(c.error, `${c.id}: bad input is not an internal error`).not.toMatch(/internal error/);
        }
        seen[c.status as 'ok' | 'error']++;
      }
      // The exit status agrees with the report.
      expect(res.status).toBe(report.cases.some((c) => c.status === 'error') ? 1 : 0);
      // Only the failing cases' lines on stderr, one each.
      const errLines = res.stderr.split('\n').filter((l) => l.startsWith('error: '));
      expect(errLines).toHaveLength(report.cases.filter((c) => c.status === 'error').length);
    });
  }
  it('the mutations reach both outcomes (the fuzz is neither all-broken nor all-harmless)', () => {
    expect(seen.ok).toBeGreaterThan(TOTAL_CASES * 0.1);
    expect(seen.error).toBeGreaterThan(TOTAL_CASES * 0.3);
  });
});
