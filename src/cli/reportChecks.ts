// The checks of a finished report (cli.md exit status): --gate on the summary, --gate-case
// on every ok case, --baseline/--max-drop (with --regression-test, statistics.md). `eval`
// and `merge` both end with these, so a merged report is checked exactly like one run.
import { UsageError } from './usageError.js';
import { GateUsageError, type GateProblem } from '../errors.js';
import { compareToBaseline, evaluateCaseGates, evaluateGates, type Gate, type MaxDrop } from '../report/index.js';
import type { BaselineCheckEntry, CaseGateEntry, Report } from '../report/model.js';
import { regressionTest } from '../stats/regression.js';

export interface ReportChecks {
  gates: Gate[];
  caseGates: Gate[];
  /** The earlier report and its file name; null without --baseline. */
  baseline: { report: Report; file: string } | null;
  maxDrops: MaxDrop[];
  regression: { enabled: boolean; alpha: number };
}

/** `check()`, with a path that does not resolve turned into a usage error, one line per problem. */
function orUsage<T>(check: () => T, line: (p: GateProblem) => string): T {
  try {
    return check();
  } catch (e) {
    if (e instanceof GateUsageError) throw new UsageError(e.problems.map(line).join('\n'));
    throw e;
  }
}

/**
 * `report` with its gate, case-gate and baseline results and `passed`, keys in cli.md's
 * order (the optional additions just before `passed`). A path that does not resolve is a
 * usage error.
 */
export function withChecks(report: Report, c: ReportChecks): Report {
  const gateResults = orUsage(() => evaluateGates(report.summary, c.gates), (p) => `--gate "${p.expr}": ${p.reason}`);

  let caseGateResults: CaseGateEntry[];
  if (report.summary.ok === 0) {
    // Nothing to check is not a pass; it is not a usage error either (the cases failed).
    caseGateResults = c.caseGates.map((g) => ({ expr: g.expr, pass: false, evaluated: 0, failures: [] }));
  } else {
    caseGateResults = orUsage(() => evaluateCaseGates(report.cases, c.caseGates), (p) => `--gate-case "${p.expr}": ${p.reason}`);
  }

  let baselineChecks: BaselineCheckEntry[] = [];
  if (c.baseline) {
    const base = c.baseline.report;
    const checks = orUsage(() => compareToBaseline(report, base, c.maxDrops), (p) => `--max-drop ${p.expr}: ${p.reason}`);
    baselineChecks = checks.map((x) => ({
      path: x.path,
      max_drop: x.delta,
      lower_is_better: x.lowerIsBetter,
      baseline: x.baseline,
      current: x.current,
      change: x.change,
      // statistics.md: with --regression-test a failure must also be significant.
      ...regressionTest(x.path, x.change === null ? null : x.lowerIsBetter ? x.change : -x.change, x.delta, report, base, c.regression),
    }));
  }

  const passed =
    gateResults.every((g) => g.pass) && caseGateResults.every((g) => g.pass) && baselineChecks.every((x) => x.pass) && report.summary.errors === 0;
  const { passed: _p, gates: _g, case_gates: _cg, baseline: _b, warnings, ...rest } = report;
  return {
    ...rest,
    gates: gateResults,
    ...(c.caseGates.length > 0 ? { case_gates: caseGateResults } : {}),
    ...(c.baseline
      ? { baseline: { file: c.baseline.file, alpha: c.regression.alpha, regression_test: c.regression.enabled, checks: baselineChecks } }
      : {}),
    ...(warnings && warnings.length > 0 ? { warnings } : {}),
    passed,
  };
}
