// Inflating a compressed stream straight from its file, a piece at a time (the road of a
// large .nii.gz): the bytes node:zlib's one-shot inflate gives, and the same refusals.
import { randomBytes } from 'node:crypto';
import zlib from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { FormatError } from '../../src/io/errors.js';
import { openFile } from '../../src/io/file.js';
import { inflateFile } from '../../src/io/inflateFile.js';
import { readNifti } from '../../src/io/index.js';
import { expectInputError } from '../helpers/inputError.js';
import { niftiBytes } from '../helpers/nifti.js';
import { rng } from '../helpers/rng.js';
import { scratch } from '../helpers/tmp.js';

const tmp = scratch();
afterAll(() => tmp.cleanup());

/** Bytes that do not compress, so the stream spans several 1 MiB pieces of the file. */
const body = randomBytes(3 << 20);

async function inflated(path: string, position: number, limit: number): Promise<Buffer> {
  const file = await openFile(path);
  try {
    return await inflateFile('gzip', file, position, limit);
  } finally {
    await file.close();
  }
}

describe('inflating a gzip stream from its file', () => {
  it('gives the bytes gunzipSync gives, over several pieces', async () => {
    const path = tmp.write('body.gz', zlib.gzipSync(body, { level: 1 }));
    const out = await inflated(path, 0, body.length + 10);
    expect(out.equals(body)).toBe(true);
  });

  it('starts at a byte offset inside the file', async () => {
    const path = tmp.write('offset.gz', Buffer.concat([Buffer.from('junk-before'), zlib.gzipSync(body.subarray(0, 5000))]));
    expect((await inflated(path, 11, 6000)).equals(body.subarray(0, 5000))).toBe(true);
  });

  it('refuses a stream that inflates past its limit as a possible bomb', async () => {
    const path = tmp.write('bomb.gz', zlib.gzipSync(body));
    await expect(inflated(path, 0, 1 << 20)).rejects.toThrow(/more than the 1048576 bytes its header promises/);
  });

  it('says a cut-off stream is truncated, and damaged data corrupt', async () => {
    const whole = zlib.gzipSync(body);
    const cut = tmp.write('cut.gz', whole.subarray(0, whole.length >> 1));
    await expect(inflated(cut, 0, body.length)).rejects.toThrow(/compressed file is truncated/);
    const bad = Buffer.from(whole);
    bad.fill(0xff, 10, 200);
    const damaged = tmp.write('damaged.gz', bad);
    const err = await inflated(damaged, 0, body.length).catch((e) => e);
    expect(err).toBeInstanceOf(FormatError);
    expect(err.message).toMatch(/corrupt compressed data|truncated/);
  });
});

describe('a large .nii.gz, inflated from the file', () => {
  // 9.4 MB of float32 logits stored uncompressed in the gzip (level 0): over the size
  // from which a file is streamed.
  const dims = [128, 128, 144];
  const r = rng(77);
  const floats = Float32Array.from({ length: dims[0] * dims[1] * dims[2] }, () => (r() - 0.5) * 20);

  it('reads the voxels as the uncompressed file does', async () => {
    const bytes = niftiBytes({ dims, datatype: 'float32', values: floats });
    const gz = zlib.gzipSync(bytes, { level: 0 });
    expect(gz.length).toBeGreaterThan(8 << 20);
    const a = await readNifti(tmp.write('big.nii.gz', gz));
    const b = await readNifti(tmp.write('big.nii', bytes));
    expect(a.shape).toEqual(dims);
    const bytesOf = (x: ArrayLike<number>) => Buffer.from((x as Float32Array).buffer, (x as Float32Array).byteOffset, 4 * floats.length);
    expect(bytesOf(a.data).equals(Buffer.from(floats.buffer))).toBe(true);
    expect(bytesOf(a.data).equals(bytesOf(b.data))).toBe(true);
  });

  it('names the file when its stream is cut off', async () => {
    const gz = zlib.gzipSync(niftiBytes({ dims, datatype: 'float32', values: floats }), { level: 0 });
    const path = tmp.write('cut.nii.gz', gz.subarray(0, gz.length - 4096));
    await expectInputError(readNifti(path), /cut\.nii\.gz.*compressed file is truncated/);
  });
});
