import type { CaseResult, Num, Report } from './model.js';
import { labelMetricEntries, numOrNull, orderKeys } from './util.js';

const CRLF = '\r\n';

/** RFC 4180: quote only when needed, double embedded quotes. */
export function csvField(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Shortest round-trip text (String(x)), so a parser reads back the exact double. */
function cell(v: Num | undefined): string {
  const n = numOrNull(v);
  // +∞ is empty, as null, with the case warning saying why (spec/conventions.md).
  return n === null || n === undefined || !Number.isFinite(n) ? '' : String(n);
}

function collectColumns(report: Report): { metrics: string[]; losses: string[] } {
  const metricKeys: string[] = [];
  const lossKeys: string[] = [];
  for (const c of report.cases) {
    for (const [k, v] of Object.entries(c.metrics ?? {})) if (numOrNull(v) !== undefined) metricKeys.push(k);
    for (const [k, v] of Object.entries(c.losses ?? {})) if (numOrNull(v) !== undefined) lossKeys.push(k);
    for (const label of Object.values(c.labels ?? {})) {
      for (const [k] of labelMetricEntries(label)) metricKeys.push(k);
      for (const [k, v] of Object.entries(label.losses ?? {})) if (numOrNull(v) !== undefined) lossKeys.push(k);
    }
  }
  return {
    metrics: orderKeys(metricKeys, report.config.metrics),
    losses: orderKeys(lossKeys, report.config.losses),
  };
}

/**
 * cli.md's CSV: one row per case (`label` = `all`) plus one per label of an ok case.
 * Columns: id,label,status, metrics (config.metrics order, then extras), `loss_`-prefixed
 * losses (config.losses order, then extras), and a final `error` column: a missing or
 * failed case is one `all` row with empty value cells and its message there, so the
 * column set stays the same for every row and pandas reads one flat frame.
 */
export function writeCsv(report: Report): string {
  const { metrics, losses } = collectColumns(report);
  const header = ['id', 'label', 'status', ...metrics, ...losses.map((l) => `loss_${l}`), 'error'];
  const lines: string[] = [header.map(csvField).join(',')];

  const row = (
    c: CaseResult,
    label: string,
    m: Record<string, unknown>,
    l: Record<string, unknown>,
    error: string,
  ): string =>
    [
      c.id,
      label,
      c.status,
      ...metrics.map((k) => cell(numOrNull(m[k]))),
      ...losses.map((k) => cell(numOrNull(l[k]))),
      error,
    ]
      .map(csvField)
      .join(',');

  for (const c of report.cases) {
    if (c.status !== 'ok') {
      lines.push(row(c, 'all', {}, {}, c.error ?? ''));
      continue;
    }
    lines.push(row(c, 'all', c.metrics ?? {}, c.losses ?? {}, ''));
    for (const [name, label] of Object.entries(c.labels ?? {})) {
      lines.push(row(c, name, label, label.losses ?? {}, ''));
    }
  }
  return lines.join(CRLF) + CRLF;
}
