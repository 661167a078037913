// The metrics that read a class's sorted truth groups (metrics-extra.md): AUROC/AP, and the
// calibration sums when the groups are sorted anyway. One walk over the tie groups (the
// one walk in score order, walk/tieGroups.ts) feeds both, so a sigmoid is taken once per
// distinct score, not once per voxel.
import type { Runs } from '../walk/lovaszWalk.js';
import { walkTieGroups } from '../walk/tieGroups.js';
import { RankSum, runsLength, type Ranking, type TieGroupSink } from '../formulas/ranking.js';
import { CalibrationSink, sigmoid, type CalibrationSums } from './calibration.js';

export interface RunMetrics {
  ranking?: Ranking;
  calibration?: CalibrationSums;
}

/** One sink for both, so the walk's call site stays monomorphic. */
class RunSink implements TieGroupSink {
  constructor(
    private readonly logits: boolean,
    readonly rank: RankSum | null,
    readonly calibration: CalibrationSink | null,
  ) {}

  take(score: number, a: number, b: number): void {
    if (this.rank) this.rank.take(score, a, b);
    if (this.calibration) this.calibration.add(this.logits ? sigmoid(score) : score, a, b);
  }
}

/**
 * @param input what the runs hold: probabilities p, or one-channel logits z (the background's
 *   runs hold −z), which are also the AUROC/AP score
 * @param bins ECE bins for the calibration sums; null for none
 */
export function runMetrics(input: 'probs' | 'logits', pos: Runs, neg: Runs, rank: boolean, bins: number | null): RunMetrics {
  const sink = new RunSink(
    input === 'logits',
    rank ? new RankSum(runsLength(pos), runsLength(neg)) : null,
    bins === null ? null : new CalibrationSink(bins),
  );
  walkTieGroups(pos, neg, sink);
  return {
    ...(sink.rank ? { ranking: sink.rank.result() } : {}),
    ...(sink.calibration ? { calibration: sink.calibration.sums() } : {}),
  };
}
