// Float32 values of a class, sorted per truth group in two steps that each touch memory
// once: a scatter by the top 16 bits of the sort key into buckets (the histogram comes
// from a counting pass), then each bucket sorted on its low 16 bits while it sits in
// cache. The result is one sorted run per group, so the walk is a 2-way merge, and the
// buckets split between threads by range with no copy (split.ts).
import { IGNORED } from '../producers/truth.js';
import { sortKeyOfBits } from './radix.js';
import { inChunks } from '../speed/chunks.js';

export const BUCKETS = 1 << 16;

/** Each truth group's keys bucketed by their top 16 bits; `starts` has BUCKETS + 1 bounds. */
export interface BucketedGroups {
  pos: Uint32Array;
  neg: Uint32Array;
  posStarts: Uint32Array;
  negStarts: Uint32Array;
}

/** Memory a helper thread can see without a copy. */
function sharedUint32(n: number): Uint32Array {
  return new Uint32Array(new SharedArrayBuffer(4 * Math.max(1, n)), 0, n);
}

export function bitsOf(values: Float32Array): Uint32Array {
  return new Uint32Array(values.buffer, values.byteOffset, values.length);
}

/** Bucket counts of the t = 1 keys (first BUCKETS) and the t = 0 keys (next BUCKETS). */
export function groupHistogram(bits: Uint32Array, t: Uint8Array): Uint32Array {
  const h = new Uint32Array(2 * BUCKETS);
  inChunks(t.length, (from, to) => countKeys(bits, t, h, from, to));
  return h;
}

function countKeys(bits: Uint32Array, t: Uint8Array, h: Uint32Array, from: number, to: number): void {
  for (let i = from; i < to; i++) {
    const ti = t[i];
    if (ti === IGNORED) continue;
    const b = sortKeyOfBits(bits[i]) >>> 16;
    h[ti === 1 ? b : BUCKETS + b]++;
  }
}

function bounds(h: Uint32Array, from: number): Uint32Array {
  const s = new Uint32Array(BUCKETS + 1);
  let sum = 0;
  for (let b = 0; b < BUCKETS; b++) {
    s[b] = sum;
    sum += h[from + b];
  }
  s[BUCKETS] = sum;
  return s;
}

/**
 * A thread's key memory, kept from class to class and case to case: a fresh buffer costs
 * its page faults again, and classes are sorted one after another, so one buffer serves
 * all. It lives in memory a helper thread can see.
 */
export class KeyBuffer {
  private spare: Uint32Array | null = null;

  /** Room for the keys of `voxels` voxels, valid until the next call (the runs sorted in it are the caller's until then). */
  take(voxels: number): Uint32Array {
    if (!this.spare || this.spare.length < voxels) this.spare = sharedUint32(voxels);
    return this.spare.subarray(0, voxels);
  }

  /**
   * The same memory as float32 room for `voxels` values: a class whose values are made
   * for it (the background's −z) is written here and sorted in place, so it holds no
   * buffer of its own. Valid, like take's, until the next call.
   */
  takeValues(voxels: number): Float32Array {
    return new Float32Array(this.take(voxels).buffer, 0, voxels);
  }

  /** Stop reusing the memory: a helper that was given up on may still write into it. */
  forget(): void {
    this.spare = null;
  }
}

/**
 * Writes every voxel's key into its group's bucket (ignored voxels are left out), into
 * `keys` (at least as long as the voxels counted; a KeyBuffer's, to reuse this thread's) or
 * new memory; `hist` is the groupHistogram when it is already known.
 */
export function bucketGroups(values: Float32Array, t: Uint8Array, keys?: Uint32Array, hist?: Uint32Array): BucketedGroups {
  const bits = bitsOf(values);
  const h = hist ?? groupHistogram(bits, t);
  const posStarts = bounds(h, 0);
  const negStarts = bounds(h, BUCKETS);
  const nPos = posStarts[BUCKETS];
  const nNeg = negStarts[BUCKETS];
  const room = keys ?? sharedUint32(nPos + nNeg);
  const pos = room.subarray(0, nPos);
  const neg = room.subarray(nPos, nPos + nNeg);
  const nextPos = posStarts.slice(0, BUCKETS);
  const nextNeg = negStarts.slice(0, BUCKETS);
  inChunks(t.length, (from, to) => scatterKeys(bits, t, pos, neg, nextPos, nextNeg, from, to));
  return { pos, neg, posStarts, negStarts };
}

function scatterKeys(
  bits: Uint32Array, t: Uint8Array, pos: Uint32Array, neg: Uint32Array,
  nextPos: Uint32Array, nextNeg: Uint32Array, from: number, to: number,
): void {
  for (let i = from; i < to; i++) {
    const ti = t[i];
    if (ti === IGNORED) continue;
    const k = sortKeyOfBits(bits[i]);
    if (ti === 1) pos[nextPos[k >>> 16]++] = k;
    else neg[nextNeg[k >>> 16]++] = k;
  }
}

/** Bytes per claim when threads share the faulting-in of a buffer. */
const TOUCH_CHUNK = 1 << 20;

/**
 * Faults in the pages of `buf` ahead of use, taking 1 MiB chunks from the shared counter
 * `claim` until none is left, so several threads share the work: on some virtual machines
 * a first write to a page costs more than sorting what it holds (docs/performance.md).
 * The atomic add of 0 faults a page in without changing it, so a late toucher can never
 * overwrite keys already written there.
 */
export function touchPages(buf: Uint32Array, claim: Int32Array): void {
  const bytes = new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  const chunks = Math.ceil(bytes.length / TOUCH_CHUNK);
  for (;;) {
    const c = Atomics.add(claim, 0, 1);
    if (c >= chunks) return;
    const end = Math.min(bytes.length, (c + 1) * TOUCH_CHUNK);
    for (let i = c * TOUCH_CHUNK; i < end; i += 4096) Atomics.add(bytes, i, 0);
  }
}

/** The bucket where the two threads' shares of the sorting meet: about half the keys on each side. */
export function middleBucket(g: BucketedGroups): number {
  const total = g.posStarts[BUCKETS] + g.negStarts[BUCKETS];
  let b = 0;
  while (b < BUCKETS && 2 * (g.posStarts[b] + g.negStarts[b]) < total) b++;
  return b;
}

/** The largest bucket in [from, to) of either group: the scratch a thread needs to sort its share. */
function largestBucket(g: BucketedGroups, from: number, to: number): number {
  let m = 0;
  for (let b = from; b < to; b++) {
    m = Math.max(m, g.posStarts[b + 1] - g.posStarts[b], g.negStarts[b + 1] - g.negStarts[b]);
  }
  return m;
}

/**
 * Sorts buckets [from, to) of both groups in place and turns their keys back into float32
 * bits, so that range of each group reads as ascending float32 values.
 */
export function sortBucketRange(g: BucketedGroups, from: number, to: number): void {
  const scratch = new Uint32Array(largestBucket(g, from, to));
  const counts = new Uint32Array(512);
  for (const [keys, starts] of [[g.pos, g.posStarts], [g.neg, g.negStarts]] as const) {
    for (let b = from; b < to; b++) sortBucket(keys, starts[b], starts[b + 1], scratch, counts);
    const base = starts[from];
    inChunks(starts[to] - base, (a, b) => toFloatBits(keys, base + a, base + b));
  }
}

/** The two groups as float32 values (valid once every bucket is sorted). */
export function sortedRuns(g: BucketedGroups): [Float32Array, Float32Array] {
  const f = (k: Uint32Array) => new Float32Array(k.buffer, k.byteOffset, k.length);
  return [f(g.pos), f(g.neg)];
}

/** All keys of one bucket share their top 16 bits: two 8-bit LSD passes (insertion sort when tiny). */
function sortBucket(keys: Uint32Array, s: number, e: number, scratch: Uint32Array, c: Uint32Array): void {
  const n = e - s;
  if (n < 2) return;
  if (n <= 48) {
    for (let i = s + 1; i < e; i++) {
      const v = keys[i];
      let j = i - 1;
      while (j >= s && keys[j] > v) {
        keys[j + 1] = keys[j];
        j--;
      }
      keys[j + 1] = v;
    }
    return;
  }
  c.fill(0);
  for (let i = s; i < e; i++) {
    const k = keys[i];
    c[k & 0xff]++;
    c[256 + ((k >>> 8) & 0xff)]++;
  }
  let lo = 0;
  let hi = 0;
  for (let d = 0; d < 256; d++) {
    const a = c[d];
    c[d] = lo;
    lo += a;
    const b = c[256 + d];
    c[256 + d] = hi;
    hi += b;
  }
  for (let i = s; i < e; i++) {
    const k = keys[i];
    scratch[c[k & 0xff]++] = k;
  }
  for (let i = 0; i < n; i++) {
    const k = scratch[i];
    keys[s + c[256 + ((k >>> 8) & 0xff)]++] = k;
  }
}

/** Inverse of sortKeyOfBits. */
function toFloatBits(keys: Uint32Array, s: number, e: number): void {
  for (let i = s; i < e; i++) {
    const u = keys[i];
    keys[i] = u & 0x80000000 ? (u ^ 0x80000000) >>> 0 : ~u >>> 0;
  }
}
