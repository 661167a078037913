// The checks of a finished report (cli.md exit status): --gate on the summary, --gate-case
// on every ok case, --baseline/--max-drop (with --regression-test, statistics.md). `eval`
// and `merge` both end with these, so a merged report is checked exactly like one run.
import { UsageError } from './usageError.js';
import { compareToBaseline, evaluateCaseGates, evaluateGates, GateUsageError, type Gate, type MaxDrop } from '../report/index.js';
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

const usage = (e: GateUsageError, option: string) => new UsageError(e.problems.map((p) => `${option} "${p.expr}": ${p.reason}`).join('\n'));

/**
 * `report` with its gate, case-gate and baseline results and `passed`, keys in cli.md's
 * order (the optional additions just before `passed`). A path that does not resolve is a
 * usage error.
 */
export function withChecks(report: Report, c: ReportChecks): Report {
  const gateResults = evaluateGates(report.summary, c.gates);
  if (gateResults instanceof GateUsageError) throw usage(gateResults, '--gate');

  let caseGateResults: CaseGateEntry[];
  if (report.summary.ok === 0) {
    // Nothing to check is not a pass; it is not a usage error either (the cases failed).
    caseGateResults = c.caseGates.map((g) => ({ expr: g.expr, pass: false, evaluated: 0, failures: [] }));
  } else {
    const r = evaluateCaseGates(report.cases, c.caseGates);
    if (r instanceof GateUsageError) throw usage(r, '--gate-case');
    caseGateResults = r;
  }

  let baselineChecks: BaselineCheckEntry[] = [];
  if (c.baseline) {
    const base = c.baseline.report;
    const r = compareToBaseline(report, base, c.maxDrops);
    if (r instanceof GateUsageError) throw new UsageError(r.problems.map((p) => `--max-drop ${p.expr}: ${p.reason}`).join('\n'));
    baselineChecks = r.map((x) => ({
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
