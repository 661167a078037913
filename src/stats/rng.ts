// A small, fast, seedable generator for resampling: xoshiro128** (Blackman & Vigna), state
// filled from the seed by splitmix32. Same seed, same stream, on every platform.

function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

export interface Rng {
  /** A uniform 32-bit unsigned integer. */
  nextU32(): number;
  /** A uniform integer in [0, n), n ≤ 2^31, without modulo bias. */
  below(n: number): number;
  /** out[i] = below(n) for every i, in order (the same stream as calling below). */
  fillBelow(out: Int32Array, n: number): void;
}

/** seed: any safe integer ≥ 0 (both 32-bit halves feed the state). */
export function createRng(seed: number): Rng {
  const lo = seed >>> 0;
  const hi = Math.floor(seed / 2 ** 32) >>> 0;
  const mix = splitmix32(lo ^ Math.imul(hi, 0x27d4eb2d));
  let a = mix();
  let b = mix();
  let c = mix() ^ hi;
  let d = mix();
  if ((a | b | c | d) === 0) d = 1;
  const nextU32 = (): number => {
    const result = Math.imul(rotl(Math.imul(b, 5), 7), 9) >>> 0;
    const t = b << 9;
    c ^= a;
    d ^= b;
    b ^= c;
    a ^= d;
    c ^= t;
    d = rotl(d, 11);
    return result;
  };
  // Lemire's multiply-shift with rejection: x·n / 2^32 is exact in float64 (n ≤ 2^31).
  const draw = (n: number, threshold: number): number => {
    for (;;) {
      const m = nextU32() * n;
      if (m % 2 ** 32 >= threshold) return Math.floor(m / 2 ** 32);
    }
  };
  return {
    nextU32,
    below: (n: number) => draw(n, (2 ** 32 - n) % n),
    fillBelow(out: Int32Array, n: number): void {
      const threshold = (2 ** 32 - n) % n;
      for (let i = 0; i < out.length; i++) out[i] = draw(n, threshold);
    },
  };
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
