// --baseline / --max-drop and `segloss compare`, from the built CLI. The baseline is the
// hand-checked "gates" fixture; the new run makes case b worse (Dice 2/3 → 2·1/(4+1) = 2/5).
import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { GATES_DICE, gatesFixture, row, workspace, type Workspace } from '../helpers/cliFixtures.js';

const NEW_B = 2 / 5;
const NEW_MEAN = (GATES_DICE.a + NEW_B + GATES_DICE.c) / 3;
const DROP = GATES_DICE.mean - NEW_MEAN; // 4/45

const lines = (s: string) => s.split('\n').filter((l) => l !== '');

let ws: Workspace;
let baseline: string;
let newReport: string;
let args: string[];

beforeAll(() => {
  ws = workspace();
  gatesFixture(ws);
  baseline = ws.path('baseline.json');
  const first = runCli(['eval', '--workers', '1', '--pred', ws.pred, '--gt', ws.gt, '--out', baseline]);
  expect(first.status).toBe(0);
  // The new model: case b loses a voxel more.
  writeFileSync(`${ws.pred}/b.npy`, row([1, 0, 0, 0, 0, 0, 0, 0]));
  newReport = ws.path('new.json');
  args = ['eval', '--workers', '1', '--pred', ws.pred, '--gt', ws.gt, '--out', newReport, '--baseline', baseline];
});
afterAll(() => ws.cleanup());

describe('--baseline with --max-drop', () => {
  it('passes (exit 0) when the drop is within DELTA, and records the check', () => {
    const r = runCli([...args, '--max-drop', 'metrics.dice.mean=0.1', '--format', 'json']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const rep = JSON.parse(r.stdout);
    expect(rep.passed).toBe(true);
    expect(rep.baseline.file).toBe(baseline);
    const [c] = rep.baseline.checks;
    expect(c.path).toBe('metrics.dice.mean');
    expect(c.max_drop).toBe(0.1);
    expect(c.lower_is_better).toBe(false);
    expect(c.baseline).toBeCloseTo(GATES_DICE.mean, 12);
    expect(c.current).toBeCloseTo(NEW_MEAN, 12);
    expect(c.change).toBeCloseTo(-DROP, 12);
    expect(c.pass).toBe(true);
  });

  it('fails (exit 1) when a value dropped by more than DELTA: one line with the drop and both values', () => {
    const r = runCli([...args, '--max-drop', 'metrics.dice.mean=0.05', '--max-drop', 'metrics.dice.max=0']);
    expect(r.status).toBe(1);
    const err = lines(r.stderr);
    expect(err).toHaveLength(1);
    const m = /^baseline check failed: metrics\.dice\.mean dropped by (\S+) \(baseline (\S+), now (\S+), allowed 0\.05\)$/.exec(err[0]);
    expect(m).not.toBeNull();
    expect(Number(m![1])).toBeCloseTo(DROP, 12);
    expect(Number(m![2])).toBeCloseTo(GATES_DICE.mean, 12);
    expect(Number(m![3])).toBeCloseTo(NEW_MEAN, 12);
    const rep = JSON.parse(readFileSync(newReport, 'utf8'));
    expect(rep.passed).toBe(false);
    expect(rep.baseline.checks.map((c: { pass: boolean }) => c.pass)).toEqual([false, true]);
  });

  it('the table and the Markdown report show each check', () => {
    const table = runCli([...args, '--max-drop', 'metrics.dice.mean=0.05', '--max-drop', 'metrics.dice.max=0']);
    expect(table.stdout).toContain(`baseline ${baseline}:\n`);
    const m = /^ {2}FAIL metrics\.dice\.mean (\S+) → (\S+) \(change (\S+), max drop 0\.05\)$/m.exec(table.stdout);
    expect(m).not.toBeNull();
    expect(Number(m![1])).toBeCloseTo(GATES_DICE.mean, 12);
    expect(Number(m![2])).toBeCloseTo(NEW_MEAN, 12);
    expect(Number(m![3])).toBeCloseTo(-DROP, 12);
    expect(table.stdout).toMatch(/^ {2}PASS metrics\.dice\.max 1 → 1 \(change 0, max drop 0\)$/m);
    const md = runCli([...args, '--max-drop', 'losses.dice.mean=1', '--format', 'markdown']);
    expect(md.status).toBe(0);
    expect(md.stdout).toMatch(/^## Baseline .*baseline\.json$/m);
    expect(md.stdout).toMatch(/^- ✅ losses\.dice\.mean \S+ → \S+ \(change \+\S+, max rise 1\)$/m);
  });

  it('a loss fails when it rose (lower is better)', () => {
    const r = runCli([...args, '--max-drop', 'losses.dice.mean=0']);
    expect(r.status).toBe(1);
    expect(lines(r.stderr)).toHaveLength(1);
    expect(r.stderr).toMatch(/^baseline check failed: losses\.dice\.mean rose by \S+ \(baseline \S+, now \S+, allowed 0\)/);
    const rep = JSON.parse(readFileSync(newReport, 'utf8'));
    expect(rep.baseline.checks[0].lower_is_better).toBe(true);
    expect(rep.baseline.checks[0].change).toBeGreaterThan(0);
  });

  it('per-label paths and gates combine: every failure is listed, exit 1', () => {
    const r = runCli([...args, '--max-drop', 'labels.1.dice.min=0.2', '--gate', 'metrics.dice.mean>=0.8']);
    expect(r.status).toBe(1);
    const err = lines(r.stderr);
    expect(err).toHaveLength(2);
    expect(err[0]).toMatch(/^gate failed: metrics\.dice\.mean>=0\.8 \(value /);
    expect(err[1]).toMatch(/^baseline check failed: labels\.1\.dice\.min dropped by /);
    // min went from 2/3 to 2/5.
    expect(Number(/dropped by (\S+)/.exec(err[1])![1])).toBeCloseTo(GATES_DICE.min - NEW_B, 12);
  });

  it.each([
    ['a baseline file that does not exist', ['--baseline', '/nonexistent/base.json', '--max-drop', 'metrics.dice.mean=0.01'], /^segloss: --baseline \/nonexistent\/base\.json does not exist$/m],
    ['no --max-drop', ['--baseline', 'BASE'], /needs at least one --max-drop/],
    ['--max-drop without --baseline', ['--max-drop', 'metrics.dice.mean=0.01'], /--max-drop needs --baseline/],
    ['a malformed --max-drop', ['--baseline', 'BASE', '--max-drop', 'metrics.dice.mean'], /--max-drop must be PATH=DELTA/],
    ['a negative DELTA', ['--baseline', 'BASE', '--max-drop', 'metrics.dice.mean=-1'], /DELTA must be a number ≥ 0/],
    ['a path that does not exist', ['--baseline', 'BASE', '--max-drop', 'metrics.dice.avg=0.01'], /no "avg" under metrics\.dice/],
  ])('usage error (exit 2, one line): %s', (_what, extra, reason) => {
    const r = runCli(['eval', '--workers', '1', '--pred', ws.pred, '--gt', ws.gt, ...extra.map((a) => (a === 'BASE' ? baseline : a))]);
    expect(r.status).toBe(2);
    expect(lines(r.stderr)).toHaveLength(1);
    expect(r.stderr).toMatch(reason);
    expect(r.stdout).toBe('');
  });

  it.each([
    ['invalid JSON', '{"schema": "segloss-report/1",', /is not valid JSON/],
    ['an nnU-Net summary.json', '{"metric_per_case": [], "mean": {}, "foreground_mean": {}}', /nnU-Net summary\.json, not a segloss report/],
    ['another JSON document', '{"schema": "other/2"}', /has schema "other\/2", expected "segloss-report\/1"/],
    ['a report without summary', '{"schema": "segloss-report/1", "cases": [], "config": {}}', /has no "summary" object/],
  ])('an invalid baseline file is exit 2 with one line: %s', (_what, text, reason) => {
    const bad = ws.write('bad-baseline.json', text);
    const r = runCli(['eval', '--workers', '1', '--pred', ws.pred, '--gt', ws.gt, '--baseline', bad, '--max-drop', 'metrics.dice.mean=0.01']);
    expect(r.status).toBe(2);
    const err = lines(r.stderr);
    expect(err).toHaveLength(1);
    expect(err[0]).toContain(`--baseline ${bad}`);
    expect(err[0]).toMatch(reason);
  });

  it('a label missing from the new run is a usage error after the run (exit 2)', () => {
    const edited = JSON.parse(readFileSync(baseline, 'utf8'));
    edited.summary.labels['5'] = edited.summary.labels['1'];
    const p = ws.write('with-label-5.json', JSON.stringify(edited));
    const r = runCli(['eval', '--workers', '1', '--pred', ws.pred, '--gt', ws.gt, '--baseline', p, '--max-drop', 'labels.5.dice.mean=0.01']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^segloss: --max-drop labels\.5\.dice\.mean max drop 0\.01: current report: no "5" under labels/);
  });
});

describe('segloss compare', () => {
  beforeAll(() => {
    const r = runCli(['eval', '--workers', '1', '--pred', ws.pred, '--gt', ws.gt, '--out', newReport]);
    expect(r.status).toBe(0);
  });

  it('table: the cases that got worse and better, by how much', () => {
    const r = runCli(['compare', baseline, newReport]);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^metrics\.dice \(higher is better\): 1 worse, 0 better, 2 unchanged of 3; mean change -0\.08889$/m);
    // case b: 0.6667 → 0.4000, change −4/15.
    expect(r.stdout).toMatch(/│ b\s+│\s+0\.6667 │\s+0\.4000 │\s+-0\.2667 │ worse\s+│/);
    expect(r.stdout).toMatch(/^losses\.dice \(lower is better\): 1 worse, 0 better, 2 unchanged of 3/m);
  });

  it('json: the same comparison as data', () => {
    const r = runCli(['compare', baseline, newReport, '--format', 'json']);
    expect(r.status).toBe(0);
    const cmp = JSON.parse(r.stdout);
    expect(cmp.old).toBe(baseline);
    expect(cmp.new).toBe(newReport);
    const dice = cmp.quantities.find((q: { key: string }) => q.key === 'metrics.dice');
    expect(dice.worse).toHaveLength(1);
    expect(dice.worse[0].id).toBe('b');
    expect(dice.worse[0].old).toBeCloseTo(GATES_DICE.b, 12);
    expect(dice.worse[0].new).toBeCloseTo(NEW_B, 12);
    expect(dice.worse[0].change).toBeCloseTo(NEW_B - GATES_DICE.b, 12);
    expect(dice.better).toEqual([]);
    expect(dice.unchanged).toBe(2);
    // Reversed, the same case got better.
    const back = JSON.parse(runCli(['compare', newReport, baseline, '--format', 'json']).stdout);
    const diceBack = back.quantities.find((q: { key: string }) => q.key === 'metrics.dice');
    expect(diceBack.better.map((c: { id: string }) => c.id)).toEqual(['b']);
    expect(diceBack.worse).toEqual([]);
  });

  it('an unreadable or invalid report is exit 2 with one line', () => {
    const missing = runCli(['compare', baseline, ws.path('nope.json')]);
    expect(missing.status).toBe(2);
    expect(lines(missing.stderr)).toEqual([`segloss: new report ${ws.path('nope.json')} does not exist`]);
    const notJson = ws.write('not.json', 'hello');
    const bad = runCli(['compare', notJson, baseline]);
    expect(bad.status).toBe(2);
    expect(lines(bad.stderr)).toHaveLength(1);
    expect(bad.stderr).toMatch(/^segloss: old report .* is not valid JSON/);
    expect(runCli(['compare', baseline]).status).toBe(2);
  });
});
