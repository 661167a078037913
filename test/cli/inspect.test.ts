// `segloss inspect FILE…` from the built CLI. Expected values come from how each file was
// made: the formulas of scripts/make-demo-fixtures.py, or arrays written here.
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InspectResult } from '../../src/cli/inspectCommand.js';
import { runCli } from '../helpers/cli.js';
import { npy, png8, workspace, type Workspace } from '../helpers/cliFixtures.js';

const DEMO = 'fixtures/demo';

/** One file's entry in `inspect --format json` (the command's own result type). */
type Inspected = InspectResult;

function inspectJson(files: string[], extra: string[] = []): { status: number | null; stderr: string; results: Inspected[] } {
  const r = runCli(['inspect', '--format', 'json', ...extra, ...files]);
  return { status: r.status, stderr: r.stderr, results: JSON.parse(r.stdout) };
}

/** case_a's ground truth: the disc (y−30)² + (x−32)² < 15² on a 64 × 64 grid. */
function discPixels(): number {
  let n = 0;
  for (let y = 0; y < 64; y++) for (let x = 0; x < 64; x++) if ((y - 30) ** 2 + (x - 32) ** 2 < 225) n++;
  return n;
}

/** case_c's ground truth: two ellipsoids in mm on a 32 × 32 × 16 grid; label 2 drawn last. */
function caseCCounts(): Map<number, number> {
  const counts = new Map<number, number>([[0, 0], [1, 0], [2, 0]]);
  for (let x = 0; x < 32; x++) {
    for (let y = 0; y < 32; y++) {
      for (let z = 0; z < 16; z++) {
        let v = 0;
        if (((x - 12) * 0.8) ** 2 + ((y - 14) * 0.8) ** 2 + ((z - 8) * 2.5) ** 2 < 49) v = 1;
        if (((x - 22) * 0.8) ** 2 + ((y - 20) * 0.8) ** 2 + ((z - 7) * 2.5) ** 2 < 25) v = 2;
        counts.set(v, counts.get(v)! + 1);
      }
    }
  }
  return counts;
}

let ws: Workspace;
beforeAll(() => {
  ws = workspace();
  ws.write('binary.npy', npy([2, 3], [0, 1, 1, 0, 0, 1], 'f4'));
  ws.write('probs.npy', npy([2, 2], [0.25, 0.5, 0.75, 0.125], 'f4'));
  ws.write('logits.npy', npy([2, 2], [-1.5, 0.5, 2, 0], 'f4'));
  ws.write('nan.npy', npy([3], [0, Number.NaN, 1], 'f4'));
  // (3, 2, 2) uint8 labels 0..2: a 3-D label map, or 3 channels of a 2-D prediction.
  ws.write('cube.npy', npy([3, 2, 2], [0, 0, 1, 1, 2, 2, 2, 0, 1, 0, 0, 0]));
  ws.write('many.npy', npy([1, 30], Array.from({ length: 30 }, (_, i) => i)));
  ws.write('palette.png', png8(4, 2, [0, 1, 1, 2, 2, 2, 5, 0], true));
  ws.write('truncated.npy', npy([4, 4], new Array(16).fill(1)).subarray(0, 100));
  writeFileSync(ws.path('notes.txt'), 'hello');
});
afterAll(() => ws.cleanup());

describe('segloss inspect', () => {
  it('PNG: bit depth, the binary 0/255 rule, label counts, no spacing', () => {
    const { status, results } = inspectJson([`${DEMO}/gt/case_a.png`]);
    expect(status).toBe(0);
    const [r] = results;
    const fg = discPixels();
    expect(r.format).toBe('png');
    expect(r.dtype).toBe('uint8');
    expect(r.shape).toEqual([64, 64]);
    expect(r.spacing).toBeNull();
    expect(r.png).toEqual({ bit_depth: 8, palette: false, max_value: 255, binary: true, colour: 'grey', interlaced: false });
    expect(r.values).toEqual([{ value: 0, count: 64 * 64 - fg }, { value: 255, count: fg }]);
    expect(r.input_auto).toBe('labels');
    expect(r.as_ground_truth).toBe('ok');
  });

  it('palette PNG: index = label', () => {
    const { results } = inspectJson([ws.path('palette.png')]);
    expect(results[0].png).toEqual({ bit_depth: 8, palette: true, max_value: 255, binary: false, colour: 'palette', interlaced: false });
    expect(results[0].values).toEqual([{ value: 0, count: 2 }, { value: 1, count: 2 }, { value: 2, count: 3 }, { value: 5, count: 1 }]);
    expect(results[0].shape).toEqual([2, 4]);
  });

  it('NIfTI: shape, spacing from pixdim, labels; a 4-D softmax is read as probabilities', () => {
    const { results } = inspectJson([`${DEMO}/gt/case_c.nii.gz`, `${DEMO}/pred/case_c.nii.gz`]);
    const [gt, pred] = results;
    expect(gt.format).toBe('nifti');
    expect(gt.shape).toEqual([32, 32, 16]);
    expect(gt.spacing!.map((s) => Number(s.toFixed(6)))).toEqual([0.8, 0.8, 2.5]);
    const counts = caseCCounts();
    expect(gt.values).toEqual([0, 1, 2].map((v) => ({ value: v, count: counts.get(v) })));
    expect(gt.input_auto).toBe('labels');
    expect(pred.shape).toEqual([32, 32, 16, 3]);
    expect(pred.dtype).toBe('float32');
    expect(pred.input_auto).toBe('probs');
    expect(pred.min!).toBeGreaterThan(0);
    expect(pred.max!).toBeLessThan(1);
    expect(pred.values).toBeNull();
    expect(pred.as_ground_truth).toMatch(/must be a label map/);
  });

  it('what --input auto decides for float data: {0,1} labels, [0,1] probs, else logits, NaN refused', () => {
    const { results } = inspectJson(['binary', 'probs', 'logits', 'nan'].map((n) => ws.path(`${n}.npy`)));
    expect(results.map((r) => r.input_auto)).toEqual(['labels', 'probs', 'logits', 'error']);
    expect(results[1].min).toBe(0.125);
    expect(results[1].max).toBe(0.75);
    expect(results[2].min).toBe(-1.5);
    expect(results[2].max).toBe(2);
    expect(results[3].non_finite).toBe(1);
    expect(results[3].input_auto_note).toMatch(/1 NaN\/±Inf value: a prediction must be finite/);
    expect(results[0].values).toEqual([{ value: 0, count: 3 }, { value: 1, count: 3 }]);
  });

  it('NumPy with 3 axes: says what changes if the first axis holds channels', () => {
    const { results } = inspectJson([ws.path('cube.npy')]);
    expect(results[0].input_auto).toBe('labels');
    expect(results[0].input_auto_note).toBe('probs if axis 0 (3) holds channels, i.e. the ground truth has 2 axes');
  });

  it('unique values are listed up to --max-labels', () => {
    const { results } = inspectJson([ws.path('many.npy')], ['--max-labels', '5']);
    expect(results[0].values).toEqual([0, 1, 2, 3, 4].map((v) => ({ value: v, count: 1 })));
    expect(results[0].values_truncated).toBe(true);
    const all = inspectJson([ws.path('many.npy')]).results[0];
    expect(all.values).toHaveLength(20);
  });

  it('a bad file: one line naming it and the reason, exit 1, the others still inspected', () => {
    const files = [ws.path('truncated.npy'), `${DEMO}/gt/case_b.png`, ws.path('notes.txt'), ws.path('missing.nii.gz')];
    const r = runCli(['inspect', ...files]);
    expect(r.status).toBe(1);
    const err = r.stderr.split('\n').filter(Boolean);
    expect(err).toHaveLength(3);
    expect(err[0].startsWith(`segloss: ${files[0]}: `)).toBe(true);
    expect(err[1].startsWith(`segloss: ${files[2]}: `)).toBe(true);
    expect(err[1]).toMatch(/unsupported file type/);
    expect(err[2].startsWith(`segloss: ${files[3]}: `)).toBe(true);
    expect(r.stderr).not.toMatch(/^\s+at /m);
    // The good file is in the table.
    expect(r.stdout.startsWith(`${DEMO}/gt/case_b.png\n`)).toBe(true);
    expect(r.stdout).toMatch(/^ {2}labels +0 \(\d+\), 1 \(\d+\), 2 \(\d+\)$/m);
    const json = inspectJson(files);
    expect(json.status).toBe(1);
    expect(json.results.map((x) => x.error === undefined)).toEqual([false, true, false, false]);
  });

  it('table output: one block per file', () => {
    const r = runCli(['inspect', `${DEMO}/gt/case_c.nii.gz`, ws.path('palette.png')]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`${DEMO}/gt/case_c.nii.gz\n  format           nifti\n  shape            32 × 32 × 16 (x, y, z)\n`);
    expect(r.stdout).toMatch(/^ {2}spacing +0\.8 × 0\.8 × 2\.5 mm$/m);
    expect(r.stdout).toMatch(/^ {2}format +png, 8-bit palette \(index = label\)$/m);
    expect(r.stdout).toMatch(/^ {2}--input auto +labels \(--input probs reads v\/255\)$/m);
  });

  it('no file is a usage error', () => {
    expect(runCli(['inspect']).status).toBe(2);
  });
});
