import Table from 'cli-table3';

import { paint, type Paint } from './ansi.js';
import type { BaselineCheckEntry, CaseGateEntry, CaseResult, GateResult, Report, Stats } from './model.js';
import { hasLesions, LESION_CASE_HEAD, LESION_SUMMARY_HEAD, lesionCaseCells, lesionSummaryRows } from './lesionTables.js';
import { caseReason, countsLine, fmt4, fmtExact, numOrNull, worstCasesByDice } from './util.js';

export interface TableOptions {
  /** List every case even above TRUNCATE_ABOVE cases. */
  allCases?: boolean;
  /** ANSI colour; the CLI turns it on only for a TTY without NO_COLOR. */
  color?: boolean;
}

/** Above this many cases the per-case table becomes the WORST_SHOWN worst cases. */
export const TRUNCATE_ABOVE = 40;
export const WORST_SHOWN = 10;

/** The losses worth a per-case column; the rest stay in the summary to keep rows readable. */
const MAIN_LOSSES: [key: string, title: string][] = [
  ['dice', 'Dice loss'],
  ['bce_dice', 'BCE+Dice'],
  ['focal', 'Focal'],
  ['tversky', 'Tversky'],
  ['lovasz_hinge', 'Lovasz hinge'],
];

function newTable(head: string[], p: Paint, aligns: ('left' | 'right')[]): Table.Table {
  // cli-table3 colours headers and borders by default; empty style arrays switch that
  // off so colour comes only from `paint`, which honours opts.color.
  return new Table({
    head: head.map((h) => p.dim(h)),
    colAligns: aligns,
    style: { head: [], border: [], compact: true },
  });
}

function statusCell(c: CaseResult, p: Paint): string {
  if (c.status === 'error') return p.red('error');
  if (c.status === 'missing') return p.yellow('missing');
  return c.status;
}

function caseTable(report: Report, cases: CaseResult[], p: Paint): string {
  const present = MAIN_LOSSES.filter(
    ([k]) => k in report.summary.losses || report.cases.some((c) => c.losses !== undefined && k in c.losses),
  );
  const lesions = hasLesions(report);
  const head = ['case', 'Dice', 'IoU', ...present.map(([, t]) => t), ...(lesions ? LESION_CASE_HEAD : []), 'status'];
  const t = newTable(head, p, ['left', ...head.slice(1, -1).map(() => 'right' as const), 'left']);
  for (const c of cases) {
    // Values of a case that was not evaluated do not apply ("—"), they are not NaN.
    const ok = c.status === 'ok';
    const m = (k: string) => (ok ? fmt4(numOrNull(c.metrics?.[k])) : '—');
    const l = (k: string) => (ok ? fmt4(numOrNull(c.losses?.[k])) : '—');
    t.push([c.id, m('dice'), m('iou'), ...present.map(([k]) => l(k)), ...(lesions ? lesionCaseCells(c) : []), statusCell(c, p)]);
  }
  return t.toString();
}

function statsRow(name: string, s: Stats, ci = false): string[] {
  const mean = numOrNull(s.mean);
  const std = numOrNull(s.std);
  const row = [name, `${fmt4(mean)} ± ${fmt4(std)}`, fmt4(numOrNull(s.median)), fmt4(numOrNull(s.min)), fmt4(numOrNull(s.max)), String(s.n)];
  // eval --ci: the bootstrap interval of the mean, next to it.
  if (ci) row.splice(2, 0, s.ci_low === null || s.ci_low === undefined ? '—' : `[${fmt4(numOrNull(s.ci_low))}, ${fmt4(numOrNull(s.ci_high ?? null))}]`);
  return row;
}

function summaryTable(report: Report, p: Paint): string {
  const ci = report.config.ci === true;
  const head = ['', 'mean ± std', ...(ci ? ['95 % CI of mean'] : []), 'median', 'min', 'max', 'n'];
  const t = newTable(head, p, ['left', 'right', ...(ci ? (['right'] as const) : []), 'right', 'right', 'right', 'right']);
  const section = (title: string) => t.push([{ colSpan: head.length, content: p.bold(title) }]);
  const { metrics, losses, labels } = report.summary;
  if (Object.keys(metrics).length > 0) {
    section('metrics');
    for (const [k, s] of Object.entries(metrics)) t.push(statsRow(k, s, ci));
  }
  if (Object.keys(losses).length > 0) {
    section('losses');
    for (const [k, s] of Object.entries(losses)) t.push(statsRow(k, s, ci));
  }
  for (const [label, byMetric] of Object.entries(labels)) {
    section(`label ${label}`);
    for (const [k, s] of Object.entries(byMetric)) t.push(statsRow(k, s, ci));
  }
  return t.toString();
}

export function gateLine(g: GateResult, p: Paint): string {
  const tag = g.pass ? p.green('PASS') : p.red('FAIL');
  return `${tag} ${g.expr} (value ${fmtExact(numOrNull(g.value))})`;
}

const CASE_GATE_LISTED = 5;

/** "metrics.dice>=0.5 (every case): 1 of 3 cases fail: c (0.4)", or "… all 3 cases pass". */
export function caseGateText(g: CaseGateEntry): string {
  if (g.pass) return `${g.expr} (every case): all ${g.evaluated} cases pass`;
  if (g.evaluated === 0) return `${g.expr} (every case): no ok case to check`;
  const shown = g.failures.slice(0, CASE_GATE_LISTED).map((f) => `${f.id} (${fmtExact(f.value)})`);
  const more = g.failures.length > CASE_GATE_LISTED ? `, … ${g.failures.length - CASE_GATE_LISTED} more` : '';
  return `${g.expr} (every case): ${g.failures.length} of ${g.evaluated} cases fail: ${shown.join(', ')}${more}`;
}

/** "metrics.dice.mean 0.9 → 0.85 (change -0.05, max drop 0.01)". */
export function baselineCheckText(c: BaselineCheckEntry): string {
  const change = c.change === null ? 'not comparable' : `change ${c.change > 0 ? '+' : ''}${fmtExact(c.change)}`;
  const limit = c.lower_is_better ? `max rise ${c.max_drop}` : `max drop ${c.max_drop}`;
  // --regression-test: the one-sided paired test that decided with the limit.
  const test = c.test === 'wilcoxon' && typeof c.p === 'number' ? `, Wilcoxon p ${c.p.toPrecision(3)} over ${c.n} pairs, alpha ${c.alpha}` : '';
  return `${c.path} ${fmtExact(c.baseline)} → ${fmtExact(c.current)} (${change}, ${limit}${test})`;
}

/**
 * Human-readable report for a terminal: per-case table (or the worst cases when there
 * are many), summary statistics, missing/error cases with reasons, gate results.
 */
export function writeTable(report: Report, opts: TableOptions = {}): string {
  const p = paint(opts.color === true);
  const out: string[] = [];
  const n = report.cases.length;

  if (n > TRUNCATE_ABOVE && !opts.allCases) {
    const worst = worstCasesByDice(report, WORST_SHOWN);
    out.push(p.dim(`${worst.length} worst of ${report.summary.ok} ok cases by Dice:`));
    out.push(caseTable(report, worst, p));
  } else if (n > 0) {
    out.push(caseTable(report, report.cases, p));
  }

  out.push(countsLine(report));
  out.push(summaryTable(report, p));
  if (hasLesions(report)) {
    out.push(p.dim('lesions, pooled over ok cases:'));
    const t = newTable(LESION_SUMMARY_HEAD, p, ['left', ...LESION_SUMMARY_HEAD.slice(1).map(() => 'right' as const)]);
    for (const row of lesionSummaryRows(report)) t.push(row);
    out.push(t.toString());
  }

  const failed = report.cases.filter((c) => c.status !== 'ok');
  if (failed.length > 0) {
    out.push(p.red(`not evaluated (${failed.length}):`));
    for (const c of failed) out.push(`  ${c.id} [${statusCell(c, p)}]: ${caseReason(c)}`);
  }

  const caseGates = report.case_gates ?? [];
  if (report.gates.length > 0 || caseGates.length > 0) {
    out.push('gates:');
    for (const g of report.gates) out.push(`  ${gateLine(g, p)}`);
    for (const g of caseGates) out.push(`  ${g.pass ? p.green('PASS') : p.red('FAIL')} ${caseGateText(g)}`);
  }
  if (report.baseline) {
    out.push(`baseline ${report.baseline.file}:`);
    for (const c of report.baseline.checks) out.push(`  ${c.pass ? p.green('PASS') : p.red('FAIL')} ${baselineCheckText(c)}`);
  }
  return out.join('\n') + '\n';
}
