// .npy reader: every supported dtype and byte order, C and Fortran order, header
// versions, zero-copy views, and one refusal per kind of damage.
import { afterAll, describe, expect, it } from 'vitest';
import { parseNpy, readArray, readNpy } from '../../src/io/index.js';
import { InputError } from '../../src/types.js';
import { expectInputError } from '../helpers/inputError.js';
import { npyBytes, toHalf, type NpySpec } from '../helpers/npy.js';
import { scratch } from '../helpers/tmp.js';

const tmp = scratch();
afterAll(() => tmp.cleanup());

let counter = 0;
const write = (bytes: Uint8Array): string => tmp.write(`arr${counter++}.npy`, bytes);
const read = (spec: NpySpec) => readNpy(write(npyBytes(spec)));


const SEQ = Array.from({ length: 24 }, (_, i) => i - 7);

describe('readNpy: dtypes and byte orders', () => {
  it.each([
    ['<f4', 'float32', Float32Array, false, SEQ.map((v) => v / 4)],
    ['>f4', 'float32', Float32Array, false, SEQ.map((v) => v / 4)],
    ['<f8', 'float64', Float64Array, false, SEQ.map((v) => v / 3)],
    ['>f8', 'float64', Float64Array, false, SEQ.map((v) => v / 3)],
    ['|u1', 'uint8', Uint8Array, true, SEQ.map((v) => v + 200)],
    ['|i1', 'int8', Int8Array, true, SEQ.map((v) => v * 5)],
    ['<i2', 'int16', Int16Array, true, SEQ.map((v) => v * 1000)],
    ['>i2', 'int16', Int16Array, true, SEQ.map((v) => v * 1000)],
    ['<u2', 'uint16', Uint16Array, true, SEQ.map((v) => v + 60000)],
    ['>u2', 'uint16', Uint16Array, true, SEQ.map((v) => v + 60000)],
    ['<i4', 'int32', Int32Array, true, SEQ.map((v) => v * 100000000)],
    ['>i4', 'int32', Int32Array, true, SEQ.map((v) => v * 100000000)],
    ['<u4', 'uint32', Uint32Array, true, SEQ.map((v) => (v + 7) * 150000000)],
    ['>u4', 'uint32', Uint32Array, true, SEQ.map((v) => (v + 7) * 150000000)],
    ['<i8', 'float64', Float64Array, true, SEQ.map((v) => v * 3e12)],
    ['>i8', 'float64', Float64Array, true, SEQ.map((v) => v * 3e12)],
    ['<u8', 'float64', Float64Array, true, SEQ.map((v) => (v + 7) * 3e12)],
    ['>u8', 'float64', Float64Array, true, SEQ.map((v) => (v + 7) * 3e12)],
    ['=f4', 'float32', Float32Array, false, SEQ],
    ['|b1', 'bool', Uint8Array, true, SEQ.map((v) => (v > 0 ? 1 : 0))],
  ] as const)('%s decodes to %s', async (descr, dtype, ctor, integer, values) => {
    const r = await read({ descr, shape: [2, 3, 4], values });
    expect(r.format).toBe('npy');
    expect(r.dtype).toBe(dtype);
    expect(r.integer).toBe(integer);
    expect(r.data).toBeInstanceOf(ctor);
    expect(Array.from(r.data)).toEqual(values);
    expect(r.shape).toEqual([2, 3, 4]);
    expect(r.order).toBe('C');
    expect(r.spacing).toBeNull();
  });

  it('float16 (both byte orders) becomes exact float32, specials included', async () => {
    const values = [0, -0, 1, -2.5, 0.333251953125, 65504, 2 ** -24, Infinity, -Infinity];
    for (const descr of ['<f2', '>f2']) {
      const r = await read({ descr, shape: [values.length], values });
      expect(r.dtype).toBe('float32');
      expect(Array.from(r.data)).toEqual(values);
    }
    const nan = await read({ descr: '<f2', shape: [1], data: new Uint8Array(new Uint16Array([toHalf(NaN)]).buffer) });
    expect(Number.isNaN(nan.data[0])).toBe(true);
  });

  it('int64 beyond 2**32 keeps its value', async () => {
    const r = await read({ descr: '<i8', shape: [3], values: [-(2n ** 40n) - 3n, 2n ** 52n + 1n, -1n] });
    expect(Array.from(r.data)).toEqual([-(2 ** 40) - 3, 2 ** 52 + 1, -1]);
  });

  it('bool bytes other than 0/1 are True, i.e. 1', async () => {
    const r = await read({ descr: '|b1', shape: [4], data: Uint8Array.from([0, 1, 2, 255]) });
    expect(Array.from(r.data)).toEqual([0, 1, 1, 1]);
  });

  it('Fortran order is reported, data left in file order', async () => {
    const r = await read({ descr: '<f4', shape: [2, 3], fortran: true, values: [1, 2, 3, 4, 5, 6] });
    expect(r.order).toBe('F');
    expect(r.shape).toEqual([2, 3]);
    expect(Array.from(r.data)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it.each([2, 3] as const)('header version %i.0', async (version) => {
    const r = await read({ descr: '<i2', shape: [3], values: [1, -2, 3], version });
    expect(Array.from(r.data)).toEqual([1, -2, 3]);
  });

  it('Python 2 headers with long integers (3L)', async () => {
    const r = await read({ descr: '<u1', shape: [3], values: [1, 2, 3], headerText: "{'descr': '|u1', 'fortran_order': False, 'shape': (3L,), }" });
    expect(r.shape).toEqual([3]);
  });

  it('1-D and 4-D shapes', async () => {
    expect((await read({ descr: '<f4', shape: [5], values: [1, 2, 3, 4, 5] })).shape).toEqual([5]);
    expect((await read({ descr: '<f4', shape: [1, 2, 2, 2], values: new Array(8).fill(0) })).shape).toEqual([1, 2, 2, 2]);
  });
});

describe('parseNpy: memory', () => {
  it('aligned little-endian data is a zero-copy view of the buffer', () => {
    const buf = npyBytes({ descr: '<f4', shape: [4], values: [1, 2, 3, 4] });
    const r = parseNpy(buf, 'mem.npy');
    expect(r.data.buffer).toBe(buf.buffer);
    expect(r.data.byteOffset).toBe(buf.byteOffset + 10 + buf.readUInt16LE(8));
  });

  it('unaligned data is copied and still correct', () => {
    const buf = npyBytes({ descr: '<f8', shape: [3], values: [0.5, -1.25, 3], align: 1 });
    expect((buf.length - 24) % 8).not.toBe(0);
    const r = parseNpy(buf, 'mem.npy');
    expect(Array.from(r.data)).toEqual([0.5, -1.25, 3]);
  });

  it('failures are InputErrors naming the path given', () => {
    expect(() => parseNpy(Buffer.from('nope'), 'where.npy')).toThrow(InputError);
    expect(() => parseNpy(Buffer.from('nope'), 'where.npy')).toThrow(/^where\.npy: cannot read NumPy \.npy/);
  });
});

describe('readNpy: refuses damaged and unsupported files', () => {
  it('0-d arrays', async () => {
    await expectInputError(read({ descr: '<f4', shape: [], values: [1] }), /0-d array/);
  });

  it('empty arrays', async () => {
    await expectInputError(read({ descr: '<f4', shape: [0, 3], values: [] }), /array is empty \(shape \(0, 3\)\)/);
  });

  it('fewer bytes than the shape needs', async () => {
    await expectInputError(
      read({ descr: '<f4', shape: [2, 3, 4], values: new Array(20).fill(0) }),
      /file is truncated: shape \(2, 3, 4\) of '<f4' needs 96 bytes of data, file holds 80/,
    );
  });

  it('more bytes than the shape needs', async () => {
    await expectInputError(read({ descr: '<f4', shape: [5], values: new Array(6).fill(0) }), /shape and data disagree: shape \(5,\) of '<f4' needs 20 bytes of data, file holds 24/);
  });

  it('bad magic', async () => {
    await expectInputError(readNpy(write(Buffer.from('PK\x03\x04 this is a zip, not npy'))), /not a \.npy file \(bad magic\)/);
  });

  it('unsupported version', async () => {
    const buf = npyBytes({ descr: '<f4', shape: [1], values: [1] });
    buf[6] = 9;
    await expectInputError(readNpy(write(buf)), /unsupported \.npy format version 9\.0/);
  });

  it('malformed header dict', async () => {
    await expectInputError(read({ descr: '<f4', shape: [1], values: [1], headerText: "{'descr': '<f4', 'shape': (1,), 'fortran_order': Fals}" }), /malformed header/);
    await expectInputError(read({ descr: '<f4', shape: [1], values: [1], headerText: "{'descr': '<f4', 'fortran_order': False, 'shape': 'x'}" }), /'shape' is not a tuple/);
    await expectInputError(read({ descr: '<f4', shape: [1], values: [1], headerText: "__import__('os')" }), /malformed header/);
  });

  it.each([
    ['|O', /Python object/],
    ['<c8', /complex/],
    ['<U5', /unicode string/],
    ['<f16', /extended precision/],
    ['<M8[ns]', /datetime/],
    ['<i3', /no 3-byte int/],
  ])('dtype %s', async (descr, fragment) => {
    await expectInputError(read({ descr, shape: [1], data: new Uint8Array(16), headerText: `{'descr': '${descr}', 'fortran_order': False, 'shape': (1,), }` }), fragment);
  });

  it('structured dtypes', async () => {
    await expectInputError(
      read({ descr: '', shape: [1], data: new Uint8Array(8), headerText: "{'descr': [('a', '<f4'), ('b', '<i4')], 'fortran_order': False, 'shape': (1,), }" }),
      /structured \(record\) arrays are not supported/,
    );
  });

  it('a shape beyond maxVoxels, before reading the data', async () => {
    await expectInputError(read({ descr: '<f4', shape: [100000, 100000, 100000], values: [1] }), /shape 100000×100000×100000 = 1000000000000000 elements, more than the limit/);
    await expectInputError(readNpy(write(npyBytes({ descr: '<u1', shape: [10], values: new Array(10).fill(0) })), { maxVoxels: 9 }), /more than the limit of 9/);
  });

  it('truncated inside the header', async () => {
    await expectInputError(readNpy(write(npyBytes({ descr: '<f4', shape: [1], values: [1] }).subarray(0, 40))), /truncated inside its header \(40 of \d+ bytes\)/);
    await expectInputError(readNpy(write(Buffer.from('\x93NUMPY', 'latin1'))), /too short for a \.npy header/);
  });

  it('dispatches .NPY (upper case) through readArray', async () => {
    const p = tmp.write('UPPER.NPY', npyBytes({ descr: '<f4', shape: [2], values: [1, 2] }));
    expect(Array.from((await readArray(p)).data)).toEqual([1, 2]);
  });
});
