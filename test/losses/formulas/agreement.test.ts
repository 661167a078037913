// The confusion-count agreement metrics (metrics-extra.md), each branch of each zero
// denominator, against hand calculations and sklearn's formulas where those are defined.
import { describe, expect, it } from 'vitest';
import { agreementMetrics, avd, balancedAccuracy, f2, kappa, mcc, rvd } from '../../../src/losses/formulas/agreement.js';

const c = (tp: number, fp: number, fn: number, tn: number) => ({ tp, fp, fn, tn });

// An ordinary case: tp 40, fp 10, fn 20, tn 130 (N = 200).
const ORDINARY = c(40, 10, 20, 130);

describe('mcc', () => {
  it('is (tp·tn − fp·fn)/√((tp+fp)(tp+fn)(tn+fp)(tn+fn)) when defined', () => {
    // (40·130 − 10·20)/√(50·60·140·150) = 5000/√63 000 000
    expect(mcc(ORDINARY, 'one')).toBeCloseTo(5000 / Math.sqrt(63_000_000), 15);
  });
  it('is E for an empty pair: 1 under --empty one, null under nan', () => {
    expect(mcc(c(0, 0, 0, 50), 'one')).toBe(1);
    expect(mcc(c(0, 0, 0, 50), 'nan')).toBeNull();
  });
  it('is 1 when every voxel is tp (whatever --empty says)', () => {
    expect(mcc(c(50, 0, 0, 0), 'nan')).toBe(1);
  });
  it('is −1 when every voxel is fp, or every voxel fn', () => {
    expect(mcc(c(0, 50, 0, 0), 'one')).toBe(-1);
    expect(mcc(c(0, 0, 50, 0), 'one')).toBe(-1);
  });
  it('is 0 for the other zero denominators (gt empty with some fp; gt full with some fn)', () => {
    expect(mcc(c(0, 5, 0, 45), 'one')).toBe(0);
    expect(mcc(c(30, 0, 20, 0), 'one')).toBe(0);
    expect(mcc(c(0, 0, 7, 43), 'one')).toBe(0); // pred empty
  });
});

describe('kappa', () => {
  it('is 2(tp·tn − fn·fp)/((tp+fp)(fp+tn) + (tp+fn)(fn+tn)) = (p_o − p_e)/(1 − p_e)', () => {
    const { tp, fp, fn, tn } = ORDINARY;
    const N = tp + fp + fn + tn;
    const po = (tp + tn) / N;
    const pe = ((tp + fp) * (tp + fn) + (fn + tn) * (fp + tn)) / (N * N);
    expect(kappa(ORDINARY, 'one')).toBeCloseTo((po - pe) / (1 - pe), 14);
    expect(kappa(ORDINARY, 'one')).toBeCloseTo((2 * (40 * 130 - 20 * 10)) / (50 * 140 + 60 * 150), 15);
  });
  it('is E for an empty pair and 1 when every voxel is tp', () => {
    expect(kappa(c(0, 0, 0, 9), 'one')).toBe(1);
    expect(kappa(c(0, 0, 0, 9), 'nan')).toBeNull();
    expect(kappa(c(9, 0, 0, 0), 'nan')).toBe(1);
  });
  it('is 0, not undefined, when only one mask is empty', () => {
    expect(kappa(c(0, 4, 0, 5), 'one')).toBe(0);
    expect(kappa(c(0, 9, 0, 0), 'one')).toBe(0); // every voxel fp: (0 − 0)/(9·9 + 0)
  });
});

describe('balanced_accuracy', () => {
  it('is the mean of recall and specificity', () => {
    expect(balancedAccuracy(ORDINARY, 'one')).toBeCloseTo((40 / 60 + 130 / 140) / 2, 15);
  });
  it('is the specificity alone when the gt is empty, the recall alone when the gt is full', () => {
    expect(balancedAccuracy(c(0, 3, 0, 7), 'nan')).toBeCloseTo(0.7, 15);
    expect(balancedAccuracy(c(6, 0, 4, 0), 'nan')).toBeCloseTo(0.6, 15);
  });
  it('is E for an empty pair', () => {
    expect(balancedAccuracy(c(0, 0, 0, 10), 'one')).toBe(1);
    expect(balancedAccuracy(c(0, 0, 0, 10), 'nan')).toBeNull();
  });
});

describe('f2', () => {
  it('is 5tp/(5tp + 4fn + fp)', () => {
    expect(f2(ORDINARY, 'one')).toBeCloseTo(200 / (200 + 80 + 10), 15);
  });
  it('is 0 when tp = 0 but a mask is not empty, E for an empty pair', () => {
    expect(f2(c(0, 3, 0, 7), 'one')).toBe(0);
    expect(f2(c(0, 0, 0, 7), 'one')).toBe(1);
    expect(f2(c(0, 0, 0, 7), 'nan')).toBeNull();
  });
});

describe('rvd', () => {
  it('is (|P| − |G|)/|G|, signed', () => {
    expect(rvd(ORDINARY, 'one')).toBeCloseTo((50 - 60) / 60, 15);
    expect(rvd(c(10, 5, 0, 5), 'one')).toBeCloseTo(0.5, 15);
  });
  it('is 0 for an empty pair under --empty one, null under nan', () => {
    expect(rvd(c(0, 0, 0, 5), 'one')).toBe(0);
    expect(rvd(c(0, 0, 0, 5), 'nan')).toBeNull();
  });
  it('is null when only the gt is empty', () => {
    expect(rvd(c(0, 3, 0, 5), 'one')).toBeNull();
  });
  it('is −1 when only the prediction is empty', () => {
    expect(rvd(c(0, 0, 4, 5), 'one')).toBe(-1);
  });
});

describe('avd', () => {
  it('is ||P| − |G|| × voxel volume in ml', () => {
    // |P| = 50, |G| = 60, 0.5 × 0.5 × 2 mm = 0.5 mm³: 10 × 0.5 / 1000 ml
    expect(avd(ORDINARY, 0.5)).toBeCloseTo(0.005, 15);
  });
  it('is null when the spacing is unknown, and 0 for an empty pair whatever --empty says', () => {
    expect(avd(ORDINARY, null)).toBeNull();
    expect(agreementMetrics(c(0, 0, 0, 5), 'nan', 1).avd).toBe(0);
  });
});

describe('agreementMetrics', () => {
  it('is null for every key when the label has no evaluated voxel', () => {
    expect(agreementMetrics(c(0, 0, 0, 0), 'one', 1)).toEqual({ mcc: null, kappa: null, balanced_accuracy: null, f2: null, rvd: null, avd: null });
  });
});
