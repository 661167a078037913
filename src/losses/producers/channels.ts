// Class probabilities of a float prediction, one class at a time: P_c of a channel (or
// of a binary prediction's foreground and background), and a region's p = min(1, sum of P_c).
import type { Volume } from '../../types.js';
import { softmaxParts } from './prediction.js';
import { divided } from '../speed/elementwise.js';

/** Per-channel class probabilities P_c as arrays, for probability-based classes. */
export interface ChannelSource {
  channels: number;
  /** P_c over the case's voxels; c outside the prediction's channels is all zeros. */
  channel(c: number): ArrayLike<number>;
}

export function channelSource(pred: Volume, fg: number): ChannelSource {
  const n = pred.dims.reduce((a, b) => a * b, 1);
  const zeros = () => new Float64Array(n);
  if (pred.channels === 1) {
    let fgP: ArrayLike<number> | null = null;
    const fgProb = (): ArrayLike<number> => {
      if (fgP) return fgP;
      if (pred.kind === 'logits') {
        const out = new Float64Array(n);
        const z = pred.data;
        for (let i = 0; i < n; i++) out[i] = z[i] >= 0 ? 1 / (1 + Math.exp(-z[i])) : Math.exp(z[i]) / (1 + Math.exp(z[i]));
        fgP = out;
      } else if (pred.quantMax) {
        const max = pred.quantMax;
        fgP = divided(pred.data, max);
      } else fgP = pred.data;
      return fgP;
    };
    return {
      channels: 2,
      channel(c) {
        if (c === fg) return fgProb();
        if (c === 0) {
          const p = fgProb();
          const out = new Float64Array(n);
          for (let i = 0; i < n; i++) out[i] = 1 - p[i];
          return out;
        }
        return zeros();
      },
    };
  }
  if (pred.kind === 'logits') {
    // P_c = e^{z_c − m} / s in float64, one class at a time: memory of three volumes, not C.
    const { max, sum } = softmaxParts(pred.data, pred.channels, n);
    const z = pred.data;
    return {
      channels: pred.channels,
      channel(c) {
        if (!(c >= 0 && c < pred.channels && Number.isInteger(c))) return zeros();
        const out = new Float64Array(n);
        const off = c * n;
        for (let i = 0; i < n; i++) out[i] = Math.exp(z[off + i] - max[i]) / sum[i];
        return out;
      },
    };
  }
  const probs = pred.data;
  return {
    channels: pred.channels,
    channel(c) {
      return c >= 0 && c < pred.channels && Number.isInteger(c) ? probs.subarray(c * n, (c + 1) * n) : zeros();
    },
  };
}

/** A region's probability: the sum of its labels' P_c, at most 1. */
export function regionProb(src: ChannelSource, labels: number[], n: number): Float64Array {
  const out = new Float64Array(n);
  for (const l of labels) {
    const p = src.channel(l);
    for (let i = 0; i < n; i++) out[i] += p[i];
  }
  // A sum that rounding puts above 1 counts as 1 (losses.md, regions).
  for (let i = 0; i < n; i++) if (out[i] > 1) out[i] = 1;
  return out;
}
