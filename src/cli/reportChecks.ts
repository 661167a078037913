// The checks of a run's report body (cli.md exit status): --gate on the summary,
// --gate-case on every ok case, --baseline/--max-drop (with --regression-test,
// statistics.md). `eval` and `merge` both make these before they build the report, so a
// merged report is checked exactly like one run.
import { UsageError } from './usageError.js';
import type { CheckResults, ReportBody } from '../pipeline/buildReport.js';
import { GateUsageError, type GateProblem } from '../errors.js';
import { compareToBaseline, evaluateCaseGates, evaluateGates, type Gate, type MaxDrop } from '../report/index.js';
import type { CaseGateEntry, Report } from '../report/model.js';
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

/** The results of every check of `body`; a gate or --max-drop path that does not resolve is a UsageError. */
export function checkReport(body: ReportBody, c: ReportChecks): CheckResults {
  const gates = orUsage(() => evaluateGates(body.summary, c.gates), (p) => `--gate "${p.expr}": ${p.reason}`);

  let caseGates: CaseGateEntry[];
  if (body.summary.ok === 0) {
    // Nothing to check is not a pass; it is not a usage error either (the cases failed).
    caseGates = c.caseGates.map((g) => ({ expr: g.expr, pass: false, evaluated: 0, failures: [] }));
  } else {
    caseGates = orUsage(() => evaluateCaseGates(body.cases, c.caseGates), (p) => `--gate-case "${p.expr}": ${p.reason}`);
  }

  const results: CheckResults = { gates, ...(c.caseGates.length > 0 ? { case_gates: caseGates } : {}) };
  if (c.baseline) {
    const base = c.baseline.report;
    const checks = orUsage(() => compareToBaseline(body, base, c.maxDrops), (p) => `--max-drop ${p.expr}: ${p.reason}`);
    results.baseline = {
      file: c.baseline.file,
      alpha: c.regression.alpha,
      regression_test: c.regression.enabled,
      checks: checks.map((x) => ({
        path: x.path,
        max_drop: x.delta,
        lower_is_better: x.lowerIsBetter,
        baseline: x.baseline,
        current: x.current,
        change: x.change,
        // statistics.md: with --regression-test a failure must also be significant.
        ...regressionTest(x.path, x.change === null ? null : x.lowerIsBetter ? x.change : -x.change, x.delta, body, base, c.regression),
      })),
    };
  }
  return results;
}
