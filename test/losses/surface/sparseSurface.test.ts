import { describe, expect, it } from 'vitest';
import { nearestSquared } from '../../../src/losses/surface/nearest.js';
import { boundaryOf, cellsOf, ForegroundVoxels, maskVoxels } from '../../../src/losses/surface/sparseBoundary.js';
import { surfaceMetrics, type SurfaceOptions } from '../../../src/losses/surface/surface.js';
import { rng as mulberry32 } from '../../helpers/rng.js';

const SPACINGS = [0.8, 2.5, 0.3, 1.1, 0.7, 1];

/** Squared distance written as edt.ts writes it: ((w₀·Δx)² + (w₁·Δy)²) + (w₂·Δz)². */
function squared(a: number[], b: number[], w: number[]): number {
  let s = 0;
  for (let k = 0; k < 3; k++) {
    const t = (w[k] ?? 1) * (a[k]! - b[k]!);
    s += t * t;
  }
  return s;
}

function coordsOf(i: number, dims: number[]): number[] {
  const c = [0, 0, 0];
  for (let k = 0; k < dims.length; k++) {
    c[k] = i % dims[k]!;
    i = Math.floor(i / dims[k]!);
  }
  return c;
}

describe('nearestSquared (k-d tree)', () => {
  it('equals the brute-force minimum over all features, on random anisotropic clouds with duplicates and far queries', () => {
    const rand = mulberry32(7);
    for (let t = 0; t < 200; t++) {
      const w = [0, 1, 2].map(() => SPACINGS[Math.floor(rand() * SPACINGS.length)]!);
      const nf = 1 + Math.floor(rand() * (t % 5 === 0 ? 3 : 400));
      const nq = Math.floor(rand() * 200);
      // A compact cloud of features (coordinates up to 20, so many ties and equal points)
      // and queries spread up to 200 cells away.
      const pts = (n: number, span: number) => ({
        x: Int32Array.from({ length: n }, () => Math.floor(rand() * span)),
        y: Int32Array.from({ length: n }, () => Math.floor(rand() * span)),
        z: Int32Array.from({ length: n }, () => Math.floor(rand() * span)),
      });
      const f = pts(nf, 20);
      const q = pts(nq, t % 2 ? 20 : 200);
      const got = nearestSquared(f, q, w);
      for (let j = 0; j < nq; j++) {
        let best = Infinity;
        for (let i = 0; i < nf; i++) best = Math.min(best, squared([q.x[j]!, q.y[j]!, q.z[j]!], [f.x[i]!, f.y[i]!, f.z[i]!], w));
        expect(got[j], `cloud ${t} query ${j}`).toBe(best);
      }
    }
  });

  it('is Infinity at every query when there is no feature', () => {
    const none = { x: new Int32Array(0), y: new Int32Array(0), z: new Int32Array(0) };
    const q = { x: Int32Array.of(1, 2), y: Int32Array.of(0, 0), z: Int32Array.of(0, 0) };
    expect(Array.from(nearestSquared(none, q, [1, 1, 1]))).toEqual([Infinity, Infinity]);
  });
});

describe('boundaryOf (a mask from its voxel list)', () => {
  it('marks a voxel of the mask when a face-neighbour is outside the mask, ignored, or beyond the image border', () => {
    const rand = mulberry32(11);
    for (let t = 0; t < 150; t++) {
      const n = 1 + (t % 3);
      const dims = Array.from({ length: n }, () => 1 + Math.floor(rand() * 9));
      const total = dims.reduce((a, b) => a * b, 1);
      const labels = Uint8Array.from({ length: total }, () => (rand() < 0.5 ? 1 + Math.floor(rand() * 3) : 0));
      const ignore = t % 2 ? Uint8Array.from({ length: total }, () => (rand() < 0.1 ? 1 : 0)) : undefined;
      const set = { kind: 'labels' as const, table: Uint8Array.of(0, 1, 0, 1), others: new Set<number>() };
      const inMask = (i: number) => (labels[i] === 1 || labels[i] === 3) && !(ignore && ignore[i]);
      const all = Int32Array.from({ length: total }, (_, i) => i);
      const got = boundaryOf(labels, ignore, set, all, dims);
      const want: number[] = [];
      let count = 0;
      for (let i = 0; i < total; i++) {
        if (!inMask(i)) continue;
        count++;
        const c = coordsOf(i, dims);
        let edge = false;
        let stride = 1;
        for (let k = 0; k < n; k++) {
          for (const s of [-1, 1]) {
            const ck = c[k]! + s;
            if (ck < 0 || ck >= dims[k]! || !inMask(i + s * stride)) edge = true;
          }
          stride *= dims[k]!;
        }
        if (edge) want.push(i);
      }
      expect(got.count, `grid ${t}`).toBe(count);
      expect(Array.from(got.edges), `grid ${t}`).toEqual(want);
    }
  });

  it('lists every voxel in some mask, and gives up beyond the cap', () => {
    // Byte maps, background not a target: the 32-bit word path, from an odd offset.
    const buf = new Uint8Array(41);
    const pred = buf.subarray(1, 41);
    const gt = new Uint8Array(40);
    pred[3] = 2;
    gt[17] = 5; // not a target label
    gt[18] = 1;
    pred[39] = 1;
    const any = { kind: 'labels' as const, table: Uint8Array.of(0, 1, 1), others: new Set<number>() };
    expect(Array.from(maskVoxels(pred, any, gt, any, undefined, 40)!)).toEqual([3, 18, 39]);
    expect(maskVoxels(pred, any, gt, any, undefined, 2)).toBeNull();
    // Float labels and a label outside the table go through the general path.
    const fp = Float32Array.from(pred);
    fp[7] = 70000;
    const withOther = { kind: 'labels' as const, table: Uint8Array.of(0, 1, 1), others: new Set([70000]) };
    expect(Array.from(maskVoxels(fp, withOther, gt, withOther, undefined, 40)!)).toEqual([3, 7, 18, 39]);
  });

  it('gives each voxel index its grid coordinates, fastest axis first', () => {
    const c = cellsOf(Int32Array.of(0, 5, 23), [4, 3, 2]);
    // 23 = 3 + 4·(2 + 3·1)
    expect([Array.from(c.x), Array.from(c.y), Array.from(c.z)]).toEqual([[0, 1, 3], [0, 1, 2], [0, 0, 1]]);
  });
});

describe('surfaceMetrics: voxel lists and the grid give equal values', () => {
  const variants: SurfaceOptions[] = [
    { hd95: 'union', nsdTolerance: 1 },
    { hd95: 'max', nsdTolerance: 2.5, assd: 'mean', nsd: 'mean' },
  ];
  it('on random label maps of 1 to 3 axes: anisotropic, ignored voxels, regions, empty masks, scattered voxels', () => {
    const rand = mulberry32(2026);
    for (let t = 0; t < 240; t++) {
      const n = 1 + (t % 3);
      const dims = Array.from({ length: n }, (_, k) => 1 + Math.floor(rand() * (n === 3 ? 14 : n === 2 ? 40 : 200) * (k === 0 ? 1.5 : 1)));
      const spacing = dims.map(() => SPACINGS[Math.floor(rand() * SPACINGS.length)]!);
      const total = dims.reduce((a, b) => a * b, 1);
      // A block per label plus scattered voxels, so boxes cover the image while masks stay small.
      const gt = new Uint8Array(total);
      const pred = t % 4 === 3 ? new Float32Array(total) : new Uint8Array(total);
      for (const arr of [gt, pred]) {
        for (let lab = 1; lab <= 3; lab++) {
          const lo = dims.map((d) => Math.floor(rand() * d));
          const hi = lo.map((l, k) => Math.min(dims[k]!, l + 1 + Math.floor(rand() * dims[k]! * 0.5)));
          for (let i = 0; i < total; i++) {
            const c = coordsOf(i, dims);
            if (c.slice(0, n).every((v, k) => v >= lo[k]! && v < hi[k]!)) arr[i] = lab;
          }
        }
        const noise = [0, 0.01, 0.05][t % 3]!;
        for (let i = 0; i < total; i++) if (rand() < noise) arr[i] = 1 + Math.floor(rand() * 3);
      }
      const ignore = t % 5 === 1 ? Uint8Array.from({ length: total }, () => (rand() < 0.05 ? 1 : 0)) : undefined;
      const targets = [[1], [2], [3], [1, 3], [4]];
      const opts = variants[t % 2]!;
      const grid = surfaceMetrics(pred, gt, dims, spacing, targets, { ...opts, method: 'grid' }, ignore);
      const lists = surfaceMetrics(pred, gt, dims, spacing, targets, { ...opts, method: 'lists' }, ignore);
      for (let k = 0; k < targets.length; k++) {
        expect(lists[k]!.reason, `map ${t} target ${k}`).toBe(grid[k]!.reason);
        for (const key of ['hd', 'hd95', 'assd', 'nsd'] as const) {
          const a = lists[k]![key];
          const b = grid[k]![key];
          if (a === null || b === null) expect(a, `map ${t} target ${k} ${key}`).toBe(b);
          else expect(Math.abs(a - b), `map ${t} [${dims}] target ${k} ${key}: ${a} vs ${b}`).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(b)));
        }
      }
    }
  });

  it('read through a cut (one channel, no label map), equal to the hard label map, by both methods', () => {
    const rand = mulberry32(99);
    for (let t = 0; t < 60; t++) {
      const dims = [3 + Math.floor(rand() * 30), 3 + Math.floor(rand() * 20), 1 + Math.floor(rand() * 8)];
      const total = dims[0]! * dims[1]! * dims[2]!;
      const gt = Uint8Array.from({ length: total }, () => (rand() < 0.04 ? 2 : 0));
      // Logits, a few exactly on the cut (a value ≥ cut is foreground).
      const cut = t % 2 ? 0 : -0.3;
      const z = Float32Array.from({ length: total }, () => (rand() < 0.02 ? cut : rand() < 0.05 ? 1 + rand() : -1 - rand()));
      const hard = Uint8Array.from(z, (v) => (v >= cut ? 2 : 0));
      let materialised = 0;
      const byCut = { values: z, cut, foreground: 2, labels: () => (materialised++, hard) };
      const targets = [[2], [0], [0, 2]];
      for (const method of ['lists', 'grid', 'auto'] as const) {
        const opts: SurfaceOptions = { hd95: 'union', nsdTolerance: 1, method };
        expect(surfaceMetrics(byCut, gt, dims, [0.8, 0.8, 2.5], targets, opts), `volume ${t} ${method}`).toEqual(
          surfaceMetrics(hard, gt, dims, [0.8, 0.8, 2.5], targets, opts),
        );
      }
      // 'lists' never needs the label map; 'grid' asks for it once per call.
      expect(materialised).toBe(2);
    }
  });

  it('takes the voxels another pass gathered (not background in the hard labels or the truth), chunk by chunk, with the same values', () => {
    const rand = mulberry32(5);
    const dims = [40, 30, 12];
    const total = 40 * 30 * 12;
    const gt = Uint8Array.from({ length: total }, () => (rand() < 0.01 ? 1 + Math.floor(rand() * 3) : 0));
    const hard = Uint8Array.from({ length: total }, () => (rand() < 0.01 ? 2 : 0));
    const gathered = new ForegroundVoxels(total);
    // Chunks of 1000 voxels, the last one short.
    for (let start = 0; start < total; start += 1000) {
      const count = Math.min(1000, total - start);
      gathered.add(gt, start, hard.subarray(start, start + count), count);
    }
    const voxels = gathered.voxels()!;
    const want: number[] = [];
    for (let i = 0; i < total; i++) if (hard[i] !== 0 || gt[i] !== 0) want.push(i);
    expect(Array.from(voxels)).toEqual(want);
    const opts: SurfaceOptions = { hd95: 'max', nsdTolerance: 2, method: 'auto' };
    const grid = surfaceMetrics(hard, gt, dims, [1, 1.5, 3], [[2], [1, 2]], { ...opts, method: 'grid' });
    expect(surfaceMetrics(hard, gt, dims, [1, 1.5, 3], [[2], [1, 2]], opts, undefined, voxels)).toEqual(grid);
    // Over its cap the gatherer gives null, and 'auto' then takes the grid.
    const small = new ForegroundVoxels(10);
    small.add(gt, 0, hard, total);
    expect(small.voxels()).toBeNull();
    expect(surfaceMetrics(hard, gt, dims, [1, 1.5, 3], [[2], [1, 2]], opts, undefined, null)).toEqual(grid);
  });

  it("'auto' (here: lists, 432 of 163 840 voxels in the masks) gives the grid's values", () => {
    const dims = [64, 64, 40];
    const total = 64 * 64 * 40;
    const gt = new Uint8Array(total);
    const pred = new Uint8Array(total);
    // A 6×6×6 cube in the truth and a shifted one in the prediction: 432 of 163 840 voxels.
    for (let z = 10; z < 16; z++) for (let y = 20; y < 26; y++) for (let x = 30; x < 36; x++) {
      gt[x + 64 * (y + 64 * z)] = 1;
      pred[x + 2 + 64 * (y + 64 * z)] = 1;
    }
    const opts: SurfaceOptions = { hd95: 'union', nsdTolerance: 1 };
    const [auto] = surfaceMetrics(pred, gt, dims, [1, 1, 1], [[1]], opts);
    const [grid] = surfaceMetrics(pred, gt, dims, [1, 1, 1], [[1]], { ...opts, method: 'grid' });
    expect(auto).toEqual(grid);
    // Hand check: the shift is 2 along x, so a face of each cube lies 2 from the other
    // surface and hd = 2.
    expect(auto!.hd).toBe(2);
  });
});
