// The walk cut by merge key into segments that threads claim one at a time (split.ts).
import { lovaszTerms, type LovaszTerms, type Runs } from './lovaszWalk.js';
import type { ClassInput } from '../producers/voxelTerms.js';
import type { WalkOrder, WalkSegment } from './sortedWalk.js';

/**
 * Keys that cut the walk into `parts` segments of about equal voxel counts, descending
 * (the walk goes from high keys to low): quantiles of keys sampled evenly from every run,
 * each sample weighted by its run's length.
 */
export function walkPivots(pos: Runs, neg: Runs, order: WalkOrder, parts: number): number[] {
  const per = 256 * parts;
  const weighted: [number, number][] = [];
  const sample = (run: Runs[number], key: (x: number) => number) => {
    for (let k = 0; k < per && run.length; k++) weighted.push([key(run[Math.floor((k * run.length) / per)]), run.length / per]);
  };
  for (const run of pos) sample(run, order.pos.key);
  for (const run of neg) sample(run, order.neg.key);
  weighted.sort((a, b) => b[0] - a[0]);
  const total = weighted.reduce((s, w) => s + w[1], 0);
  const pivots: number[] = [];
  let acc = 0;
  for (const [key, w] of weighted) {
    acc += w;
    // Strictly falling pivots: a key that repeats across a cut would make an empty segment.
    if (pivots.length < parts - 1 && acc >= (total * (pivots.length + 1)) / parts && !(key >= pivots[pivots.length - 1])) pivots.push(key);
  }
  return pivots;
}

/** The segments between pivots (descending): above the first, between each two, at most the last. */
export function segmentsOf(pivots: number[]): WalkSegment[] {
  if (pivots.length === 0) return [{}];
  return [{ above: pivots[0] }, ...pivots.map((K, k) => ({ atMost: K, above: pivots[k + 1] }))];
}

/** Walks segments while the shared counter has some left; the terms (with calibration sums of `bins` bins, if not null) by segment index. */
export function walkClaimed(pos: Runs, neg: Runs, input: ClassInput, gamma: number, segments: WalkSegment[], claim: Int32Array, bins: number | null = null): Map<number, LovaszTerms> {
  const out = new Map<number, LovaszTerms>();
  for (let k = Atomics.add(claim, 0, 1); k < segments.length; k = Atomics.add(claim, 0, 1)) {
    out.set(k, lovaszTerms(pos, neg, input, gamma, segments[k], bins));
  }
  return out;
}
