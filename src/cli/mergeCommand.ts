// `segloss merge shard-*.json`: the JSON reports of `segloss eval --shard i/n` into the one
// report of the whole run. Exit 0: merged, no case in error, every gate passes; 1: a case
// is in error or a gate failed; 2: a shard file is unreadable, not a report, or does not
// belong with the others (one line on stderr).
import { readFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { UsageError } from './usageError.js';
import { MergeError } from '../errors.js';
import { mergeShards } from '../pipeline/merge.js';
import { assembleReport, type ReportBody } from '../pipeline/buildReport.js';
import { appendFile } from 'node:fs/promises';
import { absentLabelsError, absentLabelsWarning, findAbsentLabels } from '../pipeline/absentLabels.js';
import { runConfigFromReport } from '../pipeline/config.js';
import {
  atomicWrite,
  formatBaselineFailure,
  formatGateFailure,
  groupWarnings,
  warningGroupLine,
  type MaxDrop,
} from '../report/index.js';
import { oneLine } from '../report/util.js';
import { checkReport } from './reportChecks.js';
import { parseAlpha } from './statsOptions.js';
import { listOf, parseMaxDrop } from './parse.js';
import { loadReportFile } from './reportFile.js';
import { OUT_HELP, outTarget } from './outTarget.js';
import { colorWanted, parseGates, render, tableWidth } from './evalCommand.js';

const FORMATS = ['table', 'csv', 'json', 'markdown', 'nnunet'] as const;
type MergeFormat = (typeof FORMATS)[number];

const collect = (v: string, prev: string[] = []) => [...prev, v];

function readReport(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(`${path}: cannot read (${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'a directory' : code ?? 'error'})`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${path}: not JSON (${(e instanceof Error ? e.message : String(e)).split('\n')[0]})`);
  }
}

/** Where merge writes: the CLI's streams (main.ts's CliIO has these members). */
export interface MergeIO {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  stdoutIsTTY: boolean;
  env: NodeJS.ProcessEnv;
  stdoutColumns?: number;
}

const processIO = (): MergeIO => ({
  stdout: (s) => process.stdout.write(s.endsWith('\n') ? s : `${s}\n`),
  stderr: (s) => process.stderr.write(s),
  stdoutIsTTY: Boolean(process.stdout.isTTY),
  env: process.env,
  stdoutColumns: process.stdout.isTTY ? process.stdout.columns : undefined,
});

export async function mergeCommand(files: string[], o: Record<string, unknown>, io: MergeIO = processIO()): Promise<number> {
  const format = String(o.format ?? 'table') as MergeFormat;
  const outs = (Array.isArray(o.out) ? o.out : []).map(String);
  for (const f of outs) {
    const t = outTarget(f);
    if (!t) throw new UsageError(`--out ${f}: ${OUT_HELP}`);
    // The page is drawn from a report file: merge --out merged.json, then segloss report.
    if (t.format === 'html') throw new UsageError(`--out ${f}: merge writes no HTML; write the merged JSON and run segloss report merged.json --out ${t.path}`);
  }
  const gates = parseGates('--gate', o.gate);
  const caseGates = parseGates('--gate-case', o.gateCase);
  const maxDrops: MaxDrop[] = listOf(o.maxDrop).map(parseMaxDrop);
  const baselinePath = o.baseline === undefined ? null : String(o.baseline);
  if (maxDrops.length > 0 && baselinePath === null) throw new UsageError('--max-drop needs --baseline previous-report.json');
  if (baselinePath !== null && maxDrops.length === 0) {
    throw new UsageError('--baseline needs at least one --max-drop PATH=DELTA (e.g. --max-drop metrics.dice.mean=0.01)');
  }
  const baseline = baselinePath === null ? null : loadReportFile(baselinePath, '--baseline');
  const quiet = Boolean(o.quiet);
  const stepSummary = o.github ? io.env.GITHUB_STEP_SUMMARY || null : null;

  let body: ReportBody;
  try {
    body = mergeShards(files.map(readReport), { names: files, allowPartial: Boolean(o.allowPartial) });
  } catch (e) {
    if (e instanceof MergeError) throw new UsageError(e.message);
    throw e;
  }

  // The whole run is known only here: the check a shard run leaves out.
  const config = runConfigFromReport(body.config);
  const runWarnings: string[] = [];
  const absent = findAbsentLabels(body.cases, config);
  if (absent && absent.absent.length > 0) {
    if (absent.occurring.length > 0 && !o.allowAbsentLabels) throw new UsageError(absentLabelsError(absent, config));
    runWarnings.push(absentLabelsWarning(absent));
  }

  // No --regression-test on merge: the plain rule, recorded as such in every check.
  const checks = checkReport(body, { gates, caseGates, baseline: baseline && { report: baseline, file: baselinePath! }, maxDrops, regression: { enabled: false, alpha: parseAlpha(undefined) } });
  const report = assembleReport(body, checks, runWarnings);

  for (const f of outs) await atomicWrite(outTarget(f)!.path, render(report, outTarget(f)!.format));
  const writeFailures: string[] = [];
  if (stepSummary) {
    try {
      await appendFile(stepSummary, `${render(report, 'markdown')}\n`, 'utf8');
    } catch (e) {
      writeFailures.push(`segloss: cannot append the job summary to GITHUB_STEP_SUMMARY ${stepSummary}: ${(e as Error).message}`);
    }
  }
  io.stdout(render(report, format, { allCases: Boolean(o.allCases), color: colorWanted(io.stdoutIsTTY, io.env), width: tableWidth(io.stdoutColumns, io.env) }));

  if (!quiet) {
    for (const g of groupWarnings(report)) io.stderr(`${oneLine(warningGroupLine(g))}\n`);
    if (o.github && !stepSummary) io.stderr('note: --github: GITHUB_STEP_SUMMARY is not set, no job summary written\n');
  }
  for (const c of report.cases) if (c.status === 'error') io.stderr(`error: ${c.id}: ${c.error}\n`);
  const { gates: gateResults, case_gates: caseGateResults = [], baseline: checked } = report;
  const baselineChecks = checked?.checks ?? [];
  for (const g of gateResults) if (!g.pass) io.stderr(`${formatGateFailure(g)}\n`);
  for (const g of caseGateResults) {
    if (!g.pass) io.stderr(g.evaluated === 0 ? `gate failed: ${g.expr}: no ok case to check\n` : `${formatGateFailure(g)}\n`);
  }
  for (const c of baselineChecks) {
    if (!c.pass) io.stderr(`${formatBaselineFailure({ ...c, delta: c.max_drop, lowerIsBetter: c.lower_is_better })}\n`);
  }
  for (const line of writeFailures) io.stderr(`${line}\n`);
  if (writeFailures.length > 0) return 2;
  return report.passed ? 0 : 1;
}

/** Adds `segloss merge` to the program; the exit code lands in `exit.code`. */
export function registerMerge(program: Command, exit: { code: number }, io: MergeIO = processIO()): void {
  program
    .command('merge')
    .description('merge the JSON reports of `eval --shard i/n` into the report of the whole run')
    .argument('<files...>', 'shard reports (segloss eval --format json or --out *.json)')
    .addOption(new Option('--format <fmt>', 'report on stdout').choices([...FORMATS]).default('table'))
    .option('--out <file>', 'also write the merged report (.json .csv .md .txt, or FORMAT:FILE e.g. nnunet:summary.json), atomically; repeatable', collect)
    .option('--allow-partial', 'merge even if some shards of i/n are missing')
    .option('--gate <expr>', 'fail (exit 1) unless e.g. "metrics.dice.mean>=0.85"; repeatable', collect)
    .option('--gate-case <expr>', 'fail unless every ok case passes, e.g. "metrics.dice>=0.5"; repeatable', collect)
    .option('--baseline <report.json>', 'an earlier JSON report to check --max-drop against')
    .option('--max-drop <path=delta>', 'fail when PATH got worse than in --baseline by more than DELTA; repeatable', collect)
    .option('--allow-absent-labels', 'accept a --labels/--regions label that occurs in no case of the run')
    .option('--github', 'append the Markdown report to $GITHUB_STEP_SUMMARY')
    .option('--quiet', 'no warnings or notes on stderr')
    .option('--all-cases', 'table: list every case even above 40')
    .action(async (files: string[], opts: Record<string, unknown>) => {
      exit.code = await mergeCommand(files, opts, io);
    });
}
