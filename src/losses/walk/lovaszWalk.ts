// The Lovász terms of a float class as a consumer of the one walk (sortedWalk.ts): within
// a truth group both errors fall as the value (p or z) moves away from the truth, and
// between the groups both compare −z(pos) with z(neg) (p: 1 − p(pos) with p(neg)), so the
// hinge and the softmax share one merge order; ties may go either way (the extension is
// continuous), and the clamped logs only ever tie hinge errors the softmax order
// separates. The hinge stops adding once its error reaches 0 (errors fall along the walk);
// the softmax and every other sum of the class take every voxel, and so do the calibration
// sums when asked (each group's values come in order, so bins change rarely).
import { LovaszSum } from '../formulas/lovasz.js';
import { addCalibration, addToBin, BinRanges, CalibrationWalk, emptyCalibration, type CalibrationSums } from '../producers/calibration.js';
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

  /** The hinge's share of a softmax step d (for the calibrated consumers; the plain ones write it out, see SquaredConsumer). */
  protected hingeStep(d: number): void {
    if (this.hingeOn) {
      if (this.eHinge > 0) this.hinge += this.eHinge * d;
      else this.hingeOn = false;
    }
  }

  result(): LovaszTerms {
    return { hinge: this.hinge, soft: this.soft.loss, complementSoft: this.soft.complementLoss, sums: this.sums() };
  }
}

class LogitLovasz extends LovaszConsumer {
  take(z: number, positive: boolean, count: number): void {
    const d = this.soft.take(this.logit(z, positive), positive, count);
    if (this.hingeOn) {
      if (this.eHinge > 0) this.hinge += this.eHinge * d;
      else this.hingeOn = false;
    }
  }
}

class ProbLovasz extends LovaszConsumer {
  take(p: number, positive: boolean, count: number): void {
    const d = this.soft.take(this.prob(p, positive, this.hingeOn), positive, count);
    if (this.hingeOn) {
      if (this.eHinge > 0) this.hinge += this.eHinge * d;
      else this.hingeOn = false;
    }
  }
}

/**
 * The calibration sums, piece by piece (calibratedTerms). In a piece where both groups'
 * voxels are each certainly in one bin, the plain terms, Σ(p − t)² and Σp of the t = 0
 * voxels give them: the piece's counts, Σp of the t = 1 voxels (spt) and of the t = 0 ones
 * (summed apart: sp − spt would lose the small one's digits to the large one's). Two sums
 * per voxel, no more: the consumer's `take` must stay within V8's inlining budget, which
 * the voxel's exp and logs already nearly fill (docs/metrics-extra.md).
 */
abstract class SquaredConsumer extends LovaszConsumer {
  squared = 0;
  /** Σp of the t = 0 voxels (their error e is p). */
  negativeP = 0;
  private before: [number, number] = [0, 0];

  start(positives: number, negatives: number, positivesBefore: number, negativesBefore: number): void {
    super.start(positives, negatives, positivesBefore, negativesBefore);
    this.before = [positivesBefore, negativesBefore];
  }

  /** Adds the piece's voxels to bin `pos` (t = 1) and bin `neg` (t = 0) of c. */
  addTo(c: CalibrationSums, pos: number, neg: number): void {
    const [c1, c0] = this.soft.taken();
    const k1 = c1 - this.before[0];
    const k0 = c0 - this.before[1];
    addToBin(c, pos, k1, this.spt, true);
    addToBin(c, neg, k0, this.negativeP, false);
    c.squaredError += this.squared;
    c.n += k1 + k0;
  }
}

class SquaredLogitLovasz extends SquaredConsumer {
  take(z: number, positive: boolean, count: number): void {
    const e = this.logit(z, positive);
    this.hingeStep(this.soft.take(e, positive, count));
    this.squared += count * e * e;
    if (!positive) this.negativeP += count * e;
  }
}

class SquaredProbLovasz extends SquaredConsumer {
  take(p: number, positive: boolean, count: number): void {
    const e = this.prob(p, positive, this.hingeOn);
    this.hingeStep(this.soft.take(e, positive, count));
    this.squared += count * e * e;
    if (!positive) this.negativeP += count * e;
  }
}

/**
 * In a piece where a group's values lie in a band around a bin edge: each voxel's bin
 * from its value (CalibrationWalk), its p and error as the walk computed them.
 */
class BandLogitLovasz extends LovaszConsumer {
  constructor(gamma: number, readonly cal: CalibrationWalk) {
    super(gamma);
  }

  take(z: number, positive: boolean, count: number): void {
    const e = this.logit(z, positive);
    this.hingeStep(this.soft.take(e, positive, count));
    // p exactly as logit formed it.
    this.cal.take(z, z >= 0 ? this.inv : this.E * this.inv, e, positive, count);
  }
}

class BandProbLovasz extends LovaszConsumer {
  constructor(gamma: number, readonly cal: CalibrationWalk) {
    super(gamma);
  }

  take(p: number, positive: boolean, count: number): void {
    const e = this.prob(p, positive, this.hingeOn);
    this.hingeStep(this.soft.take(e, positive, count));
    this.cal.take(p, p, e, positive, count);
  }
}

/** The order without its linear keys: walkSorted then takes its k-way loop, leaving the 2-way loop's call site to the common consumers. */
function stepwise(order: WalkOrder): WalkOrder {
  return { pos: { key: order.pos.key, forward: order.pos.forward }, neg: { key: order.neg.key, forward: order.neg.forward } };
}

/** The value whose merge key is `key` in a group with a linear key. */
function valueOf(o: WalkOrder['pos'], key: number): number {
  const { scale, offset } = o.linear!;
  return (key - offset) / scale;
}

/** A key inside (above, atMost]. */
function inside(above: number, atMost: number): number {
  if (atMost === Infinity) return above === -Infinity ? 0 : above + 1;
  if (above === -Infinity) return atMost - 1;
  return above + (atMost - above) / 2;
}

/**
 * The terms with the calibration sums: the walk cut at every merge key where a group's
 * values pass from a bin's certain range to an edge's band (BinRanges, both groups' keys),
 * walked piece by piece. In a piece, each group's values lie in one such range or band
 * (keys are monotone in the value, so a piece's values fall in the range of its middle
 * key; a value on a cut is certain on either side). Pieces of certain bins — nearly the
 * whole walk — take one extra product per voxel (SquaredConsumer); pieces in a band find
 * each voxel's bin (BandLogitLovasz), through the k-way loop. The pieces add up like the
 * split walk's segments.
 */
function calibratedTerms(pos: Runs, neg: Runs, input: ClassInput, gamma: number, segment: WalkSegment | undefined, bins: number): LovaszTerms {
  const logits = input === 'logits';
  const ranges = new BinRanges(bins, logits);
  const order = lovaszOrder(input);
  const top = segment?.atMost ?? Infinity;
  const bottom = segment?.above ?? -Infinity;
  const cuts = new Set<number>();
  for (const v of ranges.ends()) cuts.add(order.pos.key(v)).add(order.neg.key(v));
  const bounds = [top, ...[...cuts].filter((k) => k < top && k > bottom).sort((a, b) => b - a), bottom];
  const cal = emptyCalibration(bins);
  // One for every band piece: it finds a voxel's bin wherever the voxel comes from.
  let band: CalibrationWalk | null = null;
  let terms: LovaszTerms | null = null;
  for (let k = 0; k + 1 < bounds.length; k++) {
    const [atMost, above] = [bounds[k], bounds[k + 1]];
    const piece: WalkSegment = { ...(atMost < Infinity ? { atMost } : {}), ...(above > -Infinity ? { above } : {}) };
    const key = inside(above, atMost);
    const binPos = ranges.binAt(valueOf(order.pos, key));
    const binNeg = ranges.binAt(valueOf(order.neg, key));
    let t: LovaszTerms;
    if (binPos >= 0 && binNeg >= 0) {
      const c = logits ? new SquaredLogitLovasz(gamma) : new SquaredProbLovasz(gamma);
      walkSorted({ runs: pos }, { runs: neg }, order, c, piece);
      c.addTo(cal, binPos, binNeg);
      t = c.result();
    } else {
      band ??= new CalibrationWalk(ranges);
      const c = logits ? new BandLogitLovasz(gamma, band) : new BandProbLovasz(gamma, band);
      walkSorted({ runs: pos }, { runs: neg }, stepwise(order), c, piece);
      t = c.result();
    }
    terms = terms ? addTerms(terms, t) : t;
  }
  return { ...terms!, calibration: band ? addCalibration(cal, band.sums()) : cal };
}

/**
 * Every Lovász term of a float class, and every other sum, in one walk over its sorted runs
 * (or one segment of it).
 * @param bins also the calibration sums with this many ECE bins; null: none
 */
export function lovaszTerms(pos: Runs, neg: Runs, input: ClassInput, gamma: number, segment?: WalkSegment, bins: number | null = null): LovaszTerms {
  if (bins !== null) return calibratedTerms(pos, neg, input, gamma, segment, bins);
  const c = input === 'logits' ? new LogitLovasz(gamma) : new ProbLovasz(gamma);
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
