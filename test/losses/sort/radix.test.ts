// The float64 radix sort against the built-in sort.
import { describe, expect, it } from 'vitest';
import { radixSortFloat64 } from '../../../src/losses/sort/radix.js';
import { rng } from '../../helpers/rng.js';

describe('radix sort of float64 keys', () => {
  it('orders like the built-in sort, including values that share their high word', () => {
    const r = rng(12);
    const v = Float64Array.from({ length: 4000 }, (_, i) => (i % 3 === 0 ? 0.5 + r() * 1e-9 : (r() - 0.5) * 10 ** Math.floor(r() * 10 - 5)));
    v[0] = -0;
    v[1] = 0;
    v[2] = -Infinity;
    v[3] = Infinity;
    const expected = Float64Array.from(v).sort();
    expect(Array.from(radixSortFloat64(Float64Array.from(v)))).toEqual(Array.from(expected));
  });
});
