// bucketGroups without a key buffer: the float32 values' own memory becomes the keys. A
// CT's keys are as large as its prediction (314 MB for 512×512×300), and holding both at
// once was the largest part of the engine's peak memory; when the prediction is not needed
// again (evaluate.ts decides) its buffer is permuted in place into the same layout
// bucketGroups writes: the t = 1 keys bucketed by their top 16 bits, then the t = 0 keys,
// then the ignored voxels (left unsorted, never read).
//
// The permutation is the cycle-leader pass of an in-place radix sort (American flag sort):
// a key is written only to its final place, so every place not yet filled still holds its
// own voxel's value, and that voxel's truth code is t at the same index — the truth codes
// are read, never moved or copied.
import { IGNORED } from '../producers/truth.js';
import { sortKeyOfBits } from './radix.js';
import { bitsOf, BUCKETS, groupHistogram, type BucketedGroups } from './bucketSort.js';

/** Slots: t = 1 buckets, then t = 0 buckets, then one slot for the ignored voxels. */
const SLOTS = 2 * BUCKETS + 1;
const IGNORED_SLOT = 2 * BUCKETS;

/** Slots handled per call (speed/chunks.ts: a long loop entered once runs slower in V8). */
const SLOT_CHUNK = 4096;

/**
 * Buckets each truth group's keys in `values`' own memory (which no longer holds the
 * values afterwards) and returns the same groups as bucketGroups; `hist` is the
 * groupHistogram when it is already known.
 */
export function bucketGroupsInPlace(values: Float32Array, t: Uint8Array, hist?: Uint32Array): BucketedGroups {
  const bits = bitsOf(values);
  const h = hist ?? groupHistogram(bits, t);
  // Slot s holds places [start[s], end[s]); next[s] is its first place not yet filled.
  const next = new Uint32Array(SLOTS);
  const end = new Uint32Array(SLOTS);
  let sum = 0;
  for (let s = 0; s < 2 * BUCKETS; s++) {
    next[s] = sum;
    sum += h[s];
    end[s] = sum;
  }
  const nPos = next[BUCKETS];
  const nNeg = sum - nPos;
  next[IGNORED_SLOT] = sum;
  end[IGNORED_SLOT] = bits.length;
  for (let from = 0; from < SLOTS; from += SLOT_CHUNK) permuteSlots(bits, t, next, end, from, Math.min(SLOTS, from + SLOT_CHUNK));
  const starts = (offset: number, base: number) => {
    const s = new Uint32Array(BUCKETS + 1);
    for (let b = 0; b < BUCKETS; b++) s[b] = end[offset + b] - h[offset + b] - base;
    s[BUCKETS] = end[offset + BUCKETS - 1] - base;
    return s;
  };
  return {
    pos: bits.subarray(0, nPos),
    neg: bits.subarray(nPos, nPos + nNeg),
    posStarts: starts(0, 0),
    negStarts: starts(BUCKETS, nPos),
  };
}

function slotOf(key: number, truth: number): number {
  return truth === 1 ? key >>> 16 : truth === IGNORED ? IGNORED_SLOT : BUCKETS + (key >>> 16);
}

/** Fills slots [from, to): each place's value is taken up and carried round its cycle until one lands here. */
function permuteSlots(bits: Uint32Array, t: Uint8Array, next: Uint32Array, end: Uint32Array, from: number, to: number): void {
  for (let s = from; s < to; s++) {
    const stop = end[s];
    while (next[s] < stop) {
      const p = next[s];
      let key = sortKeyOfBits(bits[p]);
      let slot = slotOf(key, t[p]);
      while (slot !== s) {
        // Place d is not filled yet: it still holds voxel d's value, whose truth is t[d].
        const d = next[slot]++;
        const taken = sortKeyOfBits(bits[d]);
        const truth = t[d];
        bits[d] = key;
        key = taken;
        slot = slotOf(key, truth);
      }
      bits[p] = key;
      next[s] = p + 1;
    }
  }
}
