// MetaImage reader (formats.md "MetaImage"): files written by test/helpers/formats.ts,
// read back to the values written; every refusal one line naming the file.
import { afterAll, describe, expect, it } from 'vitest';
import { readMetaImage } from '../../src/io/metaImage.js';
import { readArray } from '../../src/io/index.js';
import { InputError } from '../../src/types.js';
import { metaImage } from '../helpers/formats.js';
import { scratch } from '../helpers/tmp.js';

const tmp = scratch('segloss-mha-');
afterAll(() => tmp.cleanup());

// 4×3×2 volume, x fastest: value = x + 10·y + 100·z (so any axis mix-up shows).
const DIMS = [4, 3, 2];
const VALUES = Array.from({ length: 24 }, (_, i) => (i % 4) + 10 * (Math.floor(i / 4) % 3) + 100 * Math.floor(i / 12));

async function reason(p: Promise<unknown>): Promise<string> {
  const e = await p.then(() => null, (err: unknown) => err);
  expect(e).toBeInstanceOf(InputError);
  return (e as InputError).message;
}

describe('MetaImage: element types, byte orders, compression', () => {
  for (const [type, msb, compress] of [
    ['u8', false, undefined], ['i16', true, undefined], ['u16', false, 'zlib'], ['i32', true, 'gzip'],
    ['f32', false, 'zlib'], ['f64', true, undefined], ['u32', false, undefined], ['i8', false, 'gzip'],
  ] as const) {
    it(`reads ${type} ${msb ? 'big' : 'little'}-endian${compress ? ` ${compress}` : ''} as the values written, x fastest`, async () => {
      const p = tmp.write(`v_${type}_${msb}_${compress}.mha`, metaImage({ dims: DIMS, type, values: VALUES, msb, compress }).file);
      const raw = await readMetaImage(p);
      expect(raw.format).toBe('metaimage');
      expect(raw.shape).toEqual(DIMS);
      expect(raw.order).toBe('F');
      expect(Array.from(raw.data)).toEqual(VALUES);
      expect(raw.integer).toBe(!type.startsWith('f'));
    });
  }

  it('ElementByteOrderMSB alone also means big-endian; BinaryDataByteOrderMSB wins over it', async () => {
    const m = metaImage({ dims: DIMS, type: 'i16', values: VALUES, msb: true });
    const only = Buffer.from(m.file.toString('latin1').replace('BinaryDataByteOrderMSB = True', 'ElementByteOrderMSB = True'), 'latin1');
    expect(Array.from((await readMetaImage(tmp.write('elem_msb.mha', only))).data)).toEqual(VALUES);
    const both = Buffer.from(m.file.toString('latin1').replace('BinaryDataByteOrderMSB = True', 'ElementByteOrderMSB = False\nBinaryDataByteOrderMSB = True'), 'latin1');
    expect(Array.from((await readMetaImage(tmp.write('both_msb.mha', both))).data)).toEqual(VALUES);
  });

  it('.mhd reads its detached .raw, HeaderSize N skips N bytes, HeaderSize -1 takes the last bytes', async () => {
    const m = metaImage({ dims: DIMS, type: 'u16', values: VALUES, dataFile: 'a.raw' });
    tmp.write('a.raw', m.data);
    expect(Array.from((await readArray(tmp.write('a.mhd', m.header))).data)).toEqual(VALUES);
    const skip = metaImage({ dims: DIMS, type: 'u16', values: VALUES, dataFile: 'b.raw', fields: { HeaderSize: '7' } });
    tmp.write('b.raw', Buffer.concat([Buffer.from('JUNKJUN'), skip.data]));
    expect(Array.from((await readArray(tmp.write('b.mhd', skip.header))).data)).toEqual(VALUES);
    const tail = metaImage({ dims: DIMS, type: 'u16', values: VALUES, dataFile: 'c.raw', fields: { HeaderSize: '-1' } });
    tmp.write('c.raw', Buffer.concat([Buffer.from('0123456789abc'), tail.data]));
    expect(Array.from((await readArray(tmp.write('c.mhd', tail.header))).data)).toEqual(VALUES);
  });

  it('ElementNumberOfChannels = 2: interleaved per voxel, read as a planar channel axis last', async () => {
    // channel c of voxel i holds VALUES[i] + 1000·c, written interleaved.
    const inter = VALUES.flatMap((v) => [v, v + 1000]);
    const p = tmp.write('vec.mha', metaImage({ dims: DIMS, type: 'f32', values: inter, fields: { ElementNumberOfChannels: '2' } }).file);
    const raw = await readMetaImage(p);
    expect(raw.shape).toEqual([...DIMS, 2]);
    expect(Array.from(raw.data)).toEqual([...VALUES, ...VALUES.map((v) => v + 1000)]);
  });

  it('spacing from ElementSpacing, else ElementSize; geometry from TransformMatrix (column by column) and Offset', async () => {
    const p = tmp.write('geo.mha', metaImage({
      dims: DIMS, type: 'u8', values: VALUES,
      fields: { TransformMatrix: '0 1 0 -1 0 0 0 0 1', Offset: '5 -6 7.5', ElementSize: '0.5 0.25 3' },
    }).file);
    const raw = await readMetaImage(p);
    expect(raw.spacing).toEqual([0.5, 0.25, 3]);
    // Axis 0 points along +y, axis 1 along -x (the runs of three), axis 2 along z.
    expect(raw.geometry).toEqual({ direction: [[0, 1, 0], [-1, 0, 0], [0, 0, 1]], origin: [5, -6, 7.5] });
    expect(raw.header?.ElementSize).toBe('0.5 0.25 3');
  });
});

describe('MetaImage: refusals before allocation, naming the file', () => {
  it('data shorter than promised', async () => {
    const m = metaImage({ dims: DIMS, type: 'u16', values: VALUES });
    const p = tmp.write('short.mha', m.file.subarray(0, m.file.length - 10));
    expect(await reason(readMetaImage(p))).toBe(`${p}: cannot read MetaImage (data are truncated: the header promises 48 bytes, the file holds 38)`);
  });

  it('a DimSize past --max-voxels', async () => {
    const p = tmp.write('huge.mha', metaImage({ dims: [100000, 100000, 1000], type: 'u8', values: [1] }).file);
    expect(await reason(readMetaImage(p, { maxVoxels: 1e6 }))).toMatch(/header declares 100000×100000×1000 = 10000000000000 elements, more than the limit of 1000000/);
  });

  it('a compressed stream that inflates to more or less than promised', async () => {
    const m = metaImage({ dims: [4, 3, 1], type: 'u8', values: VALUES.slice(0, 12), compress: 'zlib' });
    const lying = Buffer.from(m.file.toString('latin1').replace('DimSize = 4 3 1', 'DimSize = 4 3 2'), 'latin1');
    expect(await reason(readMetaImage(tmp.write('less.mha', lying)))).toMatch(/inflate to 12 bytes, the header promises 24/);
  });

  it('detached data outside the folder, the header itself, a LIST, a missing file', async () => {
    const outside = tmp.write('out.mhd', metaImage({ dims: DIMS, type: 'u8', values: VALUES, dataFile: '../etc.raw' }).header);
    expect(await reason(readMetaImage(outside))).toMatch(/data file "\.\.\/etc\.raw" points outside the header's folder/);
    const self = tmp.write('self.mhd', metaImage({ dims: DIMS, type: 'u8', values: VALUES, dataFile: 'self.mhd' }).header);
    expect(await reason(readMetaImage(self))).toMatch(/data file "self\.mhd" is the header itself/);
    const list = tmp.write('list.mhd', metaImage({ dims: DIMS, type: 'u8', values: VALUES, dataFile: 'LIST' }).header);
    expect(await reason(readMetaImage(list))).toMatch(/a list or pattern of slice files is not supported/);
    const missing = tmp.write('missing.mhd', metaImage({ dims: DIMS, type: 'u8', values: VALUES, dataFile: 'nope.raw' }).header);
    expect(await reason(readMetaImage(missing))).toBe(`${missing}: cannot read MetaImage (data file nope.raw: file not found)`);
  });

  it('a printf pattern of slice files is refused; a data file whose name has a space is read', async () => {
    const pattern = tmp.write('pat.mhd', metaImage({ dims: DIMS, type: 'u8', values: VALUES, dataFile: 'slice%03d.raw 1 2 1' }).header);
    expect(await reason(readMetaImage(pattern))).toMatch(/ElementDataFile = slice%03d\.raw 1 2 1: a list or pattern of slice files is not supported/);
    const m = metaImage({ dims: DIMS, type: 'u8', values: VALUES, dataFile: 'my scan.raw' });
    tmp.write('my scan.raw', m.data);
    expect(Array.from((await readMetaImage(tmp.write('spaced.mhd', m.header))).data)).toEqual(VALUES);
  });

  it('an unknown ElementType and text data', async () => {
    const m = metaImage({ dims: DIMS, type: 'u8', values: VALUES });
    const odd = Buffer.from(m.file.toString('latin1').replace('MET_UCHAR', 'MET_STRING'), 'latin1');
    expect(await reason(readMetaImage(tmp.write('odd.mha', odd)))).toMatch(/ElementType MET_STRING is not supported/);
    const text = Buffer.from(m.file.toString('latin1').replace('BinaryData = True', 'BinaryData = False'), 'latin1');
    expect(await reason(readMetaImage(tmp.write('text.mha', text)))).toMatch(/BinaryData = False/);
  });
});
