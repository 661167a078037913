// Reading a float .npy chunk by chunk: the chunks, put end to end, are the array readNpy
// reads whole; files it cannot stream are left to readNpy (probe null); a file that
// changes under the read fails with readNpy's words, naming the file.
import { truncateSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { readNpy } from '../../src/io/index.js';
import { ChunkReadFailed, FLOAT_CHUNK_BYTES, readFloatChunks } from '../../src/io/floatChunks.js';
import { probeFloatNpy } from '../../src/io/npyChunks.js';
import { npyBytes, type NpySpec } from '../helpers/npy.js';
import { rng } from '../helpers/rng.js';
import { scratch } from '../helpers/tmp.js';

const tmp = scratch();
afterAll(() => tmp.cleanup());
let counter = 0;
const write = (spec: NpySpec): string => tmp.write(`c${counter++}.npy`, npyBytes(spec));

/** Every chunk, copied out (a chunk is a view of a reused buffer), end to end. */
async function allChunks(path: string): Promise<{ values: Float64Array; lengths: number[] }> {
  const src = await probeFloatNpy(path);
  if (!src) throw new Error('not streamable');
  const values = new Float64Array(src.plan.count);
  const lengths: number[] = [];
  let at = 0;
  await readFloatChunks(src, (v) => {
    lengths.push(v.length);
    values.set(v, at);
    at += v.length;
  });
  return { values, lengths };
}

/** Positions where two arrays differ (none when equal element for element). */
function differences(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = Math.abs(a.length - b.length);
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (!Object.is(a[i], b[i])) d++;
  return d;
}

describe('readFloatChunks', () => {
  // 2.5 chunks of float32 and 5 of float64: the last chunk is a partial one.
  const count = Math.floor((FLOAT_CHUNK_BYTES / 4) * 2.5) + 3;
  const r = rng(9);
  const values = Float64Array.from({ length: count }, () => (r() - 0.5) * 20);
  for (const descr of ['<f4', '>f4', '<f8', '>f8']) {
    it(`hands over exactly the values readNpy reads, in order (${descr})`, async () => {
      const path = write({ descr, shape: [count], values });
      const whole = await readNpy(path);
      const got = await allChunks(path);
      expect(differences(got.values, whole.data)).toBe(0);
      const size = Number(descr.slice(2));
      const per = FLOAT_CHUNK_BYTES / size;
      expect(got.lengths.slice(0, -1).every((l) => l === per)).toBe(true);
      expect(got.lengths.reduce((a, b) => a + b, 0)).toBe(count);
    });
  }

  it('gives the probe what readNpy says of the file: shape, order, dtype, no values', async () => {
    const path = write({ descr: '<f4', shape: [3, 4, 5], values: Array.from({ length: 60 }, (_, i) => i / 7) });
    const src = await probeFloatNpy(path);
    const whole = await readNpy(path);
    expect(src).not.toBeNull();
    expect(src!.raw).toMatchObject({ path, format: 'npy', dtype: whole.dtype, integer: false, shape: whole.shape, order: whole.order, spacing: null });
    expect(src!.raw.data).toBeInstanceOf(Float32Array);
    expect(src!.raw.data.length).toBe(0);
  });

  it.each([
    ['an integer array', { descr: '<i2', shape: [4], values: [1, 2, 3, 4] }],
    ['a float16 array', { descr: '<f2', shape: [4], values: [1, 2, 3, 4] }],
    ['a truncated file', { descr: '<f4', shape: [5], data: new Uint8Array(16) }],
    ['a file longer than its shape', { descr: '<f4', shape: [3], data: new Uint8Array(16) }],
    ['a malformed header', { descr: '<f4', shape: [2], headerText: "{'descr': '<f4', 'shape': (2,), }", values: [1, 2] }],
  ] as [string, NpySpec][])('leaves %s to the whole-file reader (probe null)', async (_what, spec) => {
    expect(await probeFloatNpy(write(spec))).toBeNull();
  });

  it('fails as a failed read, saying the file is truncated, when it shrinks after its header was read', async () => {
    const path = write({ descr: '<f4', shape: [1000], values: Array.from({ length: 1000 }, (_, i) => i) });
    const src = await probeFloatNpy(path);
    truncateSync(path, 2000);
    const err = await readFloatChunks(src!, () => {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ChunkReadFailed);
    expect((err as ChunkReadFailed).path).toBe(path);
    expect(String((err as ChunkReadFailed).cause)).toMatch(/file is truncated: 4000 bytes of data needed/);
  });

  it('passes on what the chunk callback throws, as it is, and can read again afterwards', async () => {
    const path = write({ descr: '<f4', shape: [count], values });
    const src = await probeFloatNpy(path);
    const stop = new Error('stop');
    let calls = 0;
    const err = await readFloatChunks(src!, () => {
      calls++;
      if (calls === 2) throw stop;
    }).catch((e: unknown) => e);
    expect(err).toBe(stop);
    expect(calls).toBe(2);
    // The thread's buffers were given back: a second read gets them and the right values.
    expect(differences((await allChunks(path)).values, (await readNpy(path)).data)).toBe(0);
  });
});
