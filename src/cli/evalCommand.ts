// `segloss eval`: run, write every requested report, apply the gates, pick the exit status.
import { writeCsv, writeJson, writeMarkdown, writeNnunet, writeTable, atomicWrite, formatForPath } from '../report/index.js';
import { evaluateGates, evaluateCaseGates, formatGateFailure, parseGate, GateSyntaxError, GateUsageError, type Gate } from '../report/gates.js';
import type { Report } from '../report/model.js';
import { UsageError } from '../pipeline/discover.js';
import { runEvaluation } from '../pipeline/run.js';
import { toRunConfig, type RawOptions } from './parse.js';

export type Format = 'table' | 'csv' | 'json' | 'markdown' | 'nnunet';

export interface EvalIO {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  isTTY: boolean;
  env: NodeJS.ProcessEnv;
}

export function render(report: Report, format: Format, opts: { allCases?: boolean; color?: boolean } = {}): string {
  switch (format) {
    case 'json': return writeJson(report);
    case 'csv': return writeCsv(report);
    case 'markdown': return writeMarkdown(report);
    case 'nnunet': return writeNnunet(report);
    case 'table': return writeTable(report, { allCases: opts.allCases, color: opts.color });
  }
}

function parseGates(exprs: unknown): Gate[] {
  const list = Array.isArray(exprs) ? exprs : exprs === undefined ? [] : [exprs];
  return list.map((e) => {
    const g = parseGate(String(e));
    if (g instanceof GateSyntaxError) throw new UsageError(g.message);
    return g;
  });
}

export async function evalCommand(o: RawOptions, io: EvalIO): Promise<number> {
  const config = toRunConfig(o);
  const format = (o.format ?? 'table') as Format;
  if (!['table', 'csv', 'json', 'markdown', 'nnunet'].includes(format)) throw new UsageError(`--format must be table|csv|json|markdown|nnunet, got "${format}"`);
  const outs = (Array.isArray(o.out) ? o.out : o.out ? [o.out] : []).map(String);
  for (const f of outs) if (!formatForPath(f)) throw new UsageError(`--out ${f}: the extension must be .json, .csv or .md`);
  const gates = parseGates(o.gate);
  const caseGates = parseGates(o.gateCase);
  const debug = Boolean(o.debug);

  const { report, unmatchedPredictions, ignored } = await runEvaluation(config, { debug });

  const gateResults = evaluateGates(report.summary, gates);
  if (gateResults instanceof GateUsageError) throw new UsageError(gateResults.message);
  const caseGateResults = evaluateCaseGates(report.cases, caseGates);
  if (caseGateResults instanceof GateUsageError) throw new UsageError(caseGateResults.message);
  report.gates = gateResults;
  const failedCaseGates = caseGateResults.filter((g) => !g.pass);
  const anyError = report.summary.errors > 0;
  report.passed = gateResults.every((g) => g.pass) && failedCaseGates.length === 0 && !anyError;

  const color = io.isTTY && !io.env.NO_COLOR;
  for (const f of outs) {
    const fmt = formatForPath(f)!;
    await atomicWrite(f, render(report, fmt));
  }
  io.stdout(render(report, format, { allCases: Boolean(o.allCases), color }));

  if (!o.quiet) {
    if (unmatchedPredictions.length) {
      const shown = unmatchedPredictions.slice(0, 10).join(', ');
      io.stderr(`warning: ${unmatchedPredictions.length} prediction${unmatchedPredictions.length > 1 ? 's have' : ' has'} no ground truth: ${shown}${unmatchedPredictions.length > 10 ? ', …' : ''}\n`);
    }
    if (ignored.gt + ignored.pred > 0) io.stderr(`note: ignored ${ignored.gt + ignored.pred} non-data file${ignored.gt + ignored.pred > 1 ? 's' : ''} (hidden, backups, other extensions)\n`);
  }
  for (const c of report.cases) if (c.status === 'error') io.stderr(`error: ${c.id}: ${c.error}\n`);
  for (const g of gateResults) if (!g.pass) io.stderr(`${formatGateFailure(g)}\n`);
  for (const g of failedCaseGates) io.stderr(`${formatGateFailure(g)}\n`);
  return report.passed ? 0 : 1;
}
