// Radix sorting of floats on their bit patterns, exact: the bit transform orders IEEE-754
// floats like their values. Float32 keys are bucket-sorted (bucketSort.ts); float64
// values here, by LSD radix over their 64 bits.

/** Unsigned key whose order is the float order: negatives reversed, positives above them. */
export function sortKeyOfBits(u: number): number {
  return u & 0x80000000 ? ~u >>> 0 : (u | 0x80000000) >>> 0;
}

/**
 * Sorts float64 values ascending (no NaN expected) by LSD radix over the 64-bit pattern,
 * 8 passes of 8 bits on the (hi, lo) words, skipping digits every key shares — values
 * that came from float32 or 8/16-bit data skip most of the low word.
 */
export function radixSortFloat64(values: Float64Array): Float64Array {
  const n = values.length;
  if (n < 256) return values.sort();
  const words = new Uint32Array(values.buffer, values.byteOffset, 2 * n);
  // Little-endian host: word 2i is the low half, 2i+1 the high half.
  let hi = new Uint32Array(n);
  let lo = new Uint32Array(n);
  let hi2 = new Uint32Array(n);
  let lo2 = new Uint32Array(n);
  const counts = new Uint32Array(8 * 256);
  for (let i = 0; i < n; i++) {
    let h = words[2 * i + 1];
    let l = words[2 * i];
    if (h & 0x80000000) {
      h = ~h >>> 0;
      l = ~l >>> 0;
    } else h = (h | 0x80000000) >>> 0;
    hi[i] = h;
    lo[i] = l;
    counts[l & 0xff]++;
    counts[256 + ((l >>> 8) & 0xff)]++;
    counts[512 + ((l >>> 16) & 0xff)]++;
    counts[768 + (l >>> 24)]++;
    counts[1024 + (h & 0xff)]++;
    counts[1280 + ((h >>> 8) & 0xff)]++;
    counts[1536 + ((h >>> 16) & 0xff)]++;
    counts[1792 + (h >>> 24)]++;
  }
  const offs = new Uint32Array(256);
  for (let pass = 0; pass < 8; pass++) {
    const base = pass * 256;
    let skip = false;
    for (let d = 0; d < 256 && !skip; d++) if (counts[base + d] === n) skip = true;
    if (skip) continue;
    let sum = 0;
    for (let d = 0; d < 256; d++) {
      offs[d] = sum;
      sum += counts[base + d];
    }
    const shift = (pass & 3) * 8;
    const digitsFromHi = pass >= 4;
    for (let i = 0; i < n; i++) {
      const h = hi[i];
      const l = lo[i];
      const k = offs[((digitsFromHi ? h : l) >>> shift) & 0xff]++;
      hi2[k] = h;
      lo2[k] = l;
    }
    let t = hi; hi = hi2; hi2 = t;
    t = lo; lo = lo2; lo2 = t;
  }
  for (let i = 0; i < n; i++) {
    let h = hi[i];
    let l = lo[i];
    if (h & 0x80000000) h = (h ^ 0x80000000) >>> 0;
    else {
      h = ~h >>> 0;
      l = ~l >>> 0;
    }
    words[2 * i + 1] = h;
    words[2 * i] = l;
  }
  return values;
}
