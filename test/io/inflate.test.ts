// Bounded inflate (src/io/inflate.ts): exact output up to the limit, refusal one byte past
// it, truncation and corruption as FormatErrors, and the PNG pixel-stream diagnosis that
// replaces libvips's (thread-shared, so unreliable) error text.
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { FormatError } from '../../src/io/errors.js';
import { inflateAllAsync, inflatePrefix } from '../../src/io/inflate.js';
import { diagnoseImageData, parsePng } from '../../src/io/pngChunks.js';
import { chunkAt } from '../helpers/hostile.js';
import { encodePng } from '../helpers/png.js';

const data = Buffer.from(Array.from({ length: 200_000 }, (_, i) => (i * 7919) % 251));

describe('inflateAllAsync', () => {
  const inflateAll = inflateAllAsync;
  for (const kind of ['gzip', 'deflate-raw'] as const) {
    const packed = kind === 'gzip' ? zlib.gzipSync(data) : zlib.deflateRawSync(data);

    it(`${kind}: exactly the data when the limit is its size, or far above`, async () => {
      expect((await inflateAll(kind, packed, data.length)).equals(data)).toBe(true);
      expect((await inflateAll(kind, packed, data.length + (1 << 20))).equals(data)).toBe(true);
    });

    it(`${kind}: one byte over the limit is refused as a possible bomb`, async () => {
      await expect(inflateAll(kind, packed, data.length - 1)).rejects.toThrow(
        new FormatError(`decompresses to more than the ${data.length - 1} bytes its header promises; refusing a possible decompression bomb`),
      );
    });

    it(`${kind}: a limit far beyond what the stream could hold still returns the data (the output buffer is sized by the stream)`, async () => {
      expect((await inflateAll(kind, packed, 2 ** 31)).equals(data)).toBe(true);
    });

    it(`${kind}: truncated and corrupt streams`, async () => {
      await expect(inflateAll(kind, packed.subarray(0, packed.length >> 1), data.length)).rejects.toThrow(/is truncated/);
      const bad = Buffer.from(packed);
      bad.fill(0xff, 40, 60);
      await expect(inflateAll(kind, bad, data.length)).rejects.toThrow(/corrupt compressed data/);
    });

    it(`${kind}: inflatePrefix stops early and agrees with the whole`, () => {
      expect(Buffer.from(inflatePrefix(kind, packed, 352)).equals(data.subarray(0, 352))).toBe(true);
    });
  }

  it('several gzip members are read as one stream (as gunzip does)', async () => {
    const two = Buffer.concat([zlib.gzipSync(data.subarray(0, 1000)), zlib.gzipSync(data.subarray(1000))]);
    expect((await inflateAll('gzip', two, data.length)).equals(data)).toBe(true);
  });
});

describe('diagnoseImageData (why a PNG pixel stream cannot be decoded)', () => {
  const W = 16;
  const H = 9;
  const png = encodePng({ width: W, height: H, bitDepth: 8, colorType: 0, samples: Array.from({ length: W * H }, (_, i) => i % 3) });
  const withIdat = (raw: Buffer): Buffer => {
    const at = chunkAt(png, 'IDAT');
    const body = zlib.deflateSync(raw);
    const chunk = Buffer.alloc(12 + body.length);
    chunk.writeUInt32BE(body.length, 0);
    chunk.write('IDAT', 4, 'latin1');
    body.copy(chunk, 8);
    chunk.writeUInt32BE(zlib.crc32(chunk.subarray(4, 8 + body.length)) >>> 0, 8 + body.length);
    return Buffer.concat([png.subarray(0, at), chunk, png.subarray(at + 12 + png.readUInt32BE(at))]);
  };
  const diagnose = (b: Buffer) => {
    const { ihdr, chunks } = parsePng(b);
    return diagnoseImageData(b, chunks, ihdr);
  };

  it('a sound image: nothing to report', () => {
    expect(diagnose(png)).toBeNull();
  });
  it('too few bytes', () => {
    expect(diagnose(withIdat(Buffer.alloc(50)))).toBe(`the pixel stream is truncated (50 of the ${H * (W + 1)} bytes a 16×9 image needs)`);
  });
  it('too many bytes', () => {
    expect(diagnose(withIdat(Buffer.alloc(H * (W + 1) + 3)))).toBe(`the pixel stream holds more than the ${H * (W + 1)} bytes a 16×9 image needs`);
  });
  it('an invalid filter type', () => {
    const raw = Buffer.alloc(H * (W + 1));
    raw[3 * (W + 1)] = 9;
    expect(diagnose(withIdat(raw))).toBe('invalid filter type 9 in scanline 4');
  });
  it('a corrupt zlib stream', () => {
    const at = chunkAt(png, 'IDAT');
    const b = Buffer.from(png);
    b[at + 8] = 0x00; // zlib header byte
    const len = b.readUInt32BE(at);
    b.writeUInt32BE(zlib.crc32(b.subarray(at + 4, at + 8 + len)) >>> 0, at + 8 + len);
    expect(diagnose(b)).toBe('corrupt compressed pixel stream: incorrect header check');
  });
});
