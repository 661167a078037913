// AUROC and average precision (metrics-extra.md) from the scores of each truth group
// already sorted, as the Lovász terms sort them: one walk from the highest score down
// takes every tie group (the positives and negatives sharing one exact score) at once,
// which is both the midrank rule of the Mann-Whitney U and sklearn's "ties are one
// threshold" rule of AP. Nothing is sorted here: the tie groups come from the one walk
// over the sorted groups (walk/tieGroups.ts).
import { walkTieGroups } from '../walk/tieGroups.js';
import type { Keys } from '../walk/sortedWalk.js';

type Num = number | null;

export interface Ranking {
  /** (1/(n₁n₀)) Σ_{t=1} Σ_{t=0} ([s_i > s_j] + ½[s_i = s_j]); null without positives or without negatives. */
  auroc: Num;
  /** Σ_k ΔTP_k/n₁ · TP_k/(TP_k + FP_k) over distinct scores, descending; null without positives, 1 without negatives. */
  ap: Num;
}

/** Sorted scores of one truth group, ascending, in one or more runs. */
type Run = Keys;

/** What a walk over tie groups feeds: `a` positives and `b` negatives share `score`; scores fall from call to call. */
export interface TieGroupSink {
  take(score: number, a: number, b: number): void;
}

/**
 * The two sums, fed tie groups from the highest score down. All counts are integers,
 * exact in float64; the U sum adds halves of integers, exact below 2^52.
 */
export class RankSum implements TieGroupSink {
  /** TP, FP so far, U, Σ a·precision: in a typed array, so updates stay unboxed doubles. */
  private readonly s = new Float64Array(4);

  constructor(
    private readonly positives: number,
    private readonly negatives: number,
  ) {}

  /** `a` positives and `b` negatives share the next lower score. */
  take(_score: number, a: number, b: number): void {
    const s = this.s;
    // Each of the a positives beats every negative below this score and ties with the b here.
    s[2] += a * (this.negatives - s[1] - b / 2);
    const tp = (s[0] += a);
    const fp = (s[1] += b);
    if (a > 0) s[3] += a * (tp / (tp + fp));
  }

  result(): Ranking {
    const n1 = this.positives;
    const n0 = this.negatives;
    return {
      auroc: n1 > 0 && n0 > 0 ? this.s[2] / n1 / n0 : null,
      ap: n1 > 0 ? this.s[3] / n1 : null,
    };
  }
}

const total = (runs: readonly Run[]) => runs.reduce((n, r) => n + r.length, 0);

/**
 * AUROC and AP from each truth group's scores sorted ascending (any number of runs per
 * group: one per group from the float32 bucket sort, a few from the float64 radix runs).
 * Ties are exact equality of the scores.
 */
export function rankingOfRuns(pos: readonly Run[], neg: readonly Run[]): Ranking {
  const sum = new RankSum(total(pos), total(neg));
  // Tie groups of negatives alone add nothing to U or AP and only their count to FP, so
  // consecutive ones may come merged: the walk skips through the negatives between two
  // positives (the sums are the same, bit for bit: every count is an exact integer).
  walkTieGroups(pos, neg, sum, true);
  return sum.result();
}

/** The voxel counts of a group's runs. */
export { total as runsLength };

/**
 * The same from histograms of a quantised score: h1[v], h0[v] = positives, negatives
 * with score rank v (a larger v is a larger score; equal v are ties).
 */
export function rankingOfHistograms(h1: ArrayLike<number>, h0: ArrayLike<number>): Ranking {
  let n1 = 0;
  let n0 = 0;
  for (let v = 0; v < h1.length; v++) {
    n1 += h1[v];
    n0 += h0[v];
  }
  const sum = new RankSum(n1, n0);
  for (let v = h1.length - 1; v >= 0; v--) if (h1[v] > 0 || h0[v] > 0) sum.take(v, h1[v], h0[v]);
  return sum.result();
}
