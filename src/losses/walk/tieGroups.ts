// The tie groups of a class's sorted truth groups, from the highest score down, as one
// more order over the one walk (sortedWalk.ts): both groups taken from their highest
// value down, merged by the value itself. Consecutive equal values (±0 alike) form one tie
// group: the t = 1 and t = 0 voxels that share one exact score. AUROC/AP read the groups
// this way (formulas/ranking.ts), with the negatives between two positives in bulk.
import type { TieGroupSink } from '../formulas/ranking.js';
import { walkSorted, type Keys, type WalkConsumer, type WalkOrder } from './sortedWalk.js';

/** Both groups from their highest score down; the merge key is the score. */
export const SCORE_ORDER: WalkOrder = {
  pos: { key: (s) => s, forward: false, linear: { scale: 1, offset: 0 } },
  neg: { key: (s) => s, forward: false, linear: { scale: 1, offset: 0 } },
};

/** Tie groups held before they go to the sink in one loop. */
const BATCH = 4096;

/**
 * Gathers the walk's steps into tie groups and hands them, complete, to the sink a batch
 * at a time. Its `take` stays small enough for V8 to inline into the walk's loop (so a
 * score is never boxed to cross a call); the sink's own work runs in `flush`'s loop.
 */
class TieGroups implements WalkConsumer {
  /** Groups as (score, positives, negatives); the open one starts at `open` (the first, NaN, is empty). */
  private readonly g = new Float64Array(3 * BATCH);
  private open = 0;

  constructor(private readonly sink: TieGroupSink) {
    this.g[0] = NaN;
  }

  start(): void {}

  take(x: number, positive: boolean, count: number): void {
    const g = this.g;
    let o = this.open;
    if (x !== g[o]) {
      o += 3;
      if (o === g.length) o = this.flush(o);
      g[o] = x;
      g[o + 1] = 0;
      g[o + 2] = 0;
      this.open = o;
    }
    g[o + (positive ? 1 : 2)] += count;
  }

  /** Hands over the groups before offset `to`; returns where the next group goes (0). */
  private flush(to: number): number {
    const { g, sink } = this;
    for (let o = 0; o < to; o += 3) if (g[o + 1] + g[o + 2] > 0) sink.take(g[o], g[o + 1], g[o + 2]);
    return 0;
  }

  /** Hands over the groups still held, the open one included. */
  end(): void {
    this.flush(this.open + 3);
    this.open = 0;
    this.g[0] = NaN;
    this.g[1] = 0;
    this.g[2] = 0;
  }
}

/** SCORE_ORDER with the negatives in bulk (WalkOrder.negativesInBulk). */
const SCORE_ORDER_BULK: WalkOrder = { ...SCORE_ORDER, negativesInBulk: true };

/**
 * Feeds `sink` every tie group of the two truth groups (each ascending, in any number of
 * runs), highest score first.
 * @param mergeNegatives consecutive tie groups of negatives alone may come as one, their
 *   counts summed (every group holding a positive stays exact): for sinks that read
 *   negatives only through such counts, as RankSum does; the walk then skips through the
 *   negatives between two positives instead of stepping through each.
 */
export function walkTieGroups(pos: readonly Keys[], neg: readonly Keys[], sink: TieGroupSink, mergeNegatives = false): void {
  const groups = new TieGroups(sink);
  walkSorted({ runs: [...pos] }, { runs: [...neg] }, mergeNegatives ? SCORE_ORDER_BULK : SCORE_ORDER, groups);
  groups.end();
}
