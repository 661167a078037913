// The Lovász terms of a float class as a consumer of the one walk (sortedWalk.ts): within
// a truth group both errors fall as the value (p or z) moves away from the truth, and
// between the groups both compare −z(pos) with z(neg) (p: 1 − p(pos) with p(neg)), so the
// hinge and the softmax share one merge order; ties may go either way (the extension is
// continuous), and the clamped logs only ever tie hinge errors the softmax order
// separates. The hinge stops adding once its error reaches 0 (errors fall along the walk);
// the softmax and every other sum of the class take every voxel, and so do the calibration
// sums when asked (each group's values come in order, so bins change rarely).
import { LovaszSum } from '../formulas/lovasz.js';
import { addCalibration, CalibrationWalk, type CalibrationSums } from '../producers/calibration.js';
import { addVoxelSums, VoxelTerms, type ClassInput, type VoxelSums } from '../producers/voxelTerms.js';
import { walkSorted, type Keys, type WalkConsumer, type WalkOrder, type WalkSegment } from './sortedWalk.js';

/** Sorted runs of one truth group of a float class. */
export type Runs = Keys[];

export interface LovaszTerms {
  /** The class's Lovász hinge. */
  hinge: number;
  /** The class's Lovász-softmax term, e = |t − p|. */
  soft: number;
  /** The complement's (background of a binary prediction: t = 0 voxels are its positives). */
  complementSoft: number;
  /** Every other sum of the class, taken in the same walk (n and st are known from the counts). */
  sums: VoxelSums;
  /** Brier/ECE sums, when the walk was asked for them. */
  calibration?: CalibrationSums;
}

const LOGIT_ORDER: WalkOrder = {
  pos: { key: (z) => -z, forward: true, linear: { scale: -1, offset: 0 } },
  neg: { key: (z) => z, forward: false, linear: { scale: 1, offset: 0 } },
};
const PROB_ORDER: WalkOrder = {
  pos: { key: (p) => 1 - p, forward: true, linear: { scale: -1, offset: 1 } },
  neg: { key: (p) => p, forward: false, linear: { scale: 1, offset: 0 } },
};

/** The Lovász merge order of a float class: −z (1 − p) for t = 1 values, z (p) for t = 0 values, larger first. */
export function lovaszOrder(input: ClassInput): WalkOrder {
  return input === 'logits' ? LOGIT_ORDER : PROB_ORDER;
}

/**
 * Takes the walk's voxels into the sums, the hinge and both softmax terms: every voxel
 * advances the counts; the hinge shares the softmax's steps while its error is positive.
 * One subclass per input kind (and with or without the calibration sums), so that the
 * walk's loop inlines one small `take` (V8 inlines a bounded amount of code into a loop;
 * both kinds' terms together exceed it).
 */
abstract class LovaszConsumer extends VoxelTerms implements WalkConsumer {
  soft = new LovaszSum(0, 0, true);
  hinge = 0;
  hingeOn = true;

  start(positives: number, negatives: number, positivesBefore: number, negativesBefore: number): void {
    this.soft = new LovaszSum(positives, negatives, true);
    this.soft.resumeAfter(positivesBefore, negativesBefore);
  }

  abstract take(x: number, positive: boolean, count: number): void;

  /** The softmax's and the hinge's step over `count` voxels of softmax error e. */
  protected step(e: number, positive: boolean, count: number): void {
    const d = this.soft.take(e, positive, count);
    if (this.hingeOn) {
      if (this.eHinge > 0) this.hinge += this.eHinge * d;
      else this.hingeOn = false;
    }
  }

  calibration(): CalibrationSums | undefined {
    return undefined;
  }

  result(): LovaszTerms {
    const calibration = this.calibration();
    return { hinge: this.hinge, soft: this.soft.loss, complementSoft: this.soft.complementLoss, sums: this.sums(), ...(calibration ? { calibration } : {}) };
  }
}

class LogitLovasz extends LovaszConsumer {
  take(z: number, positive: boolean, count: number): void {
    this.step(this.logit(z, positive), positive, count);
  }
}

class ProbLovasz extends LovaszConsumer {
  take(p: number, positive: boolean, count: number): void {
    this.step(this.prob(p, positive, this.hingeOn), positive, count);
  }
}

/**
 * The same, with the calibration sums of each voxel's p and error |t − p| the walk has
 * just computed: no second sigmoid per voxel, no second walk (producers/calibration.ts).
 */
class CalibratedLogitLovasz extends LovaszConsumer {
  constructor(gamma: number, private readonly cal: CalibrationWalk) {
    super(gamma);
  }

  take(z: number, positive: boolean, count: number): void {
    const e = this.logit(z, positive);
    this.step(e, positive, count);
    this.cal.take(z, this.p, e, positive, count);
  }

  calibration(): CalibrationSums {
    return this.cal.sums();
  }
}

class CalibratedProbLovasz extends LovaszConsumer {
  constructor(gamma: number, private readonly cal: CalibrationWalk) {
    super(gamma);
  }

  take(p: number, positive: boolean, count: number): void {
    const e = this.prob(p, positive, this.hingeOn);
    this.step(e, positive, count);
    this.cal.take(p, p, e, positive, count);
  }

  calibration(): CalibrationSums {
    return this.cal.sums();
  }
}

function consumerOf(input: ClassInput, gamma: number, bins: number | null): LovaszConsumer {
  if (bins === null) return input === 'logits' ? new LogitLovasz(gamma) : new ProbLovasz(gamma);
  const cal = new CalibrationWalk(bins, input === 'logits');
  return input === 'logits' ? new CalibratedLogitLovasz(gamma, cal) : new CalibratedProbLovasz(gamma, cal);
}

/**
 * Every Lovász term of a float class, and every other sum, in one walk over its sorted runs
 * (or one segment of it).
 * @param bins also the calibration sums with this many ECE bins; null: none
 */
export function lovaszTerms(pos: Runs, neg: Runs, input: ClassInput, gamma: number, segment?: WalkSegment, bins: number | null = null): LovaszTerms {
  const c = consumerOf(input, gamma, bins);
  walkSorted({ runs: pos }, { runs: neg }, lovaszOrder(input), c, segment);
  return c.result();
}

/** Terms of two disjoint sets of voxels (two walk segments) together. */
export function addTerms(a: LovaszTerms, b: LovaszTerms): LovaszTerms {
  return {
    hinge: a.hinge + b.hinge,
    soft: a.soft + b.soft,
    complementSoft: a.complementSoft + b.complementSoft,
    sums: addVoxelSums(a.sums, b.sums),
    ...(a.calibration && b.calibration ? { calibration: addCalibration(a.calibration, b.calibration) } : {}),
  };
}
