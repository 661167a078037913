// The extra metrics through the built CLI (metrics-extra.md): values of a case worked by
// hand, reliability tables, --ece-bins, and the writers and gates reaching the new keys.
// Needs `npx tsc -p tsconfig.json` first.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { row, workspace, type Workspace } from '../helpers/cliFixtures.js';

// gt 1 1 0 0, p 0.9 0.4 0.6 0.1 (float32), threshold 0.5 → hard 1 0 1 0: tp fn fp tn = 1 1 1 1.
// brier = (0.1² + 0.6² + 0.6² + 0.1²)/4 = 0.185
// auroc: pairs (0.9,0.6) (0.9,0.1) (0.4,0.1) won, (0.4,0.6) lost → 3/4
// ap: at 0.9 recall ½ precision 1, at 0.4 recall 1 precision 2/3 → ½ + ⅓ = 5/6
// ece, 15 bins: every p in its own bin → (0.1 + 0.6 + 0.6 + 0.1)/4 = 0.35
// nll = −(ln 0.9 + ln 0.4 + ln(1 − 0.6) + ln(1 − 0.1))/4
// mcc = kappa = 0, balanced accuracy ½, f2 = 5/(5 + 4 + 1) = ½, rvd 0, avd null (no spacing)
const P = [0.9, 0.4, 0.6, 0.1];
const GT = [1, 1, 0, 0];
const f32 = (x: number) => Math.fround(x);
const HAND = {
  brier: ((1 - f32(0.9)) ** 2 + (1 - f32(0.4)) ** 2 + f32(0.6) ** 2 + f32(0.1) ** 2) / 4,
  nll: -(Math.log(f32(0.9)) + Math.log(f32(0.4)) + Math.log(1 - f32(0.6)) + Math.log(1 - f32(0.1))) / 4,
  ece: ((1 - f32(0.9)) + (1 - f32(0.4)) + f32(0.6) + f32(0.1)) / 4,
  auroc: 0.75,
  ap: 5 / 6,
  mcc: 0,
  kappa: 0,
  balanced_accuracy: 0.5,
  f2: 0.5,
  rvd: 0,
  avd: null,
};

describe('segloss eval with the extra metrics', () => {
  let ws: Workspace;
  let base: string[];
  beforeAll(() => {
    ws = workspace();
    ws.addCase('c1', row(GT), row(P, 'f4'));
    base = ['eval', '--pred', ws.pred, '--gt', ws.gt, '--input', 'probs', '--workers', '1'];
  });
  afterAll(() => ws.cleanup());

  it('writes each metric per label, per case and in the summary, equal to the hand calculation', () => {
    const r = runCli([...base, '--metrics', 'all', '--format', 'json']);
    expect(r.status).toBe(0);
    const rep = JSON.parse(r.stdout);
    const c = rep.cases[0];
    for (const [k, v] of Object.entries(HAND)) {
      if (v === null) {
        expect(c.labels['1'][k], k).toBeNull();
        continue;
      }
      expect(c.labels['1'][k], k).toBeCloseTo(v, 7);
      expect(c.metrics[k], k).toBeCloseTo(v, 7);
      expect(rep.summary.metrics[k].mean, k).toBeCloseTo(v, 7);
      expect(rep.summary.labels['1'][k].mean, k).toBeCloseTo(v, 7);
    }
    expect(rep.config.ece_bins).toBe(15);
  });

  it('--ece-bins sets the bins of the ECE and of the reliability tables, per case and pooled', () => {
    // 2 bins: (0, ½] holds 0.4 (t 1) and 0.1 (t 0); (½, 1] holds 0.9 (t 1) and 0.6 (t 0).
    // ECE = (|1 − 0.5| + |1 − 1.5|)/4 = 0.25
    const r = runCli([...base, '--metrics', 'ece,brier', '--ece-bins', '2', '--format', 'json']);
    expect(r.status).toBe(0);
    const rep = JSON.parse(r.stdout);
    expect(rep.cases[0].labels['1'].ece).toBeCloseTo(0.25, 7);
    const table = rep.cases[0].reliability['1'];
    expect(table.count).toEqual([2, 2]);
    expect(table.mean_p[0]).toBeCloseTo((f32(0.4) + f32(0.1)) / 2, 7);
    expect(table.mean_t).toEqual([0.5, 0.5]);
    expect(rep.summary.reliability['1'].count).toEqual([2, 2]);
    expect(rep.config.ece_bins).toBe(2);
  });

  it('refuses a bad --ece-bins with exit 2 naming the option', () => {
    const r = runCli([...base, '--metrics', 'ece', '--ece-bins', '0']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--ece-bins/);
  });

  it('gates reach the new keys: metrics.ece.mean<=0.05 fails with the value, metrics.auroc.mean>=0.7 passes', () => {
    const r = runCli([...base, '--metrics', 'all', '--format', 'json', '--gate', 'metrics.ece.mean<=0.05', '--gate', 'metrics.auroc.mean>=0.7']);
    expect(r.status).toBe(1);
    const rep = JSON.parse(r.stdout);
    expect(rep.gates[0].pass).toBe(false);
    expect(rep.gates[0].value).toBeCloseTo(HAND.ece, 7);
    expect(rep.gates[1].pass).toBe(true);
    expect(r.stderr).toMatch(/metrics\.ece\.mean<=0\.05/);
  });

  it('a gate on a metric not requested is a usage error before the run', () => {
    const r = runCli([...base, '--gate', 'metrics.ece.mean<=0.05']);
    expect(r.status).toBe(2);
  });

  it('the table, CSV and Markdown writers show the new keys', () => {
    const csv = runCli([...base, '--metrics', 'all', '--format', 'csv']).stdout.split('\r\n');
    const head = csv[0].split(',');
    for (const k of Object.keys(HAND)) expect(head, k).toContain(k);
    const cells = csv[1].split(',');
    expect(Number(cells[head.indexOf('auroc')])).toBeCloseTo(0.75, 12);
    const md = runCli([...base, '--metrics', 'all', '--format', 'markdown']).stdout;
    expect(md).toMatch(/\| ece \| 0\.3500 \|/);
    const table = runCli([...base, '--metrics', 'all', '--format', 'table']).stdout;
    expect(table).toMatch(/auroc\s.*0\.7500/);
  });
});
