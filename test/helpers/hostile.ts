// Hostile inputs for the end-to-end bad-input tests: one case per kind of damage.
// - `hostileCorpus()` is the small committed corpus (fixtures/hostile); regenerate it with
//   `SEGLOSS_WRITE_HOSTILE=1 npx vitest run test/hostile.test.ts`.
// - `bombCorpus()` holds the files that claim (or inflate to) gigabytes; they are a few
//   MB at most and made at test time, never committed.
// Each case lists what the report must say about it: status, which file, a reason fragment.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import zlib from 'node:zlib';
import { niftiBytes } from './nifti.js';
import { npyBytes, zipBytes } from './npy.js';
import { encodePng, ihdr, pngChunk, PNG_SIGNATURE } from './png.js';
import { elementBytes, metaImage, nrrd, tiffBytes } from './formats.js';

export interface Expect {
  status: 'ok' | 'error' | 'missing';
  /** The file the error must name. */
  names?: 'gt' | 'pred';
  reason?: RegExp;
}

export interface Corpus {
  /** file name → bytes (a `null` value is a directory named like a data file). */
  gt: Record<string, Uint8Array | null>;
  pred: Record<string, Uint8Array | null>;
  /** case id → what the report must say. */
  expect: Record<string, Expect>;
  /** Files the scan must pass over (hidden, backups, other extensions). */
  ignored: number;
  /** Predictions without ground truth (the warning must list them). */
  unmatched: string[];
}

// 2D ground truth: 8 wide, 6 high, labels 0..2. 3D: 6×5×4 uint8, anisotropic spacing.
const W = 8;
const H = 6;
const PNG_LABELS = Array.from({ length: W * H }, (_, i) => ((i % W) < 3 ? 1 : (i % W) > 5 ? 2 : 0));
const PNG_PRED = PNG_LABELS.map((v, i) => (i === 5 ? 1 : v));
const DIMS3 = [6, 5, 4];
const N3 = 6 * 5 * 4;
const SPACING3 = [0.8, 0.8, 2.5];
const VOL_LABELS = Array.from({ length: N3 }, (_, i) => (i % 6 > 2 && Math.floor(i / 6) % 5 > 1 ? 1 : 0));
const VOL_PROBS = VOL_LABELS.map((v, i) => (v ? 0.9 : i % 11 === 0 ? 0.6 : 0.1));

export const goodPng = (samples: number[] = PNG_LABELS, width = W, height = H): Buffer =>
  encodePng({ width, height, bitDepth: 8, colorType: 0, samples });
export const goodNifti = (): Buffer => niftiBytes({ dims: DIMS3, datatype: 'uint8', values: VOL_LABELS, pixdim: SPACING3 });
export const probNifti = (): Buffer => niftiBytes({ dims: DIMS3, datatype: 'float32', values: VOL_PROBS, pixdim: SPACING3 });
/** NumPy probabilities matching the PNG ground truth: shape (6, 8), i.e. (rows, columns). */
export const probNpy = (values: number[] = PNG_PRED.map((v) => (v === 1 ? 0.8 : 0.2))): Buffer =>
  npyBytes({ descr: '<f4', shape: [H, W], values });
export const labelNpy = (): Buffer => npyBytes({ descr: '|u1', shape: [H, W], values: PNG_PRED });
export const gz = (b: Uint8Array): Buffer => zlib.gzipSync(b, { level: 9 });

/** Overwrite bytes at `at` in a copy. */
function patched(src: Uint8Array, at: number, bytes: number[] | Buffer): Buffer {
  const out = Buffer.from(src);
  Buffer.from(bytes).copy(out, at);
  return out;
}

function setI16(src: Uint8Array, at: number, v: number): Buffer {
  const out = Buffer.from(src);
  out.writeInt16LE(v, at);
  return out;
}

function setF32(src: Uint8Array, at: number, v: number): Buffer {
  const out = Buffer.from(src);
  out.writeFloatLE(v, at);
  return out;
}

/** Byte offset of the first chunk of `type` in a PNG. */
export function chunkAt(png: Uint8Array, type: string): number {
  for (let at = 8; at + 8 <= png.length; ) {
    const len = Buffer.from(png).readUInt32BE(at);
    if (Buffer.from(png.subarray(at + 4, at + 8)).toString('latin1') === type) return at;
    at += 12 + len;
  }
  throw new Error(`no ${type} chunk`);
}

/** A PNG whose IDAT holds `idat` (any bytes) with a correct CRC. */
function pngWithIdat(idat: Uint8Array, width = W, height = H): Buffer {
  return Buffer.concat([PNG_SIGNATURE, ihdr(width, height, 8, 0), pngChunk('IDAT', idat), pngChunk('IEND')]);
}

export function hostileCorpus(): Corpus {
  const gt: Corpus['gt'] = {};
  const pred: Corpus['pred'] = {};
  const expect: Corpus['expect'] = {};
  const png = goodPng();
  const nii = goodNifti();
  const add = (id: string, g: [string, Uint8Array | null] | null, p: [string, Uint8Array | null] | null, e: Expect) => {
    if (g) gt[`${id}${g[0]}`] = g[1];
    if (p) pred[`${id}${p[0]}`] = p[1];
    expect[id] = e;
  };
  const err = (names: 'gt' | 'pred', reason: RegExp): Expect => ({ status: 'error', names, reason });

  // Good cases, including one whose name has spaces and non-ASCII letters.
  add('h01_good_png', ['.png', png], ['.png', goodPng(PNG_PRED)], { status: 'ok' });
  add('h02_good_nifti', ['.nii.gz', gz(nii)], ['.nii.gz', gz(probNifti())], { status: 'ok' });
  add('h03 ünï cödé', ['.png', png], ['.npy', labelNpy()], { status: 'ok' });

  // Files that are not what their name says.
  add('h04_empty_file', ['.png', png], ['.png', new Uint8Array(0)], err('pred', /file is empty/));
  add('h05_png_wrong_magic', ['.png', png], ['.png', Buffer.from('this is not a PNG\n')], err('pred', /not a PNG file \(bad signature\)/));
  add('h06_nifti_wrong_magic', ['.nii.gz', gz(nii)], ['.nii', patched(nii, 344, [0x78, 0x79, 0x7a, 0])], err('pred', /bad NIfTI-1 magic/));
  add('h07_npy_wrong_magic', ['.png', png], ['.npy', patched(probNpy(), 0, [0x50, 0x4b, 0x03, 0x04])], err('pred', /not a \.npy file \(bad magic\)/));
  add('h08_gz_not_gzip', ['.nii.gz', gz(nii)], ['.nii.gz', Buffer.from('PK\x03\x04 neither gzip nor NIfTI, just some text that is long enough to hold a header '.repeat(8))], err('pred', /not a NIfTI file \(sizeof_hdr/));

  // Truncated and corrupt streams.
  const gzProb = gz(probNifti());
  add('h09_gz_truncated', ['.nii.gz', gz(nii)], ['.nii.gz', gzProb.subarray(0, Math.floor(gzProb.length * 0.6))], err('pred', /compressed file is truncated/));
  add('h10_gz_corrupt', ['.nii.gz', gz(nii)], ['.nii.gz', patched(gzProb, gzProb.length - 8, [0xde, 0xad, 0xbe, 0xef])], err('pred', /corrupt compressed data/));
  add('h11_nifti_truncated', ['.nii.gz', gz(nii)], ['.nii', probNifti().subarray(0, 352 + 100)], err('pred', /file is truncated: header promises 480 bytes of data, file holds 100/));
  add('h12_gt_truncated', ['.nii.gz', gz(nii).subarray(0, 40)], ['.nii.gz', gz(probNifti())], err('gt', /compressed file is truncated/));

  // NIfTI header fields that lie.
  add('h13_vox_offset', ['.nii.gz', gz(nii)], ['.nii', setF32(probNifti(), 108, 1e6)], err('pred', /vox_offset 1000000 is past the end of the file/));
  add('h14_datatype_unknown', ['.nii.gz', gz(nii)], ['.nii', setI16(nii, 70, 999)], err('pred', /unknown datatype code 999 is not supported/));
  add('h15_datatype_complex', ['.nii.gz', gz(nii)], ['.nii', setI16(nii, 70, 32)], err('pred', /datatype 32 \(complex64\) is not supported/));
  add('h16_dim_zero', ['.nii.gz', gz(nii)], ['.nii', setI16(nii, 44, 0)], err('pred', /dim\[2\] is 0, not a positive size/));
  add('h17_dim_negative', ['.nii.gz', gz(nii)], ['.nii', setI16(nii, 42, -6)], err('pred', /dim\[1\] is -6, not a positive size/));
  add('h18_ndim_zero', ['.nii.gz', gz(nii)], ['.nii', setI16(nii, 40, 0)], err('pred', /dim\[0\] is 0, must be 1\.\.7/));

  // NumPy headers and data lengths that disagree.
  const npyText = "{'descr': '<f4', 'fortran_order': False, 'shape': (6, 8";
  add('h19_npy_bad_header', ['.png', png], ['.npy', npyBytes({ descr: '<f4', shape: [H, W], headerText: npyText, data: new Uint8Array(4 * W * H) })], err('pred', /malformed header/));
  add('h20_npy_shape_short', ['.png', png], ['.npy', npyBytes({ descr: '<f4', shape: [H, W], data: new Uint8Array(100) })], err('pred', /file is truncated: shape \(6, 8\) of '<f4' needs 192 bytes of data, file holds 100/));
  add('h21_npy_shape_long', ['.png', png], ['.npy', npyBytes({ descr: '<f4', shape: [H, W], data: new Uint8Array(400) })], err('pred', /shape and data disagree: shape \(6, 8\) of '<f4' needs 192 bytes of data, file holds 400/));
  add('h22_npy_dtype', ['.png', png], ['.npy', npyBytes({ descr: '<c8', shape: [H, W], data: new Uint8Array(8 * W * H) })], err('pred', /unsupported dtype '<c8' \(complex\)/));
  const probs = probNpy();
  add('h23_npz_bad_crc', ['.png', png], ['.npz', zipBytes([{ name: 'probabilities.npy', data: probs, method: 8, badCrc: true }])], err('pred', /CRC mismatch/));
  const npz = zipBytes([{ name: 'probabilities.npy', data: probs, method: 8 }]);
  add('h24_npz_truncated', ['.png', png], ['.npz', npz.subarray(0, npz.length - 30)], err('pred', /not a ZIP archive \(no end-of-central-directory record/));
  add('h25_npz_ambiguous', ['.png', png], ['.npz', zipBytes([{ name: 'a.npy', data: probs }, { name: 'b.npy', data: probs }])], err('pred', /several arrays \(a, b\)/));

  // PNG chunks.
  const predPng = goodPng(PNG_PRED);
  const idat = chunkAt(predPng, 'IDAT');
  add('h26_png_bad_crc', ['.png', png], ['.png', patched(predPng, idat + 9, [predPng[idat + 9]! ^ 0xff])], err('pred', /CRC mismatch in IDAT chunk/));
  add('h27_png_chunk_length', ['.png', png], ['.png', patched(predPng, idat, [0x7f, 0xff, 0xff, 0xff])], err('pred', /chunk IDAT at byte \d+ runs past the end/));
  add('h28_png_bad_idat', ['.png', png], ['.png', pngWithIdat(Buffer.from('not a zlib stream at all, but the CRC is right'))], err('pred', /corrupt or truncated image data/));
  add('h29_png_truncated', ['.png', png], ['.png', predPng.subarray(0, idat + 20)], err('pred', /file is truncated \(chunk IDAT/));
  add('h30_png_no_iend', ['.png', png], ['.png', predPng.subarray(0, predPng.length - 12)], err('pred', /file is truncated \(no IEND chunk\)/));

  // Values.
  const withNan: number[] = PNG_PRED.map((v) => (v === 1 ? 0.8 : 0.2));
  withNan[3] = NaN;
  withNan[10] = NaN;
  withNan[20] = NaN;
  add('h31_pred_nan', ['.png', png], ['.npy', probNpy(withNan)], err('pred', /NaN or infinite value in prediction \(3 voxels\)/));
  const withInf: number[] = VOL_PROBS.slice();
  withInf[0] = Infinity;
  withInf[7] = -Infinity;
  add('h32_pred_inf', ['.nii.gz', gz(nii)], ['.nii', niftiBytes({ dims: DIMS3, datatype: 'float32', values: withInf, pixdim: SPACING3 })], err('pred', /NaN or infinite value in prediction \(2 voxels\)/));
  add('h33_gt_nan', ['.npy', npyBytes({ descr: '<f4', shape: [H, W], values: PNG_LABELS.map((v, i) => (i === 0 ? NaN : v)) })], ['.png', predPng], err('gt', /ground truth holds 1 non-integer value/));

  // Shapes and spacings that do not fit.
  add('h34_shape_png', ['.png', png], ['.png', goodPng(PNG_PRED.slice(0, W * (H - 1)), W, H - 1)], err('pred', /shape mismatch: pred \[5, 8\] vs gt \[6, 8\]/));
  const otherShape = niftiBytes({ dims: [6, 5, 3], datatype: 'uint8', values: VOL_LABELS.slice(0, 90), pixdim: [1, 1, 3] });
  add('h35_shape_nifti', ['.nii.gz', gz(nii)], ['.nii.gz', gz(otherShape)], err('pred', /shape mismatch: pred \[6, 5, 3\] vs gt \[6, 5, 4\] \(spacing pred \[1, 1, 3\] vs gt \[0\.8, 0\.8, 2\.5\]\)/));

  // Pairing: a missing prediction, two predictions for one id, a folder named like a file.
  add('h36_missing', ['.png', png], null, { status: 'missing' });
  pred['h37_two_preds.png'] = predPng;
  add('h37_two_preds', ['.png', png], ['.npy', probNpy()], { status: 'error', reason: /several predictions share the id h37_two_preds: h37_two_preds\.npy, h37_two_preds\.png/ });
  add('h38_pred_is_folder', ['.nii.gz', gz(nii)], ['.nii.gz', null], err('pred', /is a directory, not a file/));

  // MetaImage, NRRD, TIFF and JPEG (formats.md): lying or damaged headers and data, detached
  // files that point where they must not, and the refusals by design.
  const identity = { TransformMatrix: '1 0 0 0 1 0 0 0 1', ElementSpacing: SPACING3.join(' ') };
  const mha = (fields = identity) => metaImage({ dims: DIMS3, type: 'u8', values: VOL_LABELS, fields }).file;
  const mhaZ = metaImage({ dims: DIMS3, type: 'u8', values: VOL_LABELS, fields: identity, compress: 'zlib' }).file;
  add('h39_mha_truncated', ['.mha', mha()], ['.mha', mha().subarray(0, mha().length - 30)], err('pred', /cannot read MetaImage \(data are truncated: the header promises 120 bytes, the file holds 90\)/));
  add('h40_mha_zlib_corrupt', ['.mha', mha()], ['.mha', patched(mhaZ, mhaZ.length - 12, [0xde, 0xad, 0xbe, 0xef, 0xde, 0xad])], err('pred', /cannot read MetaImage \(corrupt compressed data/));
  add('h41_mhd_outside', ['.mha', mha()], ['.mhd', metaImage({ dims: DIMS3, type: 'u8', values: VOL_LABELS, dataFile: '../gt/h41_mhd_outside.mha' }).header], err('pred', /data file "\.\.\/gt\/h41_mhd_outside\.mha" points outside the header's folder/));
  add('h42_mhd_self', ['.mha', mha()], ['.mhd', metaImage({ dims: DIMS3, type: 'u8', values: VOL_LABELS, dataFile: 'h42_mhd_self.mhd' }).header], err('pred', /data file "h42_mhd_self\.mhd" is the header itself/));
  add('h43_nhdr_absolute', ['.mha', mha()], ['.nhdr', nrrd({ sizes: DIMS3, type: 'u8', values: VOL_LABELS, dataFile: '/etc/hostname' }).header], err('pred', /data file "\/etc\/hostname" is an absolute path/));
  const bz = nrrd({ sizes: DIMS3, type: 'u8', values: VOL_LABELS }).file.toString('latin1').replace('encoding: raw', 'encoding: bzip2');
  add('h44_nrrd_bzip2', ['.mha', mha()], ['.nrrd', Buffer.from(bz, 'latin1')], err('pred', /unsupported NRRD encoding "bzip2"/));
  const layers = nrrd({ sizes: [2, ...DIMS3], type: 'u8', values: [...VOL_LABELS, ...VOL_LABELS], lines: ['kinds: list domain domain domain', 'Segment0_ID:=Segment_1', 'Segment1_ID:=Segment_2'] }).file;
  add('h45_seg_two_layers', ['.mha', mha()], ['.seg.nrrd', layers], err('pred', /multi-layer \.seg\.nrrd: export a label map/));
  const tpage = (values: number[], extra = {}) => ({ width: W, height: H, data: elementBytes(values, 'u8'), ...extra });
  add('h46_tiff_ifd_loop', ['.png', png], ['.tif', tiffBytes([tpage(PNG_PRED), tpage(PNG_PRED)], { loop: true })], err('pred', /IFD chain loops back to byte \d+ \(page 2\)/));
  add('h47_tiff_strip_past_end', ['.png', png], ['.tif', tiffBytes([tpage(PNG_PRED, { stripOffset: 1 << 20 })])], err('pred', /page 0: strip 0 lies past the end of the file/));
  add('h48_tiff_jpeg', ['.png', png], ['.tif', tiffBytes([tpage(PNG_PRED, { compression: 7 })])], err('pred', /page 0 is JPEG-compressed \(compression 7\)/));
  add('h49_tiff_pages_differ', ['.png', png], ['.tiff', tiffBytes([tpage(PNG_PRED), { width: W, height: H - 1, data: Buffer.alloc(W * (H - 1)) }])], err('pred', /page 1 is 8×5, page 0 is 8×6: a stack's pages must have one size/));
  add('h50_jpeg_pred', ['.png', png], ['.jpg', Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0, 1])], err('pred', /JPEG is lossy: artefacts change label values; use PNG, TIFF or NIfTI/));
  add('h51_direction_flip', ['.mha', mha()], ['.mha', mha({ ...identity, TransformMatrix: '1 0 0 0 -1 0 0 0 1' })], err('pred', /orientation differs from ground truth/));
  const gtNrrd = nrrd({ sizes: DIMS3, type: 'u8', values: VOL_LABELS, encoding: 'gzip' }).file;
  add('h52_gt_nrrd_truncated', ['.nrrd', gtNrrd.subarray(0, gtNrrd.length - 20)], ['.mha', mha()], err('gt', /cannot read NRRD \(compressed file is truncated\)/));

  // A prediction without ground truth, and files the scan must ignore.
  pred['zz_orphan.png'] = predPng;
  const ignoredGt = { '.DS_Store': Buffer.from('junk'), 'README.txt': Buffer.from('labels: 0 bg, 1 a, 2 b\n') };
  const ignoredPred = {
    '.h01_good_png.png': predPng, // hidden (macOS "._" files look like this)
    'h01_good_png.png~': predPng,
    'h02_good_nifti.nii.gz.bak': Buffer.from('x'),
    '#h01_good_png.png#': Buffer.from('x'),
    'notes.md': Buffer.from('# run 7\n'),
  };
  Object.assign(gt, ignoredGt);
  Object.assign(pred, ignoredPred);
  return {
    gt,
    pred,
    expect,
    ignored: Object.keys(ignoredGt).length + Object.keys(ignoredPred).length,
    unmatched: ['zz_orphan.png'],
  };
}

// ---------------------------------------------------------------------------------------
// Bombs and big claims, made at test time.

const MiB = 1 << 20;

/**
 * A raw deflate stream that inflates to `prefix` followed by zeros, `total` bytes in all,
 * built without ever holding `total` bytes: one full-flushed 1 MiB block of zeros (which
 * references nothing before it) repeated. About 1 KB of stream per MiB of output.
 */
export function zeroBombDeflate(prefix: Uint8Array, total: number): Buffer {
  const first = Buffer.concat([prefix, Buffer.alloc(MiB - prefix.length)]);
  const head = zlib.deflateRawSync(first, { finishFlush: zlib.constants.Z_FULL_FLUSH });
  const block = zlib.deflateRawSync(Buffer.alloc(MiB), { finishFlush: zlib.constants.Z_FULL_FLUSH });
  const end = zlib.deflateRawSync(Buffer.alloc(0)); // a final, empty block
  const parts = [head];
  for (let k = 1; k < Math.ceil(total / MiB); k++) parts.push(block);
  parts.push(end);
  return Buffer.concat(parts);
}

/** CRC-32 of `prefix` followed by zeros, `total` bytes in all, computed 1 MiB at a time. */
function zeroBombCrc(prefix: Uint8Array, total: number): number {
  let crc = zlib.crc32(Buffer.concat([prefix, Buffer.alloc(MiB - prefix.length)]));
  const zeros = Buffer.alloc(MiB);
  for (let k = 1; k < Math.ceil(total / MiB); k++) crc = zlib.crc32(zeros, crc);
  return crc >>> 0;
}

/** A valid gzip member (right CRC and size) around a zero bomb: nothing but its size is wrong. */
export function gzipBomb(prefix: Uint8Array, total: number): Buffer {
  const header = Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]);
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(zeroBombCrc(prefix, total), 0);
  trailer.writeUInt32LE(total % 2 ** 32, 4);
  return Buffer.concat([header, zeroBombDeflate(prefix, total), trailer]);
}

/** A ZIP holding one deflated entry given as its raw deflate stream (sizes as claimed). */
function zipWithDeflated(name: string, deflate: Buffer, claimedSize: number, crc: number): Buffer {
  // Build a real archive with a placeholder body, then splice the stream in: simpler
  // than re-deriving every offset. The placeholder is stored (method 0) and the same length.
  const archive = zipBytes([{ name, data: Buffer.alloc(deflate.length), method: 0 }]);
  const nameLen = Buffer.byteLength(name);
  deflate.copy(archive, 30 + nameLen);
  archive.writeUInt16LE(8, 8); // local: method deflate
  const central = 30 + nameLen + deflate.length;
  archive.writeUInt16LE(8, central + 10);
  archive.writeUInt32LE(claimedSize, central + 24);
  archive.writeUInt32LE(claimedSize, 22);
  archive.writeUInt32LE(crc, 14);
  archive.writeUInt32LE(crc, central + 16);
  return archive;
}

export interface BombOptions {
  /** Bytes a bomb inflates to. */
  bombBytes?: number;
}

/** Files that claim, or inflate to, far more than they hold. A few MB in all. */
export function bombCorpus(opts: BombOptions = {}): Corpus {
  const bombBytes = opts.bombBytes ?? 2 * 1024 * MiB;
  const png = goodPng();
  const nii = goodNifti();
  const gt: Corpus['gt'] = {};
  const pred: Corpus['pred'] = {};
  const expect: Corpus['expect'] = {};
  const add = (id: string, gtFile: [string, Uint8Array], predFile: [string, Uint8Array], e: Expect) => {
    gt[`${id}${gtFile[0]}`] = gtFile[1];
    pred[`${id}${predFile[0]}`] = predFile[1];
    expect[id] = e;
  };
  const err = (reason: RegExp): Expect => ({ status: 'error', names: 'pred', reason });
  const limit = /more than the limit of 2147483648 \(--max-voxels\)/;

  add('b00_good', ['.png', png], ['.png', goodPng(PNG_PRED)], { status: 'ok' });
  add('b01_nifti_claims_100000_cubed', ['.nii.gz', gz(nii)], ['.nii', niftiBytes({ version: 2, dims: [100000, 100000, 100000], datatype: 'uint8', values: [1, 2, 3] })], err(/header declares 100000×100000×100000 = 1000000000000000 elements, more than the limit/));
  add('b02_png_claims_100000_squared', ['.png', png], ['.png', Buffer.concat([PNG_SIGNATURE, ihdr(100000, 100000, 8, 0), pngChunk('IDAT', zlib.deflateSync(Buffer.alloc(1000))), pngChunk('IEND')])], err(/image is 100000×100000 = 10000000000 elements/));
  add('b03_npy_claims_huge', ['.png', png], ['.npy', npyBytes({ descr: '<f4', shape: [100000, 100000, 100000], values: [1] })], err(limit));

  // Bombs: a header promising 6×5×4 voxels (or a 6×8 array) in front of gigabytes of zeros.
  const header = nii.subarray(0, 352);
  add('b04_gzip_bomb', ['.nii.gz', gz(nii)], ['.nii.gz', gzipBomb(header, bombBytes)], err(/decompresses to more than the \d+ bytes its header promises; refusing a possible decompression bomb/));
  const npyHead = probNpy().subarray(0, 128);
  add('b05_zip_bomb', ['.png', png], ['.npz', zipWithDeflated('probabilities.npy', zeroBombDeflate(npyHead, bombBytes), 192 + 128, zeroBombCrc(npyHead, bombBytes))], err(/entry 'probabilities\.npy': decompresses to more than the 320 bytes its header promises/));

  // Claims under --max-voxels that the file cannot back: refused before allocating.
  const bigNii = niftiBytes({ dims: [1200, 1000, 1000], datatype: 'uint8', values: [] });
  add('b06_gz_claims_1p2g_tiny_stream', ['.nii.gz', gz(nii)], ['.nii.gz', gz(bigNii)], err(/decompressed file is truncated: header promises 1200000000 bytes of data/));
  add('b07_nii_claims_4g_tiny_file', ['.nii.gz', gz(nii)], ['.nii', niftiBytes({ dims: [1000, 1000, 1000], datatype: 'float32', values: [] })], err(/file is truncated: header promises 4000000000 bytes of data, file holds 0/));
  add('b08_npy_claims_4g_tiny_file', ['.png', png], ['.npy', npyBytes({ descr: '<f4', shape: [1000, 1000, 1000], values: [1] })], err(/file is truncated: shape \(1000, 1000, 1000\) of '<f4' needs 4000000000 bytes/));
  add('b09_png_claims_1p6g_tiny_idat', ['.png', png], ['.png', Buffer.concat([PNG_SIGNATURE, ihdr(40000, 40000, 8, 0), pngChunk('IDAT', zlib.deflateSync(Buffer.alloc(1000))), pngChunk('IEND')])], err(/image data is too short for a 40000×40000 image/));
  const npzBig = npyBytes({ descr: '<f4', shape: [1000, 1000, 400], values: [1] });
  add('b10_npz_claims_1p6g_tiny_entry', ['.png', png], ['.npz', zipBytes([{ name: 'probabilities.npy', data: npzBig, method: 8 }])], err(/entry 'probabilities\.npy': file is truncated: shape \(1000, 1000, 400\) of '<f4' needs 1600000000 bytes of data, file holds 4/));

  // Files that would make every one of their values a label of the run (an engine pass and
  // a report entry each): refused when the labels are discovered, with a hint.
  const side = 40;
  const halves = Array.from({ length: side * side }, (_, i) => i % 2);
  add('b11_pred_1600_labels', ['.npy', npyBytes({ descr: '|u1', shape: [side, side], values: halves })], ['.npy', npyBytes({ descr: '<i4', shape: [side, side], values: halves.map((_, i) => 100000 + i) })], err(/prediction holds more than 1000 distinct labels/));
  add('b12_pred_1500_channels', ['.npy', npyBytes({ descr: '|u1', shape: [2, 2], values: [0, 1, 1, 0] })], ['.npy', npyBytes({ descr: '<f4', shape: [1500, 2, 2], values: new Array(6000).fill(1 / 1500) })], err(/prediction has 1500 channels, more than 1001/));

  // The same claims and bombs in the formats of formats.md.
  const vol = goodNifti();
  const mhaHeader = (fields: string[]) => Buffer.from(['ObjectType = Image', 'NDims = 3', ...fields, 'ElementDataFile = LOCAL', ''].join('\n'), 'latin1');
  add('b13_mha_claims_100000_cubed', ['.nii.gz', gz(vol)], ['.mha', Buffer.concat([mhaHeader(['DimSize = 100000 100000 100000', 'ElementType = MET_UCHAR']), Buffer.alloc(8)])], err(/header declares 100000×100000×100000 = 1000000000000000 elements, more than the limit/));
  add('b14_mha_gzip_bomb', ['.nii.gz', gz(vol)], ['.mha', Buffer.concat([mhaHeader(['CompressedData = True', 'DimSize = 6 5 4', 'ElementType = MET_UCHAR']), gzipBomb(new Uint8Array(0), bombBytes)])], err(/decompresses to more than the 120 bytes its header promises; refusing a possible decompression bomb/));
  const nrrdHeader = (fields: string[]) => Buffer.from(['NRRD0004', ...fields, '', ''].join('\n'), 'latin1');
  add('b15_nrrd_gzip_bomb', ['.nii.gz', gz(vol)], ['.nrrd', Buffer.concat([nrrdHeader(['type: uchar', 'dimension: 3', 'sizes: 6 5 4', 'encoding: gzip']), gzipBomb(new Uint8Array(0), bombBytes)])], err(/decompresses to more than the 120 bytes its header promises; refusing a possible decompression bomb/));
  add('b16_nrrd_claims_4g_tiny_file', ['.nii.gz', gz(vol)], ['.nrrd', Buffer.concat([nrrdHeader(['type: float', 'dimension: 3', 'sizes: 1000 1000 1000', 'endian: little', 'encoding: raw']), Buffer.alloc(16)])], err(/data are truncated: the header promises 4000000000 bytes, the file holds 16/));
  // A zlib-wrapped zero bomb as one deflate strip of an 8×6 page (zlib header, raw stream, a dummy Adler-32).
  const zlibBomb = Buffer.concat([Buffer.from([0x78, 0x01]), zeroBombDeflate(new Uint8Array(0), Math.min(bombBytes, 64 * MiB)), Buffer.alloc(4)]);
  add('b17_tiff_deflate_bomb', ['.png', png], ['.tif', tiffBytes([{ width: W, height: H, data: zlibBomb, compression: 8 }])], err(/a deflate strip inflates past its 48 bytes; refusing a possible decompression bomb/));
  add('b18_tiff_claims_100000_squared', ['.png', png], ['.tif', tiffBytes([{ width: 100000, height: 100000, data: zlib.deflateSync(Buffer.alloc(1000)), compression: 8 }])], err(/image is 100000×100000×1 = 10000000000 elements, more than the limit/));
  add('b19_tiff_claims_1p6g_tiny_strip', ['.png', png], ['.tif', tiffBytes([{ width: 40000, height: 40000, data: zlib.deflateSync(Buffer.alloc(1000)), compression: 8 }])], err(/page 0: \d+ bytes of deflate data cannot hold its 40000×40000 image/));
  return { gt, pred, expect, ignored: 0, unmatched: [] };
}

/** Write a corpus as `<root>/gt` and `<root>/pred` (a `null` file becomes a folder with one file in it). */
export function writeCorpus(corpus: Corpus, root: string): { gt: string; pred: string } {
  const dirs = { gt: join(root, 'gt'), pred: join(root, 'pred') };
  for (const side of ['gt', 'pred'] as const) {
    mkdirSync(dirs[side], { recursive: true });
    for (const [name, bytes] of Object.entries(corpus[side])) {
      const path = join(dirs[side], name);
      if (bytes === null) {
        mkdirSync(path, { recursive: true });
        writeFileSync(join(path, 'README'), 'a folder named like a data file\n');
      } else writeFileSync(path, bytes);
    }
  }
  return dirs;
}
