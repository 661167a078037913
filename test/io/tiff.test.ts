// TIFF reader (formats.md "TIFF"): files written by test/helpers/formats.ts (one strip per
// page), read back to the values written; the IFD checks refuse before any decoding.
import zlib from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { readTiff } from '../../src/io/tiff.js';
import { walkTiff } from '../../src/io/tiffIfd.js';
import { InputError } from '../../src/types.js';
import { elementBytes, packBits1, tiffBytes, type TiffPageSpec } from '../helpers/formats.js';
import { scratch } from '../helpers/tmp.js';

const tmp = scratch('segloss-tiff-');
afterAll(() => tmp.cleanup());

const W = 5;
const H = 3;
// value = column + 10·row (+ 100·page), so a transposed or reordered read shows.
const PLANE = Array.from({ length: W * H }, (_, i) => (i % W) + 10 * Math.floor(i / W));

async function reason(p: Promise<unknown>): Promise<string> {
  const e = await p.then(() => null, (err: unknown) => err);
  expect(e).toBeInstanceOf(InputError);
  return (e as InputError).message;
}

const page = (values: number[], extra: Partial<TiffPageSpec> = {}): TiffPageSpec => ({ width: W, height: H, data: elementBytes(values, 'u8'), ...extra });

describe('TIFF: pages, sample types, compression', () => {
  it('one 8-bit page is a 2D image [rows, columns], row-major, with the PNG rules (full scale 255)', async () => {
    const raw = await readTiff(tmp.write('u8.tif', tiffBytes([page(PLANE)])));
    expect(raw.shape).toEqual([H, W]);
    expect(raw.order).toBe('C');
    expect(Array.from(raw.data)).toEqual(PLANE);
    expect(raw.png).toEqual({ bitDepth: 8, maxValue: 255, palette: false });
    expect(raw.spacing).toBeNull();
  });

  it('several pages are z slices [pages, rows, columns]', async () => {
    const pages = [0, 1, 2].map((z) => page(PLANE.map((v) => v + 100 * z)));
    const raw = await readTiff(tmp.write('stack.tif', tiffBytes(pages)));
    expect(raw.shape).toEqual([3, H, W]);
    expect(Array.from(raw.data)).toEqual([0, 1, 2].flatMap((z) => PLANE.map((v) => v + 100 * z)));
  });

  it('16-bit, signed 32-bit and float32 samples; deflate-compressed strips', async () => {
    const u16 = await readTiff(tmp.write('u16.tif', tiffBytes([{ width: W, height: H, bits: 16, data: zlib.deflateSync(elementBytes(PLANE.map((v) => v * 1000), 'u16')), compression: 8 }])));
    expect(Array.from(u16.data)).toEqual(PLANE.map((v) => v * 1000));
    expect(u16.png?.maxValue).toBe(65535);
    const i32 = await readTiff(tmp.write('i32.tif', tiffBytes([{ width: W, height: H, bits: 32, sampleFormat: 2, data: elementBytes(PLANE.map((v) => -v - 5), 'i32') }])));
    expect(Array.from(i32.data)).toEqual(PLANE.map((v) => -v - 5));
    expect(i32.png).toBeUndefined();
    const probs = PLANE.map((v) => v / 64);
    const f32 = await readTiff(tmp.write('f32.tif', tiffBytes([{ width: W, height: H, bits: 32, sampleFormat: 3, data: zlib.deflateSync(elementBytes(probs, 'f32')), compression: 32946 }])));
    expect(Array.from(f32.data)).toEqual(probs);
    expect(f32.integer).toBe(false);
  });

  it('16-bit float (half) samples widen exactly to float32', async () => {
    // IEEE half: 0 = 0x0000, 0.25 = 0x3400, 0.5 = 0x3800, 1 = 0x3c00, -2 = 0xc000.
    const halves = [0x0000, 0x3400, 0x3800, 0x3c00, 0xc000];
    const values = [0, 0.25, 0.5, 1, -2];
    const data = elementBytes(PLANE.map((_, i) => halves[i % 5]), 'u16');
    const raw = await readTiff(tmp.write('f16.tif', tiffBytes([{ width: W, height: H, bits: 16, sampleFormat: 3, data }])));
    expect(raw.dtype).toBe('float32');
    expect(Array.from(raw.data)).toEqual(PLANE.map((_, i) => values[i % 5]));
  });

  it('1-bit pages with and without a BitsPerSample tag read 0/1 as stored', async () => {
    const bits = PLANE.map((v) => (v % 3 === 0 ? 1 : 0));
    for (const tag of [1, null]) {
      const raw = await readTiff(tmp.write(`bit_${tag}.tif`, tiffBytes([{ width: W, height: H, bits: tag, data: packBits1(bits, W), photometric: 0 }])));
      expect(Array.from(raw.data), `BitsPerSample ${tag}`).toEqual(bits);
      expect(raw.png).toEqual({ bitDepth: 1, maxValue: 1, palette: false });
    }
  });

  it('RGB with equal channels reads the first; unequal channels are refused with the pixel', async () => {
    const rgb = await readTiff(tmp.write('rgb.tif', tiffBytes([{ width: W, height: H, samples: 3, photometric: 2, data: elementBytes(PLANE.flatMap((v) => [v, v, v]), 'u8') }])));
    expect(Array.from(rgb.data)).toEqual(PLANE);
    const bad = PLANE.flatMap((v, i) => (i === 7 ? [v, v + 1, v] : [v, v, v]));
    const p = tmp.write('rgb_bad.tif', tiffBytes([{ width: W, height: H, samples: 3, photometric: 2, data: elementBytes(bad, 'u8') }]));
    expect(await reason(readTiff(p))).toMatch(/RGB with unequal channels is not a label map \(first at row 1, column 2: 12,13,12\)/);
  });

  it('reduced-resolution pages (NewSubfileType bit 0) are skipped', async () => {
    const thumb: TiffPageSpec = { width: 2, height: 1, data: Buffer.from([9, 9]), subfile: 1 };
    const raw = await readTiff(tmp.write('thumb.tif', tiffBytes([page(PLANE), thumb])));
    expect(raw.shape).toEqual([H, W]);
    expect(walkTiff(tiffBytes([page(PLANE), thumb])).pages.map((p) => p.ifd)).toEqual([0]);
  });
});

describe('TIFF: refusals before decoding, naming the file and the page', () => {
  it('JPEG-compressed pages, and compressions we do not decode', async () => {
    const jpeg = tmp.write('jpeg.tif', tiffBytes([page(PLANE, { compression: 7 })]));
    expect(await reason(readTiff(jpeg))).toBe(`${jpeg}: cannot read TIFF (page 0 is JPEG-compressed (compression 7): JPEG is lossy and changes label values)`);
    const ccitt = tmp.write('ccitt.tif', tiffBytes([page(PLANE, { compression: 4 })]));
    expect(await reason(readTiff(ccitt))).toMatch(/page 0 uses compression 4 \(CCITT fax 4\), not supported/);
  });

  it('pages of different sizes or sample types', async () => {
    const sizes = tmp.write('sizes.tif', tiffBytes([page(PLANE), page(PLANE), { width: W - 1, height: H, data: Buffer.alloc((W - 1) * H) }]));
    expect(await reason(readTiff(sizes))).toMatch(/page 2 is 4×3, page 0 is 5×3: a stack's pages must have one size/);
    const types = tmp.write('types.tif', tiffBytes([page(PLANE), { width: W, height: H, bits: 16, data: elementBytes(PLANE, 'u16') }]));
    expect(await reason(readTiff(types))).toMatch(/page 1 has 1 sample\(s\) of 16-bit uint, page 0 1 of 8-bit uint/);
  });

  it('an IFD chain that loops, a strip past the end of the file, a truncated strip', async () => {
    const loop = tmp.write('loop.tif', tiffBytes([page(PLANE), page(PLANE)], { loop: true }));
    expect(await reason(readTiff(loop))).toMatch(/IFD chain loops back to byte \d+ \(page 2\)/);
    const past = tmp.write('past.tif', tiffBytes([page(PLANE, { stripOffset: 100000 })]));
    expect(await reason(readTiff(past))).toMatch(/page 0: strip 0 lies past the end of the file/);
    const short = tmp.write('short.tif', tiffBytes([{ width: W, height: H, data: Buffer.alloc(W * H - 4) }]));
    expect(await reason(readTiff(short))).toMatch(/page 0 is truncated: its image needs 15 bytes, its strips hold 11/);
  });

  it('a page size past --max-voxels, and a deflate strip that inflates past its page', async () => {
    const huge = tmp.write('huge.tif', tiffBytes([{ width: 100000, height: 100000, data: zlib.deflateSync(Buffer.alloc(1000)), compression: 8 }]));
    expect(await reason(readTiff(huge, { maxVoxels: 1e8 }))).toMatch(/image is 100000×100000×1 = 10000000000 elements, more than the limit of 100000000/);
    // 15 pixels declared, the strip inflates to 64 KiB.
    const bomb = tmp.write('bomb.tif', tiffBytes([{ width: W, height: H, data: zlib.deflateSync(Buffer.alloc(65536)), compression: 8 }]));
    expect(await reason(readTiff(bomb))).toMatch(/a deflate strip inflates past its 15 bytes; refusing a possible decompression bomb/);
  });

  it('not a TIFF', async () => {
    expect(await reason(readTiff(tmp.write('text.tif', 'hello, not an image')))).toMatch(/not a TIFF file \(no II\/MM byte-order mark\)/);
  });
});
