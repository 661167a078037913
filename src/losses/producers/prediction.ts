// From a prediction to what the metrics need: hard labels and class probabilities.
import type { NumericArray, Volume } from '../../types.js';

function labelArray(n: number, maxLabel: number): Uint8Array | Int32Array {
  return maxLabel < 256 && maxLabel >= 0 ? new Uint8Array(n) : new Int32Array(n);
}

/**
 * Hard label map of a prediction (losses.md "Metrics"): a label map as is; one channel:
 * p ≥ threshold (logits: z ≥ logit(threshold)) → the foreground label; several channels:
 * argmax, ties to the lowest channel.
 */
export function hardLabels(pred: Volume, threshold: number, foreground: number): NumericArray {
  if (pred.kind === 'labels') return pred.data;
  const n = pred.dims.reduce((a, b) => a * b, 1);
  const out = labelArray(n, pred.channels === 1 ? foreground : pred.channels - 1);
  hardLabeller(pred, threshold, foreground)(0, n, out);
  return out;
}

/** Fills out[0, end − start) with the hard labels of voxels [start, end). */
export type HardLabeller = (start: number, end: number, out: Uint8Array | Int32Array) => void;

/**
 * hardLabels for a voxel range at a time, with the cut (or the 8/16-bit lookup table)
 * prepared once: lets the confusion counts run chunk by chunk without a whole-volume
 * label array.
 */
export function hardLabeller(pred: Volume, threshold: number, foreground: number): HardLabeller {
  const n = pred.dims.reduce((a, b) => a * b, 1);
  const d = pred.data;
  if (pred.kind === 'labels') {
    return (start, end, out) => {
      for (let i = start; i < end; i++) out[i - start] = d[i];
    };
  }
  if (pred.channels === 1) {
    if (pred.quantMax) {
      const max = pred.quantMax;
      const on = new Uint8Array(max + 1);
      for (let v = 0; v <= max; v++) on[v] = v / max >= threshold ? 1 : 0;
      return (start, end, out) => {
        for (let i = start; i < end; i++) out[i - start] = on[d[i]] ? foreground : 0;
      };
    }
    const cut = pred.kind === 'logits' ? Math.log(threshold / (1 - threshold)) : threshold;
    return (start, end, out) => {
      for (let i = start; i < end; i++) out[i - start] = d[i] >= cut ? foreground : 0;
    };
  }
  const C = pred.channels;
  return (start, end, out) => {
    for (let i = start; i < end; i++) {
      let best = d[i];
      let arg = 0;
      for (let c = 1; c < C; c++) {
        const v = d[c * n + i];
        if (v > best) {
          best = v;
          arg = c;
        }
      }
      out[i - start] = arg;
    }
  };
}

/** log Σ_c exp(z_c) per voxel, stable (max subtracted), in float64. */
export function logSumExp(z: NumericArray, C: number, n: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let m = -Infinity;
    for (let c = 0; c < C; c++) if (z[c * n + i] > m) m = z[c * n + i];
    let s = 0;
    for (let c = 0; c < C; c++) s += Math.exp(z[c * n + i] - m);
    out[i] = m + Math.log(s);
  }
  return out;
}
