// Sums-only requests on a one-channel float .npy, streamed chunk by chunk as the file is
// read, through the built CLI: the same numbers as the whole-array road (which a focal
// loss in the request forces), values a brute-force loop in this file computes, the input
// kind --input auto decides, and the one-line errors of bad files, naming the file.
// Needs `npx tsc -p tsconfig.json` first. The volume (64×96×50 = 307 200 voxels) is 1.17
// chunks of float32 (262 144 values a chunk): the chunks do not divide it.
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { niftiBytes } from '../helpers/nifti.js';
import { npyBytes } from '../helpers/npy.js';
import { rng } from '../helpers/rng.js';
import { scratch, type Scratch } from '../helpers/tmp.js';

const SHAPE = [50, 96, 64];
const N = 50 * 96 * 64;
const SUM_LOSSES = 'dice,iou,tversky,focal_tversky';

let tmp: Scratch;
let gtPath: string;
let gt: Uint8Array;
let z: Float32Array;
const files: Record<string, string> = {};

const npy = (name: string, descr: string, values: ArrayLike<number>) => tmp.write(name, npyBytes({ descr, shape: SHAPE, values }));

beforeAll(() => {
  tmp = scratch('segloss-stream-');
  const r = rng(15);
  gt = Uint8Array.from({ length: N }, () => (r() < 0.25 ? 1 : 0));
  z = Float32Array.from(gt, (g) => Math.fround((g ? 1.5 : -1.5) + (r() - 0.5) * 8));
  gtPath = npy('gt.npy', '|u1', gt);
  files.logits = npy('logits.npy', '<f4', z);
  files.probs = npy('probs.npy', '<f4', Float32Array.from(z, (v) => 1 / (1 + Math.exp(-v))));
  // A probability map up to voxel 300 000 (second chunk), then one value above 1: logits.
  const late = Float32Array.from(z, (v) => 1 / (1 + Math.exp(-v)));
  late[300_000] = 1.5;
  files.late = npy('late.npy', '<f4', late);
  const nan = z.slice();
  nan[300_000] = Number.NaN;
  files.nan = npy('nan.npy', '<f4', nan);
  // The same logits as a .nii.gz: NIfTI (x, y, z) first axis fastest is the .npy's (z, y, x) C order.
  const gz = gzipSync(niftiBytes({ dims: [64, 96, 50], datatype: 'float32', values: z }));
  files.niiGz = tmp.write('logits.nii.gz', gz);
  files.niiGzCut = tmp.write('cut.nii.gz', gz.subarray(0, gz.length - 5000));
  const whole = npyBytes({ descr: '<f4', shape: SHAPE, values: z });
  files.truncated = tmp.write('truncated.npy', whole.subarray(0, whole.length - 4000));
});
afterAll(() => tmp.cleanup());

interface CaseReport {
  status: string;
  error: string | null;
  input: string;
  labels: Record<string, { losses: Record<string, number>; dice: number; tp: number; fp: number; fn: number; tn: number }>;
}

function evalCase(pred: string, ...extra: string[]): { status: number | null; c: CaseReport } {
  const r = runCli(['eval', '--workers', '1', '--format', 'json', '--pred', pred, '--gt', gtPath, ...extra]);
  return { status: r.status, c: JSON.parse(r.stdout).cases[0] };
}

/** Σp, Σp·t, Σt and the hard-mask counts by a plain loop (p = the logistic of z in float64). */
function bruteForce(p: (i: number) => number, hard: (i: number) => boolean) {
  let sp = 0, spt = 0, st = 0, tp = 0, fp = 0, fn = 0;
  for (let i = 0; i < N; i++) {
    const pi = p(i);
    sp += pi;
    if (gt[i]) { spt += pi; st++; }
    if (hard(i) && gt[i]) tp++;
    else if (hard(i)) fp++;
    else if (gt[i]) fn++;
  }
  return { sp, spt, st, tp, fp, fn };
}

describe('eval streams a sums-only request on a float .npy', () => {
  it('gives the whole-array road\'s numbers exactly (a focal loss in the request takes that road)', () => {
    const streamed = evalCase(files.logits, '--losses', SUM_LOSSES);
    const whole = evalCase(files.logits, '--losses', `${SUM_LOSSES},focal`);
    expect(streamed.status).toBe(0);
    expect(streamed.c.input).toBe('logits');
    const a = streamed.c.labels['1'];
    const b = whole.c.labels['1'];
    for (const k of SUM_LOSSES.split(',')) expect(a.losses[k]).toBe(b.losses[k]);
    for (const k of ['dice', 'tp', 'fp', 'fn', 'tn'] as const) expect(a[k]).toBe(b[k]);
  });

  it('gives the soft Dice loss and the hard counts of a brute-force loop', () => {
    const { c } = evalCase(files.logits, '--losses', SUM_LOSSES);
    const s = bruteForce((i) => 1 / (1 + Math.exp(-z[i])), (i) => z[i] >= 0);
    const l = c.labels['1'];
    // dice loss = 1 − (2 Σp·t + 1)/(Σp + Σt + 1) (losses.md, smooth 1)
    expect(l.losses.dice).toBeCloseTo(1 - (2 * s.spt + 1) / (s.sp + s.st + 1), 10);
    expect([l.tp, l.fp, l.fn, l.tn]).toEqual([s.tp, s.fp, s.fn, N - s.tp - s.fp - s.fn]);
    expect(l.dice).toBe((2 * s.tp) / (2 * s.tp + s.fp + s.fn));
  });

  it('reads a map within [0, 1] as probabilities under --input auto, as --input probs does', () => {
    const auto = evalCase(files.probs, '--losses', SUM_LOSSES);
    const probs = evalCase(files.probs, '--losses', SUM_LOSSES, '--input', 'probs');
    expect(auto.c.input).toBe('probs');
    expect(auto.c.labels).toEqual(probs.c.labels);
    const p = Float32Array.from(z, (v) => 1 / (1 + Math.exp(-v)));
    const s = bruteForce((i) => p[i], (i) => p[i] >= 0.5);
    expect(auto.c.labels['1'].losses.dice).toBeCloseTo(1 - (2 * s.spt + 1) / (s.sp + s.st + 1), 10);
  });

  it('reads a map as logits once a value in a later chunk lies outside [0, 1], as --input logits does', () => {
    const auto = evalCase(files.late, '--losses', SUM_LOSSES);
    const logits = evalCase(files.late, '--losses', SUM_LOSSES, '--input', 'logits');
    expect(auto.c.input).toBe('logits');
    expect(auto.c.labels).toEqual(logits.c.labels);
  });

  it('fails the case with one line naming the file when a NaN lies in a later chunk', () => {
    const { status, c } = evalCase(files.nan, '--losses', 'dice');
    expect(status).toBe(1);
    expect(c.status).toBe('error');
    expect(c.error).toBe(`${files.nan}: NaN or infinite value in prediction (1 voxel)`);
  });

  it('fails a truncated file with the reader\'s words, naming the file', () => {
    const { status, c } = evalCase(files.truncated, '--losses', 'dice');
    expect(status).toBe(1);
    expect(c.error).toBe(
      `${files.truncated}: cannot read NumPy .npy (file is truncated: shape (50, 96, 64) of '<f4' needs ${4 * N} bytes of data, file holds ${4 * N - 4000})`,
    );
  });

  it('streams a .nii.gz as it inflates, with the .npy\'s numbers for the same values', () => {
    const gzRun = evalCase(files.niiGz, '--losses', SUM_LOSSES);
    const npyRun = evalCase(files.logits, '--losses', SUM_LOSSES);
    expect(gzRun.status).toBe(0);
    expect(gzRun.c.labels).toEqual(npyRun.c.labels);
  });

  it('fails a .nii.gz cut short with the whole-file reader\'s words, naming the file', () => {
    const streamed = evalCase(files.niiGzCut, '--losses', 'dice');
    const whole = evalCase(files.niiGzCut, '--losses', 'dice,focal');
    expect(streamed.status).toBe(1);
    expect(streamed.c.error).toMatch(new RegExp(`^${files.niiGzCut.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: cannot read NIfTI \\(`));
    expect(streamed.c.error).toBe(whole.c.error);
  });

  it('refuses values outside [0, 1] under --input probs, after the whole file is scanned', () => {
    const { status, c } = evalCase(files.logits, '--losses', 'dice', '--input', 'probs');
    expect(status).toBe(1);
    expect(c.error).toBe(`${files.logits}: prediction read as probabilities holds values outside [0, 1] (use --input logits)`);
  });
});
