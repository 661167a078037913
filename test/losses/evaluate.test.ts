// evaluateCase identities: different routes to the same numbers must agree.
import { describe, expect, it } from 'vitest';
import { DEFAULT_EVAL_OPTIONS, evaluateCase, type EvalOptions } from '../../src/losses/index.js';
import type { Volume } from '../../src/types.js';
import { rng } from '../helpers/rng.js';

const ALL_LOSSES = ['dice', 'bce_dice', 'iou', 'focal', 'focal_global', 'tversky', 'focal_tversky', 'lovasz_hinge', 'lovasz_softmax', 'combo'];
const opts = (over: Partial<EvalOptions> = {}): EvalOptions => ({ ...DEFAULT_EVAL_OPTIONS, losses: ALL_LOSSES, ...over });


const dims = [12, 10, 6];
const n = 12 * 10 * 6;
function labels(seed: number, C: number): Uint8Array {
  const r = rng(seed);
  return Uint8Array.from({ length: n }, () => Math.floor(r() * C));
}
const vol = (data: Volume['data'], kind: Volume['kind'], channels = 1): Volume => ({ data, dims, channels, spacing: [1, 1, 2], kind, integer: kind === 'labels' });

function expectSame(a: ReturnType<typeof evaluateCase>, b: ReturnType<typeof evaluateCase>, keys: string[]) {
  expect(Object.keys(a.labels)).toEqual(Object.keys(b.labels));
  for (const k of keys) {
    for (const [l, lv] of Object.entries(a.labels)) {
      expect(lv.losses[k] ?? lv.metrics[k], `${l}.${k}`).toBeCloseTo((b.labels[l].losses[k] ?? b.labels[l].metrics[k]) as number, 9);
    }
  }
}

describe('evaluateCase', () => {
  const gt = vol(labels(1, 4), 'labels');
  const predLabels = labels(2, 4);

  it('gives a label map the same numbers as its one-hot probabilities (closed forms = general path)', () => {
    const oneHot = new Float32Array(4 * n);
    predLabels.forEach((c, i) => (oneHot[c * n + i] = 1));
    const a = evaluateCase(gt, vol(predLabels, 'labels'), opts({ metrics: ['dice', 'iou', 'tp', 'fp', 'fn'] }));
    const b = evaluateCase(gt, vol(oneHot, 'probs', 4), opts({ metrics: ['dice', 'iou', 'tp', 'fp', 'fn'] }));
    expectSame(a, b, ['dice', 'iou', 'tp', 'fp', 'fn', ...ALL_LOSSES.filter((k) => k !== 'lovasz_softmax')]);
    expect(a.lovaszSoftmax!).toBeCloseTo(b.lovaszSoftmax!, 12);
  });

  it('evaluates a one-label region exactly like that label (losses.md: ET alone equals label 3)', () => {
    const r = rng(3);
    const probs = new Float32Array(4 * n);
    for (let i = 0; i < n; i++) {
      const w = [r(), r(), r(), r()];
      const s = w.reduce((x, y) => x + y);
      w.forEach((x, c) => (probs[c * n + i] = x / s));
    }
    const pred = vol(probs, 'probs', 4);
    const asLabel = evaluateCase(gt, pred, opts({ targets: [{ key: '3', labels: [3] }] }));
    const asRegion = evaluateCase(gt, pred, opts({ targets: [{ key: 'ET', labels: [3] }], regions: true }));
    for (const k of ALL_LOSSES.filter((x) => x !== 'lovasz_softmax')) {
      expect(asRegion.labels.ET.losses[k]!).toBeCloseTo(asLabel.labels['3'].losses[k]!, 6);
    }
    expect(asRegion.labels.ET.metrics.dice).toBe(asLabel.labels['3'].metrics.dice);
  });

  it('ignores --ignore-index voxels whatever is predicted there', () => {
    const g = Uint8Array.from(gt.data);
    for (let i = 0; i < n; i += 7) g[i] = 255;
    const p1 = Uint8Array.from(predLabels);
    const p2 = Uint8Array.from(predLabels);
    for (let i = 0; i < n; i += 7) p2[i] = (p2[i] + 1) % 4;
    const o = opts({ ignoreIndex: 255, metrics: ['dice', 'tp', 'tn'] });
    const a = evaluateCase(vol(g, 'labels'), vol(p1, 'labels'), o);
    const b = evaluateCase(vol(g, 'labels'), vol(p2, 'labels'), o);
    expectSame(a, b, ['dice', 'tp', 'tn', ...ALL_LOSSES.filter((k) => k !== 'lovasz_softmax')]);
    expect(a.voxels).toBe(n - Math.ceil(n / 7));
  });

  it('scores a binary prediction’s background as the complement with --include-background', () => {
    const bin = vol(Uint8Array.from(gt.data, (v) => (v > 1 ? 1 : 0)), 'labels');
    const r = rng(4);
    const z = Float32Array.from({ length: n }, () => (r() - 0.5) * 6);
    const a = evaluateCase(bin, vol(z, 'logits'), opts({ includeBackground: true }));
    const neg = Float32Array.from(z, (v) => -v);
    const flipped = vol(Uint8Array.from(bin.data, (v) => 1 - v), 'labels');
    const b = evaluateCase(flipped, vol(neg, 'logits'), opts({ targets: [{ key: '1', labels: [1] }] }));
    for (const k of ALL_LOSSES.filter((x) => x !== 'lovasz_softmax')) {
      expect(a.labels['0'].losses[k]!).toBeCloseTo(b.labels['1'].losses[k]!, 9);
    }
  });
});
