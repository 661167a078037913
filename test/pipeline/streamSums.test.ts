// Which cases take the streamed sums-only road, and what it hands the engine: the
// prediction toPrediction would make (without its values) and counts that give the
// whole-array evaluation exactly; everything else is left to the whole-array road (null).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readNpy } from '../../src/io/index.js';
import { evaluateCase } from '../../src/losses/evaluate.js';
import { ThreadScratch } from '../../src/losses/scratch.js';
import { DEFAULT_RUN_CONFIG, type RunConfig } from '../../src/pipeline/config.js';
import { evalOptionsOf } from '../../src/pipeline/evaluateOne.js';
import { readPredictionOrHeader, streamableRequest, streamPrediction } from '../../src/pipeline/streamSums.js';
import { toGroundTruth, toPrediction, type GroundTruth } from '../../src/pipeline/volume.js';
import { InputError } from '../../src/types.js';
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
  return streamPrediction(read, gt, gtPath, c, evalOptionsOf(c), new ThreadScratch());
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

describe('streamPrediction', () => {
  for (const [name, kind] of [['logits', 'logits'], ['logits64', 'logits'], ['probs', 'probs']] as const) {
    it(`streams ${name} and hands the engine what gives the whole-array evaluation exactly`, async () => {
      const c = config({ losses: ['dice', 'iou', 'tversky', 'focal_tversky'], metrics: ['dice', 'iou', 'tp', 'fp', 'fn', 'tn', 'kappa'] });
      const s = await stream(name, c);
      expect(s).not.toBeNull();
      const whole = await readNpy(files[name]);
      const pred = toPrediction(whole, gt, gtPath, { input: c.input, ignoreIndex: c.ignoreIndex, npyAxes: c.npyAxes });
      expect(s!.pred.kind).toBe(kind);
      expect({ ...s!.pred, data: null }).toEqual({ ...pred, data: null });
      const o = evalOptionsOf(c);
      expect(evaluateCase(gt, s!.pred, o, new ThreadScratch(), false, s!.precounted)).toEqual(evaluateCase(gt, pred, o));
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
