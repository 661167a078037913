// Which cases take the streamed sums-only road, and what it hands the engine: the
// prediction toPrediction would make (without its values) and counts that give the
// whole-array evaluation exactly; everything else is left to the whole-array road (null).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gzipSync } from 'node:zlib';
import { readNifti, readNpy } from '../../src/io/index.js';
import { evaluateCase } from '../../src/losses/evaluate.js';
import { ThreadScratch } from '../../src/losses/scratch.js';
import { DEFAULT_RUN_CONFIG, type RunConfig } from '../../src/pipeline/config.js';
import { evalOptionsOf } from '../../src/pipeline/evaluateOne.js';
import { readPredictionOrHeader, streamableRequest, streamPrediction } from '../../src/pipeline/streamSums.js';
import { toGroundTruth, toPrediction, type GroundTruth, type Prediction } from '../../src/pipeline/volume.js';
import { InputError, type RawArray } from '../../src/types.js';
import { niftiBytes } from '../helpers/nifti.js';
import { npyBytes } from '../helpers/npy.js';
import { rng } from '../helpers/rng.js';
import { scratch, type Scratch } from '../helpers/tmp.js';

const SHAPE = [20, 30, 40];
const N = 20 * 30 * 40;
let tmp: Scratch;
let gtPath: string;
let gt: GroundTruth;
const files: Record<string, string> = {};
const config = (over: Partial<RunConfig> = {}): RunConfig => ({ ...DEFAULT_RUN_CONFIG, pred: 'p', gt: 'g', losses: ['dice', 'tversky'], ...over });

beforeAll(async () => {
  tmp = scratch('segloss-streamsums-');
  const r = rng(21);
  const g = Uint8Array.from({ length: N }, () => (r() < 0.2 ? 1 : r() < 0.05 ? 2 : 0));
  const z = Float32Array.from(g, (v) => (v === 1 ? 2 : -2) + (r() - 0.5) * 6);
  gtPath = tmp.write('gt.npy', npyBytes({ descr: '|u1', shape: SHAPE, values: g }));
  gt = toGroundTruth(await readNpy(gtPath), null);
  const w = (name: string, descr: string, values: ArrayLike<number>, shape = SHAPE, fortran = false) => (files[name] = tmp.write(`${name}.npy`, npyBytes({ descr, shape, values, fortran })));
  w('logits', '<f4', z);
  w('logits64', '<f8', z);
  w('probs', '<f4', Float32Array.from(z, (v) => 1 / (1 + Math.exp(-v))));
  w('binary', '<f4', Float32Array.from(z, (v) => (v >= 0 ? 1 : 0)));
  w('fortran', '<f4', z, SHAPE, true);
  w('twoChannels', '<f4', Float32Array.from({ length: 2 * N }, (_, i) => (i < N ? -z[i] : z[i - N])), [2, ...SHAPE]);
  w('labels', '|u1', g);
});
afterAll(() => tmp.cleanup());

async function stream(name: string, c: RunConfig) {
  const read = await readPredictionOrHeader(files[name], c, streamableRequest(c, files[name]));
  return streamPrediction(read, gt, gtPath, c, evalOptionsOf(c));
}

describe('streamableRequest', () => {
  it.each(['a.npy', 'a.nii', 'a.nii.gz'])('takes %s with sum losses and count metrics only', (path) => {
    expect(streamableRequest(config({ losses: ['dice', 'iou', 'tversky', 'focal_tversky'], metrics: ['dice', 'tp', 'mcc'] }), path)).toBe(true);
  });
  it.each([
    ['another format', {}, 'a.png'],
    ['a .npz', {}, 'a.npz'],
    ['a loss beyond Σp and Σp·t (focal)', { losses: ['dice', 'focal'] }, 'a.npy'],
    ['a probability metric (nll)', { metrics: ['dice', 'nll'] }, 'a.npy'],
    ['a surface metric', { metrics: ['dice', 'hd95'] }, 'a.npy'],
    ['the background class', { includeBackground: true }, 'a.npy'],
    ['label 0 named', { labels: [0, 1] }, 'a.npy'],
    ['regions', { regions: [{ key: 'r', labels: [1, 2] }] }, 'a.npy'],
    ['--input labels', { input: 'labels' }, 'a.npy'],
  ] as [string, Partial<RunConfig>, string][])('leaves %s to the whole-array road', (_what, over, path) => {
    expect(streamableRequest(config(over), path)).toBe(false);
  });
});

/** What the whole-array road makes of the same file: the streamed prediction must equal it without its values, and evaluate to the same numbers. */
function expectWholeRoad(s: Awaited<ReturnType<typeof streamPrediction>>, whole: RawArray, truth: GroundTruth, truthPath: string, c: RunConfig): Prediction {
  expect(s).not.toBeNull();
  const pred = toPrediction(whole, truth, truthPath, { input: c.input, ignoreIndex: c.ignoreIndex, npyAxes: c.npyAxes });
  expect({ ...s!.pred, data: null }).toEqual({ ...pred, data: null });
  const o = evalOptionsOf(c);
  expect(evaluateCase(truth, s!.pred, o, new ThreadScratch(), false, s!.precounted)).toEqual(evaluateCase(truth, pred, o));
  return s!.pred;
}

describe('streamPrediction', () => {
  for (const [name, kind] of [['logits', 'logits'], ['logits64', 'logits'], ['probs', 'probs']] as const) {
    it(`streams ${name} and hands the engine what gives the whole-array evaluation exactly`, async () => {
      const c = config({ losses: ['dice', 'iou', 'tversky', 'focal_tversky'], metrics: ['dice', 'iou', 'tp', 'fp', 'fn', 'tn', 'kappa'] });
      const streamed = expectWholeRoad(await stream(name, c), await readNpy(files[name]), gt, gtPath, c);
      expect(streamed.kind).toBe(kind);
    });
  }

  it.each([
    ['a float map of 0s and 1s (auto reads it as labels)', 'binary'],
    ['a Fortran-order array (not the engine\'s memory order)', 'fortran'],
    ['two channels', 'twoChannels'],
    ['an integer array', 'labels'],
  ])('leaves %s to the whole-array road (null)', async (_what, name) => {
    expect(await stream(name, config())).toBeNull();
  });

  it('throws the whole road\'s error for values outside [0, 1] read as probabilities', async () => {
    const err = await stream('logits', config({ input: 'probs' })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).message).toBe(`${files.logits}: prediction read as probabilities holds values outside [0, 1] (use --input logits)`);
  });
});

describe('streamPrediction on NIfTI (.nii, and .nii.gz inflated as it is read)', () => {
  // 64×64×80 float32 = 1.25 MiB: two chunks, the gzip stream's 1 MiB pieces cut across them.
  const dims = [64, 64, 80];
  const n = 64 * 64 * 80;
  let niiGt: GroundTruth;
  let niiGtPath: string;
  const nii: Record<string, string> = {};

  beforeAll(async () => {
    const r = rng(33);
    const g = Uint8Array.from({ length: n }, () => (r() < 0.3 ? 1 : 0));
    const z = Float32Array.from(g, (v) => (v ? 1.5 : -1.5) + (r() - 0.5) * 6);
    niiGtPath = tmp.write('gt.nii.gz', gzipSync(niftiBytes({ dims, datatype: 'uint8', values: g, pixdim: [0.8, 0.8, 2.5] })));
    niiGt = toGroundTruth(await readNifti(niiGtPath), null);
    const plain = niftiBytes({ dims, datatype: 'float32', values: z, pixdim: [0.8, 0.8, 2.5] });
    nii.plain = tmp.write('plain.nii', plain);
    nii.gz = tmp.write('gz.nii.gz', gzipSync(plain));
    nii.bigEndian64 = tmp.write('be64.nii.gz', gzipSync(niftiBytes({ dims, datatype: 'float64', values: z, littleEndian: false, pixdim: [0.8, 0.8, 2.5] })));
    nii.otherSpacing = tmp.write('spacing.nii.gz', gzipSync(niftiBytes({ dims, datatype: 'float32', values: z, pixdim: [1, 1, 1] })));
    nii.scaled = tmp.write('scaled.nii', niftiBytes({ dims, datatype: 'float32', values: z, slope: 2 }));
    const gz = gzipSync(plain);
    nii.truncatedGz = tmp.write('truncated.nii.gz', gz.subarray(0, gz.length >> 1));
  });

  async function streamNii(name: string, c: RunConfig) {
    const read = await readPredictionOrHeader(nii[name], c, streamableRequest(c, nii[name]));
    return streamPrediction(read, niiGt, niiGtPath, c, evalOptionsOf(c));
  }

  for (const name of ['plain', 'gz', 'bigEndian64', 'otherSpacing']) {
    it(`streams ${name} and hands the engine what gives the whole-array evaluation exactly`, async () => {
      const c = config({ losses: ['dice', 'iou', 'tversky', 'focal_tversky'], metrics: ['dice', 'iou', 'tp', 'fp', 'fn', 'tn', 'mcc'] });
      const s = await streamNii(name, c);
      const whole = await readNifti(nii[name]);
      // The same prediction (warnings included: a spacing that differs is told), the file's description without the values.
      expectWholeRoad(s, whole, niiGt, niiGtPath, c);
      expect({ ...s!.raw, data: null }).toEqual({ ...whole, data: null });
    });
  }

  it('tells a spacing that differs from the ground truth\'s, as the whole road does', async () => {
    const s = await streamNii('otherSpacing', config());
    expect(s!.pred.warnings).toEqual(['spacing differs: pred [1, 1, 1] vs gt [0.8, 0.8, 2.5]']);
  });

  it('leaves a scaled file (scl_slope 2) to the whole-array road', async () => {
    expect(await streamNii('scaled', config())).toBeNull();
  });

  it('leaves a .nii.gz whose stream breaks off to the whole-file reader, which words the error', async () => {
    const c = config();
    const read = await readPredictionOrHeader(nii.truncatedGz, c, true);
    expect('plan' in read).toBe(true); // its header was read: the break shows only while streaming
    expect(await streamPrediction(read, niiGt, niiGtPath, c, evalOptionsOf(c))).toBeNull();
  });
});
