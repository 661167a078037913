import { describe, expect, it } from 'vitest';
import { squaredEdt } from '../../../src/losses/surface/edt.js';
import {
  GT_EMPTY,
  PRED_EMPTY,
  percentileSorted,
  surfaceMetrics,
  type SurfaceMetrics,
  type SurfaceOptions,
} from '../../../src/losses/surface/surface.js';
import { rng as mulberry32 } from '../../helpers/rng.js';

const UNION: SurfaceOptions = { hd95: 'union', nsdTolerance: 1 };
const MAX: SurfaceOptions = { hd95: 'max', nsdTolerance: 1 };

// ---------------------------------------------------------------------------
// Brute-force reference: the definition read literally, on the whole image.


function coordsOf(i: number, dims: number[]): number[] {
  const c: number[] = [];
  for (const d of dims) {
    c.push(i % d);
    i = Math.floor(i / d);
  }
  return c;
}

function indexOf(c: number[], dims: number[]): number {
  let i = 0;
  for (let k = dims.length - 1; k >= 0; k--) i = i * dims[k]! + c[k]!;
  return i;
}

function boundaryCoords(mask: boolean[], dims: number[]): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < mask.length; i++) {
    if (!mask[i]) continue;
    const c = coordsOf(i, dims);
    let edge = false;
    for (let k = 0; k < dims.length && !edge; k++) {
      for (const step of [-1, 1]) {
        const nb = c.slice();
        nb[k]! += step;
        if (nb[k]! < 0 || nb[k]! >= dims[k]! || !mask[indexOf(nb, dims)]) edge = true;
      }
    }
    if (edge) out.push(c);
  }
  return out;
}

function nearest(from: number[][], to: number[][], spacing: number[]): number[] {
  return from.map((a) => {
    let best = Infinity;
    for (const b of to) {
      let s = 0;
      for (let k = 0; k < a.length; k++) {
        const t = spacing[k]! * (a[k]! - b[k]!);
        s += t * t;
      }
      if (s < best) best = s;
    }
    return Math.sqrt(best);
  });
}

/** numpy.percentile, default linear method, as its documentation states it. */
function npPercentile(values: number[], q: number): number {
  const a = values.slice().sort((x, y) => x - y);
  const pos = (a.length - 1) * (q / 100);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, a.length - 1);
  return a[lo]! + (a[hi]! - a[lo]!) * (pos - lo);
}

function bruteForce(
  pred: ArrayLike<number>,
  gt: ArrayLike<number>,
  dims: number[],
  spacing: number[],
  labels: number[],
  opts: SurfaceOptions,
  ignore?: Uint8Array,
): SurfaceMetrics {
  const mask = (arr: ArrayLike<number>) =>
    Array.from({ length: arr.length }, (_, i) => labels.includes(arr[i]!) && !(ignore && ignore[i]));
  const P = mask(pred);
  const G = mask(gt);
  const none = (reason: string) => ({ hd: null, hd95: null, assd: null, nsd: null, reason });
  if (!P.some(Boolean)) return none(PRED_EMPTY);
  if (!G.some(Boolean)) return none(GT_EMPTY);
  const bP = boundaryCoords(P, dims);
  const bG = boundaryCoords(G, dims);
  const dPG = nearest(bP, bG, spacing);
  const dGP = nearest(bG, bP, spacing);
  const all = [...dPG, ...dGP];
  const tau = opts.nsdTolerance;
  return {
    hd: Math.max(...all),
    hd95:
      opts.hd95 === 'union'
        ? npPercentile(all, 95)
        : Math.max(npPercentile(dPG, 95), npPercentile(dGP, 95)),
    assd: all.reduce((s, d) => s + d, 0) / all.length,
    nsd: all.filter((d) => d <= tau).length / all.length,
    reason: null,
  };
}

function expectClose(got: SurfaceMetrics, want: SurfaceMetrics, tol = 1e-9, what = ''): void {
  expect(got.reason, what).toBe(want.reason);
  for (const key of ['hd', 'hd95', 'assd', 'nsd'] as const) {
    const g = got[key];
    const w = want[key];
    if (w === null) {
      expect(g, `${what} ${key}`).toBeNull();
    } else {
      expect(g, `${what} ${key}`).not.toBeNull();
      expect(Math.abs(g! - w), `${what} ${key}: got ${g}, want ${w}`).toBeLessThanOrEqual(tol);
    }
  }
}

/** Random label map: noise, or blobs (balls/boxes) that give longer distances. */
function randomLabels(rand: () => number, dims: number[], nLabels: number): Int32Array {
  const total = dims.reduce((a, b) => a * b, 1);
  const out = new Int32Array(total);
  if (rand() < 0.4) {
    const density = [0.05, 0.3, 0.6, 0.9][Math.floor(rand() * 4)]!;
    for (let i = 0; i < total; i++) out[i] = rand() < density ? 1 + Math.floor(rand() * nLabels) : 0;
  } else {
    const blobs = 1 + Math.floor(rand() * 3);
    for (let b = 0; b < blobs; b++) {
      const label = 1 + Math.floor(rand() * nLabels);
      const centre = dims.map((d) => rand() * d);
      const radius = dims.map((d) => 0.5 + rand() * d * 0.6);
      const box = rand() < 0.3;
      for (let i = 0; i < total; i++) {
        const c = coordsOf(i, dims);
        let r = 0;
        let inBox = true;
        for (let k = 0; k < dims.length; k++) {
          const u = (c[k]! - centre[k]!) / radius[k]!;
          r += u * u;
          if (Math.abs(u) > 1) inBox = false;
        }
        if (box ? inBox : r <= 1) out[i] = label;
      }
    }
    // A little noise so boundaries are not all smooth.
    for (let i = 0; i < total; i++) if (rand() < 0.03) out[i] = Math.floor(rand() * (nLabels + 1));
  }
  return out;
}

function randomCase(rand: () => number, n: number, maxSide: number) {
  const dims = Array.from({ length: n }, () => 1 + Math.floor(rand() * maxSide));
  const spacing = dims.map(() => 0.3 + rand() * 2.7);
  const nLabels = 1 + Math.floor(rand() * 3);
  const pred = randomLabels(rand, dims, nLabels);
  const gt = randomLabels(rand, dims, nLabels);
  let ignore: Uint8Array | undefined;
  if (rand() < 0.3) {
    ignore = new Uint8Array(pred.length);
    for (let i = 0; i < ignore.length; i++) ignore[i] = rand() < 0.1 ? 1 : 0;
  }
  const targets: number[][] = [];
  for (let l = 1; l <= nLabels; l++) targets.push([l]);
  if (nLabels >= 2) targets.push([1, 2]);
  if (nLabels >= 3) targets.push([2, 3], [1, 2, 3]);
  const opts: SurfaceOptions = {
    hd95: rand() < 0.5 ? 'union' : 'max',
    nsdTolerance: [0.5, 1, 2, 3.7][Math.floor(rand() * 4)]!,
  };
  return { dims, spacing, pred, gt, ignore, targets, opts };
}

function checkAgainstBrute(c: ReturnType<typeof randomCase>, what: string): void {
  const got = surfaceMetrics(c.pred, c.gt, c.dims, c.spacing, c.targets, c.opts, c.ignore);
  expect(got).toHaveLength(c.targets.length);
  c.targets.forEach((labels, k) => {
    const want = bruteForce(c.pred, c.gt, c.dims, c.spacing, labels, c.opts, c.ignore);
    expectClose(got[k]!, want, 1e-9, `${what} target [${labels}] dims [${c.dims}]`);
  });
}

// ---------------------------------------------------------------------------

describe('surfaceMetrics against a brute-force reference', () => {
  it('random 2D label maps, anisotropic spacing', () => {
    const rand = mulberry32(20240601);
    for (let t = 0; t < 300; t++) checkAgainstBrute(randomCase(rand, 2, 14), `2D #${t}`);
  });

  it('random 3D label maps, anisotropic spacing', () => {
    const rand = mulberry32(7);
    for (let t = 0; t < 150; t++) checkAgainstBrute(randomCase(rand, 3, 9), `3D #${t}`);
  });

  it('random 1D and 4D label maps', () => {
    const rand = mulberry32(99);
    for (let t = 0; t < 60; t++) checkAgainstBrute(randomCase(rand, 1, 25), `1D #${t}`);
    for (let t = 0; t < 30; t++) checkAgainstBrute(randomCase(rand, 4, 5), `4D #${t}`);
  });

  it('small objects far from the origin of a larger image (crop offsets)', () => {
    const rand = mulberry32(4242);
    for (let t = 0; t < 40; t++) {
      const dims = [20 + Math.floor(rand() * 10), 15 + Math.floor(rand() * 10), 6 + Math.floor(rand() * 6)];
      const spacing = dims.map(() => 0.3 + rand() * 2.7);
      const total = dims[0]! * dims[1]! * dims[2]!;
      const pred = new Uint8Array(total);
      const gt = new Uint8Array(total);
      // Two small random blobs per mask, anywhere, possibly touching the image border.
      for (const arr of [pred, gt]) {
        for (let b = 0; b < 2; b++) {
          const o = dims.map((d) => Math.floor(rand() * d));
          const s = dims.map(() => 1 + Math.floor(rand() * 4));
          for (let z = o[2]!; z < Math.min(dims[2]!, o[2]! + s[2]!); z++)
            for (let y = o[1]!; y < Math.min(dims[1]!, o[1]! + s[1]!); y++)
              for (let x = o[0]!; x < Math.min(dims[0]!, o[0]! + s[0]!); x++)
                if (rand() < 0.85) arr[x + dims[0]! * (y + dims[1]! * z)] = 1;
        }
      }
      const opts: SurfaceOptions = { hd95: t % 2 ? 'max' : 'union', nsdTolerance: 1.5 };
      checkAgainstBrute({ dims, spacing, pred: Int32Array.from(pred), gt: Int32Array.from(gt), ignore: undefined, targets: [[1]], opts }, `offset #${t}`);
    }
  });
});

describe('byte label maps (their background skipped a word at a time)', () => {
  it('give the values of the same maps held as Int32Array, at any row length and memory offset', () => {
    const rand = mulberry32(5150);
    for (let t = 0; t < 120; t++) {
      // Row lengths that are and are not multiples of 4, so words straddle rows.
      const dims = [1 + Math.floor(rand() * 37), 1 + Math.floor(rand() * 9), 1 + Math.floor(rand() * 7)];
      const total = dims[0]! * dims[1]! * dims[2]!;
      const at = [0, 4, 8, 1, 3][t % 5]!; // 1 and 3: not word-aligned, the general scan
      const pred = new Uint8Array(total + at).subarray(at);
      const gt = new Uint8Array(total + at).subarray(at);
      for (const arr of [pred, gt]) for (let i = 0; i < total; i++) if (rand() < 0.04) arr[i] = 1 + Math.floor(rand() * 3);
      const targets = t % 7 === 0 ? [[0], [2]] : [[1], [2, 3]]; // with label 0: the general scan
      const spacing = dims.map(() => 0.5 + rand());
      for (const opts of [{ hd95: 'union', nsdTolerance: 1, method: 'grid' }, { hd95: 'max', nsdTolerance: 1, surface: 'surfels' }] as SurfaceOptions[]) {
        const bytes = surfaceMetrics(pred, gt, dims, spacing, targets, opts);
        const ints = surfaceMetrics(Int32Array.from(pred), Int32Array.from(gt), dims, spacing, targets, opts);
        expect(bytes, `#${t} [${dims}] offset ${at} ${opts.surface ?? 'voxels'}`).toEqual(ints);
      }
    }
  });
});

describe('hand-computed cases', () => {
  it('two single voxels: every directed set is the one distance between them', () => {
    // 5×5 image, P = (0,0), G = (3,4). Each voxel is its own boundary.
    // Spacing 1: d = √(3² + 4²) = 5. Spacing (2, 0.5): √(6² + 2²) = √40.
    const pred = new Uint8Array(25);
    const gt = new Uint8Array(25);
    pred[0] = 1;
    gt[3 + 5 * 4] = 1;
    const [iso] = surfaceMetrics(pred, gt, [5, 5], [1, 1], [[1]], UNION);
    expect(iso).toEqual({ hd: 5, hd95: 5, assd: 5, nsd: 0, reason: null });
    const [aniso] = surfaceMetrics(pred, gt, [5, 5], [2, 0.5], [[1]], { hd95: 'max', nsdTolerance: 10 });
    expectClose(aniso!, { hd: Math.sqrt(40), hd95: Math.sqrt(40), assd: Math.sqrt(40), nsd: 1, reason: null }, 1e-12);
  });

  it('a 1-voxel mask against itself is at distance 0', () => {
    const m = new Uint8Array(27);
    m[13] = 1; // centre of a 3×3×3 image
    const [r] = surfaceMetrics(m, m, [3, 3, 3], [0.7, 1.3, 2.9], [[1]], UNION);
    expect(r).toEqual({ hd: 0, hd95: 0, assd: 0, nsd: 1, reason: null });
  });

  it('identical masks of any shape are at distance 0', () => {
    const rand = mulberry32(5);
    const m = randomLabels(rand, [9, 7, 5], 3);
    for (const r of surfaceMetrics(m, m, [9, 7, 5], [0.5, 0.9, 3], [[1], [2], [3], [1, 2, 3]], MAX)) {
      if (r.reason === null) expect(r).toEqual({ hd: 0, hd95: 0, assd: 0, nsd: 1, reason: null });
    }
  });

  it('3×3 squares shifted by one voxel along x', () => {
    // P = x∈[1,3], y∈[1,3]; G = x∈[2,4], y∈[1,3] in a 6×5 image. Each boundary is the
    // square minus its centre (8 voxels). P's left column (3 voxels) and P's (3,2),
    // which is G's centre, are one voxel from ∂G; the other 4 lie on ∂G. Symmetrically
    // for G. So d(P→G) = d(G→P) = {0,0,0,0,1,1,1,1} voxels.
    // Spacing (0.5, 2): the one-voxel steps are along x, 0.5 mm (a y step costs 2 mm).
    // hd = 0.5, assd = 8·0.5/16 = 0.25; sorted union = 8×0, 8×0.5, position 15·0.95 =
    // 14.25 → 0.5. nsd(τ = 0.4) = 8/16.
    const dims = [6, 5];
    const pred = new Uint8Array(30);
    const gt = new Uint8Array(30);
    for (let y = 1; y <= 3; y++) {
      for (let x = 1; x <= 3; x++) pred[x + 6 * y] = 1;
      for (let x = 2; x <= 4; x++) gt[x + 6 * y] = 1;
    }
    const [r] = surfaceMetrics(pred, gt, dims, [0.5, 2], [[1]], { hd95: 'union', nsdTolerance: 0.4 });
    expect(r).toEqual({ hd: 0.5, hd95: 0.5, assd: 0.25, nsd: 0.5, reason: null });
    const [r1] = surfaceMetrics(pred, gt, dims, [0.5, 2], [[1]], { hd95: 'union', nsdTolerance: 0.5 });
    expect(r1!.nsd).toBe(1); // ≤ τ, not < τ
  });

  it('hd95: union percentile vs max of the directed percentiles (asymmetric)', () => {
    // 12×1 image (a single row): the y-neighbours lie outside the image, so every mask
    // voxel is a boundary voxel. P = x∈[0,9], G = {x=0}.
    // d(P→G) = {0,1,…,9}, d(G→P) = {0}.
    // union (11 values 0,0,1,…,9): position 10·0.95 = 9.5 → (8 + 9)/2 = 8.5.
    // max: percentile95 {0..9}: position 9·0.95 = 8.55 → 8.55 (numpy: 8.549999999999999);
    //      percentile95 {0} = 0; max = 8.55.
    // hd = 9, assd = 45/11, nsd(τ = 1) = |{0,1}| + |{0}| = 3 of 11.
    const pred = new Uint8Array(12);
    const gt = new Uint8Array(12);
    pred.fill(1, 0, 10);
    gt[0] = 1;
    const [u] = surfaceMetrics(pred, gt, [12, 1], [1, 1], [[1]], UNION);
    const [m] = surfaceMetrics(pred, gt, [12, 1], [1, 1], [[1]], MAX);
    expect(u).toEqual({ hd: 9, hd95: 8.5, assd: 45 / 11, nsd: 3 / 11, reason: null });
    expect(m).toEqual({ hd: 9, hd95: 8.549999999999999, assd: 45 / 11, nsd: 3 / 11, reason: null });
  });

  it('image border counts as outside: a full image has its rim as boundary', () => {
    // P = the whole 3×3 image: ∂P = the 8 rim voxels (only the centre has all four
    // neighbours inside). G = the centre voxel alone.
    // d(P→G) = 4 edge-middles at 1 and 4 corners at √2; d(G→P) = {1}.
    // hd = √2; assd = (5 + 4√2)/9; nsd(1) = 5/9.
    // union sorted = 5×1, 4×√2: position 8·0.95 = 7.6 → √2.
    // max: percentile95 of {1,1,1,1,√2×4}: position 6.65 → √2; of {1}: 1 → √2.
    const pred = new Uint8Array(9).fill(1);
    const gt = new Uint8Array(9);
    gt[4] = 1;
    for (const opts of [UNION, MAX]) {
      const [r] = surfaceMetrics(pred, gt, [3, 3], [1, 1], [[1]], opts);
      expectClose(r!, { hd: Math.SQRT2, hd95: Math.SQRT2, assd: (5 + 4 * Math.SQRT2) / 9, nsd: 5 / 9, reason: null }, 1e-12);
    }
  });

  it('image border: a mask touching the border differs from the same mask padded', () => {
    // G = a 3×3 block filling a 3×3×1 image; the centre is interior in-plane but
    // its z-neighbours are outside the (1-slice) image, so in 3D every voxel is boundary.
    const block = new Uint8Array(9).fill(1);
    const one = new Uint8Array(9);
    one[4] = 1;
    const [r3] = surfaceMetrics(one, block, [3, 3, 1], [1, 1, 1], [[1]], UNION);
    // ∂G = all 9 voxels (centre included, via z), so d(P→G) = {0}, d(G→P) = 4×1, 4×√2, 0.
    expectClose(r3!, { hd: Math.SQRT2, hd95: Math.SQRT2, assd: (4 + 4 * Math.SQRT2) / 10, nsd: 6 / 10, reason: null }, 1e-12);
    // Padded inside a 5×5 image, ∂G = the 8 rim voxels of the block, as in 2D.
    const big = new Uint8Array(25);
    const bigOne = new Uint8Array(25);
    for (let y = 1; y <= 3; y++) for (let x = 1; x <= 3; x++) big[x + 5 * y] = 1;
    bigOne[2 + 5 * 2] = 1;
    const [r2] = surfaceMetrics(bigOne, big, [5, 5], [1, 1], [[1]], UNION);
    expectClose(r2!, { hd: Math.SQRT2, hd95: Math.SQRT2, assd: (5 + 4 * Math.SQRT2) / 9, nsd: 5 / 9, reason: null }, 1e-12);
  });
});

describe('empty masks', () => {
  const dims = [4, 4];
  const some = new Uint8Array(16);
  some[5] = 1;
  const none = new Uint8Array(16);

  it('empty prediction, empty ground truth, both empty', () => {
    const nulls = { hd: null, hd95: null, assd: null, nsd: null };
    expect(surfaceMetrics(none, some, dims, [1, 1], [[1]], UNION)).toEqual([{ ...nulls, reason: PRED_EMPTY }]);
    expect(surfaceMetrics(some, none, dims, [1, 1], [[1]], UNION)).toEqual([{ ...nulls, reason: GT_EMPTY }]);
    // Both empty: the prediction is checked first.
    expect(surfaceMetrics(none, none, dims, [1, 1], [[1]], UNION)).toEqual([{ ...nulls, reason: PRED_EMPTY }]);
    expect(PRED_EMPTY).toBe('prediction mask empty');
    expect(GT_EMPTY).toBe('ground truth mask empty');
  });

  it('a label absent from both, a target with no labels, alongside a present one', () => {
    const r = surfaceMetrics(some, some, dims, [1, 1], [[7], [], [1]], UNION);
    expect(r.map((m) => m.reason)).toEqual([PRED_EMPTY, PRED_EMPTY, null]);
    expect(r[2]!.hd).toBe(0);
  });

  it('a mask made empty by the ignore mask', () => {
    const ignore = new Uint8Array(16);
    ignore[5] = 1;
    expect(surfaceMetrics(some, some, dims, [1, 1], [[1]], UNION, ignore)[0]!.reason).toBe(PRED_EMPTY);
    const gtOnly = new Uint8Array(16);
    gtOnly[6] = 1;
    const both = some.slice();
    both[6] = 1;
    // Prediction {5,6}, ground truth {6}; ignoring 6 empties the ground truth only.
    const ig6 = new Uint8Array(16);
    ig6[6] = 1;
    expect(surfaceMetrics(both, gtOnly, dims, [1, 1], [[1]], UNION, ig6)[0]!.reason).toBe(GT_EMPTY);
  });
});

describe('ignore mask, regions, label values', () => {
  it('an ignored voxel is outside both masks: a hole that creates boundary', () => {
    // 5×5 block in a 7×7 image vs the same block; ignoring its centre adds the 4
    // voxels around the hole to both boundaries but distances stay 0 (same masks).
    // Against a 1-voxel prediction at the block centre's left neighbour, the hole's
    // rim is the nearest ground-truth boundary: d(P→G) = 0 instead of 1.
    const gt = new Uint8Array(49);
    for (let y = 1; y <= 5; y++) for (let x = 1; x <= 5; x++) gt[x + 7 * y] = 1;
    const pred = new Uint8Array(49);
    pred[2 + 7 * 3] = 1;
    const ignore = new Uint8Array(49);
    ignore[3 + 7 * 3] = 1;
    const [noIgnore] = surfaceMetrics(pred, gt, [7, 7], [1, 1], [[1]], UNION);
    const [withIgnore] = surfaceMetrics(pred, gt, [7, 7], [1, 1], [[1]], UNION, ignore);
    expect(noIgnore).toEqual(bruteForce(pred, gt, [7, 7], [1, 1], [1], UNION));
    expect(withIgnore).toEqual(bruteForce(pred, gt, [7, 7], [1, 1], [1], UNION, ignore));
    // At τ = 0 only exact coincidences count: none without the hole ((2,3) is 1 from the
    // rim voxel (1,3)); with it, (2,3) lies on the hole's rim, in both directions.
    const exact: SurfaceOptions = { hd95: 'union', nsdTolerance: 0 };
    expect(surfaceMetrics(pred, gt, [7, 7], [1, 1], [[1]], exact)[0]!.nsd).toBe(0);
    expect(surfaceMetrics(pred, gt, [7, 7], [1, 1], [[1]], exact, ignore)[0]!.nsd).toBeGreaterThan(0);
  });

  it('ignoring voxels equals relabelling them to a label outside every target', () => {
    const rand = mulberry32(31337);
    for (let t = 0; t < 40; t++) {
      const c = randomCase(rand, t % 2 ? 3 : 2, t % 2 ? 8 : 14);
      const ignore = new Uint8Array(c.pred.length);
      for (let i = 0; i < ignore.length; i++) ignore[i] = rand() < 0.15 ? 1 : 0;
      const p2 = c.pred.map((v, i) => (ignore[i] ? 200 : v));
      const g2 = c.gt.map((v, i) => (ignore[i] ? 200 : v));
      expect(surfaceMetrics(c.pred, c.gt, c.dims, c.spacing, c.targets, c.opts, ignore)).toEqual(
        surfaceMetrics(p2, g2, c.dims, c.spacing, c.targets, c.opts),
      );
    }
  });

  it('a region (several labels) equals one label after merging them', () => {
    const rand = mulberry32(2718);
    for (let t = 0; t < 40; t++) {
      const c = randomCase(rand, t % 2 ? 3 : 2, t % 2 ? 8 : 14);
      const merge = (a: Int32Array) => a.map((v) => (v === 1 || v === 3 ? 9 : v));
      const [region, single] = [
        surfaceMetrics(c.pred, c.gt, c.dims, c.spacing, [[1, 3], [2]], c.opts, c.ignore),
        surfaceMetrics(merge(c.pred), merge(c.gt), c.dims, c.spacing, [[9], [2]], c.opts, c.ignore),
      ];
      expect(region).toEqual(single);
    }
  });

  it('nested regions in one call (BraTS-style WT ⊃ TC ⊃ ET)', () => {
    const rand = mulberry32(11);
    for (let t = 0; t < 20; t++) {
      const dims = [10, 9, 6];
      const pred = randomLabels(rand, dims, 3);
      const gt = randomLabels(rand, dims, 3);
      const targets = [[1, 2, 3], [2, 3], [3]];
      const got = surfaceMetrics(pred, gt, dims, [1, 1, 2.5], targets, UNION);
      targets.forEach((labels, k) =>
        expectClose(got[k]!, bruteForce(pred, gt, dims, [1, 1, 2.5], labels, UNION), 1e-9, `region ${labels}`),
      );
    }
  });

  it('negative, large and non-integer label values; any array type', () => {
    const rand = mulberry32(123);
    for (let t = 0; t < 30; t++) {
      const c = randomCase(rand, 2, 12);
      // 1 → −5, 2 → 1e9, 3 → 70000; 0 → 0.5 (matches no target).
      const remap = (a: Int32Array) =>
        Float64Array.from(a, (v) => (v === 1 ? -5 : v === 2 ? 1e9 : v === 3 ? 70000 : 0.5));
      const targets = [[-5], [1e9], [70000], [-5, 1e9, 70000]];
      const base = surfaceMetrics(c.pred, c.gt, c.dims, c.spacing, [[1], [2], [3], [1, 2, 3]], c.opts, c.ignore);
      expect(surfaceMetrics(remap(c.pred), remap(c.gt), c.dims, c.spacing, targets, c.opts, c.ignore)).toEqual(base);
      expect(
        surfaceMetrics(Uint8Array.from(c.pred), Array.from(c.gt), c.dims, c.spacing, [[1], [2], [3], [1, 2, 3]], c.opts, c.ignore),
      ).toEqual(base);
    }
  });

  it('rejects mismatched shapes and bad spacing', () => {
    const a = new Uint8Array(12);
    expect(() => surfaceMetrics(a, a, [3, 3], [1, 1], [[1]], UNION)).toThrow(/do not match/);
    expect(() => surfaceMetrics(a, new Uint8Array(11), [3, 4], [1, 1], [[1]], UNION)).toThrow(/do not match/);
    expect(() => surfaceMetrics(a, a, [3, 4], [1], [[1]], UNION)).toThrow(/spacing/);
    expect(() => surfaceMetrics(a, a, [3, 4], [1, 0], [[1]], UNION)).toThrow(/spacing/);
    expect(() => surfaceMetrics(a, a, [3, 4], [1, 1], [[1]], UNION, new Uint8Array(3))).toThrow(/do not match/);
  });
});

describe('percentileSorted matches numpy.percentile (linear)', () => {
  // Expected values printed by numpy 2.x: repr(np.percentile(np.array(a, float), q)).
  const cases: [number[], number, number][] = [
    [[1, 2, 3, 4], 95, 3.8499999999999996],
    [[0, 10], 95, 9.5],
    [[5], 95, 5],
    [Array.from({ length: 21 }, (_, i) => i), 95, 19],
    [[1, 2, 3, 4, 5], 50, 3],
    [[0.1, 0.2, 0.7], 95, 0.6499999999999999],
    [[0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 95, 8.5],
    [[0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 95, 8.549999999999999],
    [[3.3, 1.1, 2.2, 9.9, 4.4, 0.5, 7.7], 95, 9.239999999999998],
    [[0.1, 0.3], 37, 0.174],
  ];
  for (const [values, q, want] of cases) {
    it(`percentile([${values.length > 8 ? values.length + ' values' : values}], ${q}) = ${want}`, () => {
      expect(percentileSorted(Float64Array.from(values).sort(), q)).toBe(want);
    });
  }
});

describe('squaredEdt', () => {
  it('equals the brute-force minimum over features on random anisotropic grids', () => {
    const rand = mulberry32(77);
    for (let t = 0; t < 100; t++) {
      const n = 1 + (t % 3);
      const dims = Array.from({ length: n }, () => 1 + Math.floor(rand() * (n === 3 ? 7 : 15)));
      const spacing = dims.map(() => 0.2 + rand() * 3);
      const total = dims.reduce((a, b) => a * b, 1);
      const density = [0.01, 0.1, 0.5][t % 3]!;
      const flags = new Uint8Array(total);
      for (let i = 0; i < total; i++) flags[i] = (rand() < density ? 4 : 0) | (rand() < 0.5 ? 1 : 0);
      const out = new Float64Array(total);
      squaredEdt(flags, 4, dims, spacing, out);
      const feats: number[][] = [];
      for (let i = 0; i < total; i++) if (flags[i]! & 4) feats.push(coordsOf(i, dims));
      for (let i = 0; i < total; i++) {
        const d = nearest([coordsOf(i, dims)], feats, spacing)[0]!;
        const want = d * d;
        if (feats.length === 0) expect(out[i]).toBe(Infinity);
        else expect(Math.abs(out[i]! - want)).toBeLessThanOrEqual(1e-9 * Math.max(1, want));
      }
    }
  });
});
