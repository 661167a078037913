// NRRD reader (formats.md "NRRD"): files written by test/helpers/formats.ts, read back to
// the values written; every refusal one line naming the file.
import { afterAll, describe, expect, it } from 'vitest';
import { readNrrd } from '../../src/io/nrrd.js';
import { readArray } from '../../src/io/index.js';
import { InputError } from '../../src/types.js';
import { nrrd } from '../helpers/formats.js';
import { scratch } from '../helpers/tmp.js';

const tmp = scratch('segloss-nrrd-');
afterAll(() => tmp.cleanup());

// 4×3×2 volume, x fastest: value = x + 10·y + 100·z.
const DIMS = [4, 3, 2];
const VALUES = Array.from({ length: 24 }, (_, i) => (i % 4) + 10 * (Math.floor(i / 4) % 3) + 100 * Math.floor(i / 12));
const LPS = ['space: left-posterior-superior', 'space directions: (0.5,0,0) (0,0.25,0) (0,0,3)', 'space origin: (1,2,3)'];

async function reason(p: Promise<unknown>): Promise<string> {
  const e = await p.then(() => null, (err: unknown) => err);
  expect(e).toBeInstanceOf(InputError);
  return (e as InputError).message;
}

describe('NRRD: types, encodings, byte orders, skips', () => {
  for (const [type, encoding, bigEndian] of [
    ['u8', 'raw', false], ['i16', 'raw', true], ['u16', 'gzip', false], ['i32', 'gzip', true],
    ['f32', 'raw', true], ['f64', 'gzip', false], ['u32', 'ascii', false], ['i8', 'ascii', false],
  ] as const) {
    it(`reads ${type} ${encoding} ${bigEndian ? 'big' : 'little'}-endian as the values written`, async () => {
      const p = tmp.write(`v_${type}_${encoding}_${bigEndian}.nrrd`, nrrd({ sizes: DIMS, type, values: VALUES, encoding, bigEndian }).file);
      const raw = await readNrrd(p);
      expect(raw.shape).toEqual(DIMS);
      expect(Array.from(raw.data)).toEqual(VALUES);
    });
  }

  it('every teem type alias names its type', async () => {
    const aliases: [string, number[]][] = [
      ['signed char', [-3]], ['int8_t', [-3]], ['uchar', [250]], ['uint8_t', [250]], ['short int', [-300]], ['signed short int', [-300]],
      ['unsigned short int', [65000]], ['uint16_t', [65000]], ['signed int', [-70000]], ['unsigned int', [4000000000]],
      ['long long int', [-5]], ['signed long long', [-5]], ['ulonglong', [7]], ['unsigned long long int', [7]],
    ];
    for (const [alias, values] of aliases) {
      const m = nrrd({ sizes: [1, 1], type: 'u8', values, encoding: 'ascii' });
      const text = m.file.toString('latin1').replace('type: unsigned char', `type: ${alias}`);
      const raw = await readNrrd(tmp.write(`alias_${alias.replace(/ /g, '_')}.nrrd`, text));
      expect(Array.from(raw.data), alias).toEqual(values);
    }
  });

  it('.nhdr with a detached gzip file; line skip and byte skip', async () => {
    const m = nrrd({ sizes: DIMS, type: 'u16', values: VALUES, encoding: 'gzip', dataFile: 'd.raw.gz' });
    tmp.write('d.raw.gz', m.data);
    expect(Array.from((await readArray(tmp.write('d.nhdr', m.header))).data)).toEqual(VALUES);
    const s = nrrd({ sizes: DIMS, type: 'u16', values: VALUES, dataFile: 's.raw', lines: ['line skip: 2', 'byte skip: 3'] });
    tmp.write('s.raw', Buffer.concat([Buffer.from('comment one\ncomment two\nabc'), s.data]));
    expect(Array.from((await readArray(tmp.write('s.nhdr', s.header))).data)).toEqual(VALUES);
    const tail = nrrd({ sizes: DIMS, type: 'u16', values: VALUES, dataFile: 't.raw', lines: ['byte skip: -1'] });
    tmp.write('t.raw', Buffer.concat([Buffer.from('any header of any length'), tail.data]));
    expect(Array.from((await readArray(tmp.write('t.nhdr', tail.header))).data)).toEqual(VALUES);
  });

  it('a channel axis named by kinds (first, as ITK writes it) becomes the planar last axis', async () => {
    const inter = VALUES.flatMap((v) => [v, v + 1000]);
    const p = tmp.write('vec.nrrd', nrrd({ sizes: [2, ...DIMS], type: 'f32', values: inter, lines: ['kinds: vector domain domain domain'] }).file);
    const raw = await readNrrd(p);
    expect(raw.shape).toEqual([...DIMS, 2]);
    expect(Array.from(raw.data)).toEqual([...VALUES, ...VALUES.map((v) => v + 1000)]);
  });

  it('a channel axis named by a "none" space direction, in the middle', async () => {
    // sizes 4 2 3 2: axis 1 holds channels; value of (x, c, y, z) = VALUES[x + 4y + 12z] + 1000c.
    const values: number[] = [];
    for (let z = 0; z < 2; z++) for (let y = 0; y < 3; y++) for (let c = 0; c < 2; c++) for (let x = 0; x < 4; x++) values.push(VALUES[x + 4 * y + 12 * z] + 1000 * c);
    const p = tmp.write('mid.nrrd', nrrd({ sizes: [4, 2, 3, 2], type: 'f64', values, lines: ['space: left-posterior-superior', 'space directions: (1,0,0) none (0,1,0) (0,0,1)'] }).file);
    const raw = await readNrrd(p);
    expect(raw.shape).toEqual([...DIMS, 2]);
    expect(Array.from(raw.data)).toEqual([...VALUES, ...VALUES.map((v) => v + 1000)]);
  });

  it('spacing from space directions (norms), else spacings; LPS as is, RAS with x and y negated', async () => {
    const lps = await readNrrd(tmp.write('lps.nrrd', nrrd({ sizes: DIMS, type: 'u8', values: VALUES, lines: LPS }).file));
    expect(lps.spacing).toEqual([0.5, 0.25, 3]);
    expect(lps.geometry).toEqual({ direction: [[1, 0, 0], [0, 1, 0], [0, 0, 1]], origin: [1, 2, 3] });
    const rasLines = ['space: RAS', 'space directions: (0.5,0,0) (0,0.25,0) (0,0,3)', 'space origin: (1,2,3)'];
    const ras = await readNrrd(tmp.write('ras.nrrd', nrrd({ sizes: DIMS, type: 'u8', values: VALUES, lines: rasLines }).file));
    expect(ras.geometry).toEqual({ direction: [[-1, 0, 0], [0, -1, 0], [0, 0, 1]], origin: [-1, -2, 3] });
    const sp = await readNrrd(tmp.write('sp.nrrd', nrrd({ sizes: DIMS, type: 'u8', values: VALUES, lines: ['spacings: 1.5 2 NaN'] }).file));
    expect(sp.spacing).toEqual([1.5, 2, 1]);
    expect(sp.geometry).toBeNull();
  });

  it('Slicer .seg.nrrd: one layer is a label map, several layers are refused', async () => {
    const seg = ['Segment0_ID:=Segment_1', 'Segment0_LabelValue:=1'];
    const one = await readArray(tmp.write('one.seg.nrrd', nrrd({ sizes: [1, ...DIMS], type: 'u8', values: VALUES, lines: ['kinds: list domain domain domain', ...seg] }).file));
    expect(one.shape).toEqual(DIMS);
    expect(Array.from(one.data)).toEqual(VALUES);
    const two = tmp.write('two.seg.nrrd', nrrd({ sizes: [2, ...DIMS], type: 'u8', values: [...VALUES, ...VALUES], lines: ['kinds: list domain domain domain', ...seg] }).file);
    expect(await reason(readArray(two))).toBe(`${two}: cannot read NRRD (multi-layer .seg.nrrd: export a label map)`);
  });
});

describe('NRRD: refusals before allocation, naming the file', () => {
  it('bzip2 and hex encodings', async () => {
    for (const enc of ['bzip2', 'hex']) {
      const text = nrrd({ sizes: DIMS, type: 'u8', values: VALUES }).file.toString('latin1').replace('encoding: raw', `encoding: ${enc}`);
      expect(await reason(readNrrd(tmp.write(`${enc}.nrrd`, text)))).toMatch(new RegExp(`unsupported NRRD encoding "${enc}"`));
    }
  });

  it('raw data shorter than promised; sizes past --max-voxels', async () => {
    const m = nrrd({ sizes: DIMS, type: 'u16', values: VALUES });
    const p = tmp.write('short.nrrd', m.file.subarray(0, m.file.length - 4));
    expect(await reason(readNrrd(p))).toBe(`${p}: cannot read NRRD (data are truncated: the header promises 48 bytes, the file holds 44)`);
    const huge = tmp.write('huge.nrrd', nrrd({ sizes: [100000, 100000, 100000], type: 'u8', values: [] }).file);
    expect(await reason(readNrrd(huge))).toMatch(/header declares 100000×100000×100000 = 1000000000000000 elements, more than the limit of 2147483648/);
  });

  it('two channel axes; data files outside the folder, absolute, or the header itself', async () => {
    const two = tmp.write('twoch.nrrd', nrrd({ sizes: [2, 2, 3, 2], type: 'u8', values: new Array(24).fill(0), lines: ['kinds: vector list domain domain'] }).file);
    expect(await reason(readNrrd(two))).toMatch(/kinds "vector list domain domain" name 2 non-spatial axes/);
    const up = tmp.write('up.nhdr', nrrd({ sizes: DIMS, type: 'u8', values: VALUES, dataFile: '../x.raw' }).header);
    expect(await reason(readNrrd(up))).toMatch(/points outside the header's folder/);
    const abs = tmp.write('abs.nhdr', nrrd({ sizes: DIMS, type: 'u8', values: VALUES, dataFile: '/etc/passwd' }).header);
    expect(await reason(readNrrd(abs))).toMatch(/data file "\/etc\/passwd" is an absolute path/);
    const self = tmp.write('self.nhdr', nrrd({ sizes: DIMS, type: 'u8', values: VALUES, dataFile: 'self.nhdr' }).header);
    expect(await reason(readNrrd(self))).toMatch(/is the header itself/);
  });

  it('not an NRRD, and an attached header without its blank line', async () => {
    expect(await reason(readNrrd(tmp.write('magic.nrrd', 'NRRD0009\ntype: uchar\n\n')))).toMatch(/not an NRRD file \(magic "NRRD0009"/);
    const cut = nrrd({ sizes: DIMS, type: 'u8', values: VALUES }).header.subarray(0, 60);
    expect(await reason(readNrrd(tmp.write('cut.nrrd', cut)))).toMatch(/not ended by a blank line/);
  });
});
