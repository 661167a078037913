// --config FILE: eval options from JSON (camelCase or kebab-case keys, arrays for
// repeatables), relative paths against the file's folder, the command line wins.
import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { GATES_DICE, gatesFixture, workspace, type Workspace } from '../helpers/cliFixtures.js';

const lines = (s: string) => s.split('\n').filter((l) => l !== '');

let ws: Workspace;
beforeAll(() => {
  ws = workspace();
  gatesFixture(ws);
  mkdirSync(ws.path('ci'));
});
afterAll(() => ws.cleanup());

function config(name: string, value: unknown): string {
  return ws.write(name, JSON.stringify(value, null, 2));
}

describe('--config', () => {
  it('holds every option a CI job needs; paths are relative to the config file', () => {
    const file = config('ci/segloss.json', {
      pred: '../pred',
      gt: '../gt',
      workers: 1,
      format: 'json',
      gate: ['metrics.dice.mean>=0.8', 'errors==0'],
      'gate-case': ['metrics.dice>=0.6'],
      out: ['../from-config.csv'],
    });
    const r = runCli(['eval', '--config', file], { cwd: '/' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const rep = JSON.parse(r.stdout);
    expect(rep.gates.map((g: { expr: string }) => g.expr)).toEqual(['metrics.dice.mean>=0.8', 'errors==0']);
    expect(rep.gates[0].value).toBeCloseTo(GATES_DICE.mean, 12);
    expect(rep.case_gates).toHaveLength(1);
    expect(rep.case_gates[0].pass).toBe(true);
    const csv = runCli(['eval', '--config', file, '--format', 'csv']);
    expect(csv.stdout.split('\r\n')[0]).toMatch(/^id,label,status,dice,/);
  });

  it('camelCase keys as commander names them work too', () => {
    const file = config('camel.json', { pred: 'pred', gt: 'gt', workers: '1', gateCase: 'metrics.dice>=0.7', allCases: true, quiet: true });
    const r = runCli(['eval', '--config', file]);
    expect(r.status).toBe(1);
    expect(lines(r.stderr)).toHaveLength(1);
    expect(r.stderr).toMatch(/^gate failed: metrics\.dice>=0\.7 in 1 of 3 cases: b \(/);
  });

  it('the command line wins: a gate given there replaces the file\'s gates, a format overrides', () => {
    const file = config('strict.json', { pred: 'pred', gt: 'gt', workers: 1, gate: ['metrics.dice.mean>=0.9'], format: 'csv' });
    const fromFile = runCli(['eval', '--config', file]);
    expect(fromFile.status).toBe(1);
    expect(fromFile.stdout).toMatch(/^id,label,status/);
    const overridden = runCli(['eval', '--config', file, '--gate', 'metrics.dice.mean>=0.8', '--format', 'json']);
    expect(overridden.status).toBe(0);
    const rep = JSON.parse(overridden.stdout);
    expect(rep.gates.map((g: { expr: string }) => g.expr)).toEqual(['metrics.dice.mean>=0.8']);
  });

  it('option values from the file are checked like the command line\'s', () => {
    const file = config('bad-threshold.json', { pred: 'pred', gt: 'gt', threshold: 3 });
    const r = runCli(['eval', '--config', file]);
    expect(r.status).toBe(2);
    expect(lines(r.stderr)).toEqual(['segloss: --threshold must be within (0, 1), got "3"']);
    const fmt = runCli(['eval', '--config', config('bad-format.json', { pred: 'pred', gt: 'gt', format: 'xml' })]);
    expect(fmt.status).toBe(2);
    expect(fmt.stderr).toMatch(/--format must be table\|csv\|json\|markdown\|nnunet\|html, got "xml"/);
  });

  it.each([
    ['unknown keys, each named', { pred: 'pred', gt: 'gt', gates: ['x'], colour: true }, /unknown options "gates" \(did you mean "gate"\?\), "colour"/],
    ['a flag that is not a boolean', { pred: 'pred', gt: 'gt', quiet: 'yes' }, /"quiet" is a flag, it takes true or false, got "yes"/],
    ['a list for a single-valued option', { pred: 'pred', gt: 'gt', threshold: [0.3, 0.4] }, /"threshold" takes one value, not a list/],
    ['the same option twice', { pred: 'pred', gt: 'gt', 'gate-case': ['a>1'], gateCase: ['b>1'] }, /option "gate-case" given twice/],
    ['an object value', { pred: 'pred', gt: 'gt', labels: { a: 1 } }, /"labels" must be a string or a number/],
    ['a nested --config', { config: 'other.json' }, /unknown option "config"/],
    ['not an object', ['--gate', 'x'], /must hold a JSON object of options/],
  ])('usage error (exit 2, one line): %s', (_what, value, reason) => {
    const file = config('bad.json', value);
    const r = runCli(['eval', '--config', file]);
    expect(r.status).toBe(2);
    const err = lines(r.stderr);
    expect(err).toHaveLength(1);
    expect(err[0]).toContain(`--config ${file}`);
    expect(err[0]).toMatch(reason);
  });

  it('a missing or invalid file is exit 2 with one line', () => {
    const missing = runCli(['eval', '--config', ws.path('none.json')]);
    expect(missing.status).toBe(2);
    expect(lines(missing.stderr)).toEqual([`segloss: --config ${ws.path('none.json')} does not exist`]);
    const broken = ws.write('broken.json', '{"gate": [');
    const r = runCli(['eval', '--config', broken]);
    expect(r.status).toBe(2);
    expect(lines(r.stderr)).toHaveLength(1);
    expect(r.stderr).toMatch(/is not valid JSON/);
  });
});
