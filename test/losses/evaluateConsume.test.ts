// evaluateCase with a prediction it may overwrite (the float32 sort keys in its memory)
// must give exactly the numbers it gives when it may not: same sorted runs, same walk.
import { describe, expect, it } from 'vitest';
import { DEFAULT_EVAL_OPTIONS, evaluateCase, type EvalOptions } from '../../src/losses/index.js';
import { ThreadScratch } from '../../src/losses/scratch.js';
import type { Volume } from '../../src/types.js';
import { rng } from '../helpers/rng.js';

const ALL_LOSSES = ['dice', 'bce_dice', 'iou', 'focal', 'focal_global', 'tversky', 'focal_tversky', 'lovasz_hinge', 'lovasz_softmax', 'combo'];
const dims = [16, 12, 10];
const n = 16 * 12 * 10;
const opts = (over: Partial<EvalOptions> = {}): EvalOptions => ({ ...DEFAULT_EVAL_OPTIONS, losses: ALL_LOSSES, metrics: ['dice', 'auroc', 'ap', 'brier', 'ece', 'nll'], ...over });
const vol = (data: Volume['data'], kind: Volume['kind']): Volume => ({ data, dims, channels: 1, spacing: [1, 1, 2], kind, integer: kind === 'labels' });

function binaryCase(seed: number): { gt: Uint8Array; z: Float32Array } {
  const r = rng(seed);
  const gt = Uint8Array.from({ length: n }, () => (r() < 0.3 ? 1 : 0));
  // Logits that lean towards the truth, with repeats (sorted runs share values).
  const z = Float32Array.from(gt, (g, i) => (i % 7 === 0 ? 0.5 : (g ? 1 : -1) * r() * 4 + (r() - 0.5) * 3));
  return { gt, z };
}

describe('evaluateCase on a prediction it may overwrite', () => {
  it('gives exactly the values of the copy it may not overwrite (every loss, AUROC, AP, calibration)', () => {
    const { gt, z } = binaryCase(5);
    const kept = evaluateCase(vol(gt, 'labels'), vol(z.slice(), 'logits'), opts());
    const pred = vol(z.slice(), 'logits');
    const consumed = evaluateCase(vol(gt, 'labels'), pred, opts(), undefined, true);
    expect(consumed).toEqual(kept);
    // It did sort in the prediction's memory: the values are gone (now ascending keys).
    expect(Array.from(pred.data)).not.toEqual(Array.from(z));
  });

  it('gives the same values with an ignored label, whose voxels stay out of every sum', () => {
    const { gt, z } = binaryCase(8);
    const g = Uint8Array.from(gt, (v, i) => (i % 13 === 0 ? 9 : v));
    const o = opts({ ignoreIndex: 9 });
    const kept = evaluateCase(vol(g, 'labels'), vol(z.slice(), 'logits'), o);
    const consumed = evaluateCase(vol(g, 'labels'), vol(z.slice(), 'logits'), o, undefined, true);
    expect(consumed).toEqual(kept);
  });

  it('leaves the prediction alone when it is read again (background as a second target, a ground truth without foreground)', () => {
    const { gt, z } = binaryCase(11);
    const withBg = vol(z.slice(), 'logits');
    const a = evaluateCase(vol(gt, 'labels'), withBg, opts({ includeBackground: true }), undefined, true);
    expect(Array.from(withBg.data)).toEqual(Array.from(z));
    expect(a).toEqual(evaluateCase(vol(gt, 'labels'), vol(z.slice(), 'logits'), opts({ includeBackground: true })));
    const empty = vol(z.slice(), 'logits');
    const b = evaluateCase(vol(new Uint8Array(n), 'labels'), empty, opts({ targets: [{ key: '1', labels: [1] }] }), undefined, true);
    expect(Array.from(empty.data)).toEqual(Array.from(z));
    expect(b).toEqual(evaluateCase(vol(new Uint8Array(n), 'labels'), vol(z.slice(), 'logits'), opts({ targets: [{ key: '1', labels: [1] }] })));
  });

  it('scores the background of binary logits as the foreground of the mirrored case (1 − t, −z), its keys in the thread\'s key memory', () => {
    // Class 0 of (t, z) is class 1 of (1 − t, −z) by definition, every loss and metric
    // alike; the background path negates into the thread's key buffer and sorts there,
    // the mirrored case takes the ordinary foreground path. One scratch serves every case
    // in turn, as on a worker thread, so a key buffer left dirty would show.
    const scratch = new ThreadScratch();
    for (const seed of [3, 17, 29]) {
      const { gt, z } = binaryCase(seed);
      for (const ignoreIndex of [null, 9]) {
        const g = ignoreIndex === null ? gt : Uint8Array.from(gt, (v, i) => (i % 11 === 0 ? 9 : v));
        const mirrorGt = Uint8Array.from(g, (v) => (v === 9 ? 9 : 1 - v));
        const withBg = evaluateCase(vol(g, 'labels'), vol(z.slice(), 'logits'), opts({ includeBackground: true, ignoreIndex }), scratch);
        const mirrored = evaluateCase(vol(mirrorGt, 'labels'), vol(Float32Array.from(z, (v) => -v), 'logits'), opts({ ignoreIndex }), scratch);
        const bg = withBg.labels['0'];
        const fg = mirrored.labels['1'];
        for (const [k, v] of Object.entries(fg.losses)) expect(bg.losses[k], `${seed} ${ignoreIndex} ${k}`).toBeCloseTo(v as number, 12);
        for (const k of ['dice', 'auroc', 'ap', 'brier', 'ece', 'nll']) expect(bg.metrics[k], `${seed} ${ignoreIndex} ${k}`).toBeCloseTo(fg.metrics[k] as number, 12);
      }
    }
  });
});
