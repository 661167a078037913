// The float32 bucket sort by truth group against the built-in sort.
import { describe, expect, it } from 'vitest';
import { bucketGroups, BUCKETS, middleBucket, sortBucketRange, sortedRuns } from '../../../src/losses/sort/bucketSort.js';
import { rng } from '../../helpers/rng.js';

describe('bucket sort of float32 values by truth group', () => {
  it('orders each group like the built-in sort, negatives, zeros and infinities included, ignored voxels left out', () => {
    const r = rng(9);
    const n = 20_000;
    // Values over 16 decades and both signs: many buckets, some large, some of one value.
    const v = Float32Array.from({ length: n }, (_, i) => (i % 5 === 0 ? 0.75 : (r() - 0.5) * 10 ** Math.floor(r() * 16 - 8)));
    v.set([-0, 0, Infinity, -Infinity, 2 ** -149, -(2 ** -149)], 0);
    const t = Uint8Array.from({ length: n }, (_, i) => (i % 11 === 0 ? 255 : r() < 0.4 ? 1 : 0));
    const g = bucketGroups(v, t);
    sortBucketRange(g, 0, BUCKETS);
    const [pos, neg] = sortedRuns(g);
    const of = (want: number) => Float32Array.from(Array.from(v).filter((_, i) => t[i] === want)).sort();
    expect(Array.from(pos)).toEqual(Array.from(of(1)));
    expect(Array.from(neg)).toEqual(Array.from(of(0)));
  });
  it('sorts the same when the buckets are sorted in two ranges (the split over two threads)', () => {
    const r = rng(19);
    const v = Float32Array.from({ length: 50_000 }, () => (r() - 0.5) * 8);
    const t = Uint8Array.from(v, () => (r() < 0.3 ? 1 : 0));
    const g = bucketGroups(v, t);
    const mid = middleBucket(g);
    expect(mid).toBeGreaterThan(0);
    expect(mid).toBeLessThan(BUCKETS);
    sortBucketRange(g, mid, BUCKETS);
    sortBucketRange(g, 0, mid);
    const [pos] = sortedRuns(g);
    expect(Array.from(pos)).toEqual(Array.from(Float32Array.from(Array.from(v).filter((_, i) => t[i] === 1)).sort()));
  });
});
