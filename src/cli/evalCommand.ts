// `segloss eval`: run, write every requested report, apply the gates and baseline checks,
// pick the exit status (cli.md): 0 every gate passes and no case is in error; 1 a gate or
// baseline check failed, or a case is in error (missing under --missing error); 2 usage
// error, nothing to evaluate, or a requested report could not be written.
import { appendFile, stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { dirname, resolve } from 'node:path';
import { assembleReport, summarize } from '../pipeline/buildReport.js';
import { UsageError } from './usageError.js';
import { evaluateRun } from '../pipeline/run.js';
import { absentLabelsError, absentLabelsWarning, findAbsentLabels } from '../pipeline/absentLabels.js';
import {
  atomicWrite,
  formatBaselineFailure,
  formatGateFailure,
  GateSyntaxError,
  parseGate,
  resolvePath,
  groupWarnings,
  warningGroupLine,
  writeCsv,
  writeJson,
  writeMarkdown,
  writeNnunet,
  writeTable,
  type Gate,
  type MaxDrop,
} from '../report/index.js';
import type { Report, Summary } from '../report/model.js';
import { oneLine } from '../report/util.js';
import { checkReport } from './reportChecks.js';
import { writeLesionCsv } from '../report/lesionCsv.js';
import { htmlOptionsOf, prefetchHtml, renderHtml } from './htmlOutput.js';
import { haltIfInterrupted, onInterrupt } from './interrupt.js';
import { gatePathHint } from './gateHints.js';
import { applyLabelNames } from './labelNames.js';
import { OUT_HELP, outTarget } from './outTarget.js';
import { listOf, num, parseMaxDrop, toRunConfig, type RawOptions } from './parse.js';
import { createProgress } from './progress.js';
import { loadReportFile } from './reportFile.js';
import { parseEvalStatsOptions } from './statsOptions.js';
import { regressionTestText } from '../stats/regression.js';
import { withSummaryIntervals } from '../stats/summaryCi.js';

export type Format = 'table' | 'csv' | 'json' | 'markdown' | 'nnunet' | 'html';
export const FORMATS: readonly Format[] = ['table', 'csv', 'json', 'markdown', 'nnunet', 'html'];

export interface EvalIO {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  /** stdout is a terminal: colour in the table (unless NO_COLOR is set). */
  isTTY: boolean;
  /** Where the progress bar goes (shown only when it is a TTY and not --quiet). */
  progressStream?: NodeJS.WriteStream;
  env: NodeJS.ProcessEnv;
  /** Terminal width of stdout, when it is a terminal. */
  columns?: number;
}

/** Columns the stdout table should fit: the terminal's, or $COLUMNS (e.g. for a pager); none on a pipe. */
export function tableWidth(columns: number | undefined, env: NodeJS.ProcessEnv): number | undefined {
  const fromEnv = Number(env.COLUMNS);
  const w = columns ?? (Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : undefined);
  return w !== undefined && w >= 40 ? w : undefined;
}

/** Colour only for a terminal, never when NO_COLOR is set (to anything, even empty) or TERM=dumb. */
export function colorWanted(isTTY: boolean, env: NodeJS.ProcessEnv): boolean {
  return isTTY && env.NO_COLOR === undefined && env.TERM !== 'dumb';
}

export function render(report: Report, format: Format, opts: { allCases?: boolean; color?: boolean; width?: number } = {}): string {
  switch (format) {
    case 'json': return writeJson(report);
    case 'csv': return writeCsv(report);
    case 'markdown': return writeMarkdown(report);
    case 'nnunet': return writeNnunet(report);
    case 'table': return writeTable(report, { allCases: opts.allCases, color: opts.color, width: opts.width });
    case 'html': throw new Error('the HTML report is asynchronous: use renderHtml');
  }
}

export function parseGates(option: string, exprs: unknown): Gate[] {
  return listOf(exprs).map((e) => {
    try {
      return parseGate(e);
    } catch (err) {
      if (err instanceof GateSyntaxError) throw new UsageError(`${option}: ${err.message}`);
      throw err;
    }
  });
}


/**
 * The summary this configuration will produce, without its values and labels: a gate or
 * --max-drop path that does not resolve here (a typo, a metric not computed, a stats
 * object without .mean) is a usage error before a long run, not after it. Paths under
 * `labels.<L>` are checked against the label's skeleton; whether L exists is known
 * only after the run.
 */
function checkPathShape(
  option: string,
  expr: string,
  segments: string[],
  skeleton: (label: string | null) => Summary,
  hint: (segments: string[]) => string = () => '',
): void {
  const label = (segments[0] === 'labels' || segments[0] === 'lesions') && segments.length > 1 ? segments[1] : null;
  const r = resolvePath(skeleton(label), segments);
  if (!r.ok) throw new UsageError(`${option} "${expr}": ${r.reason}${hint(segments)}`);
}

/** Case-level paths: `metrics.<m>` and `losses.<l>` exist exactly when the summary has them. */
function checkCaseGateShape(g: Gate, skeleton: Summary): void {
  const [group, name, ...rest] = g.segments;
  if (group === 'labels') {
    if (name === undefined || rest.length === 0) throw new UsageError(`--gate-case "${g.expr}": a label path needs a metric, e.g. labels.1.dice`);
    return;
  }
  if (group !== 'metrics' && group !== 'losses') {
    throw new UsageError(`--gate-case "${g.expr}": per-case paths start with metrics, losses or labels (e.g. metrics.dice, losses.dice, labels.1.dice)`);
  }
  const keys = Object.keys(skeleton[group]);
  if (name === undefined || !keys.includes(name) || rest.length > 0) {
    throw new UsageError(`--gate-case "${g.expr}": "${g.path}" is not a case-level value; available: ${keys.map((k) => `${group}.${k}`).join(', ')}`);
  }
}

/** --out files: a known extension, given once, in a folder that exists. */
async function checkOuts(outs: string[]): Promise<void> {
  const seen = new Set<string>();
  for (const spec of outs) {
    const named = outTarget(spec);
    if (!named) throw new UsageError(`--out ${spec}: ${OUT_HELP}`);
    const f = named.path;
    const full = resolve(f);
    if (seen.has(full)) throw new UsageError(`--out ${f} is given twice`);
    seen.add(full);
    const dir = dirname(full);
    const st = await stat(dir).catch((e: NodeJS.ErrnoException) => e);
    if (st instanceof Error) {
      throw new UsageError(`--out ${f}: folder ${dirname(f)} ${st.code === 'ENOENT' ? 'does not exist' : `cannot be used (${st.code ?? st.message})`}`);
    }
    if (!st.isDirectory()) throw new UsageError(`--out ${f}: ${dirname(f)} is not a folder`);
    const target = await stat(full).catch(() => null);
    if (target?.isDirectory()) throw new UsageError(`--out ${f} is a folder`);
  }
}

/** --lesion-csv: a file in a folder that exists, not one of the --out files. */
async function checkLesionCsv(f: string, outs: string[]): Promise<void> {
  const full = resolve(f);
  if (outs.some((o) => resolve(o) === full)) throw new UsageError(`--lesion-csv ${f} is also an --out file`);
  const st = await stat(dirname(full)).catch(() => null);
  if (!st?.isDirectory()) throw new UsageError(`--lesion-csv ${f}: folder ${dirname(f)} does not exist`);
  if ((await stat(full).catch(() => null))?.isDirectory()) throw new UsageError(`--lesion-csv ${f} is a folder`);
}

function errnoText(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  const code = err?.code;
  if (code === 'ENOENT') return 'no such file or folder';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'ENOSPC') return 'no space left on the device';
  if (code === 'EISDIR') return 'it is a folder';
  if (code === 'EROFS') return 'read-only file system';
  return (e instanceof Error ? e.message : String(e)).replace(/\s*\n\s*/g, ' ');
}

/** Options of the baseline's config that change the numbers (for a note when they differ). */
const CONFIG_NOT_COMPARED = new Set(['labels_used', 'label_scope', 'shard', 'max_voxels', 'workers', 'ci', 'seed']);

function configDifferences(a: Record<string, unknown>, b: Record<string, unknown>): string[] {
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => !CONFIG_NOT_COMPARED.has(k));
  return keys.filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]));
}

export async function evalCommand(o: RawOptions, io: EvalIO): Promise<number> {
  const config = toRunConfig(o);
  applyLabelNames(config, o);
  // More threads than cores only adds switching and memory: capped, with a note.
  const cores = availableParallelism();
  const workersNote = config.workers > cores ? `note: --workers ${config.workers} is more than the ${cores} cores here; using ${cores}\n` : null;
  if (workersNote) config.workers = cores;
  const format = (o.format ?? 'table') as Format;
  if (!FORMATS.includes(format)) throw new UsageError(`--format must be ${FORMATS.join('|')}, got "${String(o.format)}"`);
  const outs = listOf(o.out);
  await checkOuts(outs);
  const lesionCsv = o.lesionCsv === undefined ? null : String(o.lesionCsv);
  if (lesionCsv !== null) await checkLesionCsv(lesionCsv, outs);
  const quiet = Boolean(o.quiet);
  const debug = Boolean(o.debug);
  const html = htmlOptionsOf(o);

  const gates = parseGates('--gate', o.gate);
  const caseGates = parseGates('--gate-case', o.gateCase);
  const maxDrops: MaxDrop[] = listOf(o.maxDrop).map(parseMaxDrop);
  const baselinePath = o.baseline === undefined ? null : String(o.baseline);
  if (maxDrops.length > 0 && baselinePath === null) throw new UsageError('--max-drop needs --baseline previous-report.json');
  if (baselinePath !== null && maxDrops.length === 0) {
    throw new UsageError('--baseline needs at least one --max-drop PATH=DELTA (e.g. --max-drop metrics.dice.mean=0.01)');
  }
  const statsOpts = parseEvalStatsOptions(o, maxDrops);
  const baseline = baselinePath === null ? null : loadReportFile(baselinePath, '--baseline');

  // Every path is checked before the run, so a typo costs seconds, not the whole run.
  const skeleton = (label: string | null) => summarize([], config, label === null ? [] : [label]);
  const hint = (segments: string[]) => gatePathHint(segments, config.metrics, config.labels);
  for (const g of gates) checkPathShape('--gate', g.expr, g.segments, skeleton, hint);
  for (const g of caseGates) checkCaseGateShape(g, skeleton(null));
  for (const d of maxDrops) {
    const segments = d.path.split('.');
    checkPathShape('--max-drop', d.path, segments, skeleton);
    const inBaseline = resolvePath(baseline!.summary, segments);
    if (!inBaseline.ok) throw new UsageError(`--max-drop ${d.path}: not in the baseline ${baselinePath}: ${inBaseline.reason}`);
  }
  const github = Boolean(o.github);
  const stepSummary = github ? io.env.GITHUB_STEP_SUMMARY || null : null;

  if (format === 'html' || outs.some((s) => outTarget(s)?.format === 'html')) prefetchHtml();
  const progress = createProgress({ stream: io.progressStream ?? process.stderr, enabled: !quiet && io.progressStream !== undefined });
  const forget = onInterrupt(() => progress.stop());
  let run;
  try {
    run = await evaluateRun(config, {
      debug,
      caseTimeout: o.caseTimeout === undefined ? 0 : num('--case-timeout', o.caseTimeout, (x) => x > 0, 'a number of seconds > 0'),
      onProgress: (d, t, id) => progress.update(d, t, id),
      layout: {
        recursive: Boolean(o.recursive),
        predPattern: o.predPattern === undefined ? null : String(o.predPattern),
        gtPattern: o.gtPattern === undefined ? null : String(o.gtPattern),
        pairs: o.pairs === undefined ? null : String(o.pairs),
      },
    });
  } finally {
    progress.stop();
    forget();
  }
  await haltIfInterrupted();
  const { body: measured, unmatchedPredictions, ignored } = run;
  // A named label found nowhere would score a perfect empty pair in every case. A shard
  // sees only part of the run: merge makes this check on the whole.
  const runWarnings: string[] = [];
  const absent = config.shard ? null : findAbsentLabels(measured.cases, config);
  if (absent && absent.absent.length > 0) {
    if (absent.occurring.length > 0 && !o.allowAbsentLabels) throw new UsageError(absentLabelsError(absent, config));
    runWarnings.push(absentLabelsWarning(absent));
  }

  const body = statsOpts.ci
    ? { ...withSummaryIntervals(measured, statsOpts.seed), config: { ...measured.config, ci: true, seed: statsOpts.seed } }
    : measured;
  const checks = checkReport(body, {
    gates,
    caseGates,
    baseline: baseline && { report: baseline, file: baselinePath! },
    maxDrops,
    regression: { enabled: statsOpts.regressionTest, alpha: statsOpts.alpha },
  });
  const report = assembleReport(body, checks, runWarnings);
  const { gates: gateResults, case_gates: caseGateResults = [], baseline: checked } = report;
  const baselineChecks = checked?.checks ?? [];

  const writeFailures: string[] = [];
  for (const f of outs) {
    try {
      const target = outTarget(f)!;
      await atomicWrite(target.path, target.format === 'html' ? await renderHtml(report, html) : render(report, target.format));
    } catch (e) {
      await haltIfInterrupted();
      writeFailures.push(`segloss: cannot write --out ${f}: ${errnoText(e)}`);
    }
  }
  if (lesionCsv !== null) {
    try {
      await atomicWrite(lesionCsv, writeLesionCsv(report));
    } catch (e) {
      await haltIfInterrupted();
      writeFailures.push(`segloss: cannot write --lesion-csv ${lesionCsv}: ${errnoText(e)}`);
    }
  }
  if (stepSummary) {
    try {
      await appendFile(stepSummary, `${render(report, 'markdown')}\n`, 'utf8');
    } catch (e) {
      writeFailures.push(`segloss: cannot append the job summary to GITHUB_STEP_SUMMARY ${stepSummary}: ${errnoText(e)}`);
    }
  }
  await haltIfInterrupted();

  io.stdout(format === 'html' ? await renderHtml(report, html) : render(report, format, { allCases: Boolean(o.allCases), color: colorWanted(io.isTTY, io.env), width: tableWidth(io.columns, io.env) }));

  if (!quiet) {
    if (workersNote) io.stderr(workersNote);
    for (const g of groupWarnings(report)) io.stderr(`${oneLine(warningGroupLine(g))}\n`);
    if (unmatchedPredictions.length) {
      const shown = unmatchedPredictions.slice(0, 10).map(oneLine).join(', ');
      io.stderr(`warning: ${unmatchedPredictions.length} prediction${unmatchedPredictions.length > 1 ? 's have' : ' has'} no ground truth: ${shown}${unmatchedPredictions.length > 10 ? ', …' : ''}\n`);
    }
    if (ignored.gt + ignored.pred > 0) io.stderr(`note: ignored ${ignored.gt + ignored.pred} non-data file${ignored.gt + ignored.pred > 1 ? 's' : ''} (hidden, backups, other extensions)\n`);
    if (github && !stepSummary) io.stderr('note: --github: GITHUB_STEP_SUMMARY is not set, no job summary written\n');
    if (baseline) {
      const diff = configDifferences(baseline.config, report.config);
      if (diff.length > 0) io.stderr(`note: the baseline was made with other options: ${diff.join(', ')}\n`);
    }
  }
  for (const c of report.cases) if (c.status === 'error') io.stderr(`error: ${oneLine(c.id)}: ${oneLine(c.error ?? '')}\n`);
  for (const g of gateResults) if (!g.pass) io.stderr(`${formatGateFailure(g)}\n`);
  for (const g of caseGateResults) {
    if (g.pass) continue;
    io.stderr(g.evaluated === 0 ? `gate failed: ${g.expr}: no ok case to check\n` : `${formatGateFailure(g)}\n`);
  }
  for (const c of baselineChecks) {
    const tested = regressionTestText(c);
    if (!c.pass) {
      io.stderr(`${formatBaselineFailure({ ...c, delta: c.max_drop, lowerIsBetter: c.lower_is_better })}${tested ? `\n${tested}` : ''}\n`);
    } else if (tested && !quiet) io.stderr(`${tested}\n`);
  }
  for (const line of writeFailures) io.stderr(`${line}\n`);
  if (writeFailures.length > 0) return 2;
  return report.passed ? 0 : 1;
}
