// `compare` statistics, `eval --ci` and `--regression-test` from the built CLI (statistics.md),
// on the stats fixture's two reports (oracle: fixtures/golden/stats/expected_compare.json)
// and the demo fixtures.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runCli } from '../helpers/cli.js';
import { workspace, type Workspace } from '../helpers/cliFixtures.js';

const STATS = join(ROOT, 'fixtures', 'golden', 'stats');
const A = join(STATS, 'A.json');
const B = join(STATS, 'B.json');
const oracle = JSON.parse(readFileSync(join(STATS, 'expected_compare.json'), 'utf8')).statistics;
const DEMO = join(ROOT, 'fixtures', 'demo');

const json = (args: string[]) => {
  const r = runCli(args);
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
};

describe('segloss compare: statistics table', () => {
  it('opens with the verdict counts, then lists worse, better and not significant rows in that order', () => {
    const r = runCli(['compare', A, B]);
    expect(r.status).toBe(0);
    const lines = r.stdout.split('\n');
    const count = (v: string) => Object.values(oracle.keys as Record<string, { verdict: string }>).filter((k) => k.verdict === v).length;
    expect(lines[0]).toMatch(/^Is B better than A\?/);
    expect(lines[1]).toContain(`0 worse, ${count('better')} better, ${count('not_significant')} not significant at alpha 0.05`);
    const verdicts = lines.filter((l) => /^│ (better|worse|n\.s\.)/.test(l)).map((l) => l.split('│')[1].trim());
    expect(verdicts.length).toBe(Object.keys(oracle.keys).length);
    expect(verdicts).toEqual([...verdicts].sort((x, y) => ['worse', 'better', 'n.s.'].indexOf(x) - ['worse', 'better', 'n.s.'].indexOf(y)));
    // the per-case listing still follows
    expect(r.stdout).toContain('metrics.dice (higher is better)');
  });

  it('--label and --metric choose the rows shown without changing Holm\'s family', () => {
    const r = runCli(['compare', A, B, '--label', '3', '--metric', 'dice,losses.dice']);
    expect(r.status).toBe(0);
    const rows = r.stdout.split('\n').filter((l) => /^│ (better|worse|n\.s\.)/.test(l));
    expect(rows.map((l) => l.split('│')[2].trim().split(' ')[0])).toEqual(['labels.3.dice', 'labels.3.losses.dice']);
    const j = json(['compare', A, B, '--label', '3', '--metric', 'dice', '--format', 'json']);
    expect(Object.keys(j.statistics.keys)).toEqual(['labels.3.dice']);
    expect(j.statistics.keys['labels.3.dice'].p_holm).toBe(oracle.keys['labels.3.dice'].p_holm);
  });

  it('--alpha moves the verdicts: at 0.1, labels.2.precision (Holm p 0.0736) becomes better', () => {
    const j = json(['compare', A, B, '--alpha', '0.1', '--format', 'json']);
    expect(j.statistics.alpha).toBe(0.1);
    expect(j.statistics.keys['labels.2.precision'].verdict).toBe('better');
  });

  it('the same --seed gives the same intervals, another seed other ones', () => {
    const a = json(['compare', A, B, '--seed', '5', '--format', 'json']).statistics.keys['metrics.dice'];
    const b = json(['compare', A, B, '--seed', '5', '--format', 'json']).statistics.keys['metrics.dice'];
    const c = json(['compare', A, B, '--seed', '6', '--format', 'json']).statistics.keys['metrics.dice'];
    expect(b).toEqual(a);
    expect(c.ci_low).not.toBe(a.ci_low);
    expect(c.p).toBe(a.p);
  });

  it.each([
    [['--alpha', '1.5'], /--alpha must be a number between 0 and 1/],
    [['--seed', '-1'], /--seed must be an integer ≥ 0/],
    [['--label', '9'], /--label\/--metric match no compared quantity/],
  ])('usage error (exit 2, one line): %j', (extra, message) => {
    const r = runCli(['compare', A, B, ...extra]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('segloss eval --ci and --regression-test', () => {
  let ws: Workspace;
  let base: string;
  beforeAll(() => {
    ws = workspace('segloss-stats-');
    base = ws.path('base.json');
    expect(runCli(['eval', '--pred', join(DEMO, 'pred'), '--gt', join(DEMO, 'gt'), '--out', base, '--quiet']).status).toBe(0);
  });
  afterAll(() => ws.cleanup());

  it('--ci adds ci_low ≤ mean ≤ ci_high to every summary entry and records ci and seed', () => {
    const rep = json(['eval', '--pred', join(DEMO, 'pred'), '--gt', join(DEMO, 'gt'), '--ci', '--seed', '3', '--format', 'json', '--quiet']);
    expect(rep.config).toMatchObject({ ci: true, seed: 3 });
    const entries = [...Object.values(rep.summary.metrics), ...Object.values(rep.summary.losses), ...Object.values(rep.summary.labels).flatMap((l: any) => Object.values(l))] as any[];
    expect(entries.length).toBeGreaterThan(5);
    for (const e of entries) {
      if (e.n === 0) {
        expect(e.ci_low).toBeNull();
        continue;
      }
      // the mean of the values lies between their min and max, so does every resample's mean
      expect(e.ci_low).toBeGreaterThanOrEqual(e.min - 1e-12);
      expect(e.ci_high).toBeLessThanOrEqual(e.max + 1e-12);
      expect(e.ci_low).toBeLessThanOrEqual(e.ci_high);
    }
  });

  it('--ci in the table and the Markdown: with 3 cases the interval is [min, max]', () => {
    // a resample is 3 copies of the smallest case with probability 1/27 = 3.7 % > 2.5 %, of
    // the largest likewise: both percentiles land on those resamples' means
    for (const format of ['table', 'markdown']) {
      const r = runCli(['eval', '--pred', join(DEMO, 'pred'), '--gt', join(DEMO, 'gt'), '--ci', '--format', format, '--quiet']);
      expect(r.status).toBe(0);
      expect(r.stdout).toContain('95 % CI of mean');
      expect(r.stdout).toMatch(/dice\s*[│|].*[│|]\s*\[0\.7593, 0\.9841\]/);
    }
  });

  it('with fewer than 6 pairs the plain rule decides, and the check records test "plain" and n', () => {
    const r = runCli(['eval', '--pred', join(DEMO, 'pred'), '--gt', join(DEMO, 'gt'), '--baseline', base, '--max-drop', 'metrics.dice.mean=0', '--max-drop', 'errors=0', '--regression-test', '--format', 'json', '--quiet']);
    expect(r.status).toBe(0);
    const checks = JSON.parse(r.stdout).baseline.checks;
    expect(checks[0]).toMatchObject({ path: 'metrics.dice.mean', test: 'plain', n: 3, p: null, pass: true });
    expect(checks[1]).toMatchObject({ path: 'errors', test: 'plain', n: null, p: null, pass: true });
  });

  it('says on stderr which drops were not significant and why a failure was', () => {
    // oracle (expected_regress_*_test.json): labels.2.hd95.mean p = 0.397 over 28 pairs,
    // metrics.dice.mean p = 1.97e-10 over 58 pairs
    const r = runCli(['eval', '--pred', join(STATS, 'pred'), '--gt', join(STATS, 'gt'), '--metrics', 'dice,hd95', '--baseline', B, '--max-drop', 'labels.2.hd95.mean=0', '--max-drop', 'metrics.dice.mean=0.01', '--regression-test']);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('note: labels.2.hd95.mean got worse by more than 0, but not significantly (one-sided paired Wilcoxon p = 0.397 > alpha 0.05, 28 pairs): check passes');
    expect(r.stderr).toMatch(/baseline check failed: metrics\.dice\.mean dropped by .*\n {2}\(significant: one-sided paired Wilcoxon p = 1\.97e-10 ≤ alpha 0\.05, 58 pairs\)/);
  });

  it.each([
    [['--baseline', 'BASE', '--max-drop', 'labels.1.rvd.mean=0.1'], /rvd has no better direction/],
    [['--regression-test'], /--regression-test needs --baseline/],
    [['--baseline', 'BASE', '--max-drop', 'metrics.dice.mean=0', '--regression-test', '--alpha', '0'], /--alpha must be a number between 0 and 1/],
  ])('usage error (exit 2, one line): %j', (extra, message) => {
    const r = runCli(['eval', '--pred', join(DEMO, 'pred'), '--gt', join(DEMO, 'gt'), ...extra.map((x) => (x === 'BASE' ? base : x))]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});
