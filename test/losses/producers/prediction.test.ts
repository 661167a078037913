import { describe, expect, it } from 'vitest';
import { foregroundCut, hardLabels } from '../../../src/losses/producers/prediction.js';
import type { Volume } from '../../../src/types.js';

function volume(data: Volume['data'], kind: Volume['kind'], extra: Partial<Volume> = {}): Volume {
  return { data, dims: [data.length], channels: 1, spacing: null, kind, integer: false, ...extra };
}

describe('foregroundCut: the value from which one channel is foreground (losses.md "Metrics")', () => {
  it('logits: z ≥ logit(threshold)', () => {
    expect(foregroundCut(volume(new Float32Array(1), 'logits'), 0.5)).toBe(0);
    // logit(0.8) = ln 4
    expect(foregroundCut(volume(new Float32Array(1), 'logits'), 0.8)).toBeCloseTo(Math.log(4), 14);
  });

  it('probabilities: p ≥ threshold', () => {
    expect(foregroundCut(volume(new Float32Array(1), 'probs'), 0.3)).toBe(0.3);
  });

  it('quantised: the least v with v / quantMax ≥ threshold, and the hard labels agree with that rule at every v', () => {
    // 127/255 = 0.498 < 0.5 ≤ 128/255 = 0.502
    const all = Uint8Array.from({ length: 256 }, (_, v) => v);
    expect(foregroundCut(volume(all, 'probs', { quantMax: 255 }), 0.5)).toBe(128);
    // No v reaches a threshold above 1: none is foreground.
    expect(foregroundCut(volume(all, 'probs', { quantMax: 255 }), 1.5)).toBe(256);
    for (const threshold of [0, 0.1, 0.5, 0.77, 1]) {
      const hard = hardLabels(volume(all, 'probs', { quantMax: 255 }), threshold, 3);
      for (let v = 0; v < 256; v++) expect(hard[v], `v ${v}, threshold ${threshold}`).toBe(v / 255 >= threshold ? 3 : 0);
    }
  });

  it('none for label maps and for several channels', () => {
    expect(foregroundCut(volume(new Uint8Array(2), 'labels'), 0.5)).toBeNull();
    expect(foregroundCut(volume(new Float32Array(4), 'probs', { channels: 2, dims: [2] }), 0.5)).toBeNull();
  });
});
