// The streamed sums-only pass (chunk by chunk, as a file is read) against the whole-array
// engine on the same values: the counts and every float64 sum must be the same bits, for
// chunk sizes that do not divide the volume, and so must the whole case's evaluation.
import { describe, expect, it } from 'vitest';
import { DEFAULT_EVAL_OPTIONS, evaluateCase, type EvalOptions } from '../../../src/losses/index.js';
import { jointHistogramChunked, PairTables } from '../../../src/losses/producers/confusion.js';
import { classPart, combineParts } from '../../../src/losses/producers/probClass.js';
import { hardLabeller } from '../../../src/losses/producers/prediction.js';
import { SumsOnlyChunks, type SumsOnlyOptions, type ValueChunk } from '../../../src/losses/producers/sumsOnlyChunks.js';
import { truthCodes } from '../../../src/losses/producers/truth.js';
import type { Volume } from '../../../src/types.js';
import { rng } from '../../helpers/rng.js';

const dims = [23, 17, 11];
const n = 23 * 17 * 11; // 4301 voxels: no chunk size below divides it
const SUM_LOSSES = ['dice', 'iou', 'tversky', 'focal_tversky'];

/** Labels 0, 1, 2 and 255, and logits leaning towards label 1. */
function caseOf(seed: number): { gt: Uint8Array; z: Float32Array; p: Float32Array } {
  const r = rng(seed);
  const gt = Uint8Array.from({ length: n }, () => {
    const u = r();
    return u < 0.3 ? 1 : u < 0.4 ? 2 : u < 0.45 ? 255 : 0;
  });
  const z = Float32Array.from(gt, (g) => (g === 1 ? 1 : -1) * r() * 5 + (r() - 0.5) * 4);
  const p = Float32Array.from(z, (v) => 1 / (1 + Math.exp(-v)));
  return { gt, z, p };
}

/** Feeds `values` to a SumsOnlyChunks in chunks of `chunk` (the last one shorter). */
function streamed(gt: Uint8Array, values: ValueChunk, o: SumsOnlyOptions, chunk: number) {
  const s = new SumsOnlyChunks(gt, o, new PairTables(), new Int32Array(chunk));
  for (let at = 0; at < values.length; at += chunk) s.add(values.subarray(at, Math.min(values.length, at + chunk)));
  return s.finish();
}

const vol = (data: Volume['data'], kind: Volume['kind']): Volume => ({ data, dims, channels: 1, spacing: [1, 1, 2], kind, integer: kind === 'labels' });

describe('SumsOnlyChunks against the whole-array pass', () => {
  for (const chunk of [1, 100, 1023, 4096, 5000]) {
    for (const input of ['logits', 'probs'] as const) {
      it(`gives the same bits for ${input} in chunks of ${chunk}, with an ignored label`, () => {
        const { gt, z, p } = caseOf(chunk * 7 + (input === 'logits' ? 1 : 2));
        const values = input === 'logits' ? z : p;
        const o: SumsOnlyOptions = { input, foreground: 1, threshold: 0.5, ignoreIndex: 255 };
        const got = streamed(gt, values, o, chunk);
        // The engine's road: the whole class through classPart's probability-only pass.
        const t = truthCodes(gt, new Set([1]), 255);
        const whole = combineParts([classPart(input, values, t, 2, false, undefined, true)], input, 2, false).sums;
        expect(got.classSums(1)).toEqual(whole);
        const hist = jointHistogramChunked(gt, hardLabeller(vol(values, input), 0.5, 1), 255);
        expect(got.hist.gtLabels()).toEqual(hist.gtLabels());
        expect(got.hist.predLabels()).toEqual(hist.predLabels());
        for (const l of [0, 1, 2]) expect(got.hist.confusion(new Set([l]))).toEqual(hist.confusion(new Set([l])));
      });
    }
  }

  it('counts the voxels by hand: n, st and the hard-mask pairs of a tiny case', () => {
    // gt 1 0 1 9 0, z 2 −1 −3 5 0.5, ignore 9, cut z ≥ 0: hard 1 0 0 (ignored) 1.
    const gt = Uint8Array.from([1, 0, 1, 9, 0]);
    const z = Float32Array.from([2, -1, -3, 5, 0.5]);
    const got = streamed(gt, z, { input: 'logits', foreground: 1, threshold: 0.5, ignoreIndex: 9 }, 2);
    expect(got.hist.confusion(new Set([1]))).toEqual({ tp: 1, fp: 1, fn: 1, tn: 1 });
    const s = got.classSums(1);
    expect([s.n, s.st]).toEqual([4, 2]);
    const sig = (x: number) => 1 / (1 + Math.exp(-x));
    expect(s.sp).toBeCloseTo(sig(2) + sig(-1) + sig(-3) + sig(0.5), 14);
    expect(s.spt).toBeCloseTo(sig(2) + sig(-3), 14);
  });

  it('gives a label the one channel does not stand for Σp = Σp·t = 0 and its own voxel count', () => {
    const { gt, z } = caseOf(4);
    const got = streamed(gt, z, { input: 'logits', foreground: 1, threshold: 0.5, ignoreIndex: 255 }, 999);
    const s = got.classSums(2);
    let st = 0;
    let kept = 0;
    for (const g of gt) {
      if (g !== 255) kept++;
      if (g === 2) st++;
    }
    expect(s).toMatchObject({ n: kept, st, sp: 0, spt: 0 });
  });

  it('refuses a chunk longer than its label room', () => {
    const s = new SumsOnlyChunks(new Uint8Array(10), { input: 'probs', foreground: 1, threshold: 0.5, ignoreIndex: null }, new PairTables(), new Int32Array(4));
    expect(() => s.add(new Float32Array(5))).toThrow(RangeError);
    s.finish();
  });
});

describe('evaluateCase with a precounted prediction', () => {
  const opts = (over: Partial<EvalOptions> = {}): EvalOptions => ({ ...DEFAULT_EVAL_OPTIONS, losses: SUM_LOSSES, metrics: ['dice', 'iou', 'tp', 'fp', 'fn', 'tn', 'mcc', 'kappa'], ...over });
  const cases: [string, Partial<EvalOptions>][] = [
    ['every label found', {}],
    ['an ignored label', { ignoreIndex: 255 }],
    ['label 2 as the foreground', { targets: [{ key: '2', labels: [2] }] }],
    ['labels 1 and 2 named', { targets: [{ key: '1', labels: [1] }, { key: '2', labels: [2] }], ignoreIndex: 255 }],
  ];
  for (const [what, over] of cases) {
    for (const input of ['logits', 'probs'] as const) {
      it(`gives the whole-array evaluation exactly (${input}, ${what})`, () => {
        const { gt, z, p } = caseOf(11);
        const values = input === 'logits' ? z : p;
        const o = opts(over);
        const whole = evaluateCase(vol(gt, 'labels'), vol(values.slice(), input), o);
        const fg = o.targets ? o.targets.flatMap((t) => t.labels).filter((l) => l !== 0) : [1];
        const pre = streamed(gt, values, { input, foreground: fg.length === 1 ? fg[0] : 1, threshold: o.threshold, ignoreIndex: o.ignoreIndex }, 777);
        const got = evaluateCase(vol(gt, 'labels'), vol(new Float32Array(0), input), o, undefined, false, pre);
        expect(got).toEqual(whole);
      });
    }
  }
});
