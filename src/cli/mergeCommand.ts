// `segloss merge shard-*.json`: the JSON reports of `segloss eval --shard i/n` into the one
// report of the whole run. Exit 0: merged, no case in error, every gate passes; 1: a case
// is in error or a gate failed; 2: a shard file is unreadable, not a report, or does not
// belong with the others (one line on stderr).
import { readFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { UsageError } from '../pipeline/discover.js';
import { mergeReports, MergeError } from '../pipeline/merge.js';
import type { Report } from '../report/model.js';
import { atomicWrite, evaluateCaseGates, evaluateGates, formatGateFailure, GateUsageError } from '../report/index.js';
import { OUT_HELP, outTarget } from './outTarget.js';
import { colorWanted, parseGates, render } from './evalCommand.js';

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
}

const processIO = (): MergeIO => ({
  stdout: (s) => process.stdout.write(s.endsWith('\n') ? s : `${s}\n`),
  stderr: (s) => process.stderr.write(s),
  stdoutIsTTY: Boolean(process.stdout.isTTY),
  env: process.env,
});

export async function mergeCommand(files: string[], o: Record<string, unknown>, io: MergeIO = processIO()): Promise<number> {
  const format = String(o.format ?? 'table') as MergeFormat;
  const outs = (Array.isArray(o.out) ? o.out : []).map(String);
  for (const f of outs) if (!outTarget(f)) throw new UsageError(`--out ${f}: ${OUT_HELP}`);
  const gates = parseGates('--gate', o.gate);
  const caseGates = parseGates('--gate-case', o.gateCase);

  let report: Report;
  try {
    report = mergeReports(files.map(readReport), { names: files, allowPartial: Boolean(o.allowPartial) });
  } catch (e) {
    if (e instanceof MergeError) throw new UsageError(e.message);
    throw e;
  }

  const gateResults = evaluateGates(report.summary, gates);
  if (gateResults instanceof GateUsageError) throw new UsageError(gateResults.message);
  const caseGateResults = evaluateCaseGates(report.cases, caseGates);
  if (caseGateResults instanceof GateUsageError) throw new UsageError(caseGateResults.message);
  report.gates = gateResults;
  const failedCaseGates = caseGateResults.filter((g) => !g.pass);
  report.passed = gateResults.every((g) => g.pass) && failedCaseGates.length === 0 && report.summary.errors === 0;

  for (const f of outs) await atomicWrite(outTarget(f)!.path, render(report, outTarget(f)!.format));
  io.stdout(render(report, format, { allCases: Boolean(o.allCases), color: colorWanted(io.stdoutIsTTY, io.env) }));

  for (const c of report.cases) if (c.status === 'error') io.stderr(`error: ${c.id}: ${c.error}\n`);
  for (const g of gateResults) if (!g.pass) io.stderr(`${formatGateFailure(g)}\n`);
  for (const g of failedCaseGates) io.stderr(`${formatGateFailure(g)}\n`);
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
    .option('--all-cases', 'table: list every case even above 40')
    .action(async (files: string[], opts: Record<string, unknown>) => {
      exit.code = await mergeCommand(files, opts, io);
    });
}
