// Checks before the report: eval and merge check the run's body (config, cases, summary)
// and build the Report once from the body and the check results (buildReport.ts
// assembleReport, cli/reportChecks.ts checkReport). No placeholder is filled in later.
import { describe, expect, it } from 'vitest';
import { assembleReport, VERSION, type ReportBody } from '../../src/pipeline/buildReport.js';
import { checkReport, type ReportChecks } from '../../src/cli/reportChecks.js';
import { UsageError } from '../../src/cli/usageError.js';
import { parseGate } from '../../src/report/index.js';
import { failedCase, makeReport, simpleCase, summarize } from '../helpers/reportFixtures.js';

/** A body with Dice 0.5 and 1 (mean 0.75) and the given extra cases. */
function body(...extra: ReturnType<typeof failedCase>[]): ReportBody {
  const cases = [simpleCase('a', 0.5), simpleCase('b', 1), ...extra];
  return { config: { metrics: ['dice', 'iou'] }, cases, summary: summarize(cases) };
}

const none: ReportChecks = { gates: [], caseGates: [], baseline: null, maxDrops: [], regression: { enabled: false, alpha: 0.05 } };

describe('assembleReport', () => {
  it('builds a report with no checks in cli.md key order; it passes when no case is in error', () => {
    const b = body();
    const r = assembleReport(b);
    expect(Object.keys(r)).toEqual(['schema', 'tool', 'config', 'cases', 'summary', 'gates', 'passed']);
    expect(r).toMatchObject({ schema: 'segloss-report/1', tool: { name: 'segloss', version: VERSION }, gates: [], passed: true });
    // The body's parts as they are, not copies to be taken apart again.
    expect(r.config).toBe(b.config);
    expect(r.cases).toBe(b.cases);
    expect(r.summary).toBe(b.summary);
  });

  it('does not pass with a case in error, even with no gate', () => {
    const b = body(failedCase('c', 'error', 'pred/c.png: not a PNG file'));
    expect(b.summary.errors).toBe(1);
    expect(assembleReport(b).passed).toBe(false);
  });

  it('puts case gates, the baseline block and run warnings before passed, only when there are any', () => {
    const baseline = { file: 'old.json', alpha: 0.05, regression_test: false, checks: [] };
    const r = assembleReport(body(), { gates: [], case_gates: [{ expr: 'metrics.dice>=0', pass: true, evaluated: 2, failures: [] }], baseline }, ['w']);
    expect(Object.keys(r)).toEqual(['schema', 'tool', 'config', 'cases', 'summary', 'gates', 'case_gates', 'baseline', 'warnings', 'passed']);
    expect(r.passed).toBe(true);
    expect(Object.keys(assembleReport(body(), { gates: [] }, []))).not.toContain('warnings');
  });

  it('fails when any one gate, case gate or baseline check failed', () => {
    const fail = { expr: 'x', value: 0, pass: false };
    expect(assembleReport(body(), { gates: [fail] }).passed).toBe(false);
    expect(assembleReport(body(), { gates: [], case_gates: [{ expr: 'x', pass: false, evaluated: 2, failures: [{ id: 'a', value: 0.5 }] }] }).passed).toBe(false);
    const check = { path: 'metrics.dice.mean', max_drop: 0, lower_is_better: false, baseline: 1, current: 0.75, change: -0.25, pass: false };
    expect(assembleReport(body(), { gates: [], baseline: { file: 'f', checks: [check] } }).passed).toBe(false);
  });
});

describe('checkReport', () => {
  it('checks the summary and every ok case of the body', () => {
    const r = checkReport(body(), { ...none, gates: [parseGate('metrics.dice.mean>=0.8')], caseGates: [parseGate('metrics.dice>=0.6')] });
    // Summary Dice mean (0.5 + 1) / 2 = 0.75 < 0.8; case a has Dice 0.5 < 0.6.
    expect(r).toEqual({
      gates: [{ expr: 'metrics.dice.mean>=0.8', value: 0.75, pass: false }],
      case_gates: [{ expr: 'metrics.dice>=0.6', pass: false, evaluated: 2, failures: [{ id: 'a', value: 0.5 }] }],
    });
  });

  it('fails every case gate when no case is ok, without a usage error', () => {
    const cases = [failedCase('c', 'error', 'x')];
    const r = checkReport({ config: {}, cases, summary: summarize(cases) }, { ...none, caseGates: [parseGate('metrics.dice>=0.6')] });
    expect(r.case_gates).toEqual([{ expr: 'metrics.dice>=0.6', pass: false, evaluated: 0, failures: [] }]);
  });

  it('checks --max-drop against the baseline report', () => {
    const old = makeReport([simpleCase('a', 1), simpleCase('b', 1)]);
    const r = checkReport(body(), { ...none, baseline: { report: old, file: 'old.json' }, maxDrops: [{ path: 'metrics.dice.mean', delta: 0.125 }] });
    // 0.75 − 1 = −0.25: a drop of 0.25 > 0.125.
    expect(r.baseline).toEqual({
      file: 'old.json', alpha: 0.05, regression_test: false,
      checks: [{ path: 'metrics.dice.mean', max_drop: 0.125, lower_is_better: false, baseline: 1, current: 0.75, change: -0.25, test: 'plain', n: null, p: null, alpha: 0.05, pass: false }],
    });
  });

  it('turns a path that does not resolve into a UsageError naming the option, one line per gate', () => {
    const run = () => checkReport(body(), { ...none, gates: [parseGate('x.y>=1'), parseGate('z<1')] });
    expect(run).toThrow(UsageError);
    expect(run).toThrow(/^--gate "x\.y>=1": no "x" under \(top level\)[^\n]*\n--gate "z<1": no "z" under \(top level\)/);
    expect(() => checkReport(body(), { ...none, caseGates: [parseGate('labels.7.dice>=0')] })).toThrow(/^--gate-case "labels\.7\.dice>=0": resolves for no ok case/);
  });
});
