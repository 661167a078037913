import type { Report, Stats } from './model.js';
import { baselineCheckText, caseGateText } from './table.js';
import { hasLesions, LESION_CASE_HEAD, LESION_SUMMARY_HEAD, lesionCaseCells, lesionSummaryRows } from './lesionTables.js';
import { caseReason, countsLine, fmt4, fmtExact, numOrNull, worstCasesByDice } from './util.js';

const WORST_SHOWN = 10;

/**
 * Escape text for a GFM table cell or list item. `|` would end the cell; the other
 * characters would otherwise turn case ids like `a_b_c` or `<x>` into emphasis or HTML
 * (GitHub strips unknown tags). Newlines would end the table row.
 */
export function mdEscape(s: string): string {
  return s.replace(/\r?\n|\r/g, ' ').replace(/[\\|`*_<>[\]]/g, (c) => `\\${c}`);
}

function table(head: string[], align: ('l' | 'r')[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(head), line(align.map((a) => (a === 'r' ? '---:' : '---'))), ...rows.map(line)].join('\n');
}

function statsCells(s: Stats | undefined): string[] {
  if (!s) return ['—', '—', '—', '—', '—', '—'];
  return [s.mean, s.std, s.median, s.min, s.max].map((v) => fmt4(numOrNull(v))).concat(String(s.n));
}

/** A GitHub-flavoured summary, suitable for $GITHUB_STEP_SUMMARY. */
export function writeMarkdown(report: Report): string {
  const out: string[] = [];
  const { summary } = report;
  out.push(`# ${mdEscape(report.tool.name)} report`);
  out.push('');
  const verdict = report.passed ? '✅ passed' : '❌ failed';
  out.push(`**${verdict}** · ${countsLine(report)} · ${mdEscape(report.tool.name)} ${mdEscape(report.tool.version)}`);

  // eval --ci: the bootstrap interval of each mean, as a last column.
  const ci = report.config.ci === true;
  const ciCell = (s: Stats) => (ci ? [s.ci_low === null || s.ci_low === undefined ? '—' : `[${fmt4(numOrNull(s.ci_low))}, ${fmt4(numOrNull(s.ci_high ?? null))}]`] : []);
  const statRows: string[][] = [];
  for (const [k, s] of Object.entries(summary.metrics)) statRows.push([mdEscape(k), ...statsCells(s), ...ciCell(s)]);
  for (const [k, s] of Object.entries(summary.losses)) statRows.push([`loss ${mdEscape(k)}`, ...statsCells(s), ...ciCell(s)]);
  if (statRows.length > 0) {
    out.push('', '## Summary', '');
    out.push(table(['metric', 'mean', 'std', 'median', 'min', 'max', 'n', ...(ci ? ['95 % CI of mean'] : [])], ['l', 'r', 'r', 'r', 'r', 'r', 'r', ...(ci ? (['r'] as const) : [])], statRows));
  }

  const labels = Object.entries(summary.labels);
  if (labels.length > 0) {
    out.push('', '## Per label', '');
    const rows = labels.map(([name, byMetric]) => {
      const d = byMetric.dice;
      const i = byMetric.iou;
      const f = (s: Stats | undefined, k: 'mean' | 'std') => (s ? fmt4(numOrNull(s[k])) : '—');
      return [mdEscape(name), f(d, 'mean'), f(d, 'std'), f(i, 'mean'), f(i, 'std'), d ? String(d.n) : '—'];
    });
    out.push(table(['label', 'Dice mean', 'Dice std', 'IoU mean', 'IoU std', 'n'], ['l', 'r', 'r', 'r', 'r', 'r'], rows));
  }

  if (hasLesions(report)) {
    out.push('', '## Lesions (pooled over ok cases)', '');
    const rows = lesionSummaryRows(report).map(([label, ...rest]) => [mdEscape(label), ...rest]);
    out.push(table(LESION_SUMMARY_HEAD, LESION_SUMMARY_HEAD.map((_, i) => (i === 0 ? 'l' : 'r')), rows));
  }

  const worst = worstCasesByDice(report, WORST_SHOWN);
  if (worst.length > 0) {
    out.push('', `## ${worst.length} worst cases by Dice`, '');
    const rows = worst.map((c, i) => [
      String(i + 1),
      mdEscape(c.id),
      fmt4(numOrNull(c.metrics?.dice)),
      fmt4(numOrNull(c.metrics?.iou)),
      ...(hasLesions(report) ? lesionCaseCells(c) : []),
      String(c.warnings.length),
    ]);
    const lesionHead = hasLesions(report) ? LESION_CASE_HEAD : [];
    out.push(table(['#', 'case', 'Dice', 'IoU', ...lesionHead, 'warnings'], ['r', 'l', 'r', 'r', ...lesionHead.map(() => 'r' as const), 'r'], rows));
  }

  const failed = report.cases.filter((c) => c.status !== 'ok');
  if (failed.length > 0) {
    out.push('', `## Not evaluated (${failed.length})`, '');
    for (const c of failed) out.push(`- **${mdEscape(c.id)}** (${c.status}): ${mdEscape(caseReason(c))}`);
  }

  const caseGates = report.case_gates ?? [];
  if (report.gates.length > 0 || caseGates.length > 0) {
    out.push('', '## Gates', '');
    for (const g of report.gates) {
      out.push(`- ${g.pass ? '✅' : '❌'} ${mdEscape(g.expr)} (value ${fmtExact(numOrNull(g.value))})`);
    }
    for (const g of caseGates) out.push(`- ${g.pass ? '✅' : '❌'} ${mdEscape(caseGateText(g))}`);
  }

  if (report.baseline) {
    out.push('', `## Baseline ${mdEscape(report.baseline.file)}`, '');
    for (const c of report.baseline.checks) out.push(`- ${c.pass ? '✅' : '❌'} ${mdEscape(baselineCheckText(c))}`);
  }
  return out.join('\n') + '\n';
}
