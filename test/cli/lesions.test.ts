// --lesions through the built CLI (spec/lesions.md "Report", "brats2023 preset"): gates on
// summary.lesions, --lesion-csv, the preset's resolved options, usage errors. Values come
// from the golden reference (fixtures/golden/lesions_2d/expected.json), computed independently.
// Needs `npx tsc -p tsconfig.json` first.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, runCli } from '../helpers/cli.js';
import { scratch } from '../helpers/tmp.js';

const DIR = join(ROOT, 'fixtures', 'golden', 'lesions_2d');
const expected = JSON.parse(readFileSync(join(DIR, 'expected.json'), 'utf8'));
const base = ['eval', '--pred', join(DIR, 'pred'), '--gt', join(DIR, 'gt'), '--workers', '1', '--losses', 'dice'];
const tmp = scratch('segloss-lesions-');
afterAll(() => tmp.cleanup());

describe('gates on lesion counts', () => {
  const f1 = expected.summary.lesions['1'].f1 as number;

  it('pass and fail on summary.lesions.<L>.f1 at the pooled value', () => {
    const pass = runCli([...base, '--lesions', '--format', 'json', '--gate', `lesions.1.f1>=${f1 - 1e-9}`]);
    expect(pass.status).toBe(0);
    expect(JSON.parse(pass.stdout).gates[0].value).toBeCloseTo(f1, 12);
    const fail = runCli([...base, '--lesions', '--format', 'json', '--gate', `lesions.1.f1>=${f1 + 1e-9}`]);
    expect(fail.status).toBe(1);
    expect(fail.stderr).toMatch(/gate failed: lesions\.1\.f1/);
  });

  it('reject a lesion path that does not exist before the run (exit 2)', () => {
    const r = runCli([...base, '--lesions', '--gate', 'lesions.1.f2>=0.5']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/lesions\.1\.f2/);
  });
});

describe('--lesion-csv', () => {
  it('writes one row per lesion entry of the JSON report, pred ids separated by spaces', () => {
    const file = join(tmp.dir, 'lesions.csv');
    const r = runCli([...base, '--lesions', 'overlap', '--lesion-dilation', '1', '--format', 'json', '--lesion-csv', file]);
    expect(r.status).toBe(0);
    const ref = JSON.parse(readFileSync(join(DIR, 'expected_overlap.json'), 'utf8'));
    const rows = readFileSync(file, 'utf8').trimEnd().split('\r\n');
    expect(rows[0]).toBe('id,label,status,gt,pred,gt_voxels,pred_voxels,iou,dice,hd95');
    const want: string[] = [];
    for (const c of ref.cases) {
      for (const [label, entries] of Object.entries(c.lesions as Record<string, any[]>)) {
        for (const e of entries) want.push([c.id, label, e.status, e.gt ?? '', e.pred.join(' '), e.gt_voxels, e.pred_voxels].join(','));
      }
    }
    expect(rows.slice(1).map((l) => l.split(',').slice(0, 7).join(','))).toEqual(want);
  });
});

describe('options', () => {
  it('brats2023 resolves to the BraTS rules and sets --hd95 max; explicit options win', () => {
    const r = runCli([...base, '--lesions', 'brats2023', '--lesion-dilation', '1', '--format', 'json']);
    expect(r.status).toBe(0);
    const cfg = JSON.parse(r.stdout).config;
    expect(cfg.hd95).toBe('max');
    expect(cfg.lesions).toEqual({
      mode: 'brats2023', match: 'overlap', connectivity: 'full', iou: 0.5, dilation: 1,
      volume_threshold: 50, small: 'gt', hd95_penalty: 374,
    });
    const u = runCli([...base, '--lesions', 'brats2023', '--hd95', 'union', '--format', 'json']);
    expect(JSON.parse(u.stdout).config.hd95).toBe('union');
  });

  it('refuse a lesion option without --lesions, an unknown mode and a bad threshold (exit 2, one line)', () => {
    for (const [args, msg] of [
      [['--lesion-iou', '0.3'], /--lesion-iou needs --lesions/],
      [['--lesions', 'panoptic'], /--lesions must be one of iou\|overlap\|brats2023/],
      [['--lesions', '--lesion-iou', '1.5'], /--lesion-iou must be within \[0, 1\)/],
      [['--lesions', '--connectivity', 'edge'], /--connectivity must be full\|face/],
    ] as [string[], RegExp][]) {
      const r = runCli([...base, ...args]);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(msg);
      expect(r.stderr).not.toMatch(/^\s+at /m);
    }
  });

  it('the table shows lesion F1 and counts per case and the pooled counts per label', () => {
    const r = runCli([...base, '--lesions']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/lesion F1/);
    const s = expected.summary.lesions['1'];
    // The pooled row of label 1: gt lesions, pred lesions, TP, FP, FN.
    expect(r.stdout).toMatch(new RegExp(`│ 1\\s+│\\s+${s.gt_lesions} │\\s+${s.pred_lesions} │\\s+${s.tp} │\\s+${s.fp} │\\s+${s.fn} │`));
  });
});

describe('with other features', () => {
  it('--config takes "lesions": true and lesion options: the pooled counts of the golden t03 run', () => {
    const cfg = tmp.write('segloss.json', JSON.stringify({ lesions: true, 'lesion-iou': 0.3, 'empty': 'nan' }));
    const viaFile = runCli([...base, '--config', cfg, '--format', 'json']);
    expect(viaFile.status).toBe(0);
    const ref = JSON.parse(readFileSync(join(DIR, 'expected_t03.json'), 'utf8'));
    const rep = JSON.parse(viaFile.stdout);
    expect(rep.summary.lesions['1'].tp).toBe(ref.summary.lesions['1'].tp);
    expect(rep.summary.lesions['1'].pq).toBeCloseTo(ref.summary.lesions['1'].pq, 9);
  });

  it('two shards merged give the lesions of one run (cases, summary.labels, summary.lesions)', () => {
    const shards = [1, 2].map((i) => {
      const f = join(tmp.dir, `shard${i}.json`);
      expect(runCli([...base, '--lesions', 'overlap', '--shard', `${i}/2`, '--out', f, '--format', 'json']).status).toBe(0);
      return f;
    });
    const merged = JSON.parse(runCli(['merge', ...shards, '--format', 'json']).stdout);
    const one = JSON.parse(runCli([...base, '--lesions', 'overlap', '--format', 'json']).stdout);
    expect(merged.summary.lesions).toEqual(one.summary.lesions);
    expect(merged.summary.labels).toEqual(one.summary.labels);
    expect(merged.cases.map((c: { lesions: unknown }) => c.lesions)).toEqual(one.cases.map((c: { lesions: unknown }) => c.lesions));
  });
});
