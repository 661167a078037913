// .npz reader: entry choice, stored and deflated entries, zip64, and refusals
// (ambiguous keys, CRC, truncation, decompression bombs, oversized headers).
import zlib from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { readArray, readNpz } from '../../src/io/index.js';
import { expectInputError } from '../helpers/inputError.js';
import { npyBytes, zipBytes, type ZipEntrySpec } from '../helpers/npy.js';
import { scratch } from '../helpers/tmp.js';

const tmp = scratch();
afterAll(() => tmp.cleanup());

let counter = 0;
const write = (bytes: Uint8Array): string => tmp.write(`arch${counter++}.npz`, bytes);


const PROBS = Array.from({ length: 2 * 3 * 4 }, (_, i) => (i % 5) / 4);
const probs = npyBytes({ descr: '<f4', shape: [2, 3, 4], values: PROBS });
const labels = npyBytes({ descr: '|u1', shape: [3, 4], values: new Array(12).fill(1) });

describe('readNpz: choosing and decoding the entry', () => {
  it.each([0, 8])("takes 'probabilities' among several entries (method %i)", async (method) => {
    const r = await readNpz(
      write(zipBytes([
        { name: 'extra.npy', data: labels, method },
        { name: 'probabilities.npy', data: probs, method },
      ])),
    );
    expect(r.npzKey).toBe('probabilities');
    expect(r.format).toBe('npz');
    expect(r.dtype).toBe('float32');
    expect(r.shape).toEqual([2, 3, 4]);
    expect(r.order).toBe('C');
    expect(Array.from(r.data)).toEqual(PROBS);
  });

  it('takes the only array whatever its key, ignoring non-.npy entries', async () => {
    const r = await readNpz(write(zipBytes([{ name: 'readme.txt', data: Buffer.from('hi') }, { name: 'seg.npy', data: labels, method: 8 }])));
    expect(r.npzKey).toBe('seg');
    expect(r.dtype).toBe('uint8');
    expect(r.shape).toEqual([3, 4]);
  });

  it('reads zip64 central directories and end records', async () => {
    const r = await readNpz(write(zipBytes([{ name: 'probabilities.npy', data: probs, method: 8 }], { zip64: true })));
    expect(Array.from(r.data)).toEqual(PROBS);
  });

  it('reads a stored entry at an unaligned offset (copying) and big-endian data', async () => {
    const be = npyBytes({ descr: '>f8', shape: [3], values: [1.5, -2, 1e-300] });
    const r = await readNpz(write(zipBytes([{ name: 'a.npy', data: be }])));
    expect(Array.from(r.data)).toEqual([1.5, -2, 1e-300]);
  });

  it('dispatches .NPZ through readArray', async () => {
    const p = tmp.write('CASE.NPZ', zipBytes([{ name: 'probabilities.npy', data: probs }]));
    expect((await readArray(p)).npzKey).toBe('probabilities');
  });
});

describe('readNpz: refusals', () => {
  it('several arrays, none named probabilities: lists the keys', async () => {
    await expectInputError(
      readNpz(write(zipBytes([{ name: 'a.npy', data: labels }, { name: 'b.npy', data: labels }]))),
      /archive holds several arrays \(a, b\) and none is named 'probabilities'/,
    );
  });

  it('no array at all', async () => {
    await expectInputError(readNpz(write(zipBytes([{ name: 'notes.txt', data: Buffer.from('x') }]))), /archive holds no \.npy array \(entries: notes\.txt\)/);
  });

  it('not a ZIP archive / truncated archive', async () => {
    await expectInputError(readNpz(write(probs)), /not a ZIP archive/);
    const whole = zipBytes([{ name: 'probabilities.npy', data: probs, method: 8 }]);
    await expectInputError(readNpz(write(whole.subarray(0, whole.length - 30))), /not a ZIP archive|damaged ZIP archive/);
  });

  it('entry data cut short', async () => {
    const whole = zipBytes([{ name: 'probabilities.npy', data: probs }]);
    // Keep the directory but drop 20 bytes from the entry's data.
    const cut = Buffer.concat([whole.subarray(0, 30 + 17 + 100), whole.subarray(30 + 17 + 120)]);
    await expectInputError(readNpz(write(cut)), /cannot read NumPy \.npz \(/);
  });

  it('CRC mismatch', async () => {
    await expectInputError(readNpz(write(zipBytes([{ name: 'probabilities.npy', data: probs, badCrc: true }]))), /entry 'probabilities\.npy': CRC mismatch/);
  });

  it('corrupt deflate data', async () => {
    const archive = zipBytes([{ name: 'probabilities.npy', data: probs, method: 8 }]);
    archive.fill(0xff, 60, 90);
    await expectInputError(readNpz(write(archive)), /entry 'probabilities\.npy': /);
  });

  it('decompression bomb: a header for 10 elements followed by 50 MB of zeros', async () => {
    const small = npyBytes({ descr: '|u1', shape: [10], values: new Array(10).fill(0) });
    const bomb = Buffer.concat([small, Buffer.alloc(50e6)]);
    const archive = zipBytes([{ name: 'probabilities.npy', data: bomb, method: 8 }]);
    expect(archive.length).toBeLessThan(100_000);
    await expectInputError(readNpz(write(archive)), /refusing a possible decompression bomb/);
  });

  it('an entry whose .npy header claims too many elements is refused before inflating', async () => {
    const liar = npyBytes({ descr: '<f4', shape: [100000, 100000, 100000], values: [0] });
    await expectInputError(readNpz(write(zipBytes([{ name: 'probabilities.npy', data: liar, method: 8 }]))), /entry 'probabilities\.npy': shape 100000×100000×100000 .* more than the limit/);
  });

  it('npy damage inside an entry names the entry', async () => {
    const short = npyBytes({ descr: '<f4', shape: [10], values: [1, 2, 3] });
    await expectInputError(readNpz(write(zipBytes([{ name: 'x.npy', data: short, method: 8 }]))), /cannot read NumPy \.npz \(entry 'x\.npy': file is truncated: shape \(10,\)/);
  });

  it('unsupported compression methods', async () => {
    const entry: ZipEntrySpec = { name: 'probabilities.npy', data: probs, method: 12 };
    await expectInputError(readNpz(write(zipBytes([entry]))), /compression method 12 is not supported/);
  });

  it('sanity: deflated entries in the helper really are deflated', () => {
    const archive = zipBytes([{ name: 'p.npy', data: Buffer.alloc(10000), method: 8 }]);
    expect(archive.length).toBeLessThan(1000);
    expect(zlib.inflateRawSync(archive.subarray(30 + 5, archive.indexOf(Buffer.from([0x50, 0x4b, 1, 2])))).length).toBe(10000);
  });
});
