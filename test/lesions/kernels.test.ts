// Lesion-wise evaluation (spec/lesions.md), grouped like src/lesions: components and
// dilation against plain references on random masks, matching against brute force over
// all pairs, the metrics on hand-computed examples.
import { describe, expect, it } from 'vitest';
import { dilateMask, labelComponents, type Box3 } from '../../src/lesions/components.js';
import { evaluateLesionsOfTarget, hd95Penalty, type LesionContext } from '../../src/lesions/evaluateLesions.js';
import { lesionEntries, lesionMetrics, pooledLesionSummary, type LesionCounts } from '../../src/lesions/lesionMetrics.js';
import { matchByIou } from '../../src/lesions/matching.js';
import { resolveLesionOptions, type Connectivity, type LesionOptions } from '../../src/lesions/options.js';
import { membershipOf, runsOf, selectRuns, valueRunsOf } from '../../src/lesions/runs.js';
import { rng } from '../helpers/rng.js';

// ---------------------------------------------------------------------------
// References, written from the definitions

const coord = (i: number, d: Box3) => [i % d[0], Math.floor(i / d[0]) % d[1], Math.floor(i / (d[0] * d[1]))];

function neighbours(a: number[], b: number[], conn: Connectivity): boolean {
  const dist = a.map((v, k) => Math.abs(v - b[k]));
  if (dist.some((x) => x > 1)) return false;
  const s = dist.reduce((x, y) => x + y, 0);
  return s > 0 && (conn === 'full' || s === 1);
}

/** Breadth-first flood fill from each unvisited voxel in raster order: ids in first-voxel order. */
function floodFill(mask: Uint8Array, d: Box3, conn: Connectivity): Int32Array {
  const out = new Int32Array(mask.length);
  let id = 0;
  for (let s = 0; s < mask.length; s++) {
    if (!mask[s] || out[s]) continue;
    out[s] = ++id;
    const queue = [s];
    while (queue.length) {
      const v = queue.pop()!;
      const cv = coord(v, d);
      for (let dz = -1; dz <= 1; dz++) {
        for (let dy = -1; dy <= 1; dy++) {
          for (let dx = -1; dx <= 1; dx++) {
            const c = [cv[0] + dx, cv[1] + dy, cv[2] + dz];
            if (c.some((x, k) => x < 0 || x >= d[k]) || !neighbours(cv, c, conn)) continue;
            const u = c[0] + d[0] * (c[1] + d[1] * c[2]);
            if (mask[u] && !out[u]) {
              out[u] = id;
              queue.push(u);
            }
          }
        }
      }
    }
  }
  return out;
}

/** dil(X, K) = voxels within |d_i| ≤ K and Σ|d_i| ≤ 2K of X (the K-fold sum of the 18-/8-neighbourhood). */
function dilateReference(mask: Uint8Array, d: Box3, k: number): Uint8Array {
  const out = new Uint8Array(mask.length);
  const pts = [...mask.keys()].filter((i) => mask[i]).map((i) => coord(i, d));
  for (let i = 0; i < mask.length; i++) {
    const c = coord(i, d);
    out[i] = pts.some((p) => {
      const dist = p.map((v, j) => Math.abs(v - c[j]));
      return dist.every((x) => x <= k) && dist.reduce((a, b) => a + b, 0) <= 2 * k ? 1 : 0;
    })
      ? 1
      : 0;
  }
  return out;
}

function randomMask(r: () => number, n: number, density: number): Uint8Array {
  return Uint8Array.from({ length: n }, () => (r() < density ? 1 : 0));
}

// ---------------------------------------------------------------------------

describe('components', () => {
  const shapes: Box3[] = [[1, 1, 1], [7, 1, 1], [9, 8, 1], [13, 11, 1], [6, 5, 4], [8, 7, 6], [1, 9, 5]];
  for (const conn of ['full', 'face'] as const) {
    for (const d of shapes) {
      it(`equal a flood fill, numbered by first voxel, on random ${d.join('×')} masks (${conn})`, () => {
        const r = rng(d[0] * 100 + d[1] * 10 + d[2] + (conn === 'full' ? 7 : 0));
        for (const density of [0.1, 0.3, 0.5, 0.7, 1]) {
          const mask = randomMask(r, d[0] * d[1] * d[2], density);
          const { map, count } = labelComponents(mask, d, 1, conn);
          const ref = floodFill(mask, d, conn);
          expect(Array.from(map)).toEqual(Array.from(ref));
          expect(count).toBe(Math.max(0, ...ref));
        }
      });
    }
  }

  it('join voxels touching only at a corner under full connectivity and not under face', () => {
    // 3×3×2: (0,0,0) and (1,1,1) share a corner only.
    const m = new Uint8Array(18);
    m[0] = 1;
    m[1 + 3 + 9] = 1;
    expect(labelComponents(m, [3, 3, 2], 1, 'full').count).toBe(1);
    expect(labelComponents(m, [3, 3, 2], 1, 'face').count).toBe(2);
  });

  it('number seeded components by their first seed voxel, not their first voxel', () => {
    // 3×2 image: left column {0, 3} starts first, but its seed (bit 2) is at 3; the right
    // column {2, 5} has its seed at 2, so the right component is number 1.
    const f = Uint8Array.from([1, 0, 3, 3, 0, 1]);
    const { map, count } = labelComponents(f, [3, 2, 1], 1, 'face', 2);
    expect(count).toBe(2);
    expect(Array.from(map)).toEqual([2, 0, 1, 2, 0, 1]);
  });
});

describe('runs', () => {
  it('of a target from one value scan equal a direct scan of the target, ignored voxels left out', () => {
    const r = rng(99);
    for (const d of [[17, 5, 3], [33, 9, 1]] as Box3[]) {
      const n = d[0] * d[1] * d[2];
      const gt = Uint8Array.from({ length: n }, () => Math.floor(r() * 4.3)); // 0..4, 4 = ignore
      const pred = Float32Array.from({ length: n }, () => Math.floor(r() * 4));
      for (const values of [gt, pred]) {
        const v = valueRunsOf(values, d, gt, 4);
        for (const labels of [[1], [2, 3], [1, 2, 3], [3, 7]]) {
          const m = membershipOf(labels);
          const a = selectRuns(v, m);
          const b = runsOf(values, d, m, gt, 4);
          expect([Array.from(a.rowStart), Array.from(a.x0), Array.from(a.x1)]).toEqual([Array.from(b.rowStart), Array.from(b.x0), Array.from(b.x1)]);
          // Every voxel of a run is in the target and not ignored; run count = maximal runs.
          let inside = 0;
          values.forEach((x, i) => (inside += labels.includes(x) && gt[i] !== 4 ? 1 : 0));
          let covered = 0;
          for (let k = 0; k < a.count; k++) covered += a.x1[k] - a.x0[k];
          expect(covered).toBe(inside);
        }
      }
    }
  });
});

describe('dilation', () => {
  for (const [d, k] of [[[9, 7, 1], 1], [[9, 7, 1], 2], [[7, 6, 5], 1], [[7, 6, 5], 2], [[5, 5, 5], 3]] as [Box3, number][]) {
    it(`${k} dilation(s) on ${d.join('×')} equal the K-fold 18-/8-neighbourhood sum, clipped to the image`, () => {
      const r = rng(k * 31 + d[2]);
      for (const density of [0.02, 0.08]) {
        const mask = randomMask(r, d[0] * d[1] * d[2], density);
        mask[0] = 1; // touching the border
        expect(Array.from(dilateMask(mask, d, 1, k))).toEqual(Array.from(dilateReference(mask, d, k)));
      }
    });
  }
});

// ---------------------------------------------------------------------------
// Matching: brute force over all pairs of lesions, from the voxel sets

interface Lesion {
  voxels: Set<number>;
}

function lesionsOf(map: Int32Array, keep: (i: number) => boolean = () => true): Lesion[] {
  const out: Lesion[] = [];
  map.forEach((id, i) => {
    if (id === 0 || !keep(i)) return;
    (out[id - 1] ??= { voxels: new Set() }).voxels.add(i);
  });
  return out;
}

function iouOf(a: Set<number>, b: Set<number>): number {
  let inter = 0;
  for (const v of a) if (b.has(v)) inter++;
  return inter / (a.size + b.size - inter);
}

/** Repeatedly the best remaining pair (IoU desc, smaller g, smaller p) over all pairs. */
function greedyBrute(gts: Lesion[], preds: Lesion[], t: number): [number, number][] {
  const used = { g: new Set<number>(), p: new Set<number>() };
  const out: [number, number][] = [];
  for (;;) {
    let best: [number, number, number] | null = null;
    for (let gi = 0; gi < gts.length; gi++) {
      for (let pi = 0; pi < preds.length; pi++) {
        if (used.g.has(gi) || used.p.has(pi)) continue;
        const iou = iouOf(gts[gi].voxels, preds[pi].voxels);
        if (iou > t && (best === null || iou > best[2])) best = [gi, pi, iou];
      }
    }
    if (best === null) break;
    const [gi, pi] = best;
    used.g.add(gi);
    used.p.add(pi);
    out.push([gi + 1, pi + 1]);
  }
  return out.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
}

const ctx2d = (dims: number[]): LesionContext => ({ dims, spacing: dims.map(() => 1), ignoreIndex: null, hd95: 'union', empty: 'one' });

function pairsFromEntries(entries: ReturnType<typeof evaluateLesionsOfTarget>['entries']): [number, number][] {
  return entries.flatMap((e) => (e.gt === null ? [] : e.pred.map((p) => [e.gt!, p] as [number, number]))).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
}

describe('matching', () => {
  for (const t of [0.5, 0.3, 0.1, 0]) {
    it(`by IoU > ${t} equals the greedy brute force over all pairs on random 2D and 3D label maps`, () => {
      const r = rng(Math.round(t * 100) + 1);
      for (const d of [[14, 12, 1], [8, 7, 6]] as Box3[]) {
        for (let rep = 0; rep < 6; rep++) {
          const n = d[0] * d[1] * d[2];
          const gt = randomMask(r, n, 0.3);
          const pred = randomMask(r, n, 0.3);
          const dims = d[2] === 1 ? [d[0], d[1]] : [...d];
          const o = resolveLesionOptions('iou', { iou: t });
          const res = evaluateLesionsOfTarget(gt, pred, [1], ctx2d(dims), o);
          const gts = lesionsOf(floodFill(gt, d, 'full'));
          const preds = lesionsOf(floodFill(pred, d, 'full'));
          expect(pairsFromEntries(res.entries)).toEqual(greedyBrute(gts, preds, t));
        }
      }
    });
  }

  it('ties in IoU go to the smaller gt id, then the smaller pred id', () => {
    // Two gt lesions of 2 voxels, one pred of 2 voxels overlapping each by 1: IoU 1/3 both.
    const pairs = [{ g: 2, p: 1, inter: 1 }, { g: 1, p: 1, inter: 1 }];
    const sizes = [0, 2, 2];
    expect(matchByIou(pairs, sizes, [0, 2], 0.3)).toEqual([[1, 1]]);
    // An IoU equal to T does not match (strictly greater).
    expect(matchByIou([{ g: 1, p: 1, inter: 1 }], [0, 2], [0, 1], 0.5)).toEqual([]);
  });

  for (const k of [0, 1, 2]) {
    it(`overlap with ${k} dilation(s): p matches g exactly when p meets dil(g, ${k}), g a gt group, by brute force`, () => {
      const r = rng(50 + k);
      for (const d of [[16, 13, 1], [9, 8, 7]] as Box3[]) {
        for (let rep = 0; rep < 5; rep++) {
          const n = d[0] * d[1] * d[2];
          const gt = randomMask(r, n, 0.06);
          const pred = randomMask(r, n, 0.12);
          const dims = d[2] === 1 ? [d[0], d[1]] : [...d];
          const o = resolveLesionOptions('overlap', { dilation: k });
          const res = evaluateLesionsOfTarget(gt, pred, [1], ctx2d(dims), o);
          // Groups: gt voxels by component of dil(G, k) (flood fill of the reference dilation).
          const groupMap = floodFill(k > 0 ? dilateReference(gt, d, k) : gt, d, 'full');
          const firstGt = new Map<number, number>();
          gt.forEach((v, i) => {
            if (v && !firstGt.has(groupMap[i])) firstGt.set(groupMap[i], firstGt.size + 1);
          });
          const groups: Set<number>[] = [];
          gt.forEach((v, i) => {
            if (v) (groups[firstGt.get(groupMap[i])! - 1] ??= new Set()).add(i);
          });
          const preds = lesionsOf(floodFill(pred, d, 'full'));
          const expected: [number, number][] = [];
          groups.forEach((g, gi) => {
            const gm = new Uint8Array(n);
            for (const v of g) gm[v] = 1;
            const dg = k > 0 ? dilateReference(gm, d, k) : gm;
            preds.forEach((p, pi) => {
              if ([...p.voxels].some((v) => dg[v])) expected.push([gi + 1, pi + 1]);
            });
          });
          expect(res.entries.filter((e) => e.gt !== null).map((e) => e.gt_voxels)).toEqual(groups.map((g) => g.size));
          expect(pairsFromEntries(res.entries)).toEqual(expected.sort((a, b) => a[0] - b[0] || a[1] - b[1]));
        }
      }
    });
  }
});

// ---------------------------------------------------------------------------

describe('metrics', () => {
  it('follow the definitions on a hand-computed count set', () => {
    // TP 2 (IoU 0.5 and 0.8, Dice 2/3 and 8/9, hd95 1 and 2), FP 1, FN 1, π = 10.
    const c: LesionCounts = { tp: 2, fp: 1, fn: 1, gtLesions: 3, predLesions: 3, sumIou: 1.3, sumDice: 2 / 3 + 8 / 9, sumHd95: 3 };
    const m = lesionMetrics(c, 'iou', 10, 'one');
    expect(m.lesion_precision).toBeCloseTo(2 / 3, 15);
    expect(m.lesion_recall).toBeCloseTo(2 / 3, 15);
    expect(m.lesion_f1).toBeCloseTo(4 / 6, 15); // 2·2 / (2·2 + 1 + 1)
    expect(m.lesion_dice).toBeCloseTo(7 / 18, 15); // (2/3 + 8/9) / 4
    expect(m.lesion_hd95).toBeCloseTo(5.75, 15); // (1 + 2 + 10·2) / 4
    expect(m.rq).toBeCloseTo(2 / 3, 15); // 2 / (2 + 0.5 + 0.5)
    expect(m.sq).toBeCloseTo(0.65, 15); // 1.3 / 2
    expect(m.pq).toBeCloseTo(1.3 / 3, 15);
    const ov = lesionMetrics(c, 'overlap', 10, 'one');
    expect([ov.pq, ov.sq, ov.rq]).toEqual([null, null, null]);
  });

  it('give 1 (hd95 0) without lesions under --empty one, null under nan; SQ 0 when TP = 0 < FP + FN', () => {
    const none: LesionCounts = { tp: 0, fp: 0, fn: 0, gtLesions: 0, predLesions: 0, sumIou: 0, sumDice: 0, sumHd95: 0 };
    const one = lesionMetrics(none, 'iou', 7, 'one');
    expect([one.lesion_f1, one.lesion_dice, one.lesion_hd95, one.pq, one.sq, one.rq, one.lesion_precision]).toEqual([1, 1, 0, 1, 1, 1, null]);
    const nan = lesionMetrics(none, 'iou', 7, 'nan');
    expect([nan.lesion_f1, nan.lesion_dice, nan.lesion_hd95, nan.pq]).toEqual([null, null, null, null]);
    const missed = lesionMetrics({ ...none, fn: 2, gtLesions: 2 }, 'iou', 7, 'one');
    expect([missed.sq, missed.pq, missed.rq, missed.lesion_hd95, missed.lesion_recall]).toEqual([0, 0, 0, 7, 0]);
    const pooled = pooledLesionSummary({ ...none, tp: 3, fp: 1, sumIou: 2.4 }, 'iou', 'one');
    expect(pooled.f1).toBeCloseTo(6 / 7, 15);
    expect(pooled.sq).toBeCloseTo(0.8, 15);
    expect(pooled.pq).toBeCloseTo(2.4 / 3.5, 15);
  });

  it('ignore small gt lesions and the preds matched only to them; --lesion-small gt keeps small unmatched preds FP', () => {
    const base = {
      gtVoxels: [0, 10, 2],
      predVoxels: [0, 2, 3, 9],
      gtSmall: (g: number) => g === 2,
      predSmall: (p: number) => p !== 3,
      matching: [[1, 3], [2, 1]] as [number, number][],
      inter: (g: number, p: number) => (g === 1 && p === 3 ? 8 : g === 2 && p === 1 ? 2 : 0),
      hd95: () => 1.5,
    };
    const both = lesionEntries({ ...base, smallRule: 'both' });
    // gt 1 TP (IoU 8/11), gt 2 ignored with its pred 1; pred 2 (3 voxels, small, unmatched) ignored.
    expect(both.entries.map((e) => [e.gt, e.pred, e.status])).toEqual([[1, [3], 'tp'], [2, [1], 'ignored'], [null, [2], 'ignored']]);
    expect(both.counts).toMatchObject({ tp: 1, fp: 0, fn: 0, gtLesions: 1, predLesions: 1 });
    expect(both.entries[0].iou).toBeCloseTo(8 / 11, 15);
    expect(both.entries[0].dice).toBeCloseTo(16 / 19, 15);
    const gtOnly = lesionEntries({ ...base, smallRule: 'gt' });
    expect(gtOnly.entries[2].status).toBe('fp');
    expect(gtOnly.counts).toMatchObject({ tp: 1, fp: 1, predLesions: 2 });
  });

  it('score a hand-drawn 2D case: a hit, a miss and a false lesion', () => {
    // 6×4 image (x fastest). gt: A = (0..1, 0..1) 4 px, B = (5,3) 1 px.
    // pred: A' = (0..1, 0..0) ∪ … 2 px inside A, C = (4,0) 1 px far from B.
    const w = 6;
    const gt = new Uint8Array(24);
    const pred = new Uint8Array(24);
    for (const [x, y] of [[0, 0], [1, 0], [0, 1], [1, 1], [5, 3]]) gt[x + w * y] = 1;
    for (const [x, y] of [[0, 0], [1, 0], [4, 0]]) pred[x + w * y] = 1;
    const o: LesionOptions = resolveLesionOptions('iou', {});
    const res = evaluateLesionsOfTarget(gt, pred, [1], ctx2d([6, 4]), o);
    // IoU(A, A') = 2/4 = 0.5: not > 0.5, so no match at T = 0.5.
    expect(res.values.lesion_tp).toBe(0);
    const loose = evaluateLesionsOfTarget(gt, pred, [1], ctx2d([6, 4]), resolveLesionOptions('iou', { iou: 0.4 }));
    // TP A (IoU 0.5, Dice 2/3, hd95: d(A'→A) all 0, d(A→A') = 0,0,1,1 → union [0,0,0,0,1,1] → p95 = 1),
    // FN B, FP C; π = sqrt(5² + 3²).
    const pi = Math.sqrt(34);
    expect(hd95Penalty(o, [6, 4], [1, 1])).toBeCloseTo(pi, 15);
    expect(loose.entries.map((e) => [e.gt, e.pred, e.status, e.gt_voxels, e.pred_voxels])).toEqual([
      [1, [1], 'tp', 4, 2],
      [2, [], 'fn', 1, 0],
      [null, [2], 'fp', 0, 1],
    ]);
    expect(loose.entries[0].hd95).toBeCloseTo(1, 12);
    expect(loose.values.lesion_f1).toBeCloseTo(0.5, 15); // 2 / (2 + 1 + 1)
    expect(loose.values.lesion_dice).toBeCloseTo(2 / 9, 15); // (2/3) / 3
    expect(loose.values.lesion_hd95).toBeCloseTo((1 + 2 * pi) / 3, 12);
    expect(loose.values.pq).toBeCloseTo(0.5 / 2, 15); // 0.5 / (1 + 0.5 + 0.5)
  });
});
