// NIfTI reader: every datatype, both byte orders, NIfTI-1 and -2, .nii and .nii.gz,
// scaling, shape and spacing rules, and one refusal per kind of damage.
import { readFileSync } from 'node:fs';
import zlib from 'node:zlib';
import * as nifti from 'nifti-reader-js';
import { afterAll, describe, expect, it } from 'vitest';
import { readArray, readNifti } from '../../src/io/index.js';
import { expectInputError } from '../helpers/inputError.js';
import { niftiBytes, type DtName, type NiftiSpec } from '../helpers/nifti.js';
import { scratch } from '../helpers/tmp.js';

const tmp = scratch();
afterAll(() => tmp.cleanup());

let counter = 0;
function write(bytes: Uint8Array, ext = '.nii'): string {
  return tmp.write(`vol${counter++}${ext}`, bytes);
}
const gz = (b: Uint8Array): Buffer => zlib.gzipSync(b);

const DIMS = [4, 3, 2];
const N = 24;

/** Values that use each type's range: negatives, extremes, and a mid value. */
const VALUES: Record<Exclude<DtName, 'complex64'>, Array<number | bigint>> = {
  uint8: Array.from({ length: N }, (_, i) => (i * 11) % 256),
  int8: Array.from({ length: N }, (_, i) => ((i * 11) % 256) - 128),
  int16: Array.from({ length: N }, (_, i) => (i * 2731) % 65536 - 32768),
  uint16: Array.from({ length: N }, (_, i) => (i * 2731) % 65536),
  int32: Array.from({ length: N }, (_, i) => (i - 12) * 178956970),
  uint32: Array.from({ length: N }, (_, i) => i * 178956970),
  float32: Array.from({ length: N }, (_, i) => Math.fround((i - 12) * 0.37)),
  float64: Array.from({ length: N }, (_, i) => (i - 12) * 0.37 + 1e-12),
  int64: Array.from({ length: N }, (_, i) => BigInt(i - 12) * 3_000_000_000n),
  uint64: Array.from({ length: N }, (_, i) => BigInt(i) * 3_000_000_000n),
};

const EXPECTED_DTYPE: Record<Exclude<DtName, 'complex64'>, [string, boolean]> = {
  uint8: ['uint8', true],
  int8: ['int8', true],
  int16: ['int16', true],
  uint16: ['uint16', true],
  int32: ['int32', true],
  uint32: ['uint32', true],
  float32: ['float32', false],
  float64: ['float64', false],
  int64: ['float64', true],
  uint64: ['float64', true],
};

const TYPES = Object.keys(VALUES) as Array<keyof typeof VALUES>;


describe('readNifti: every datatype, byte order, version and compression', () => {
  const cases = TYPES.flatMap((type) =>
    ([1, 2] as const).flatMap((version) =>
      [true, false].flatMap((littleEndian) => [false, true].map((compressed) => ({ type, version, littleEndian, compressed }))),
    ),
  );
  it.each(cases)('$type NIfTI-$version little-endian=$littleEndian gz=$compressed', async ({ type, version, littleEndian, compressed }) => {
    const bytes = niftiBytes({ version, dims: DIMS, datatype: type, values: VALUES[type], littleEndian, pixdim: [0.8, 0.9, 2.5] });
    const r = await readNifti(write(compressed ? gz(bytes) : bytes, compressed ? '.nii.gz' : '.nii'));
    expect([r.dtype, r.integer]).toEqual(EXPECTED_DTYPE[type]);
    expect(Array.from(r.data)).toEqual(VALUES[type].map(Number));
    expect(r.format).toBe('nifti');
    expect(r.shape).toEqual(DIMS);
    expect(r.order).toBe('F');
    const stored = version === 1 ? [0.8, 0.9, 2.5].map(Math.fround) : [0.8, 0.9, 2.5];
    expect(r.spacing).toEqual(stored);
  });

  it('returns a zero-copy view for aligned little-endian data', async () => {
    const r = await readNifti(write(niftiBytes({ dims: DIMS, datatype: 'float32', values: VALUES.float32 })));
    expect(r.data.byteOffset).toBe(0);
    expect(r.data.buffer.byteLength).toBe(N * 4); // only the data was read
  });

  it('copies when vox_offset leaves the data unaligned (float64 at 348)', async () => {
    const bytes = niftiBytes({ dims: DIMS, datatype: 'float64', values: VALUES.float64, voxOffset: 348 });
    expect(Array.from((await readNifti(write(gz(bytes), '.nii.gz'))).data)).toEqual(VALUES.float64);
    expect(Array.from((await readNifti(write(bytes))).data)).toEqual(VALUES.float64);
  });

  it('treats vox_offset 0 as "data right after the header"', async () => {
    const bytes = niftiBytes({ dims: DIMS, datatype: 'int16', values: VALUES.int16, voxOffset: 0 });
    expect(Array.from((await readNifti(write(bytes))).data)).toEqual(VALUES.int16);
  });

  it('detects gzip by content, whatever the extension says', async () => {
    const bytes = niftiBytes({ dims: DIMS, datatype: 'uint8', values: VALUES.uint8 });
    expect(Array.from((await readNifti(write(gz(bytes), '.nii'))).data)).toEqual(VALUES.uint8);
    expect(Array.from((await readNifti(write(bytes, '.nii.gz'))).data)).toEqual(VALUES.uint8);
  });

  it('agrees with nifti-reader-js on the header fields', () => {
    for (const version of [1, 2] as const) {
      const bytes = niftiBytes({ version, dims: [5, 4, 3, 2], datatype: 'int16', values: new Array(120).fill(1), pixdim: [0.5, 0.7, 3, 1] });
      const ab = new Uint8Array(bytes).buffer; // a plain ArrayBuffer holding just the file
      expect(nifti.isNIFTI(ab)).toBe(true);
      const h = nifti.readHeader(ab)!;
      expect(h.dims.slice(0, 5)).toEqual([4, 5, 4, 3, 2]);
      expect(h.datatypeCode).toBe(4);
      expect(h.vox_offset).toBe(version === 1 ? 352 : 544);
    }
  });
});

describe('readNifti: scl_slope / scl_inter', () => {
  const ints = [0, 1, 2, 3, -4, 100];
  const base: NiftiSpec = { dims: [6, 1, 1], datatype: 'int16', values: ints };

  it('integer slope and intercept on integer data: float64, still integer', async () => {
    const r = await readNifti(write(niftiBytes({ ...base, slope: 2, inter: -1 })));
    expect(r.data).toBeInstanceOf(Float64Array);
    expect(r.dtype).toBe('float64');
    expect(r.integer).toBe(true);
    expect(Array.from(r.data)).toEqual(ints.map((v) => v * 2 - 1));
  });

  it('fractional slope: float64 values v*slope+inter, not integer', async () => {
    const r = await readNifti(write(gz(niftiBytes({ ...base, slope: 0.05, inter: 0.5 })), '.nii.gz'));
    expect(r.integer).toBe(false);
    const slope = Math.fround(0.05); // the header stores float32
    expect(Array.from(r.data)).toEqual(ints.map((v) => v * slope + 0.5));
  });

  it('big-endian scaled data is swapped before scaling', async () => {
    const r = await readNifti(write(niftiBytes({ ...base, slope: 3, inter: 0, littleEndian: false, version: 2 })));
    expect(Array.from(r.data)).toEqual(ints.map((v) => v * 3));
  });

  it('float data with a slope becomes float64', async () => {
    const r = await readNifti(write(niftiBytes({ ...base, datatype: 'float32', values: [0.5, 1.5, -2, 0, 1, 2], slope: 2, inter: 1 })));
    expect(r.dtype).toBe('float64');
    expect(r.integer).toBe(false);
    expect(Array.from(r.data)).toEqual([2, 4, -3, 1, 3, 5]);
  });

  it.each([
    ['slope 0', 0, 5],
    ['identity (1, 0)', 1, 0],
    ['non-finite slope', NaN, 3],
  ])('%s leaves data unscaled', async (_name, slope, inter) => {
    const r = await readNifti(write(niftiBytes({ ...base, slope, inter })));
    expect(r.dtype).toBe('int16');
    expect(Array.from(r.data)).toEqual(ints);
  });
});

describe('readNifti: shape and spacing', () => {
  const shapeOf = async (dims: number[], pixdim?: number[]) => {
    const count = dims.reduce((a, b) => a * b, 1);
    return readNifti(write(niftiBytes({ dims, datatype: 'uint8', values: new Array(count).fill(1), pixdim })));
  };

  it('4D keeps channels last', async () => {
    const r = await shapeOf([4, 3, 2, 5], [1, 2, 3, 1]);
    expect(r.shape).toEqual([4, 3, 2, 5]);
    expect(r.spacing).toEqual([1, 2, 3]);
  });

  it('5D [X,Y,Z,1,C] reads as [X,Y,Z,C]', async () => {
    expect((await shapeOf([4, 3, 2, 1, 3])).shape).toEqual([4, 3, 2, 3]);
  });

  it('trailing size-1 dims beyond 3 are dropped, the first three kept', async () => {
    expect((await shapeOf([4, 3, 2, 1])).shape).toEqual([4, 3, 2]);
    expect((await shapeOf([4, 3, 1])).shape).toEqual([4, 3, 1]);
    expect((await shapeOf([4, 1, 1, 1, 1])).shape).toEqual([4, 1, 1]);
  });

  it('2D NIfTI has two spacings', async () => {
    const r = await shapeOf([4, 3], [0.5, 0.25]);
    expect(r.shape).toEqual([4, 3]);
    expect(r.spacing).toEqual([0.5, 0.25]);
  });

  it('negative pixdim counts by magnitude; zero and non-finite become 1', async () => {
    expect((await shapeOf([2, 2, 2], [-0.5, 0, NaN])).spacing).toEqual([0.5, 1, 1]);
  });
});

describe('readNifti: refuses damaged headers and data', () => {
  const good = niftiBytes({ dims: [24, 20, 24], datatype: 'float32', values: new Array(24 * 20 * 24).fill(0.5) });

  it('truncated .nii', async () => {
    await expectInputError(
      readNifti(write(good.subarray(0, 352 + 1200))),
      /cannot read NIfTI \(file is truncated: header promises 46080 bytes of data, file holds 1200\)/,
    );
  });

  it('truncated .nii.gz, cut in the voxels', async () => {
    // Noisy values do not compress, so the cut lands well after the header.
    const noisy = niftiBytes({ dims: [24, 20, 24], datatype: 'float32', values: Array.from({ length: 11520 }, (_, i) => Math.sin(i * 12.9898) * 43758.5453) });
    const z = gz(noisy);
    await expectInputError(readNifti(write(z.subarray(0, z.length / 2), '.nii.gz')), /cannot read NIfTI \(compressed file is truncated\)/);
  });

  it('truncated .nii.gz, cut in the header', async () => {
    await expectInputError(readNifti(write(gz(good).subarray(0, 30), '.nii.gz')), /cannot read NIfTI \(compressed file is truncated\)/);
  });

  it('.nii.gz whose complete stream holds less data than promised', async () => {
    await expectInputError(readNifti(write(gz(good.subarray(0, 1000)), '.nii.gz')), /decompressed file is truncated: header promises 46080 bytes/);
  });

  it('gzip bomb: a header promising 10 voxels followed by 50 MB of zeros', async () => {
    const header = niftiBytes({ dims: [10, 1, 1], datatype: 'uint8', values: new Array(10).fill(1) });
    const bomb = gz(Buffer.concat([header, Buffer.alloc(50e6)]));
    expect(bomb.length).toBeLessThan(100_000);
    await expectInputError(readNifti(write(bomb, '.nii.gz')), /more than the \d+ bytes its header promises; refusing a possible decompression bomb/);
  });

  it('bad magic', async () => {
    const bad = Buffer.from(good);
    bad.write('xyz\0', 344, 'latin1');
    await expectInputError(readNifti(write(bad)), /bad NIfTI-1 magic/);
  });

  it('a .hdr/.img pair header (magic ni1)', async () => {
    const bad = Buffer.from(good);
    bad.write('ni1\0', 344, 'latin1');
    await expectInputError(readNifti(write(bad)), /separate \.img file/);
  });

  it('wrong sizeof_hdr', async () => {
    const bad = Buffer.from(good);
    bad.writeInt32LE(123, 0);
    await expectInputError(readNifti(write(bad)), /not a NIfTI file \(sizeof_hdr is 123/);
  });

  it('damaged NIfTI-2 magic', async () => {
    const bad = niftiBytes({ version: 2, dims: [2, 2, 2], datatype: 'uint8', values: new Array(8).fill(0) });
    bad.write('\n\n', 8, 'latin1');
    await expectInputError(readNifti(write(bad)), /NIfTI-2 magic is damaged/);
  });

  it('dims claiming 100000³ (NIfTI-2) are refused before reading data', async () => {
    const huge = niftiBytes({ version: 2, dims: [100000, 100000, 100000], datatype: 'float32', values: [] });
    await expectInputError(readNifti(write(huge)), /header declares 100000×100000×100000 = 1000000000000000 elements, more than the limit of 2147483648/);
    await expectInputError(readNifti(write(gz(huge), '.nii.gz')), /more than the limit/);
  });

  it('honours maxVoxels, channels included', async () => {
    const small = niftiBytes({ dims: [2, 2, 2, 3], datatype: 'uint8', values: new Array(24).fill(0) });
    await expectInputError(readNifti(write(small), { maxVoxels: 23 }), /2×2×2×3 = 24 elements, more than the limit of 23/);
  });

  it.each([
    [[4, 0, 2], /dim\[2\] is 0/],
    [[4, -3, 2], /dim\[2\] is -3/],
  ])('dims %j', async (dims, fragment) => {
    await expectInputError(readNifti(write(niftiBytes({ dims, datatype: 'uint8', values: [] }))), fragment);
  });

  it('dim[0] out of range', async () => {
    const bad = Buffer.from(good);
    bad.writeInt16LE(9, 40);
    await expectInputError(readNifti(write(bad)), /dim\[0\] is 9, must be 1\.\.7/);
  });

  it('unknown and unsupported datatypes', async () => {
    await expectInputError(
      readNifti(write(niftiBytes({ dims: [2, 1, 1], datatype: 'uint8', datatypeCode: 99, values: [1, 2] }))),
      /unknown datatype code 99 is not supported/,
    );
    await expectInputError(
      readNifti(write(niftiBytes({ dims: [2, 1, 1], datatype: 'complex64', values: [1, 2] }))),
      /datatype 32 \(complex64\) is not supported/,
    );
    await expectInputError(
      readNifti(write(niftiBytes({ dims: [2, 1, 1], datatype: 'uint8', datatypeCode: 128, values: [1, 2, 3, 4, 5, 6] }))),
      /RGB24/,
    );
  });

  it('vox_offset past the end of the file', async () => {
    await expectInputError(
      readNifti(write(niftiBytes({ dims: [2, 1, 1], datatype: 'uint8', values: [], voxOffset: 4000 }).subarray(0, 400))),
      /vox_offset 4000 is past the end of the file \(400 bytes\)/,
    );
  });

  it('vox_offset inside the header', async () => {
    await expectInputError(readNifti(write(niftiBytes({ dims: [2, 1, 1], datatype: 'uint8', values: [1, 2], voxOffset: 100 }))), /points inside the 348-byte header/);
  });

  it('a file shorter than a header', async () => {
    await expectInputError(readNifti(write(good.subarray(0, 200))), /too short for a NIfTI header \(200 bytes/);
    await expectInputError(readNifti(write(gz(good.subarray(0, 200)), '.nii.gz')), /too short for a NIfTI header/);
  });

  it('gzip data that is not a gzip stream after the signature', async () => {
    const junk = Buffer.concat([Buffer.from([0x1f, 0x8b]), Buffer.alloc(600, 0x42)]);
    await expectInputError(readArray(write(junk, '.nii.gz')), /cannot read NIfTI \(corrupt compressed data/);
  });

  it('reads back a file written to disk unchanged (sanity of the helper)', () => {
    const p = write(good);
    expect(readFileSync(p).length).toBe(352 + 46080);
  });
});
