// PNG reader: every colour type and bit depth decodes to the stored sample values, and
// damaged or oversized files are refused with an InputError that says why.
import { encode } from 'fast-png';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { readPng } from '../../src/io/index.js';
import { expectInputError } from '../helpers/inputError.js';
import { encodePng, ihdr, packBits, pngChunk, PNG_SIGNATURE, type PngSpec } from '../helpers/png.js';
import { scratch } from '../helpers/tmp.js';

const tmp = scratch();
afterAll(() => tmp.cleanup());

const W = 13; // odd sizes exercise row padding of packed bit depths
const H = 7;
const N = W * H;

function pattern(mod: number, mul = 1): number[] {
  return Array.from({ length: N }, (_, i) => ((i * 7 + (i % 3)) % mod) * mul);
}

let counter = 0;
function file(bytes: Uint8Array): string {
  return tmp.write(`img${counter++}.png`, bytes);
}

async function readSpec(spec: Partial<PngSpec> & Pick<PngSpec, 'bitDepth' | 'colorType' | 'samples'>) {
  return readPng(file(encodePng({ width: W, height: H, ...spec })));
}


describe('readPng: grey', () => {
  it('8-bit grey written by sharp keeps labels 0..20 exactly', async () => {
    const values = Uint8Array.from(pattern(21));
    const png = await sharp(values, { raw: { width: W, height: H, channels: 1 } }).toColourspace('b-w').png().toBuffer();
    const r = await readPng(file(png));
    expect(r.format).toBe('png');
    expect(r.dtype).toBe('uint8');
    expect(r.integer).toBe(true);
    expect(r.data).toBeInstanceOf(Uint8Array);
    expect(Array.from(r.data)).toEqual(Array.from(values));
    expect(r.shape).toEqual([H, W]);
    expect(r.order).toBe('C');
    expect(r.spacing).toBeNull();
    expect(r.png).toEqual({ bitDepth: 8, maxValue: 255, palette: false });
  });

  it('reports 0/255 as stored (the {0,255} rule belongs to pairing)', async () => {
    const r = await readSpec({ bitDepth: 8, colorType: 0, samples: pattern(2, 255) });
    expect(Array.from(r.data)).toEqual(pattern(2, 255));
  });

  it('16-bit grey written by sharp comes back exact as Uint16Array', async () => {
    const values = Uint16Array.from(pattern(1000, 65));
    const png = await sharp(values, { raw: { width: W, height: H, channels: 1 } }).toColourspace('grey16').png().toBuffer();
    const r = await readPng(file(png));
    expect(r.data).toBeInstanceOf(Uint16Array);
    expect(r.dtype).toBe('uint16');
    expect(Array.from(r.data)).toEqual(Array.from(values));
    expect(r.png).toEqual({ bitDepth: 16, maxValue: 65535, palette: false });
  });

  it('1-bit grey reads as 0/1 with maxValue 1', async () => {
    const r = await readSpec({ bitDepth: 1, colorType: 0, samples: pattern(2) });
    expect(Array.from(r.data)).toEqual(pattern(2));
    expect(r.png).toEqual({ bitDepth: 1, maxValue: 1, palette: false });
    expect(r.dtype).toBe('uint8');
  });

  it('1-bit grey written by fast-png agrees', async () => {
    const bits = pattern(2);
    const png = encode({ width: W, height: H, data: packBits(bits, W, H, 1), depth: 1, channels: 1 });
    const r = await readPng(file(png));
    expect(Array.from(r.data)).toEqual(bits);
  });

  it.each([2, 4] as const)('%i-bit grey reads as raw values 0..2^d-1', async (depth) => {
    const values = pattern(2 ** depth);
    const r = await readSpec({ bitDepth: depth, colorType: 0, samples: values });
    expect(Array.from(r.data)).toEqual(values);
    expect(r.png).toEqual({ bitDepth: depth, maxValue: 2 ** depth - 1, palette: false });
  });

  it.each([8, 16] as const)('%i-bit grey+alpha drops the alpha channel', async (depth) => {
    const values = pattern(depth === 8 ? 200 : 60000);
    const samples = values.flatMap((v, i) => [v, (i * 31) % 256]);
    const r = await readSpec({ bitDepth: depth, colorType: 4, samples });
    expect(Array.from(r.data)).toEqual(values);
  });

  it('ignores ancillary chunks that would change values or add alpha (tRNS, gAMA)', async () => {
    const trns = pngChunk('tRNS', Buffer.from([0, 3]));
    const gama = pngChunk('gAMA', Buffer.from([0, 0, 0x3a, 0x98]));
    const r = await readSpec({ bitDepth: 8, colorType: 0, samples: pattern(5), extra: [gama, trns] });
    expect(Array.from(r.data)).toEqual(pattern(5));
  });

  it.each([1, 8, 16] as const)('interlaced (Adam7) %i-bit grey is exact', async (depth) => {
    const values = pattern(depth === 1 ? 2 : depth === 8 ? 251 : 65521);
    const r = await readSpec({ bitDepth: depth, colorType: 0, samples: values, interlace: true });
    expect(Array.from(r.data)).toEqual(values);
  });
});

describe('readPng: colour', () => {
  it('RGB with equal channels (written by sharp) becomes one channel', async () => {
    const grey = pattern(21);
    const rgb = Uint8Array.from(grey.flatMap((v) => [v, v, v]));
    const png = await sharp(rgb, { raw: { width: W, height: H, channels: 3 } }).png().toBuffer();
    const r = await readPng(file(png));
    expect(Array.from(r.data)).toEqual(grey);
    expect(r.png).toEqual({ bitDepth: 8, maxValue: 255, palette: false });
  });

  it('RGBA with equal channels drops alpha', async () => {
    const grey = pattern(9);
    const r = await readSpec({ bitDepth: 8, colorType: 6, samples: grey.flatMap((v) => [v, v, v, 128]) });
    expect(Array.from(r.data)).toEqual(grey);
  });

  it('16-bit RGB(A) with equal channels is exact', async () => {
    const grey = pattern(60000);
    const rgb = await readSpec({ bitDepth: 16, colorType: 2, samples: grey.flatMap((v) => [v, v, v]) });
    expect(rgb.data).toBeInstanceOf(Uint16Array);
    expect(Array.from(rgb.data)).toEqual(grey);
    const rgba = await readSpec({ bitDepth: 16, colorType: 6, samples: grey.flatMap((v) => [v, v, v, 7]) });
    expect(Array.from(rgba.data)).toEqual(grey);
  });

  it('refuses RGB whose channels differ anywhere', async () => {
    const samples = pattern(5).flatMap((v, i) => (i === 20 ? [v, v + 1, v] : [v, v, v]));
    const err = await expectInputError(
      readSpec({ bitDepth: 8, colorType: 2, samples }),
      /RGB PNG with unequal channels is not a label map \(first at row 1, column 7/,
    );
    expect(err.file).toMatch(/\.png$/);
  });
});

describe('readPng: palette', () => {
  // VOC-style: a repeated colour must still give distinct indices.
  const palette: Array<[number, number, number]> = Array.from({ length: 256 }, (_, i) => [(i * 37) % 256, (i * 91) % 256, i % 2 ? 0 : 255]);
  palette[5] = palette[4]!;

  it('8-bit palette (written by fast-png) reads as indices, duplicates included', async () => {
    const indices = pattern(256);
    const png = encode({ width: W, height: H, data: Uint8Array.from(indices), depth: 8, channels: 1, palette });
    const r = await readPng(file(png));
    expect(Array.from(r.data)).toEqual(indices);
    expect(r.png).toEqual({ bitDepth: 8, maxValue: 255, palette: true });
  });

  it.each([1, 2, 4] as const)('%i-bit palette (written by fast-png) unpacks to indices', async (depth) => {
    const indices = pattern(2 ** depth);
    const png = encode({
      width: W,
      height: H,
      data: packBits(indices, W, H, depth),
      depth,
      channels: 1,
      palette: palette.slice(0, 2 ** depth),
    });
    const r = await readPng(file(png));
    expect(Array.from(r.data)).toEqual(indices);
    expect(r.png?.palette).toBe(true);
    expect(r.png?.bitDepth).toBe(depth);
  });

  it.each([2, 8] as const)('interlaced %i-bit palette with a short PLTE and tRNS reads as indices', async (depth) => {
    const indices = pattern(3);
    const r = await readSpec({
      bitDepth: depth,
      colorType: 3,
      samples: indices,
      palette: [
        [0, 0, 0],
        [255, 0, 0],
        [255, 0, 0],
      ],
      interlace: true,
      extra: [pngChunk('tRNS', Buffer.from([0, 255, 255]))],
    });
    expect(Array.from(r.data)).toEqual(indices);
  });
});

describe('readPng: refuses damaged and oversized files', () => {
  const good = encodePng({ width: W, height: H, bitDepth: 8, colorType: 0, samples: pattern(4) });
  const idatAt = good.indexOf('IDAT') - 4;

  it('bad signature', async () => {
    await expectInputError(readPng(file(Buffer.from('GIF89a not a png at all'))), /cannot read PNG \(not a PNG file/);
  });

  it('truncated inside the image data', async () => {
    await expectInputError(readPng(file(good.subarray(0, idatAt + 20))), /file is truncated \(chunk IDAT/);
  });

  it('truncated before IEND', async () => {
    await expectInputError(readPng(file(good.subarray(0, good.length - 12))), /no IEND chunk/);
  });

  it('corrupt chunk (CRC mismatch)', async () => {
    const bad = Buffer.from(good);
    bad[idatAt + 10] ^= 0xff;
    await expectInputError(readPng(file(bad)), /CRC mismatch in IDAT chunk/);
  });

  it('corrupt compressed data behind a valid CRC', async () => {
    const junk = Buffer.alloc(40, 0x5a);
    const bad = Buffer.concat([PNG_SIGNATURE, ihdr(W, H, 8, 0), pngChunk('IDAT', junk), pngChunk('IEND')]);
    await expectInputError(readPng(file(bad)), /cannot read PNG \(corrupt or truncated image data/);
  });

  it('no IDAT chunk', async () => {
    const bad = Buffer.concat([PNG_SIGNATURE, ihdr(W, H, 8, 0), pngChunk('IEND')]);
    await expectInputError(readPng(file(bad)), /no IDAT/);
  });

  it('invalid bit depth for the colour type', async () => {
    const bad = Buffer.concat([PNG_SIGNATURE, ihdr(W, H, 4, 2), pngChunk('IDAT', Buffer.alloc(4)), pngChunk('IEND')]);
    await expectInputError(readPng(file(bad)), /invalid bit depth 4 for colour type 2/);
  });

  it('an IHDR declaring 100000×100000 is refused before decoding', async () => {
    const idat = pngChunk('IDAT', Buffer.from([0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]));
    const huge = Buffer.concat([PNG_SIGNATURE, ihdr(100000, 100000, 8, 0), idat, pngChunk('IEND')]);
    const before = process.memoryUsage().rss;
    await expectInputError(readPng(file(huge)), /image is 100000×100000 = 10000000000 elements, more than the limit of 2147483648/);
    expect(process.memoryUsage().rss - before).toBeLessThan(200 * 2 ** 20);
  });

  it('honours a smaller maxVoxels', async () => {
    await expectInputError(readPng(file(good), { maxVoxels: N - 1 }), /more than the limit of 90/);
    await expect(readPng(file(good), { maxVoxels: N })).resolves.toBeDefined();
  });
});

describe('readPng: the five scanline filters', () => {
  // Rows filtered None, Sub, Up, Average, Paeth in turn (and again from the other end), at
  // every pixel width the filters see: 1 byte (grey 8, 1-bit), 2 (grey+alpha 8, grey 16),
  // 3 (RGB 8), 4 (RGBA 8), 8 (RGBA 16). Values vary in x and y so every predictor matters.
  const H2 = 11;
  const wavy = (n: number, mod: number) => Array.from({ length: n }, (_, i) => ((i * 37 + Math.floor(i / W) * 11 + ((i * i) % 7)) % mod));
  const cases: Array<{ name: string; bitDepth: PngSpec['bitDepth']; colorType: PngSpec['colorType']; samples: number[]; want: number[] }> = [];
  const grey = wavy(W * H2, 256);
  cases.push({ name: 'grey 8', bitDepth: 8, colorType: 0, samples: grey, want: grey });
  const grey16 = wavy(W * H2, 65536).map((v, i) => (v * 251 + i) % 65536);
  cases.push({ name: 'grey 16', bitDepth: 16, colorType: 0, samples: grey16, want: grey16 });
  const bits = wavy(W * H2, 2);
  cases.push({ name: 'grey 1-bit', bitDepth: 1, colorType: 0, samples: bits, want: bits });
  cases.push({ name: 'grey+alpha 8', bitDepth: 8, colorType: 4, samples: grey.flatMap((v, i) => [v, (i * 13) % 256]), want: grey });
  cases.push({ name: 'RGB 8', bitDepth: 8, colorType: 2, samples: grey.flatMap((v) => [v, v, v]), want: grey });
  cases.push({ name: 'RGBA 8', bitDepth: 8, colorType: 6, samples: grey.flatMap((v, i) => [v, v, v, (i * 29) % 256]), want: grey });
  cases.push({ name: 'RGBA 16', bitDepth: 16, colorType: 6, samples: grey16.flatMap((v, i) => [v, v, v, (i * 977) % 65536]), want: grey16 });
  for (const c of cases) {
    for (const filters of [[0, 1, 2, 3, 4], [4, 3, 2, 1, 0]]) {
      it(`${c.name}, filters ${filters.join('')} in turn: the stored samples exactly`, async () => {
        const png = encodePng({ width: W, height: H2, bitDepth: c.bitDepth, colorType: c.colorType, samples: c.samples, filters });
        const a = await readPng(file(png));
        expect(a.shape).toEqual([H2, W]);
        expect(Array.from(a.data)).toEqual(c.want);
      });
    }
  }
});
