// The one walk's contract for any consumer: every voxel once, in falling merge key, t = 1
// first on equal keys, whatever the order and however the groups are cut into runs; a
// segment takes exactly its key range and is told how many voxels come before it.
import { describe, expect, it } from 'vitest';
import { walkSorted, type SortedGroup, type WalkConsumer, type WalkOrder } from '../../../src/losses/walk/sortedWalk.js';
import { rng } from '../../helpers/rng.js';

type Step = [value: number, positive: boolean, count: number];

function recorder(): WalkConsumer & { steps: Step[]; totals: number[] } {
  const steps: Step[] = [];
  const totals: number[] = [];
  return {
    steps,
    totals,
    start: (p, n, pb, nb) => void totals.push(p, n, pb, nb),
    take: (x, positive, count) => void steps.push([x, positive, count]),
  };
}

/** Values on a coarse grid (many ties), cut into ascending runs of random lengths. */
function group(r: () => number, n: number): { values: number[]; g: SortedGroup } {
  const values = Array.from({ length: n }, () => Math.round(r() * 40) / 8).sort((a, b) => a - b);
  const runs: Float64Array[] = [];
  for (let at = 0; at < n; ) {
    const len = 1 + Math.floor(r() * 200);
    runs.push(Float64Array.from(values.slice(at, at + len)).sort());
    at += len;
  }
  return { values, g: { runs } };
}

/** The expected steps by brute force: every (value, truth) with its key, sorted by falling key, t = 1 first on ties. */
function bruteForce(pos: number[], neg: number[], order: WalkOrder, floor = -Infinity, atMost = Infinity): Step[] {
  const all = [...pos.map((x) => [order.pos.key(x), 1, x] as const), ...neg.map((x) => [order.neg.key(x), 0, x] as const)];
  return all
    .filter(([k]) => k > floor && k <= atMost)
    .sort((a, b) => b[0] - a[0] || b[1] - a[1])
    .map(([, t, x]) => [x, t === 1, 1] as Step);
}

const LOVASZ_LIKE: WalkOrder = { pos: { key: (x) => -x, forward: true }, neg: { key: (x) => x, forward: false } };
const BY_VALUE: WalkOrder = { pos: { key: (x) => x, forward: false }, neg: { key: (x) => x, forward: false } };

describe('walkSorted (the one walk over sorted truth groups)', () => {
  const r = rng(51);
  const pos = group(r, 700);
  const neg = group(r, 1300);
  for (const [name, order] of [['Lovász-like keys (t = 1 forward, t = 0 backward)', LOVASZ_LIKE], ['keys rising with the value in both groups (both backward)', BY_VALUE]] as const) {
    it(`hands every voxel once in falling key order, t = 1 first on ties, over many runs: ${name}`, () => {
      const c = recorder();
      walkSorted(pos.g, neg.g, order, c);
      expect(c.totals).toEqual([700, 1300, 0, 0]);
      // Equal keys within one group may come in either order of equal values: compare as keys and truths.
      const asKeys = (s: Step[]) => s.map(([x, p]) => [p ? order.pos.key(x) : order.neg.key(x), p]);
      expect(asKeys(c.steps)).toEqual(asKeys(bruteForce(pos.values, neg.values, order)));
    });
    it(`takes exactly the keys in (above, atMost] of a segment and counts the voxels before it: ${name}`, () => {
      const c = recorder();
      walkSorted(pos.g, neg.g, order, c, { atMost: 2.5, above: 0.5 });
      const expected = bruteForce(pos.values, neg.values, order, 0.5, 2.5);
      const asKeys = (s: Step[]) => s.map(([x, p]) => [p ? order.pos.key(x) : order.neg.key(x), p]);
      expect(expected.length).toBeGreaterThan(0);
      expect(asKeys(c.steps)).toEqual(asKeys(expected));
      const before = bruteForce(pos.values, neg.values, order, 2.5);
      expect(c.totals).toEqual([700, 1300, before.filter((s) => s[1]).length, before.filter((s) => !s[1]).length]);
    });
  }
  it('takes a value with its count when the group carries counts (histogram bins)', () => {
    const c = recorder();
    const bins = (v: number[], n: number[]): SortedGroup => ({ runs: [Float64Array.from(v)], counts: [Float64Array.from(n)] });
    // t = 1 bins 1 (×3) and 4 (×2), t = 0 bins 2 (×5) and 3 (×1); keys: t = 1 → −v, t = 0 → v.
    walkSorted(bins([1, 4], [3, 2]), bins([2, 3], [5, 1]), LOVASZ_LIKE, c);
    expect(c.totals).toEqual([5, 6, 0, 0]);
    // Keys: neg 3 (3), neg 2 (2), pos 1 (−1), pos 4 (−4).
    expect(c.steps).toEqual([[3, false, 1], [2, false, 5], [1, true, 3], [4, true, 2]]);
  });
});

describe('walkSorted with the negatives in bulk (score order, one run per group)', () => {
  const BULK: WalkOrder = {
    pos: { key: (x) => x, forward: false, linear: { scale: 1, offset: 0 } },
    neg: { key: (x) => x, forward: false, linear: { scale: 1, offset: 0 } },
    negativesInBulk: true,
  };
  /**
   * The brute force's steps as the bulk contract allows them: each positive as is; the
   * negatives between two positives as the count of those equal to the first of them and
   * the count of the rest.
   */
  const stretches = (steps: Step[]) => {
    const out: (string | number)[] = [];
    let first: number | null = null;
    let same = 0;
    let rest = 0;
    const close = () => {
      if (first !== null) out.push(`neg ${first}×${same}`, `rest ${rest}`);
      first = null;
      same = 0;
      rest = 0;
    };
    for (const [x, p, c] of steps) {
      if (p) {
        close();
        out.push(`pos ${x}×${c}`);
      } else if (first === null) {
        first = x;
        same = c;
      } else if (x === first) same += c;
      else rest += c;
    }
    close();
    return out;
  };
  for (const [seed, nPos, nNeg, levels] of [[61, 40, 3000, 8], [62, 300, 300, 40], [63, 5, 2000, 1000], [64, 1, 50, 3], [65, 200, 0, 5], [66, 0, 100, 5]]) {
    it(`hands the same positives, and between them the negatives tied with the first and the rest as two steps (seed ${seed})`, () => {
      const r = rng(seed);
      const draw = (n: number) => Float64Array.from({ length: n }, () => Math.floor(r() * levels) / levels).sort();
      const pos = draw(nPos);
      const neg = draw(nNeg);
      for (const segment of [undefined, { atMost: 0.6, above: 0.25 }]) {
        const c = recorder();
        walkSorted({ runs: [pos] }, { runs: [neg] }, BULK, c, segment);
        const expected = bruteForce([...pos], [...neg], BULK, segment?.above, segment?.atMost);
        expect(stretches(c.steps)).toEqual(stretches(expected));
        // At most two steps per stretch of negatives.
        for (let k = 2; k < c.steps.length; k++) expect(c.steps[k][1] || c.steps[k - 1][1] || c.steps[k - 2][1]).toBe(true);
      }
    });
  }
});
