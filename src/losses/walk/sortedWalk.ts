// The one walk over a class's sorted truth groups. Each group (t = 1 voxels, t = 0 voxels)
// holds its prediction values ascending, in one or more runs; the walk merges every run
// into one order of falling merge key and hands each step — a value, its truth, how many
// voxels share it — to a consumer. Every producer feeds it: float values sorted by bucket
// or radix (one run per group, or several), and quantised histograms (bins with counts).
// The Lovász terms are one consumer (lovaszWalk.ts); another statistic of the same sorted
// groups is another consumer, or another order over the same runs, never another sort.
import { PASS_CHUNK } from '../speed/chunks.js';

export type Keys = Float32Array | Float64Array;

/** Ascending runs of one truth group's values; `counts[r][k]` voxels have value `runs[r][k]` (no counts: one each). */
export interface SortedGroup {
  runs: Keys[];
  counts?: ArrayLike<number>[];
}

/** Where a group's runs are taken from, and the key that orders the merge (it must fall along that direction). */
export interface GroupOrder {
  key(x: number): number;
  /** true: from the lowest value up (the key falls as the value rises); false: from the highest down. */
  forward: boolean;
  /** The same key as scale·x + offset, when it is one: the 2-way loop computes it inline. */
  linear?: { scale: number; offset: number };
}

export interface WalkOrder {
  pos: GroupOrder;
  neg: GroupOrder;
  /**
   * The consumer reads t = 0 voxels only through their count, except where they share a
   * key with the step before them: between two t = 1 steps, the t = 0 steps may then come
   * as two at most — the voxels with the first one's value, then all the others as one
   * step with the last one's value. The 2-way walk finds them by exponential search
   * instead of stepping through them (a thin positive class among 10⁸ negatives costs its
   * positives, not the volume); the k-way walk takes this as permission and steps anyway.
   */
  negativesInBulk?: boolean;
}

/**
 * A part of the walk by merge key: the steps whose key is ≤ `atMost` (default: all) and
 * > `above` (default: all). Segments that tile the keys add up to the whole walk exactly,
 * so they can run on several threads.
 */
export interface WalkSegment {
  atMost?: number;
  above?: number;
}

/** What the walk feeds. */
export interface WalkConsumer {
  /**
   * Called once before the first step: voxels in each whole group, and how many of each
   * come before this segment in the merge order (0 and 0 for a whole walk).
   */
  start(positives: number, negatives: number, positivesBefore: number, negativesBefore: number): void;
  /** `count` voxels of truth 1 (`positive`) or 0 with value x, in falling merge key; equal keys: t = 1 first. */
  take(x: number, positive: boolean, count: number): void;
}

/** Smallest index whose value satisfies `test` (false … false, true … true along the run), or run.length. */
function firstIndex(run: Keys, test: (x: number) => boolean): number {
  let lo = 0;
  let hi = run.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (test(run[mid])) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

function voxelsOf(g: SortedGroup): number {
  let n = 0;
  g.runs.forEach((run, r) => {
    const c = g.counts?.[r];
    if (!c) n += run.length;
    else for (let k = 0; k < c.length; k++) n += c[k];
  });
  return n;
}

/** Voxels of run r in [from, to). */
function countIn(g: SortedGroup, r: number, from: number, to: number): number {
  const c = g.counts?.[r];
  if (!c) return to - from;
  let n = 0;
  for (let k = from; k < to; k++) n += c[k];
  return n;
}

/**
 * The walk: the steps with key > `segment.above` (the walk stops at the first key at or
 * below it) from the first with key ≤ `segment.atMost` on (one binary search per run).
 */
export function walkSorted(pos: SortedGroup, neg: SortedGroup, order: WalkOrder, consumer: WalkConsumer, segment?: WalkSegment): void {
  const groups = [pos, neg];
  const P = pos.runs.length;
  const R = P + neg.runs.length;
  const runOf = (r: number) => (r < P ? pos.runs[r] : neg.runs[r - P]);
  const groupOf = (r: number) => (r < P ? pos : neg);
  const orderOf = (r: number) => (r < P ? order.pos : order.neg);
  const floor = segment?.above ?? -Infinity;
  // Each run's next index in its group's direction.
  const at = new Int32Array(R);
  const before = [0, 0];
  for (let r = 0; r < R; r++) {
    const run = runOf(r);
    const o = orderOf(r);
    const g = groupOf(r);
    const idx = r < P ? r : r - P;
    if (segment?.atMost === undefined) at[r] = o.forward ? 0 : run.length - 1;
    else {
      const K = segment.atMost;
      if (o.forward) {
        at[r] = firstIndex(run, (x) => o.key(x) <= K);
        before[r < P ? 0 : 1] += countIn(g, idx, 0, at[r]);
      } else {
        const above = firstIndex(run, (x) => o.key(x) > K);
        at[r] = above - 1;
        before[r < P ? 0 : 1] += countIn(g, idx, above, run.length);
      }
    }
  }
  consumer.start(voxelsOf(pos), voxelsOf(neg), before[0], before[1]);
  if (R === 2 && P === 1 && !pos.counts && !neg.counts && order.pos.linear && order.neg.linear) {
    walkTwo(pos.runs[0], neg.runs[0], at[0], at[1], floor, order, consumer);
    return;
  }
  const head = new Float64Array(R);
  const keyOf = (r: number, k: number): number => {
    const run = runOf(r);
    if (k < 0 || k >= run.length) return -Infinity;
    const key = orderOf(r).key(run[k]);
    return key > floor ? key : -Infinity;
  };
  for (let r = 0; r < R; r++) head[r] = keyOf(r, at[r]);
  for (;;) {
    let best = 0;
    for (let r = 1; r < R; r++) if (head[r] > head[best]) best = r;
    if (head[best] === -Infinity) break;
    const k = at[best];
    const positive = best < P;
    const g = groups[positive ? 0 : 1];
    const idx = positive ? best : best - P;
    at[best] += orderOf(best).forward ? 1 : -1;
    head[best] = keyOf(best, at[best]);
    consumer.take(g.runs[idx][k], positive, g.counts ? g.counts[idx][k] : 1);
  }
}

/** Where a 2-way walk stands between two calls of walkSteps, and its keys: ps·x + po (t = 1), ns·x + no (t = 0). */
interface TwoWalk {
  i: number;
  j: number;
  /** The keys at i and j (−∞ past a run's end). */
  kp: number;
  kn: number;
  done: boolean;
  floor: number;
  ps: number;
  po: number;
  ns: number;
  no: number;
  /** Index steps: +1 forward, −1 backward. */
  di: number;
  dj: number;
  /** The runs' lengths. */
  pEnd: number;
  nEnd: number;
}

/**
 * walkSorted's loop for one run per group of single voxels with linear keys (float values
 * in the Lovász order, or in score order): a plain 2-way merge with the same steps, in
 * PASS_CHUNK steps per call (chunks.ts). Its keys are computed inline: a call per key
 * leaves V8 too little of its inlining budget for the consumer's `take`, which then costs
 * a call per voxel.
 */
function walkTwo(pr: Keys, nr: Keys, i: number, j: number, floor: number, order: WalkOrder, consumer: WalkConsumer): void {
  const { pos, neg } = order;
  const [ps, po, ns, no] = [pos.linear!.scale, pos.linear!.offset, neg.linear!.scale, neg.linear!.offset];
  // An index is in its run when it is as an unsigned number below the length (−1 is not).
  const kp = i >>> 0 < pr.length ? ps * pr[i] + po : -Infinity;
  const kn = j >>> 0 < nr.length ? ns * nr[j] + no : -Infinity;
  const w: TwoWalk = { i, j, kp, kn, done: false, floor, ps, po, ns, no, di: pos.forward ? 1 : -1, dj: neg.forward ? 1 : -1, pEnd: pr.length, nEnd: nr.length };
  if (order.negativesInBulk) while (!w.done) bulkSteps(pr, nr, w, consumer, PASS_CHUNK);
  else while (!w.done) walkSteps(pr, nr, w, consumer, PASS_CHUNK);
}

function walkSteps(pr: Keys, nr: Keys, w: TwoWalk, consumer: WalkConsumer, steps: number): void {
  let { i, j, kp, kn } = w;
  const { floor, ps, po, ns, no, di, dj, pEnd, nEnd } = w;
  let left = steps;
  for (; left > 0; left--) {
    const positive = kp >= kn;
    const key = positive ? kp : kn;
    if (!(key > floor)) break;
    let x: number;
    if (positive) {
      x = pr[i];
      i += di;
      kp = i >>> 0 < pEnd ? ps * pr[i] + po : -Infinity;
    } else {
      x = nr[j];
      j += dj;
      kn = j >>> 0 < nEnd ? ns * nr[j] + no : -Infinity;
    }
    consumer.take(x, positive, 1);
  }
  Object.assign(w, { i, j, kp, kn, done: left > 0 });
}

/**
 * How many of run[from], run[from + dir], … (at most `limit`) pass `test`, which holds
 * for a first stretch of them and then never: by doubling steps, then bisection.
 */
function gallop(run: Keys, from: number, dir: number, limit: number, test: (x: number) => boolean): number {
  let ok = 0; // run[from + dir·(ok − 1)] passes (or ok = 0)
  let step = 1;
  while (step <= limit && test(run[from + dir * (step - 1)])) {
    ok = step;
    step *= 2;
  }
  let bad = step <= limit ? step : limit + 1; // the first failing count, or past the limit
  while (bad - ok > 1) {
    const mid = (ok + bad) >>> 1;
    if (test(run[from + dir * (mid - 1)])) ok = mid;
    else bad = mid;
  }
  return ok;
}

/**
 * walkSteps with t = 0 voxels in bulk (WalkOrder.negativesInBulk): each t = 1 voxel is a
 * step; the t = 0 voxels before the next one — key above its key and the floor — are found
 * by galloping and handed as two steps: those equal to the first, then the rest.
 */
function bulkSteps(pr: Keys, nr: Keys, w: TwoWalk, consumer: WalkConsumer, steps: number): void {
  let { i, j, kp, kn } = w;
  const { floor, ps, po, ns, no, di, dj, pEnd, nEnd } = w;
  let left = steps;
  for (; left > 0; left--) {
    if (kp >= kn) {
      if (!(kp > floor)) break;
      const x = pr[i];
      i += di;
      kp = i >>> 0 < pEnd ? ps * pr[i] + po : -Infinity;
      consumer.take(x, true, 1);
      continue;
    }
    if (!(kn > floor)) break;
    const bound = kp > floor ? kp : floor;
    const room = dj > 0 ? nEnd - j : j + 1;
    const m = gallop(nr, j, dj, room, (x) => ns * x + no > bound);
    const x0 = nr[j];
    const e = gallop(nr, j, dj, m, (x) => x === x0);
    consumer.take(x0, false, e);
    if (m > e) consumer.take(nr[j + dj * (m - 1)], false, m - e);
    j += dj * m;
    kn = j >>> 0 < nEnd ? ns * nr[j] + no : -Infinity;
  }
  Object.assign(w, { i, j, kp, kn, done: left > 0 });
}
