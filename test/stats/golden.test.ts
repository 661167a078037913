// The `stats` golden fixture (fixtures/golden/SUITES.json: `stats_runs` and the `stats:eval_ci`
// suite; reference values from an independent float64 numpy/scipy oracle) through the built
// CLI, compared with the tolerances of fixtures/golden/README.md: counts, directions, methods,
// verdicts and test names equal; means, rank sums and p-values to max(1e-12, 1e-9·|e|);
// bootstrap bounds to 0.15·SE + max(1e-6, 1e-5·|e|) or inside the oracle's quantile band
// (the oracle draws with numpy's generator, segloss with its own).
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, runCli } from '../helpers/cli.js';

const GOLDEN = join(ROOT, 'fixtures', 'golden');
const suites = JSON.parse(readFileSync(join(GOLDEN, 'SUITES.json'), 'utf8'));
const { abs: ABS, rel: REL } = suites.tolerance as { abs: number; rel: number };
const read = (rel: string) => JSON.parse(readFileSync(join(GOLDEN, rel), 'utf8'));

type Json = any;

const valueOk = (e: number, g: unknown) => typeof g === 'number' && Math.abs(e - g) <= Math.max(ABS, REL * Math.abs(e));
const statOk = (e: number | null, g: unknown) => (e === null ? g === null : typeof g === 'number' && Math.abs(e - g) <= Math.max(1e-12, 1e-9 * Math.abs(e)));

/** A bound matches within 0.15·SE (plus the value tolerance) or inside the oracle's band. */
function boundOk(e: number | null, g: unknown, se: number, band: [number, number] | undefined): boolean {
  if (e === null) return g === null;
  if (typeof g !== 'number') return false;
  const slack = Math.max(1e-6, 1e-5 * Math.abs(e));
  if (Math.abs(g - e) <= 0.15 * se + slack) return true;
  return band !== undefined && g >= band[0] - slack && g <= band[1] + slack;
}

/** Golden value comparison (README): numbers within tolerance, null is null, absent is a failure. */
function compareValues(expected: Json, got: Json, path: string, out: string[]): void {
  if (got === undefined) return void out.push(`${path}: missing`);
  if (expected === null || got === null) {
    if (expected !== got) out.push(`${path}: expected ${JSON.stringify(expected)} got ${JSON.stringify(got)}`);
    return;
  }
  if (typeof expected === 'number') {
    if (!valueOk(expected, got)) out.push(`${path}: expected ${expected} got ${JSON.stringify(got)}`);
    return;
  }
  if (typeof expected !== 'object') {
    if (expected !== got) out.push(`${path}: expected ${JSON.stringify(expected)} got ${JSON.stringify(got)}`);
    return;
  }
  for (const [k, v] of Object.entries(expected)) compareValues(v, got[k], `${path}.${k}`, out);
}

function runJson(args: string[]): { status: number | null; json: Json; stderr: string } {
  const r = runCli(args[0] === 'eval' ? [...args, '--quiet'] : args);
  expect(r.stderr).not.toMatch(/^\s+at /m);
  let json: Json = null;
  try {
    json = JSON.parse(r.stdout);
  } catch {
    throw new Error(`segloss ${args.join(' ')} exited ${r.status} without a JSON report: ${r.stderr}`);
  }
  return { status: r.status, json, stderr: r.stderr };
}

function checkCompare(expected: Json, got: Json): string[] {
  const out: string[] = [];
  const e = expected.statistics;
  const g = got.statistics;
  if (!g) return ['no statistics object'];
  for (const k of ['seed', 'alpha', 'resamples', 'confidence', 'adjust', 'paired_cases']) if (e[k] !== g[k]) out.push(`${k}: expected ${e[k]} got ${g[k]}`);
  // compare reads the fixture's reports: nothing is dropped here.
  const expectedKeys = Object.keys(e.keys).sort();
  expect(Object.keys(g.keys).sort()).toEqual(expectedKeys);
  for (const key of expectedKeys) {
    const x = e.keys[key];
    const y = g.keys[key];
    for (const f of ['n', 'n_nonzero', 'direction', 'method', 'verdict']) if (x[f] !== y[f]) out.push(`${key}.${f}: expected ${x[f]} got ${y[f]}`);
    for (const f of ['mean_a', 'mean_b', 'mean_diff', 'r_plus', 'r_minus', 'p', 'p_holm']) if (!statOk(x[f], y[f])) out.push(`${key}.${f}: expected ${x[f]} got ${y[f]}`);
    if (!boundOk(x.ci_low, y.ci_low, x.se, x.ci_low_band)) out.push(`${key}.ci_low: expected ${x.ci_low} (se ${x.se}, band ${x.ci_low_band}) got ${y.ci_low}`);
    if (!boundOk(x.ci_high, y.ci_high, x.se, x.ci_high_band)) out.push(`${key}.ci_high: expected ${x.ci_high} (se ${x.se}, band ${x.ci_high_band}) got ${y.ci_high}`);
  }
  return out;
}

function checkRegress(expected: Json, got: Json): string[] {
  const out: string[] = [];
  const checks = got.baseline?.checks;
  if (!Array.isArray(checks)) return ['no baseline.checks'];
  if (got.baseline.regression_test !== expected.regression_test) out.push(`regression_test: expected ${expected.regression_test}`);
  if (got.baseline.alpha !== expected.alpha) out.push(`alpha: expected ${expected.alpha} got ${got.baseline.alpha}`);
  expect(checks.map((c: Json) => c.path)).toEqual(expected.checks.map((c: Json) => c.path));
  expected.checks.forEach((x: Json, i: number) => {
    const y = checks[i];
    for (const f of ['max_drop', 'lower_is_better', 'test', 'n', 'pass']) if (x[f] !== y[f]) out.push(`${x.path}.${f}: expected ${x[f]} got ${y[f]}`);
    for (const f of ['baseline', 'current', 'change']) compareValues(x[f], y[f], `${x.path}.${f}`, out);
    if (!statOk(x.p, y.p)) out.push(`${x.path}.p: expected ${x.p} got ${y.p}`);
  });
  if (got.passed !== expected.passed) out.push(`passed: expected ${expected.passed} got ${got.passed}`);
  return out;
}

describe('stats golden runs (statistics.md)', () => {
  for (const run of suites.stats_runs as { name: string; command: string[]; expected: string; check: string[]; exit_status: number }[]) {
    it(`${run.name}: exit ${run.exit_status} and every value within tolerance`, () => {
      const args = run.command.map((a) => a.replace('{root}', GOLDEN));
      const r = runJson(args);
      expect(r.status, r.stderr).toBe(run.exit_status);
      const expected = read(run.expected);
      const problems = run.check[0] === 'compare' ? checkCompare(expected, r.json) : checkRegress(expected, r.json);
      expect(problems).toEqual([]);
    });
  }
});

for (const suite of (suites.suites as { name: string; dir: string; flags: string[]; expected: string; stats_check?: string[] }[]).filter((s) => s.stats_check)) {
  describe(`golden suite ${suite.name}`, () => {
    let report: Json;
    const getReport = () => {
      if (!report) {
        const dir = join(GOLDEN, suite.dir);
        const r = runJson(['eval', '--pred', join(dir, 'pred'), '--gt', join(dir, 'gt'), ...suite.flags, '--format', 'json']);
        expect([0, 1]).toContain(r.status);
        report = r.json;
      }
      return report;
    };
    const expected = read(suite.expected);

    it('cases and summary equal the reference values', () => {
      const out: string[] = [];
      for (const exp of expected.cases) {
        const got = getReport().cases.find((c: Json) => c.id === exp.id);
        if (!got) {
          out.push(`case ${exp.id}: missing`);
          continue;
        }
        for (const f of ['status', 'input', 'metrics', 'losses', 'labels']) if (f in exp) compareValues(exp[f], got[f], `${exp.id}.${f}`, out);
      }
      for (const k of ['cases', 'ok', 'missing', 'errors', 'metrics', 'losses', 'labels']) compareValues(expected.summary[k], getReport().summary[k], `summary.${k}`, out);
      expect(out).toEqual([]);
    });

    it('every summary entry has a bootstrap interval matching the oracle', () => {
      const oracle = read(suite.stats_check![2].replace('stats/', `${suite.dir}/`));
      expect(getReport().config.ci).toBe(true);
      const out: string[] = [];
      let checked = 0;
      for (const [key, x] of Object.entries(oracle.entries as Record<string, Json>)) {
        const s = key.split('.');
        const entry = s[0] === 'labels' ? getReport().summary.labels[s[1]]?.[s[2]] : getReport().summary[s[0]]?.[s[1]];
        if (!entry) {
          out.push(`${key}: no summary entry`);
          continue;
        }
        if (entry.n !== x.n) out.push(`${key}.n: expected ${x.n} got ${entry.n}`);
        if (!boundOk(x.ci_low, entry.ci_low, x.se, x.ci_low_band)) out.push(`${key}.ci_low: expected ${x.ci_low} got ${entry.ci_low}`);
        if (!boundOk(x.ci_high, entry.ci_high, x.se, x.ci_high_band)) out.push(`${key}.ci_high: expected ${x.ci_high} got ${entry.ci_high}`);
        checked++;
      }
      expect(out).toEqual([]);
      expect(checked).toBeGreaterThan(10);
    });
  });
}
