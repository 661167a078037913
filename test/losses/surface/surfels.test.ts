// Surfels (spec/conventions.md, "Surfels"): areas against hand calculation, metrics against
// a brute-force transcription of DeepMind's compute_surface_distances in 2D, symmetry.
import { describe, expect, it } from 'vitest';
import { surfaceMetrics, type SurfaceOptions } from '../../../src/losses/surface/surface.js';
import { pairwiseSum, SurfelScratch, surfelAreaTable, surfelDistances } from '../../../src/losses/surface/surfels.js';
import { rng } from '../../helpers/rng.js';

/** Σ area of the surface elements of one mask (flags byte 1 on its voxels). */
function totalArea(mask: ArrayLike<number>, dims: number[], spacing: number[]): number {
  const flags = Uint8Array.from(mask, (v) => (v ? 3 : 0));
  const { pg } = surfelDistances(flags, dims, spacing, 1, 2, new SurfelScratch());
  return pg.area.reduce((a, b) => a + b, 0);
}

describe('surface element areas, by hand', () => {
  it('one pixel: a diamond through its edge midpoints, 4 × ½√(s0² + s1²)', () => {
    expect(totalArea([1], [1, 1], [1, 1])).toBeCloseTo(2 * Math.SQRT2, 12);
    expect(totalArea([1], [1, 1], [2, 0.5])).toBeCloseTo(2 * Math.sqrt(4 + 0.25), 12);
  });

  it('one voxel: an octahedron through its face centres, √(s1²s2² + s0²s2² + s0²s1²)', () => {
    // Unit: 8 faces of an octahedron with edge √2/2, area 2√3·(√2/2)² = √3.
    expect(totalArea([1], [1, 1, 1], [1, 1, 1])).toBeCloseTo(Math.sqrt(3), 12);
    // Scaling axis k by s_k: each face (±½s0, ±½s1, ±½s2 intercepts) has area ⅛‖(s1s2, s0s2, s0s1)‖.
    const [a, b, c] = [2, 1, 0.5];
    expect(totalArea([1], [1, 1, 1], [a, b, c])).toBeCloseTo(Math.sqrt((b * c) ** 2 + (a * c) ** 2 + (a * b) ** 2), 12);
  });

  it('a 2×2 square: an octagon, 4 cut corners ½√(s0²+s1²) and straight runs s0, s0, s1, s1', () => {
    expect(totalArea([1, 1, 1, 1], [2, 2], [1, 1])).toBeCloseTo(4 + 2 * Math.SQRT2, 12);
    // s0 = 2 (x), s1 = 1 (y): straight runs 2 + 2 + 1 + 1, corners 4 · ½√5.
    expect(totalArea([1, 1, 1, 1], [2, 2], [2, 1])).toBeCloseTo(6 + 2 * Math.sqrt(5), 12);
  });

  it('the 2D segment lengths of the spec: ½√(s0²+s1²) for one/three corners, s1 for 0011/1100, s0 for 0101/1010, √(s0²+s1²) for saddles', () => {
    const t = surfelAreaTable([3, 4]);
    const d = 2.5; // ½√(9 + 16)
    expect(Array.from(t)).toEqual([0, d, d, 4, d, 3, 2 * d, d, d, 2 * d, 3, d, 4, d, d, 0]);
  });

  it("a ball's area settles near 4πr² as the resolution grows (to about 1.086·4πr²: midpoint marching cubes on a voxelised surface)", () => {
    const ratio = (r: number) => {
      const n = 2 * r + 3;
      const c = (n - 1) / 2;
      const m = new Uint8Array(n * n * n);
      for (let z = 0; z < n; z++) for (let y = 0; y < n; y++) for (let x = 0; x < n; x++) {
        if ((x - c) ** 2 + (y - c) ** 2 + (z - c) ** 2 <= r * r) m[x + n * (y + n * z)] = 1;
      }
      // Spacing h = 1/r: the physical radius is 1 at every resolution.
      return totalArea(m, [n, n, n], [1 / r, 1 / r, 1 / r]) / (4 * Math.PI);
    };
    const rs = [4, 8, 16, 24].map(ratio);
    for (const q of rs) expect(Math.abs(q - 1)).toBeLessThan(0.09);
    // Converging: successive changes shrink.
    expect(Math.abs(rs[3]! - rs[2]!)).toBeLessThan(Math.abs(rs[2]! - rs[1]!));
    expect(Math.abs(rs[3]! - rs[2]!)).toBeLessThan(0.01);
  });
});

// ---- a brute-force transcription of DeepMind's 2D definition ------------------------------

interface Surfel { x: number; y: number; a: number }

/** Corners of the (W+1)×(H+1) grid whose 2×2 code is partial, with the spec's lengths. */
function bruteSurfels(m: Uint8Array, W: number, H: number, s: number[]): Surfel[] {
  const at = (x: number, y: number) => (x >= 0 && y >= 0 && x < W && y < H ? m[x + W * y]! : 0);
  const diag = 0.5 * Math.hypot(s[0]!, s[1]!);
  const out: Surfel[] = [];
  for (let y = 0; y <= H; y++) {
    for (let x = 0; x <= W; x++) {
      // bit of (o0, o1) = 8 >> (2·o0 + o1); o = 0 is the voxel before the corner.
      const b = (o0: number, o1: number) => (at(x - 1 + o0, y - 1 + o1) ? 8 >> (2 * o0 + o1) : 0);
      const code = b(0, 0) | b(0, 1) | b(1, 0) | b(1, 1);
      if (code === 0 || code === 15) continue;
      const bits = [1, 2, 4, 8].filter((v) => code & v).length;
      let a: number;
      if (bits !== 2) a = diag;
      else if (code === 0b0011 || code === 0b1100) a = s[1]!;
      else if (code === 0b0101 || code === 0b1010) a = s[0]!;
      else a = 2 * diag;
      out.push({ x, y, a });
    }
  }
  return out;
}

function bruteMetrics(P: Uint8Array, G: Uint8Array, W: number, H: number, s: number[], tau: number) {
  const sp = bruteSurfels(P, W, H, s);
  const sg = bruteSurfels(G, W, H, s);
  const dist = (from: Surfel[], to: Surfel[]) =>
    from.map((f) => ({ d: Math.min(...to.map((t) => Math.hypot((f.x - t.x) * s[0]!, (f.y - t.y) * s[1]!))), a: f.a }));
  const pg = dist(sp, sg);
  const gp = dist(sg, sp);
  const mean = (v: { d: number; a: number }[]) => v.reduce((z, e) => z + e.a * e.d, 0) / v.reduce((z, e) => z + e.a, 0);
  const robust = (v: { d: number; a: number }[]) => {
    const sorted = [...v].sort((p, q) => p.d - q.d || p.a - q.a);
    const total = pairwiseSum(Float64Array.from(sorted, (e) => e.a), 0, sorted.length);
    let cum = 0;
    for (const e of sorted) {
      cum += e.a;
      if (cum / total >= 0.95) return e.d;
    }
    return sorted[sorted.length - 1]!.d;
  };
  const area = (v: { d: number; a: number }[], within: boolean) => v.reduce((z, e) => z + (!within || e.d <= tau ? e.a : 0), 0);
  return {
    hd: Math.max(...pg.map((e) => e.d), ...gp.map((e) => e.d)),
    hd95: Math.max(robust(pg), robust(gp)),
    assd: (mean(pg) + mean(gp)) / 2,
    nsd: (area(pg, true) + area(gp, true)) / (area(pg, false) + area(gp, false)),
  };
}

describe('surfels against a brute-force transcription of the 2D definition', () => {
  it('random masks, anisotropic spacing: hd, hd95 (max), assd (mean), nsd (pooled)', () => {
    const r = rng(1401);
    for (let t = 0; t < 40; t++) {
      const W = 3 + Math.floor(r() * 9);
      const H = 3 + Math.floor(r() * 9);
      const s = [[1, 1], [0.7, 1.9], [2.5, 0.5]][t % 3]!;
      const fill = 0.15 + r() * 0.5;
      const P = Uint8Array.from({ length: W * H }, () => (r() < fill ? 1 : 0));
      const G = Uint8Array.from({ length: W * H }, () => (r() < fill ? 1 : 0));
      if (!P.some(Boolean) || !G.some(Boolean)) continue;
      const tau = [0.5, 1, 2][t % 3]!;
      const opts: SurfaceOptions = { hd95: 'max', nsdTolerance: tau, assd: 'mean', surface: 'surfels' };
      const [got] = surfaceMetrics(P, G, [W, H], s, [[1]], opts);
      const want = bruteMetrics(P, G, W, H, s, tau);
      for (const k of ['hd', 'hd95', 'assd', 'nsd'] as const) expect(got![k]).toBeCloseTo(want[k], 9);
    }
  });
});

describe('surfels do not depend on axis order or flips (each spacing with its axis)', () => {
  it('3D: transposed and mirrored masks give the same four metrics', () => {
    const r = rng(77);
    const [X, Y, Z] = [5, 6, 4];
    const s = [0.8, 1.3, 2.1];
    const P = Uint8Array.from({ length: X * Y * Z }, () => (r() < 0.4 ? 1 : 0));
    const G = Uint8Array.from({ length: X * Y * Z }, () => (r() < 0.4 ? 1 : 0));
    const opts: SurfaceOptions = { hd95: 'max', nsdTolerance: 1.5, assd: 'mean', surface: 'surfels' };
    const [base] = surfaceMetrics(P, G, [X, Y, Z], s, [[1]], opts);
    // Swap axes 0 and 2, and mirror axis 1.
    const swap = (m: Uint8Array) => {
      const o = new Uint8Array(m.length);
      for (let z = 0; z < Z; z++) for (let y = 0; y < Y; y++) for (let x = 0; x < X; x++) o[z + Z * (Y - 1 - y + Y * x)] = m[x + X * (y + Y * z)]!;
      return o;
    };
    const [moved] = surfaceMetrics(swap(P), swap(G), [Z, Y, X], [s[2]!, s[1]!, s[0]!], [[1]], opts);
    for (const k of ['hd', 'hd95', 'assd', 'nsd'] as const) expect(moved![k]).toBeCloseTo(base![k]!, 9);
  });
});
