// The closed forms of a hard label-map prediction against the general probability path.
import { describe, expect, it } from 'vitest';
import { binaryLosses, DEFAULT_LOSS_PARAMS, type LossParams } from '../../../src/losses/index.js';
import { labelMapSums } from '../../../src/losses/producers/labelMapClass.js';
import { probClass } from '../../../src/losses/producers/probClass.js';
import { rng } from '../../helpers/rng.js';

const P = (over: Partial<LossParams> = {}): LossParams => ({ ...DEFAULT_LOSS_PARAMS, ...over });
const ALL = ['dice', 'bce_dice', 'iou', 'focal', 'focal_global', 'tversky', 'focal_tversky', 'lovasz_hinge', 'combo'];

describe('label-map closed forms', () => {
  it('equal the general probability path on random hard predictions', () => {
    const r = rng(8);
    const n = 200;
    const p = Array.from({ length: n }, () => (r() < 0.4 ? 1 : 0));
    const t = Uint8Array.from({ length: n }, () => (r() < 0.35 ? 1 : 0));
    let tp = 0, fp = 0, fn = 0;
    for (let i = 0; i < n; i++) {
      if (p[i] && t[i]) tp++;
      else if (p[i]) fp++;
      else if (t[i]) fn++;
    }
    const closed = binaryLosses(labelMapSums({ tp, fp, fn, tn: n - tp - fp - fn }, 2), P(), ALL);
    const general = binaryLosses(probClass(p, t, 2, true).sums, P(), ALL);
    for (const k of ALL) expect(closed[k]!).toBeCloseTo(general[k]!, 9);
  });
});
