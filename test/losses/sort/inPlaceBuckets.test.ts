// The in-place bucketing (the prediction's memory as the keys) against the built-in sort
// and against bucketGroups, which writes the keys into a buffer of their own.
import { describe, expect, it } from 'vitest';
import { bucketGroups, BUCKETS, sortBucketRange, sortedRuns } from '../../../src/losses/sort/bucketSort.js';
import { bucketGroupsInPlace } from '../../../src/losses/sort/inPlaceBuckets.js';
import { rng } from '../../helpers/rng.js';

function sample(seed: number, n: number): { v: Float32Array; t: Uint8Array } {
  const r = rng(seed);
  // Values over 16 decades and both signs, a repeated value, ±0, ±Infinity, subnormals.
  const v = Float32Array.from({ length: n }, (_, i) => (i % 5 === 0 ? 0.75 : (r() - 0.5) * 10 ** Math.floor(r() * 16 - 8)));
  v.set([-0, 0, Infinity, -Infinity, 2 ** -149, -(2 ** -149)], 0);
  const t = Uint8Array.from({ length: n }, (_, i) => (i % 11 === 0 ? 255 : r() < 0.4 ? 1 : 0));
  return { v, t };
}

const groupOf = (v: Float32Array, t: Uint8Array, want: number) => Array.from(Float32Array.from(Array.from(v).filter((_, i) => t[i] === want)).sort());

describe('in-place bucketing of float32 values by truth group', () => {
  it('sorts each group like the built-in sort, in the values\' own memory, ignored voxels left out', () => {
    const { v, t } = sample(9, 30_000);
    const pos1 = groupOf(v, t, 1);
    const neg0 = groupOf(v, t, 0);
    const g = bucketGroupsInPlace(v, t);
    expect(g.pos.buffer).toBe(v.buffer);
    expect(g.neg.buffer).toBe(v.buffer);
    sortBucketRange(g, 0, BUCKETS);
    const [pos, neg] = sortedRuns(g);
    expect(Array.from(pos)).toEqual(pos1);
    expect(Array.from(neg)).toEqual(neg0);
  });

  it('gives the same bucket bounds as bucketGroups, and the same sorted keys', () => {
    const { v, t } = sample(23, 50_000);
    const copy = v.slice();
    const a = bucketGroups(copy, t);
    const b = bucketGroupsInPlace(v, t);
    expect(Array.from(b.posStarts)).toEqual(Array.from(a.posStarts));
    expect(Array.from(b.negStarts)).toEqual(Array.from(a.negStarts));
    sortBucketRange(a, 0, BUCKETS);
    sortBucketRange(b, 0, BUCKETS);
    expect(Array.from(b.pos)).toEqual(Array.from(a.pos));
    expect(Array.from(b.neg)).toEqual(Array.from(a.neg));
  });

  it('handles a single group, a single value and every voxel ignored', () => {
    const v = Float32Array.from([3, -1, 2, 2, -5]);
    const g = bucketGroupsInPlace(v, new Uint8Array(5));
    sortBucketRange(g, 0, BUCKETS);
    expect(Array.from(sortedRuns(g)[1])).toEqual([-5, -1, 2, 2, 3]);
    expect(g.pos.length).toBe(0);
    const one = bucketGroupsInPlace(Float32Array.from([7]), Uint8Array.from([1]));
    sortBucketRange(one, 0, BUCKETS);
    expect(Array.from(sortedRuns(one)[0])).toEqual([7]);
    const none = bucketGroupsInPlace(Float32Array.from([1, 2]), Uint8Array.from([255, 255]));
    expect(none.pos.length + none.neg.length).toBe(0);
  });
});
