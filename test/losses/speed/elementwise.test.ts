// Whole-volume element-wise maps: the same values as the definitions, element by element,
// in the element type each caller relies on.
import { describe, expect, it } from 'vitest';
import { complemented, divided, negated } from '../../../src/losses/speed/elementwise.js';

describe('negated', () => {
  it('is −z exactly, float32 in and out (the sort keys stay float32)', () => {
    const z = Float32Array.from([0, -0, 1.5, -3.25, 3.4028234663852886e38, 1e-45, -7]);
    const out = negated(z);
    expect(out).toBeInstanceOf(Float32Array);
    // 1e-45 is stored as float32's smallest subnormal, 2^-149.
    expect(Array.from(out)).toEqual([-0, 0, -1.5, 3.25, -3.4028234663852886e38, -(2 ** -149), 7]);
  });
  it('is float64 for any other input', () => {
    const out = negated(Float64Array.from([0.1, -2e300]));
    expect(out).toBeInstanceOf(Float64Array);
    expect(Array.from(out)).toEqual([-0.1, 2e300]);
    expect(negated([1, 2])).toBeInstanceOf(Float64Array);
  });
});

describe('complemented and divided (stored integers 0..max)', () => {
  it('complemented is max − v as uint16', () => {
    const out = complemented(Uint16Array.from([0, 1, 65534, 65535]), 65535);
    expect(out).toBeInstanceOf(Uint16Array);
    expect(Array.from(out)).toEqual([65535, 65534, 1, 0]);
    expect(Array.from(complemented(Uint8Array.from([0, 128, 255]), 255))).toEqual([255, 127, 0]);
  });
  it('divided is v / max in float64', () => {
    const out = divided(Uint8Array.from([0, 1, 255]), 255);
    expect(out).toBeInstanceOf(Float64Array);
    expect(Array.from(out)).toEqual([0, 1 / 255, 1]);
  });
});
