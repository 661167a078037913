// Σp and Σp·t taken alone must be the very sums the full pass takes (same p, same order):
// a dice-only request reports bit for bit the dice of the default request.
import { describe, expect, it } from 'vitest';
import { DEFAULT_EVAL_OPTIONS, evaluateCase } from '../../../src/losses/index.js';
import { classPart } from '../../../src/losses/producers/probClass.js';
import type { Volume } from '../../../src/types.js';
import { rng } from '../../helpers/rng.js';

const n = 3 * (1 << 20) + 12345; // several 1 Mi-voxel chunks and a partial one
const r = rng(31);
const t = Uint8Array.from({ length: n }, (_, i) => (i % 17 === 0 ? 255 : r() < 0.35 ? 1 : 0));
// Logits over a wide range (both signs, |z| up to 40) and probabilities in [0, 1].
const z = Float32Array.from({ length: n }, () => (r() - 0.5) * 80);
const p = Float32Array.from({ length: n }, () => r());

describe('the probability sums alone', () => {
  for (const [input, values] of [['logits', z], ['probs', p]] as const) {
    it(`equal the full pass's n, Σt, Σp and Σp·t exactly (${input})`, () => {
      const full = classPart(input, values, t, 2, false).sums;
      const lean = classPart(input, values, t, 2, false, undefined, true).sums;
      expect(Object.is(lean.sp, full.sp)).toBe(true);
      expect(Object.is(lean.spt, full.spt)).toBe(true);
      expect(lean.n).toBe(full.n);
      expect(lean.st).toBe(full.st);
      // Counted by hand: every voxel not ignored, and the t = 1 ones.
      expect(lean.n).toBe(t.filter((v) => v !== 255).length);
      expect(lean.st).toBe(t.filter((v) => v === 1).length);
    });
  }

  it('give a dice-only request the dice, IoU and Tversky losses of the full request, bit for bit', () => {
    const dims = [128, 128, 64];
    const m = 128 * 128 * 64;
    const gt: Volume = { data: Uint8Array.from({ length: m }, () => (r() < 0.2 ? 1 : 0)), dims, channels: 1, spacing: null, kind: 'labels', integer: true };
    const pred = (): Volume => ({ data: z.subarray(0, m), dims, channels: 1, spacing: null, kind: 'logits', integer: false });
    const all = evaluateCase(gt, pred(), { ...DEFAULT_EVAL_OPTIONS, losses: ['dice', 'iou', 'tversky', 'focal_tversky', 'bce_dice'] });
    const lean = evaluateCase(gt, pred(), { ...DEFAULT_EVAL_OPTIONS, losses: ['dice', 'iou', 'tversky', 'focal_tversky'] });
    for (const k of ['dice', 'iou', 'tversky', 'focal_tversky']) expect(lean.labels['1'].losses[k]).toBe(all.labels['1'].losses[k]);
  });
});
