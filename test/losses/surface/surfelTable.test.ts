// The marching-cubes table behind the surfel areas (src/losses/surface/surfelTable.ts): every
// code's area against hand geometry of its configuration, and the cube's symmetries.
// Corner c sits at offset (o0, o1, o2) = (c>>2 & 1, c>>1 & 1, c & 1); its bit is 128 >> c.
import { describe, expect, it } from 'vitest';
import { surfelNormalsX8Table } from '../../../src/losses/surface/surfelTable.js';
import { surfelAreaTable } from '../../../src/losses/surface/surfels.js';

const codeOf = (...corners: number[]): number => corners.reduce((code, c) => code | (128 >> c), 0);
const cornersOf = (code: number): number[] => [0, 1, 2, 3, 4, 5, 6, 7].filter((c) => code & (128 >> c));
const offset = (c: number): number[] => [(c >> 2) & 1, (c >> 1) & 1, c & 1];
const SQRT3 = Math.sqrt(3);
const SURFEL_NORMALS_X8 = surfelNormalsX8Table();

/** The 48 symmetries of the cube: axis a goes to perm[a], reflected where flip[a] = 1. */
const SYMMETRIES = (() => {
  const perms = [[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]];
  const out: { perm: number[]; flip: number[] }[] = [];
  for (const perm of perms) for (let f = 0; f < 8; f++) out.push({ perm, flip: [(f >> 2) & 1, (f >> 1) & 1, f & 1] });
  return out;
})();

function transformCode(code: number, { perm, flip }: { perm: number[]; flip: number[] }): number {
  const moved = cornersOf(code).map((c) => {
    const o = offset(c);
    const p = [0, 0, 0];
    for (let a = 0; a < 3; a++) p[perm[a]!] = o[a]! ^ flip[a]!;
    return 4 * p[0]! + 2 * p[1]! + p[2]!;
  });
  return codeOf(...moved);
}

function transformSpacing(s: number[], { perm }: { perm: number[] }): number[] {
  const t = [0, 0, 0];
  for (let a = 0; a < 3; a++) t[perm[a]!] = s[a]!;
  return t;
}

/** One representative of a code's class under the 48 symmetries and complement. */
function canonical(code: number): number {
  let best = 256;
  for (const g of SYMMETRIES) {
    const t = transformCode(code, g);
    best = Math.min(best, t, 255 - t);
  }
  return best;
}

describe('the surfel triangle table, against hand geometry', () => {
  it('codes 0 and 255 (all outside, all inside) have no triangles', () => {
    expect(SURFEL_NORMALS_X8[0]).toEqual([]);
    expect(SURFEL_NORMALS_X8[255]).toEqual([]);
  });

  it('every triangle has vertices on edge midpoints: 8·|n_k| are integers 0…4, never all zero', () => {
    for (let code = 0; code < 256; code++) {
      const t = SURFEL_NORMALS_X8[code]!;
      expect(t.length % 3).toBe(0);
      for (const v of t) expect(Number.isInteger(v) && v >= 0 && v <= 4).toBe(true);
      for (let j = 0; j < t.length; j += 3) expect(t[j]! + t[j + 1]! + t[j + 2]!).toBeGreaterThan(0);
    }
  });

  it('one corner inside (or one outside): one triangle cutting it off, |n| = (1,1,1)/8, area √3/8', () => {
    for (let c = 0; c < 8; c++) {
      expect(SURFEL_NORMALS_X8[codeOf(c)]).toEqual([1, 1, 1]);
      expect(SURFEL_NORMALS_X8[255 - codeOf(c)]).toEqual([1, 1, 1]);
    }
    // Scaled: the triangle through (½s0, 0, 0), (0, ½s1, 0), (0, 0, ½s2) has area ⅛‖(s1s2, s0s2, s0s1)‖.
    const [s0, s1, s2] = [2, 1, 0.5];
    expect(surfelAreaTable([s0, s1, s2])[codeOf(5)]).toBeCloseTo(Math.hypot(s1 * s2, s0 * s2, s0 * s1) / 8, 14);
  });

  it('the four corners of one face inside: the mid-plane square, area s_b·s_d', () => {
    const s = [2, 1, 0.5];
    const t = surfelAreaTable(s);
    for (let axis = 0; axis < 3; axis++) {
      const [b, d] = [0, 1, 2].filter((x) => x !== axis);
      for (const side of [0, 1]) {
        const face = [0, 1, 2, 3, 4, 5, 6, 7].filter((c) => offset(c)[axis] === side);
        expect(t[codeOf(...face)]).toBeCloseTo(s[b!]! * s[d!]!, 14);
      }
    }
  });

  it('two corners on an edge along axis a: a rectangle s_a × ½√(s_b² + s_d²)', () => {
    const s = [2, 1, 0.5];
    const t = surfelAreaTable(s);
    for (let c = 0; c < 8; c++) {
      for (let axis = 0; axis < 3; axis++) {
        const other = c ^ (4 >> axis);
        const [b, d] = [0, 1, 2].filter((x) => x !== axis);
        expect(t[codeOf(c, other)]).toBeCloseTo(s[axis]! * 0.5 * Math.hypot(s[b!]!, s[d!]!), 14);
      }
    }
  });

  // Unit-grid area of every configuration with at most four corners inside (the others are
  // complements), by hand. Triangles through edge midpoints: a corner triangle has legs √2/2
  // and area √3/8; an edge's rectangle is 1 × √2/2.
  const CLASSES: { name: string; corners: number[]; area: number }[] = [
    { name: 'empty', corners: [], area: 0 },
    { name: 'one corner', corners: [0], area: SQRT3 / 8 },
    { name: 'an edge', corners: [0, 1], area: Math.SQRT2 / 2 },
    // Ambiguous face: the two corners are cut off apart.
    { name: 'a face diagonal', corners: [0, 3], area: 2 * (SQRT3 / 8) },
    { name: 'a body diagonal', corners: [0, 7], area: 2 * (SQRT3 / 8) },
    // Pentagon (½,0,0)…: fan from the crossing above an end of the L: the mid-plane triangle
    // (legs 1, 1: ½), then |n| = (2,2,2)/8 and (1,1,1)/8: ½ + √3/4 + √3/8.
    { name: 'three corners in an L', corners: [0, 1, 3], area: 0.5 + (3 * SQRT3) / 8 },
    { name: 'an edge and a far corner', corners: [0, 1, 6], area: Math.SQRT2 / 2 + SQRT3 / 8 },
    { name: 'three corners pairwise on face diagonals', corners: [1, 2, 4], area: 3 * (SQRT3 / 8) },
    { name: 'a face', corners: [0, 1, 2, 3], area: 1 },
    // Regular hexagon of side √2/2 across the body diagonal: (3√3/2)·½.
    { name: 'a corner and its three neighbours', corners: [0, 1, 2, 4], area: (3 * SQRT3) / 4 },
    { name: 'two opposite edges', corners: [0, 1, 6, 7], area: 2 * (Math.SQRT2 / 2) },
    { name: 'an L and a far corner', corners: [0, 1, 3, 6], area: 0.5 + (3 * SQRT3) / 8 + SQRT3 / 8 },
    { name: 'a tetrahedron of face diagonals', corners: [0, 3, 5, 6], area: 4 * (SQRT3 / 8) },
    // Skew hexagon: a central triangle |n| = (3,3,3)/8 (area 3√3/8) and three ears
    // (0,2,2)/8, (2,0,2)/8, (1,1,1)/8: 3√3/8 + √2/4 + √2/4 + √3/8 = (√3 + √2)/2.
    { name: 'a skew chain of four', corners: [3, 4, 6, 7], area: (SQRT3 + Math.SQRT2) / 2 },
  ];

  it('every code has the hand-computed area of its configuration (up to symmetry and complement)', () => {
    const t = surfelAreaTable([1, 1, 1]);
    const byClass = new Map(CLASSES.map((k) => [canonical(codeOf(...k.corners)), k]));
    expect(byClass.size).toBe(CLASSES.length); // the representatives are pairwise distinct classes
    for (let code = 0; code < 256; code++) {
      const k = byClass.get(canonical(code));
      expect(k, `code ${code} has a class`).toBeDefined();
      expect(t[code], `code ${code}: ${k!.name}`).toBeCloseTo(k!.area, 14);
    }
  });
});

describe('the surfel triangle table, under symmetry', () => {
  const spacings = [
    [1, 1, 1],
    [2, 1, 0.5],
    [0.7, 3.1, 1.3],
  ];

  it('a code and its complement (inside and outside swapped) have the same area at any spacing', () => {
    for (const s of spacings) {
      const t = surfelAreaTable(s);
      for (let code = 0; code < 256; code++) expect(t[code]).toBeCloseTo(t[255 - code]!, 14);
    }
  });

  it('rotating or reflecting the cube (48 symmetries, spacing permuted with the axes) keeps every area', () => {
    for (const s of spacings) {
      const t = surfelAreaTable(s);
      for (const g of SYMMETRIES) {
        const tg = surfelAreaTable(transformSpacing(s, g));
        for (let code = 0; code < 256; code++) expect(tg[transformCode(code, g)]).toBeCloseTo(t[code]!, 14);
      }
    }
  });
});
