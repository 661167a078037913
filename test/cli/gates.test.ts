// Gates, per-case gates and exit statuses (cli.md "Gates and exit status"), from the
// built CLI on fixtures whose Dice values are known by hand (test/helpers/cliFixtures.ts).
// Needs `npx tsc -p tsconfig.json` first.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { GATES_DICE, gatesFixture, LABELS_DICE, labelsFixture, row, workspace, type Workspace } from '../helpers/cliFixtures.js';

/** The number printed after "(value " or inside "case (…)" on a gate-failure line. */
function valueIn(line: string, id?: string): number {
  const m = id ? new RegExp(`\\b${id} \\(([^)]+)\\)`).exec(line) : /\(value ([^)]+)\)/.exec(line);
  if (!m) throw new Error(`no value in ${JSON.stringify(line)}`);
  return Number(m[1]);
}

const lines = (s: string) => s.split('\n').filter((l) => l !== '');
const noStack = (stderr: string) => expect(stderr).not.toMatch(/^\s+at /m);

// The gates fixture, shared by the summary and per-case gates (each run writes its own file).
let ws: Workspace;
let base: string[];
beforeAll(() => {
  ws = workspace();
  gatesFixture(ws);
  base = ['eval', '--pred', ws.pred, '--gt', ws.gt, '--workers', '1'];
});
afterAll(() => ws.cleanup());

describe('summary gates (--gate)', () => {
  it('exit 0 when every gate passes; the report records each gate with its value', () => {
    const r = runCli([...base, '--format', 'json', '--gate', 'metrics.dice.mean>=0.82', '--gate', 'metrics.dice.min > 0.66', '--gate', 'errors==0']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const rep = JSON.parse(r.stdout);
    expect(rep.passed).toBe(true);
    expect(rep.gates.map((g: { expr: string }) => g.expr)).toEqual(['metrics.dice.mean>=0.82', 'metrics.dice.min > 0.66', 'errors==0']);
    expect(rep.gates[0].value).toBeCloseTo(GATES_DICE.mean, 12);
    expect(rep.gates[1].value).toBeCloseTo(GATES_DICE.min, 12);
    expect(rep.gates[2].value).toBe(0);
    expect(rep.gates.every((g: { pass: boolean }) => g.pass)).toBe(true);
  });

  it('exit 1 when a gate fails: one stderr line per failed gate, with the value found', () => {
    const r = runCli([...base, '--gate', 'metrics.dice.mean>=0.83', '--gate', 'metrics.dice.max<=0.99', '--gate', 'metrics.dice.n==3']);
    expect(r.status).toBe(1);
    const err = lines(r.stderr);
    expect(err).toHaveLength(2);
    expect(err[0]).toMatch(/^gate failed: metrics\.dice\.mean>=0\.83 \(value /);
    expect(valueIn(err[0])).toBeCloseTo(GATES_DICE.mean, 12);
    expect(err[1]).toMatch(/^gate failed: metrics\.dice\.max<=0\.99 \(value 1\)$/);
    // The table on stdout shows both results too.
    expect(r.stdout).toMatch(/FAIL metrics\.dice\.mean>=0\.83/);
    expect(r.stdout).toMatch(/PASS metrics\.dice\.n==3 \(value 3\)/);
  });

  it('a failing gate still writes the --out report, with passed false', () => {
    const out = ws.path('failed.json');
    const r = runCli([...base, '--gate', 'metrics.dice.mean>=0.9', '--out', out]);
    expect(r.status).toBe(1);
    const rep = JSON.parse(readFileSync(out, 'utf8'));
    expect(rep.passed).toBe(false);
    expect(rep.gates[0].pass).toBe(false);
    expect(rep.gates[0].value).toBeCloseTo(GATES_DICE.mean, 12);
  });

  it.each([
    ['a label that is not in the run', 'labels.7.dice.mean>=0.5', /no "7" under labels; available: 1$/m],
    ['a stats object without a stat', 'metrics.dice>=0.5', /not a number.*\.mean/],
    ['a stat that does not exist', 'metrics.dice.average>=0.5', /no "average" under metrics\.dice; available: mean/],
    ['a metric that was not computed', 'metrics.hd95.mean<=3', /no "hd95" under metrics/],
    ['an unknown top-level key', 'dice.mean>=0.5', /no "dice" under \(top level\)/],
  ])('a gate on a path that does not exist is a usage error (exit 2): %s', (_what, gate, reason) => {
    const r = runCli([...base, '--gate', gate, '--gate', 'metrics.dice.mean>=0.5']);
    expect(r.status).toBe(2);
    const err = lines(r.stderr);
    expect(err).toHaveLength(1);
    expect(err[0]).toContain(gate);
    expect(err[0]).toMatch(reason);
    expect(r.stdout).toBe('');
    noStack(r.stderr);
  });

  it.each(['metrics.dice.mean=>0.5', 'metrics.dice.mean != 0.5', 'metrics.dice.mean>=high', 'metrics..mean>=1'])('malformed gate %s: exit 2, one line', (gate) => {
    const r = runCli([...base, '--gate', gate]);
    expect(r.status).toBe(2);
    expect(lines(r.stderr)).toHaveLength(1);
    expect(r.stderr).toMatch(/^segloss: --gate: invalid gate/);
    noStack(r.stderr);
  });

  it('per-label gates resolve into summary.labels', () => {
    const lw = workspace();
    try {
      labelsFixture(lw);
      const args = ['eval', '--workers', '1', '--pred', lw.pred, '--gt', lw.gt];
      const pass = runCli([...args, '--format', 'json', '--gate', 'labels.1.dice.mean>=0.85', '--gate', 'labels.2.dice.min>=0.66']);
      expect(pass.status).toBe(0);
      const rep = JSON.parse(pass.stdout);
      expect(rep.gates[0].value).toBeCloseTo(LABELS_DICE[1], 12);
      expect(rep.gates[1].value).toBeCloseTo(LABELS_DICE[2], 12);
      const fail = runCli([...args, '--gate', 'labels.2.dice.mean>=0.7']);
      expect(fail.status).toBe(1);
      expect(valueIn(lines(fail.stderr)[0])).toBeCloseTo(LABELS_DICE[2], 12);
    } finally {
      lw.cleanup();
    }
  });
});

describe('per-case gates (--gate-case)', () => {
  it('exit 0 when every ok case passes; recorded as case_gates', () => {
    const r = runCli([...base, '--format', 'json', '--gate-case', 'metrics.dice>=0.6']);
    expect(r.status).toBe(0);
    const rep = JSON.parse(r.stdout);
    expect(rep.case_gates).toEqual([{ expr: 'metrics.dice>=0.6', pass: true, evaluated: 3, failures: [] }]);
    expect(rep.passed).toBe(true);
  });

  it('exit 1 naming the failing cases and their values', () => {
    const r = runCli([...base, '--gate-case', 'metrics.dice>=0.9', '--out', ws.path('cg.json')]);
    expect(r.status).toBe(1);
    const err = lines(r.stderr);
    expect(err).toHaveLength(1);
    expect(err[0]).toMatch(/^gate failed: metrics\.dice>=0\.9 in 2 of 3 cases: /);
    expect(valueIn(err[0], 'b')).toBeCloseTo(GATES_DICE.b, 12);
    expect(valueIn(err[0], 'c')).toBeCloseTo(GATES_DICE.c, 12);
    expect(err[0]).not.toMatch(/\ba \(/);
    const rep = JSON.parse(readFileSync(ws.path('cg.json'), 'utf8'));
    expect(rep.case_gates[0].pass).toBe(false);
    expect(rep.case_gates[0].failures.map((f: { id: string }) => f.id)).toEqual(['b', 'c']);
    expect(rep.case_gates[0].failures[0].value).toBeCloseTo(GATES_DICE.b, 12);
    expect(rep.passed).toBe(false);
    expect(r.stdout).toMatch(/FAIL metrics\.dice>=0\.9 \(every case\): 2 of 3 cases fail/);
  });

  it('losses and labels paths work per case', () => {
    // Dice loss rises as Dice falls: case b (Dice 2/3) has the largest loss of the three.
    const r = runCli([...base, '--format', 'json']);
    const rep = JSON.parse(r.stdout);
    const lossB = rep.cases.find((c: { id: string }) => c.id === 'b').losses.dice;
    const lossC = rep.cases.find((c: { id: string }) => c.id === 'c').losses.dice;
    expect(lossB).toBeGreaterThan(lossC);
    const g = runCli([...base, '--gate-case', `losses.dice<=${(lossB + lossC) / 2}`, '--gate-case', 'labels.1.dice>=0.5']);
    expect(g.status).toBe(1);
    const err = lines(g.stderr);
    expect(err).toHaveLength(1);
    expect(err[0]).toMatch(/in 1 of 3 cases: b \(/);
  });

  it.each([
    ['metrics.hd>=1', /not a case-level value; available: metrics\.dice, metrics\.iou/],
    ['summary.dice>=1', /start with metrics, losses or labels/],
    ['labels.9.dice>=0.5', /resolves for no ok case: no "9" under labels; available: 1$/m],
  ])('a per-case gate on a path no case has is a usage error (exit 2): %s', (gate, reason) => {
    const r = runCli([...base, '--gate-case', gate]);
    expect(r.status).toBe(2);
    expect(lines(r.stderr)).toHaveLength(1);
    expect(r.stderr).toMatch(reason);
    expect(r.stderr).toContain(gate);
    noStack(r.stderr);
  });
});

describe('exit status: cases in error, missing cases, nothing to evaluate', () => {
  let ws: Workspace;
  beforeAll(() => {
    ws = workspace();
    gatesFixture(ws);
  });
  afterAll(() => ws.cleanup());

  it('a case in error: exit 1 even when every gate passes; one line naming it', () => {
    const w = workspace();
    try {
      gatesFixture(w);
      w.addCase('d', row([1, 1, 0, 0]), Buffer.from('\x93NUMPY garbage'));
      const r = runCli(['eval', '--workers', '1', '--pred', w.pred, '--gt', w.gt, '--gate', 'metrics.dice.mean>=0.5', '--format', 'json']);
      expect(r.status).toBe(1);
      const rep = JSON.parse(r.stdout);
      expect(rep.summary.errors).toBe(1);
      expect(rep.gates[0].pass).toBe(true);
      expect(rep.passed).toBe(false);
      const err = lines(r.stderr);
      expect(err).toHaveLength(1);
      expect(err[0]).toMatch(/^error: d: .*d\.npy/);
      noStack(r.stderr);
    } finally {
      w.cleanup();
    }
  });

  it('a missing prediction: exit 0 and counted as Dice 0 under --missing zero, exit 1 under --missing error', () => {
    const w = workspace();
    try {
      gatesFixture(w);
      w.addCase('e', row([1, 1, 0, 0]), null);
      const zero = runCli(['eval', '--workers', '1', '--pred', w.pred, '--gt', w.gt, '--format', 'json']);
      expect(zero.status).toBe(0);
      const rep = JSON.parse(zero.stdout);
      expect(rep.summary.missing).toBe(1);
      expect(rep.summary.metrics.dice.mean).toBeCloseTo((GATES_DICE.a + GATES_DICE.b + GATES_DICE.c + 0) / 4, 12);
      const skip = runCli(['eval', '--workers', '1', '--pred', w.pred, '--gt', w.gt, '--missing', 'skip', '--gate', 'metrics.dice.mean>=0.82']);
      expect(skip.status).toBe(0);
      const err = runCli(['eval', '--workers', '1', '--pred', w.pred, '--gt', w.gt, '--missing', 'error', '--gate', 'metrics.dice.mean>=0.5']);
      expect(err.status).toBe(1);
      expect(err.stderr).toMatch(/^error: e: /m);
    } finally {
      w.cleanup();
    }
  });

  it('nothing to evaluate is exit 2: a missing folder, an empty folder, no prediction matching', () => {
    const missing = runCli(['eval', '--pred', ws.pred, '--gt', ws.path('nope')]);
    expect(missing.status).toBe(2);
    expect(lines(missing.stderr)).toEqual([`segloss: ground truth ${ws.path('nope')} does not exist`]);
    const w = workspace();
    try {
      const empty = runCli(['eval', '--pred', w.pred, '--gt', w.gt]);
      expect(empty.status).toBe(2);
      expect(lines(empty.stderr)).toHaveLength(1);
      writeFileSync(join(w.gt, 'x.npy'), row([0, 1]));
      const unmatched = runCli(['eval', '--pred', w.pred, '--gt', w.gt]);
      expect(unmatched.status).toBe(2);
      expect(unmatched.stderr).toMatch(/no prediction .* matches/);
    } finally {
      w.cleanup();
    }
  });

  it('usage errors are exit 2 without a stack trace; --debug adds one', () => {
    const r = runCli(['eval', '--gt', ws.gt]);
    expect(r.status).toBe(2);
    expect(lines(r.stderr)).toEqual(['segloss: --pred is required']);
    const bad = runCli(['eval', '--pred', ws.pred, '--gt', ws.gt, '--threshold', '2']);
    expect(bad.status).toBe(2);
    expect(lines(bad.stderr)).toEqual(['segloss: --threshold must be within (0, 1), got "2"']);
    const unknown = runCli(['eval', '--pred', ws.pred, '--gt', ws.gt, '--gate-cases', 'x']);
    expect(unknown.status).toBe(2);
    noStack(unknown.stderr);
    const debug = runCli(['eval', '--pred', ws.pred, '--gt', ws.gt, '--threshold', '2', '--debug']);
    expect(debug.status).toBe(2);
    expect(debug.stderr).toMatch(/^\s+at /m);
  });
});
