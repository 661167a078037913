// The binary losses of losses.md over a class's sums, against hand calculations and the
// identities between them.
import { describe, expect, it } from 'vitest';
import { binaryLosses, DEFAULT_LOSS_PARAMS, type LossParams } from '../../../src/losses/index.js';
import { logitClass, probClass } from '../../../src/losses/producers/probClass.js';
import { randomCase } from '../../helpers/lovasz.js';

const P = (over: Partial<LossParams> = {}): LossParams => ({ ...DEFAULT_LOSS_PARAMS, ...over });
const ALL = ['dice', 'bce_dice', 'iou', 'focal', 'focal_global', 'tversky', 'focal_tversky', 'lovasz_hinge', 'combo'];

describe('dice loss', () => {
  it('is 1 − (2·Spt + s)/(Sp + St + s) — hand example', () => {
    // p = [1, 0, 1, 0], t = [1, 1, 0, 0]: Sp = 2, St = 2, Spt = 1 → 1 − 3/5 = 0.4
    const r = probClass([1, 0, 1, 0], Uint8Array.from([1, 1, 0, 0]), 2, false);
    expect(binaryLosses(r.sums, P(), ['dice']).dice).toBeCloseTo(0.4, 15);
  });
  it('is 0/0 → null with smooth 0 on an empty pair', () => {
    const r = probClass([0, 0], Uint8Array.from([0, 0]), 2, false);
    expect(binaryLosses(r.sums, P({ smooth: 0 }), ['dice']).dice).toBeNull();
  });
});

describe('iou loss', () => {
  it('is 1 − (Spt + s)/(Sp + St − Spt + s) — hand example', () => {
    // Sp = 1.5, St = 2, Spt = 0.5 (p = [0.5, 0, 1], t = [1, 1, 0]) → 1 − 1.5/4 = 0.625
    const r = probClass([0.5, 0, 1], Uint8Array.from([1, 1, 0]), 2, false);
    expect(binaryLosses(r.sums, P(), ['iou']).iou).toBeCloseTo(0.625, 15);
  });
});

describe('bce and focal', () => {
  it('focal with γ = 0 and α = 1 equals the mean BCE', () => {
    const { p, t } = randomCase(1, 500);
    const r = probClass(p, t, 0, false);
    const l = binaryLosses(r.sums, P({ focalGamma: 0, focalAlpha: 1, smooth: 0 }), ['focal', 'bce_dice', 'dice']);
    expect(l.focal!).toBeCloseTo(l.bce_dice! - l.dice!, 12);
  });
  it('BCE clamps log 0 at −100 (PyTorch binary_cross_entropy)', () => {
    // One wrong hard voxel of two: BCE = (100 + 0)/2 = 50; dice = 1 − (0 + 1)/(0 + 1 + 1) = 1/2
    const r = probClass([0, 0], Uint8Array.from([1, 0]), 2, false);
    expect(binaryLosses(r.sums, P(), ['bce_dice']).bce_dice).toBeCloseTo(50.5, 12);
  });
  it('balanced focal weighs positives α and negatives 1 − α', () => {
    // p = 0.5 everywhere: BCE_i = ln 2, focal term (1 − ½)² ln 2 = ln2/4 per voxel.
    // t = [1, 0]: balanced α = 0.25 → (0.25·ln2/4 + 0.75·ln2/4)/2 = ln2/8
    const r = probClass([0.5, 0.5], Uint8Array.from([1, 0]), 2, false);
    expect(binaryLosses(r.sums, P({ focalMode: 'balanced', focalAlpha: 0.25 }), ['focal']).focal).toBeCloseTo(Math.LN2 / 8, 14);
  });
  it('focal_global applies the focal term to the mean BCE', () => {
    // BCE = ln 2 → 0.8 · (1 − ½)² · ln 2
    const r = probClass([0.5, 0.5], Uint8Array.from([1, 0]), 2, false);
    expect(binaryLosses(r.sums, P(), ['focal_global']).focal_global).toBeCloseTo(0.8 * 0.25 * Math.LN2, 14);
  });
  it('logits give the same sums as their sigmoid probabilities', () => {
    const { p, t, z } = randomCase(2, 400);
    const a = binaryLosses(logitClass(z, t, 2, true).sums, P(), ALL);
    const b = binaryLosses(probClass(p, t, 2, true).sums, P(), ALL);
    for (const k of ALL) expect(a[k]!).toBeCloseTo(b[k]!, 9);
  });
  it('logits are exact where probabilities would saturate', () => {
    // z = −40 with t = 1: BCE = softplus(40) = 40 + log1p(e^−40), not the −100 clamp of p = 0
    const r = logitClass([-40], Uint8Array.from([1]), 2, false);
    expect(-r.sums.sumTLogP).toBeCloseTo(40 + Math.log1p(Math.exp(-40)), 12);
  });
});

describe('tversky', () => {
  const { p, t } = randomCase(3, 300);
  const sums = probClass(p, t, 2, false).sums;
  // The identities hold for the unsmoothed indices: with s > 0, T adds s where Dice adds s/2.
  it('α = β = 0.5 is Dice', () => {
    const l = binaryLosses(sums, P({ smooth: 0 }), ['tversky', 'dice']);
    expect(l.tversky!).toBeCloseTo(l.dice!, 14);
  });
  it('α = β = 1 is Jaccard', () => {
    const l = binaryLosses(sums, P({ tverskyAlpha: 1, tverskyBeta: 1, smooth: 0 }), ['tversky', 'iou']);
    expect(l.tversky!).toBeCloseTo(l.iou!, 14);
  });
  it('focal tversky is (1 − T)^γ', () => {
    const l = binaryLosses(sums, P({ focalTverskyGamma: 0.75 }), ['tversky', 'focal_tversky']);
    expect(l.focal_tversky!).toBeCloseTo(Math.pow(l.tversky!, 0.75), 14);
  });
});

describe('combo', () => {
  it('is α·wBCE − (1 − α)·DSC (Taghanaki et al.) — hand example', () => {
    // p = [0.5, 0.5], t = [1, 0]: wBCE = −(β ln½ + (1−β) ln½)/2 = ln2/2 for any β;
    // DSC = (2·0.5 + 1)/(1 + 1 + 1) = 2/3 → 0.5·ln2/2 − 0.5·2/3
    const r = probClass([0.5, 0.5], Uint8Array.from([1, 0]), 2, false);
    expect(binaryLosses(r.sums, P(), ['combo']).combo).toBeCloseTo(0.25 * Math.LN2 - 1 / 3, 14);
  });
  it('has its minimum −(1 − α) on a perfect prediction', () => {
    const r = probClass([1, 0, 1], Uint8Array.from([1, 0, 1]), 2, false);
    expect(binaryLosses(r.sums, P({ comboAlpha: 0.6 }), ['combo']).combo).toBeCloseTo(-0.4, 14);
  });
});
