// References for the Lovász tests: random classes, and the Lovász extension transcribed
// from losses.md (Berman et al.'s lovasz_grad) independently of the engine's walk.
import { rng } from './rng.js';

export function randomCase(seed: number, n: number): { p: Float64Array; t: Uint8Array; z: Float64Array } {
  const r = rng(seed);
  const t = new Uint8Array(n);
  const z = new Float64Array(n);
  const p = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    t[i] = r() < 0.3 ? 1 : 0;
    z[i] = (r() - 0.5) * 8 + (t[i] ? 1 : -1);
    p[i] = 1 / (1 + Math.exp(-z[i]));
  }
  return { p, t, z };
}

/** lovasz_grad and the sum exactly as losses.md writes them, with a comparator sort. */
export function lovaszDirect(e: number[], t: number[]): number {
  const order = e.map((_, i) => i).sort((a, b) => e[b] - e[a]);
  const g = order.map((i) => t[i]);
  const G = g.reduce((a, b) => a + b, 0);
  let cum1 = 0;
  let cum0 = 0;
  let prev = 0;
  let loss = 0;
  order.forEach((i, k) => {
    cum1 += g[k];
    cum0 += 1 - g[k];
    const J = 1 - (G - cum1) / (G + cum0);
    loss += Math.max(e[i], 0) * (J - prev);
    prev = J;
  });
  return loss;
}

/**
 * The same sum for errors already sorted descending per truth group (pos: t = 1, neg:
 * t = 0), merged one voxel at a time, for lists too long for a comparator sort. The step
 * of J = 1 − (G − c1)/(G + c0) is taken in closed form, so a million small steps do not
 * lose digits to J − J_prev: a t = 1 voxel adds 1/(G + c0), a t = 0 voxel
 * (G − c1)/((G + c0)(G + c0 + 1)). Only errors > 0 count.
 */
export function lovaszOfSortedErrors(pos: ArrayLike<number>, neg: ArrayLike<number>): number {
  const G = pos.length;
  let c1 = 0;
  let c0 = 0;
  let loss = 0;
  let i = 0;
  let j = 0;
  for (;;) {
    const ep = i < pos.length ? pos[i] : -Infinity;
    const en = j < neg.length ? neg[j] : -Infinity;
    const e = Math.max(ep, en);
    if (!(e > 0)) return loss;
    if (ep >= en) {
      loss += e / (G + c0);
      c1++;
      i++;
    } else {
      loss += (e * (G - c1)) / ((G + c0) * (G + c0 + 1));
      c0++;
      j++;
    }
  }
}
