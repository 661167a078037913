// From a prediction to what the metrics need: hard labels and class probabilities.
import type { NumericArray, Volume } from '../types.js';

/**
 * Hard label map of a prediction (losses.md "Metrics"): a label map as is; one channel:
 * p ≥ threshold (logits: z ≥ logit(threshold)) → the foreground label; several channels:
 * argmax, ties to the lowest channel.
 */
export function hardLabels(pred: Volume, threshold: number, foreground: number): NumericArray {
  const n = pred.dims.reduce((a, b) => a * b, 1);
  const d = pred.data;
  if (pred.kind === 'labels') return d;
  if (pred.channels === 1 && pred.quantMax) {
    const max = pred.quantMax;
    const out = foreground < 256 && foreground >= 0 ? new Uint8Array(n) : new Int32Array(n);
    const on = new Uint8Array(max + 1);
    for (let v = 0; v <= max; v++) on[v] = v / max >= threshold ? 1 : 0;
    for (let i = 0; i < n; i++) if (on[d[i]]) out[i] = foreground;
    return out;
  }
  if (pred.channels === 1) {
    const out = foreground < 256 && foreground >= 0 ? new Uint8Array(n) : new Int32Array(n);
    const cut = pred.kind === 'logits' ? Math.log(threshold / (1 - threshold)) : threshold;
    for (let i = 0; i < n; i++) if (d[i] >= cut) out[i] = foreground;
    return out;
  }
  const C = pred.channels;
  const out = C <= 256 ? new Uint8Array(n) : new Int32Array(n);
  const best = Float64Array.from(d.subarray(0, n));
  for (let c = 1; c < C; c++) {
    const off = c * n;
    for (let i = 0; i < n; i++) {
      const v = d[off + i];
      if (v > best[i]) {
        best[i] = v;
        out[i] = c;
      }
    }
  }
  return out;
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
