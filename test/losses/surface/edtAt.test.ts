import { describe, expect, it } from 'vitest';
import { squaredEdt } from '../../../src/losses/surface/edt.js';
import { squaredEdtAt } from '../../../src/losses/surface/edtAt.js';
import { squaredEdtAtRows } from '../../../src/losses/surface/edtAtRows.js';
import { rng as mulberry32 } from '../../helpers/rng.js';

const FEATURE = 4;
const QUERY = 8;

/** Cells of `flags` with `bit`, ascending. */
function cellsWith(flags: Uint8Array, bit: number): Int32Array {
  const out: number[] = [];
  for (let i = 0; i < flags.length; i++) if (flags[i]! & bit) out.push(i);
  return Int32Array.from(out);
}

describe('squaredEdtAt', () => {
  it('equals the whole-grid squaredEdt bit for bit at every query, on random anisotropic grids of 1 to 3 axes', () => {
    const rand = mulberry32(2026);
    for (let t = 0; t < 300; t++) {
      const n = 1 + (t % 3);
      // Axis 0 up to 80 cells: x is taken in blocks of 32, so several blocks and a partial last one.
      const dims = Array.from({ length: n }, (_, k) => 1 + Math.floor(rand() * (k === 0 ? 80 : n === 3 ? 12 : 30)));
      // Spacings that are not binary fractions, so near-ties round differently along different paths.
      const spacing = dims.map(() => [0.8, 2.5, 0.3, 1.1, 0.7][Math.floor(rand() * 5)]!);
      const total = dims.reduce((a, b) => a * b, 1);
      const density = [0.002, 0.02, 0.2, 0.6][t % 4]!;
      const flags = new Uint8Array(total);
      for (let i = 0; i < total; i++) flags[i] = (rand() < density ? FEATURE : 0) | (rand() < 0.3 ? QUERY : 0);
      const full = new Float64Array(total);
      squaredEdt(flags, FEATURE, dims, spacing, full);
      const queries = cellsWith(flags, QUERY);
      const at = squaredEdtAt(cellsWith(flags, FEATURE), queries, dims, spacing);
      expect(at.length).toBe(queries.length);
      for (let j = 0; j < queries.length; j++) expect(Object.is(at[j], full[queries[j]!]), `grid ${t} [${dims}] query ${queries[j]}: ${at[j]} vs ${full[queries[j]!]}`).toBe(true);
    }
  });

  it('is Infinity at every query when no cell is a feature', () => {
    const flags = new Uint8Array(24).fill(QUERY);
    const at = squaredEdtAt(new Int32Array(0), cellsWith(flags, QUERY), [2, 3, 4], [1, 1, 1]);
    expect([...at]).toEqual(new Array(24).fill(Infinity));
  });

  it('refuses a grid of more than 3 axes', () => {
    expect(() => squaredEdtAt(new Int32Array(0), new Int32Array(0), [1, 1, 1, 1], [1, 1, 1, 1])).toThrow(/4 axes/);
  });
});

describe('squaredEdtAt on a plane with unit spacing (edtAtRows.ts)', () => {
  /** Random planes of 1 or 2 axes, features from very sparse (far queries) to dense. */
  function planes(seed: number, count: number, side: number, each: (flags: Uint8Array, dims: number[]) => void): void {
    const rand = mulberry32(seed);
    for (let t = 0; t < count; t++) {
      const dims = t % 5 === 0 ? [1 + Math.floor(rand() * 2 * side)] : [1 + Math.floor(rand() * side), 1 + Math.floor(rand() * side)];
      const total = dims.reduce((a, b) => a * b, 1);
      const density = [0.0005, 0.003, 0.02, 0.2, 0.6][t % 5]!;
      const flags = new Uint8Array(total);
      for (let i = 0; i < total; i++) flags[i] = (rand() < density ? FEATURE : 0) | (rand() < 0.3 ? QUERY : 0);
      each(flags, dims);
    }
  }

  it('equals the whole-grid squaredEdt bit for bit, whichever way it goes (rows or envelope)', () => {
    const ways = { rows: 0, envelope: 0 };
    planes(7, 400, 120, (flags, dims) => {
      const full = new Float64Array(flags.length);
      squaredEdt(flags, FEATURE, dims, dims.map(() => 1), full);
      const features = cellsWith(flags, FEATURE);
      const queries = cellsWith(flags, QUERY);
      const at = squaredEdtAt(features, queries, dims, dims.map(() => 1));
      for (let j = 0; j < queries.length; j++) expect(Object.is(at[j], full[queries[j]!]), `[${dims}] query ${queries[j]}: ${at[j]} vs ${full[queries[j]!]}`).toBe(true);
      if (features.length === 0 || queries.length === 0) return;
      ways[squaredEdtAtRows(features, queries, dims[0]!, dims[1] ?? 1) ? 'rows' : 'envelope']++;
    });
    // Both ways were taken: near boundaries by rows, sparse far features by the envelope.
    expect(ways.rows).toBeGreaterThan(50);
    expect(ways.envelope).toBeGreaterThan(50);
  });

  it('the row search alone equals the nearest feature by brute force, and gives up past its budget', () => {
    let gaveUp = 0;
    planes(11, 200, 50, (flags, dims) => {
      const [X, Y = 1] = dims;
      const features = cellsWith(flags, FEATURE);
      const queries = cellsWith(flags, QUERY);
      if (features.length === 0) return;
      const byRows = squaredEdtAtRows(features, queries, X!, Y, Infinity)!;
      queries.forEach((q, j) => {
        let best = Infinity;
        for (const f of features) best = Math.min(best, ((q % X!) - (f % X!)) ** 2 + (Math.floor(q / X!) - Math.floor(f / X!)) ** 2);
        expect(byRows[j], `[${dims}] query ${q}`).toBe(best);
      });
      // Every query visits at least one row, so a budget below the queries is always passed.
      if (queries.length > 1) {
        expect(squaredEdtAtRows(features, queries, X!, Y, queries.length - 2)).toBeNull();
        gaveUp++;
      }
    });
    expect(gaveUp).toBeGreaterThan(100);
  });
});
