// Small helpers shared by the writers, so every format reads the report the same way
// (which value counts as a number, which cases are "worst", how a cell looks).

import type { CaseResult, LabelResult, Num, Report } from './model.js';

/**
 * A finite number or +∞ (a distance a convention defines as infinite, spec/conventions.md),
 * null for null/NaN/−∞, undefined when the key is absent or not a number.
 */
export function numOrNull(v: unknown): Num | undefined {
  if (v === null) return null;
  if (typeof v === 'number') return Number.isFinite(v) || v === Infinity ? v : null;
  return undefined;
}

/** Metric entries of a label: everything except the nested `losses` record. */
export function labelMetricEntries(label: LabelResult): [string, Num][] {
  const out: [string, Num][] = [];
  for (const [k, v] of Object.entries(label)) {
    if (k === 'losses') continue;
    const n = numOrNull(v);
    if (n !== undefined) out.push([k, n]);
  }
  return out;
}

/** Keys in the preferred order (those present only), then the rest in first-seen order. */
export function orderKeys(seen: Iterable<string>, preferred: unknown): string[] {
  const seenList = [...new Set(seen)];
  const present = new Set(seenList);
  const out: string[] = [];
  if (Array.isArray(preferred)) {
    for (const k of preferred) {
      if (typeof k === 'string' && present.has(k) && !out.includes(k)) out.push(k);
    }
  }
  for (const k of seenList) if (!out.includes(k)) out.push(k);
  return out;
}

/**
 * The k worst ok cases by case-level Dice, worst first. A null or absent Dice ranks
 * below every number: a case we could not score must not hide behind a good one.
 * Missing/error cases are not ranked; every writer lists them separately with reasons.
 */
export function worstCasesByDice(report: Report, k: number): CaseResult[] {
  const ok = report.cases.filter((c) => c.status === 'ok');
  const dice = (c: CaseResult): number => {
    const v = numOrNull(c.metrics?.dice);
    return v === null || v === undefined ? Number.NEGATIVE_INFINITY : v;
  };
  return [...ok]
    .sort((a, b) => dice(a) - dice(b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .slice(0, k);
}

/**
 * 4 significant digits for human-facing cells. null → "NaN" (a value that exists but is
 * undefined, e.g. Dice of an empty pair under --empty nan); undefined → "—" (does not apply).
 */
export function fmt4(v: Num | undefined): string {
  if (v === undefined) return '—';
  if (v === null || Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  return v.toPrecision(4);
}

/** Full precision for values a user must be able to compare against a threshold. */
export function fmtExact(v: Num | undefined): string {
  if (v === undefined) return '—';
  if (v === Infinity) return 'inf';
  if (v === null || !Number.isFinite(v)) return 'null';
  return String(v);
}

/** Messages are promised one line each; a stray newline would break tables and logs. */
export function oneLine(s: string): string {
  return s.replace(/\s*[\r\n]+\s*/g, ' ').trim();
}

/** Text for a missing/error case: its own message, else a generic reason from its status. */
export function caseReason(c: CaseResult): string {
  if (c.error) return oneLine(c.error);
  return c.status === 'missing' ? 'no prediction found' : 'error (no message)';
}

export function countsLine(report: Report): string {
  const s = report.summary;
  return `${s.cases} cases: ${s.ok} ok, ${s.missing} missing, ${s.errors} errors`;
}
