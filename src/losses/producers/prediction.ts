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

/**
 * The value from which a one-channel prediction's voxel is foreground: logits z ≥
 * logit(threshold), probabilities p ≥ threshold, quantised v ≥ the least v with
 * v / quantMax ≥ threshold (quantMax + 1 when there is none). Null for label maps and
 * several channels.
 */
export function foregroundCut(pred: Volume, threshold: number): number | null {
  if (pred.kind === 'labels' || pred.channels !== 1) return null;
  if (pred.quantMax) {
    const max = pred.quantMax;
    let v = 0;
    while (v <= max && !(v / max >= threshold)) v++;
    return v;
  }
  return cutOf(pred.kind, threshold);
}

/** The cut of float values: z ≥ logit(threshold) for logits, p ≥ threshold for probabilities. */
export function cutOf(input: 'logits' | 'probs', threshold: number): number {
  return input === 'logits' ? Math.log(threshold / (1 - threshold)) : threshold;
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
  const cut = foregroundCut(pred, threshold);
  if (cut !== null) {
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

/**
 * Per voxel, the largest logit m and s = Σ_c e^{z_c − m}: softmax P_c = e^{z_c − m} / s, the
 * textbook (NumPy, PyTorch) formula. exp(z − logsumexp) differs from it in the last bit,
 * which moves p = 1/3 (three equal logits) off a reliability-bin edge.
 */
export function softmaxParts(z: NumericArray, C: number, n: number): { max: Float64Array; sum: Float64Array } {
  const max = new Float64Array(n);
  const sum = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let m = -Infinity;
    for (let c = 0; c < C; c++) if (z[c * n + i] > m) m = z[c * n + i];
    let s = 0;
    for (let c = 0; c < C; c++) s += Math.exp(z[c * n + i] - m);
    max[i] = m;
    sum[i] = s;
  }
  return { max, sum };
}

