// Pairing a decoded prediction with its ground truth (cli.md Inputs): axes, channels,
// the {0,255} PNG rule, --input auto, and the errors for arrays that do not fit.
import { describe, expect, it } from 'vitest';
import { relayout } from '../../src/pipeline/layout.js';
import { toGroundTruth, toPrediction, type PredictionOptions } from '../../src/pipeline/volume.js';
import { InputError, type RawArray } from '../../src/types.js';

const OPTS: PredictionOptions = { input: 'auto', ignoreIndex: null, npyAxes: null };

function raw(over: Partial<RawArray> & Pick<RawArray, 'data' | 'shape'>): RawArray {
  return { path: 'x', format: 'npy', dtype: 'float32', integer: false, order: 'C', spacing: null, ...over };
}

/** A NIfTI ground truth (x, y, z) = (2, 3, 4) whose value at (x, y, z) is x + 10y + 100z (all distinct labels). */
function niftiGt() {
  const data = new Int32Array(24);
  for (let z = 0; z < 4; z++) for (let y = 0; y < 3; y++) for (let x = 0; x < 2; x++) data[x + 2 * (y + 3 * z)] = x + 10 * y + 100 * z;
  return toGroundTruth(raw({ path: 'gt.nii', format: 'nifti', dtype: 'int32', integer: true, order: 'F', data, shape: [2, 3, 4], spacing: [0.5, 1, 2] }), null);
}

describe('relayout', () => {
  it('returns the array itself when it is already fastest-first', () => {
    const a = Float32Array.from({ length: 6 }, (_, i) => i);
    expect(relayout(a, [3, 2], 'C', [1, 0])).toBe(a);
    expect(relayout(a, [2, 3], 'F', [0, 1])).toBe(a);
  });
  it('transposes a C-order (x, y, z) array into x-fastest order', () => {
    // C order shape (2, 3): element (i, j) at i*3 + j; x = axis 0 fastest → out[i + 2j] = in[i*3 + j]
    const a = Float32Array.from([0, 1, 2, 10, 11, 12]);
    expect(Array.from(relayout(a, [2, 3], 'C', [0, 1]))).toEqual([0, 10, 1, 11, 2, 12]);
  });
});

describe('NumPy axes against a NIfTI ground truth', () => {
  const gt = niftiGt();
  it('takes a (z, y, x) C-order array as reversed: same memory as the NIfTI', () => {
    const p = toPrediction(raw({ data: Float32Array.from(gt.data), shape: [4, 3, 2], integer: false }), gt, 'gt.nii', { ...OPTS, input: 'labels' });
    expect(p.npyAxes).toBe('reversed');
    expect(Array.from(p.data)).toEqual(Array.from(gt.data));
  });
  it('takes an (x, y, z) C-order array as is, transposing it to x-fastest', () => {
    const c = new Float32Array(24);
    for (let x = 0; x < 2; x++) for (let y = 0; y < 3; y++) for (let z = 0; z < 4; z++) c[(x * 3 + y) * 4 + z] = x + 10 * y + 100 * z;
    const p = toPrediction(raw({ data: c, shape: [2, 3, 4] }), gt, 'gt.nii', { ...OPTS, input: 'labels' });
    expect(p.npyAxes).toBe('same');
    expect(Array.from(p.data)).toEqual(Array.from(gt.data));
  });
  it('reads channels first (C, z, y, x) into planar channels', () => {
    const c = new Float32Array(48);
    for (let k = 0; k < 24; k++) {
      c[k] = 0.25;
      c[24 + k] = 0.75;
    }
    const p = toPrediction(raw({ data: c, shape: [2, 4, 3, 2] }), gt, 'gt.nii', OPTS);
    expect(p.channels).toBe(2);
    expect(p.kind).toBe('probs');
    expect(p.data[0]).toBe(0.25);
    expect(p.data[24]).toBe(0.75);
  });
  it('names both shapes and both files when nothing fits', () => {
    const bad = () => toPrediction(raw({ path: 'pred.npy', data: new Float32Array(20), shape: [4, 5] }), gt, 'gt.nii', OPTS);
    expect(bad).toThrow(InputError);
    expect(bad).toThrow(/pred\.npy: shape mismatch: pred \[4, 5\] vs gt \[2, 3, 4\]; gt gt\.nii/);
  });
  it('shows both spacings for a NIfTI shape mismatch', () => {
    const bad = () =>
      toPrediction(raw({ path: 'p.nii', format: 'nifti', order: 'F', data: new Float32Array(8), shape: [2, 2, 2], spacing: [1, 1, 1] }), gt, 'gt.nii', OPTS);
    expect(bad).toThrow(/spacing pred \[1, 1, 1\] vs gt \[0\.5, 1, 2\]/);
  });
});

describe('--input auto', () => {
  const gt = toGroundTruth(raw({ format: 'png', dtype: 'uint8', integer: true, data: new Uint8Array(4), shape: [2, 2], png: { bitDepth: 8, maxValue: 255, palette: false } }), null);
  const decide = (data: Float32Array) => toPrediction(raw({ data, shape: [2, 2] }), gt, 'gt.png', OPTS).kind;
  it('reads float 0/1 as labels, [0, 1] as probabilities, anything else as logits', () => {
    expect(decide(Float32Array.from([0, 1, 1, 0]))).toBe('labels');
    expect(decide(Float32Array.from([0, 0.5, 1, 0]))).toBe('probs');
    expect(decide(Float32Array.from([-2, 0.5, 3, 0]))).toBe('logits');
  });
  it('refuses NaN and infinities, saying how many voxels', () => {
    expect(() => decide(Float32Array.from([NaN, 0, Infinity, 0]))).toThrow(/NaN or infinite value in prediction \(2 voxels\)/);
  });
  it('counts every NaN and infinity after logits have settled the kind', () => {
    // -2.5 is outside [0, 1] and not an integer: the kind is decided at voxel 0, the count goes on.
    expect(() => decide(Float32Array.from([-2.5, NaN, -Infinity, Infinity]))).toThrow(/NaN or infinite value in prediction \(3 voxels\)/);
    expect(() => decide(Float32Array.from([-2.5, 0.5, 7, NaN]))).toThrow(/\(1 voxel\)/);
  });
});

describe('PNG {0, 255} rule', () => {
  const png = (data: Uint8Array) => raw({ format: 'png', dtype: 'uint8', integer: true, data, shape: [2, 2], png: { bitDepth: 8, maxValue: 255, palette: false } });
  it('reads a grey map of only 0 and 255 as binary labels', () => {
    expect(Array.from(toGroundTruth(png(Uint8Array.from([0, 255, 255, 0])), null).data)).toEqual([0, 1, 1, 0]);
  });
  it('leaves a map with other values alone', () => {
    expect(Array.from(toGroundTruth(png(Uint8Array.from([0, 255, 2, 0])), null).data)).toEqual([0, 255, 2, 0]);
  });
  it('does not apply when 255 is the ignore index', () => {
    expect(Array.from(toGroundTruth(png(Uint8Array.from([0, 255, 0, 0])), 255).data)).toEqual([0, 255, 0, 0]);
  });
  it('decides on every value, after a long run of background too, at any length and memory alignment', () => {
    // The rule spelled out: binary exactly when every value is 0 or 255 and one is 255.
    const rule = (d: Uint8Array) => d.every((v) => v === 0 || v === 255) && d.includes(255);
    for (let n = 1; n <= 40; n++) {
      for (const offset of [0, 1, 3]) {
        for (const [at, v] of [[n - 1, 255], [n - 1, 2], [Math.floor(n / 2), 255], [-1, 0]] as const) {
          const mem = new Uint8Array(n + offset);
          const d = mem.subarray(offset);
          if (at >= 0) d[at] = v;
          if (v === 2 && n > 1) d[0] = 255; // a 255 before the other value: still not binary
          const want = rule(d) ? Array.from(d, (x) => (x === 255 ? 1 : 0)) : Array.from(d);
          const got = toGroundTruth({ ...png(d), shape: [1, n] }, null).data;
          expect(Array.from(got), `n ${n} offset ${offset} value ${v} at ${at}`).toEqual(want);
        }
      }
    }
  });
});
