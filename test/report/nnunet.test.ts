import { execFileSync, spawnSync } from 'node:child_process';

import { describe, expect, it } from 'vitest';

import { pythonFloat, pythonTupleKey, writeNnunet } from '../../src/report/index.js';
import { failedCase, label, makeReport, okCase } from '../helpers/reportFixtures.js';

// Key sets as nnU-Net v2 writes them (nnunetv2/evaluation/evaluate_predictions.py:
// compute_metrics fills reference_file, prediction_file, metrics; per label Dice, IoU,
// FP, TP, FN, TN, n_pred, n_ref; compute_metrics_on_folder saves metric_per_case, mean,
// foreground_mean).
const TOP_KEYS = ['foreground_mean', 'mean', 'metric_per_case'];
const CASE_KEYS = ['metrics', 'prediction_file', 'reference_file'];
const METRIC_KEYS = ['Dice', 'FN', 'FP', 'IoU', 'TN', 'TP', 'n_pred', 'n_ref'];

const sorted = (keys: string[]) => [...keys].sort();

function fixture() {
  return makeReport([
    okCase('a', {
      '0': label({ dice: 0.9, tp: 80, fp: 4, fn: 6, tn: 10 }),
      '1': label({ dice: 0.5, tp: 10, fp: 5, fn: 15, tn: 70 }),
      '2': label({ dice: 1, tp: 5, fp: 0, fn: 0, tn: 95 }),
    }),
    okCase('b', {
      '0': label({ dice: 0.7, tp: 70, fp: 10, fn: 10, tn: 10 }),
      '1': label({ dice: 0.25, tp: 3, fp: 9, fn: 9, tn: 79 }),
      '2': label({ dice: null, tp: 0, fp: 0, fn: 0, tn: 100 }),
    }),
    failedCase('c', 'error', 'unreadable'),
    failedCase('d', 'missing', null),
  ]);
}

describe('writeNnunet', () => {
  it('has exactly the nnU-Net summary.json key sets', () => {
    const s = JSON.parse(writeNnunet(fixture()));
    expect(Object.keys(s)).toEqual(TOP_KEYS);
    for (const c of s.metric_per_case) {
      expect(Object.keys(c)).toEqual(CASE_KEYS);
      for (const m of Object.values(c.metrics)) expect(Object.keys(m as object)).toEqual(METRIC_KEYS);
    }
    for (const m of Object.values(s.mean)) expect(Object.keys(m as object)).toEqual(METRIC_KEYS);
    expect(Object.keys(s.foreground_mean)).toEqual(METRIC_KEYS);
  });

  it('skips cases that are not ok', () => {
    const s = JSON.parse(writeNnunet(fixture()));
    expect(s.metric_per_case.map((c: { reference_file: string }) => c.reference_file)).toEqual(['gt/a.png', 'gt/b.png']);
    expect(s.metric_per_case[0].prediction_file).toBe('pred/a.png');
  });

  it('maps our counts: n_pred = pred_voxels, n_ref = gt_voxels', () => {
    const s = JSON.parse(writeNnunet(fixture()));
    expect(s.metric_per_case[0].metrics['1']).toEqual({ Dice: 0.5, FN: 15, FP: 5, IoU: 0.5 / 1.5, TN: 70, TP: 10, n_pred: 15, n_ref: 25 });
  });

  it('writes null for a NaN Dice, means ignore it (nanmean), and foreground_mean leaves label 0 out', () => {
    const s = JSON.parse(writeNnunet(fixture()));
    expect(s.metric_per_case[1].metrics['2'].Dice).toBeNull();
    expect(s.mean['2'].Dice).toBe(1); // only case a has a value
    expect(s.mean['1'].Dice).toBe(0.375);
    expect(s.mean['0'].Dice).toBeCloseTo(0.8, 15);
    expect(s.mean['1'].TP).toBe(6.5);
    // Labels 1 and 2 only: (0.375 + 1) / 2.
    expect(s.foreground_mean.Dice).toBe(0.6875);
  });

  it('writes NaN (null) for an empty pair even when the report scored it 1 (--empty one), as nnU-Net does', () => {
    const r = makeReport([okCase('a', { '1': label({ dice: 0.5 }), '2': label({ dice: 1, tp: 0, fp: 0, fn: 0, tn: 100 }) })]);
    const s = JSON.parse(writeNnunet(r));
    expect(s.metric_per_case[0].metrics['2'].Dice).toBeNull();
    expect(s.metric_per_case[0].metrics['2'].IoU).toBeNull();
    expect(s.metric_per_case[0].metrics['2'].TN).toBe(100);
    expect(s.mean['2'].Dice).toBeNull();
  });

  it('foreground_mean is null when a label mean is null (np.mean propagates NaN)', () => {
    const r = makeReport([okCase('a', { '1': label({ dice: 0.5 }), '2': label({ dice: null }) })]);
    const s = JSON.parse(writeNnunet(r));
    expect(s.mean['2'].Dice).toBeNull();
    expect(s.foreground_mean.Dice).toBeNull();
    expect(s.foreground_mean.TP).toBe(10);
  });

  it('keys regions as Python tuples through config.regions', () => {
    const r = makeReport(
      [okCase('a', { WT: label({ dice: 0.8 }), ET: label({ dice: 0.6 }), other: label({ dice: 0.1 }) })],
      { regions: { WT: [1, 2, 3], ET: [3] } },
    );
    const s = JSON.parse(writeNnunet(r));
    expect(sorted(Object.keys(s.metric_per_case[0].metrics))).toEqual(['(1, 2, 3)', '(3,)', 'other']);
    expect(s.mean['(1, 2, 3)'].Dice).toBe(0.8);
  });

  it('sorts keys like json.dump(sort_keys=True): "(1, 2)" < "1" < "10" < "2"', () => {
    const r = makeReport([okCase('a', { '2': label({ dice: 0.1 }), '10': label({ dice: 0.2 }), '1': label({ dice: 0.3 }) })]);
    const text = writeNnunet(r);
    const meanBlock = text.slice(text.indexOf('"mean"'), text.indexOf('"metric_per_case"'));
    const order = [...meanBlock.matchAll(/^ {8}"([^"]+)": \{/gm)].map((m) => m[1]);
    expect(order).toEqual(['1', '10', '2']);
  });

  it('writes Dice 1 as the Python float 1.0 and per-case counts as ints', () => {
    const text = writeNnunet(fixture());
    expect(text).toMatch(/"Dice": 1\.0,/);
    expect(text).toMatch(/"TP": 10,/);
    expect(text).toMatch(/"TP": 6\.5,/);
  });

  const hasPython = spawnSync('python3', ['-c', 'import json'], { stdio: 'ignore' }).status === 0;
  const py = (code: string, input?: string) => execFileSync('python3', ['-c', code], { input }).toString();

  it.skipIf(!hasPython)("is byte-identical to Python's json.dumps(sort_keys=True, indent=4) of the same data", () => {
    const r = fixture();
    r.cases[0].gt = 'gt/ä-ü/日本.png'; // ensure_ascii escapes
    const text = writeNnunet(r);
    const again = py('import sys, json; print(json.dumps(json.loads(sys.stdin.buffer.read()), sort_keys=True, indent=4))', text);
    expect(text).toBe(again);
  });

  it.skipIf(!hasPython)("matches Python's repr for floats and str for tuples", () => {
    const values = [1, 0.5, 1 / 3, 1e-5, 0.0001, 1.5e-7, 1e16, 123456789012345.6, 2 ** 60, 5e-324, -0.25];
    const reprs = JSON.parse(py(`import json; print(json.dumps([repr(float(x)) for x in ${JSON.stringify(values)}]))`));
    expect(values.map(pythonFloat)).toEqual(reprs);
    expect([pythonTupleKey([1, 2, 3]), pythonTupleKey([3])]).toEqual(py('print(str((1, 2, 3))); print(str((3,)))').trim().split('\n'));
  });
});
