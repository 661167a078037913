// 8/16-bit quantised probabilities through their histograms against the general path.
import { describe, expect, it } from 'vitest';
import { binaryLosses, DEFAULT_LOSS_PARAMS, type LossParams } from '../../../src/losses/index.js';
import { probClass } from '../../../src/losses/producers/probClass.js';
import { quantizedClass } from '../../../src/losses/producers/quantizedClass.js';
import { rng } from '../../helpers/rng.js';

const P = (over: Partial<LossParams> = {}): LossParams => ({ ...DEFAULT_LOSS_PARAMS, ...over });
const ALL = ['dice', 'bce_dice', 'iou', 'focal', 'focal_global', 'tversky', 'focal_tversky', 'lovasz_hinge', 'combo'];

describe('quantised probabilities (8/16-bit PNG)', () => {
  for (const max of [255, 65535]) {
    it(`histogram path equals the general path on random v/${max}, ties included`, () => {
      const r = rng(max);
      const n = 4000;
      const v = Uint16Array.from({ length: n }, () => Math.floor(r() * 12) * Math.floor(max / 11));
      const t = Uint8Array.from({ length: n }, () => (r() < 0.4 ? 1 : 0));
      t[5] = 255; // an ignored voxel
      const q = quantizedClass(v, max, t, 2, true);
      const g = probClass(Float64Array.from(v, (x) => x / max), t, 2, true);
      const a = binaryLosses(q.sums, P(), ALL);
      const b = binaryLosses(g.sums, P(), ALL);
      for (const k of ALL) expect(a[k]!).toBeCloseTo(b[k]!, 9);
      expect(q.softmaxTerm).toBeCloseTo(g.softmaxTerm, 12);
      expect(q.complementSoftmaxTerm).toBeCloseTo(g.complementSoftmaxTerm, 12);
    });
  }
});
