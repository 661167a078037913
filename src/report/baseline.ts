// Regression checks against an earlier report: summary-level "max drop" limits, and a
// per-case diff of two runs.

import Table from 'cli-table3';

import { paint } from './ansi.js';
import { GateUsageError, type GateProblem } from '../errors.js';
import { resolvePath } from './gates.js';
import type { CaseStatus, Num, Report, Summary } from './model.js';
import { fmt4, fmtExact, numOrNull } from './util.js';

/**
 * Quantities where a smaller value is the better one: losses, surface distances, error
 * counts. Everything else (overlap metrics, precision, recall, …) is higher-is-better.
 */
const LOWER_IS_BETTER_METRICS = new Set(['hd', 'hd95', 'assd', 'fp', 'fn', 'brier', 'nll', 'ece', 'avd']);
const LOWER_IS_BETTER_COUNTS = new Set(['errors', 'missing']);
const STAT_KEYS = new Set(['mean', 'std', 'median', 'min', 'max', 'n']);

/**
 * Direction of a summary path: `losses.*` and `labels.<L>.losses.*` are losses;
 * otherwise the metric key (the segment before a stat name) decides.
 */
export function lowerIsBetter(segments: string[]): boolean {
  if (segments[0] === 'losses') return true;
  if (segments[0] === 'labels' && segments[2] === 'losses') return true;
  if (segments.length === 1) return LOWER_IS_BETTER_COUNTS.has(segments[0]);
  const last = segments[segments.length - 1];
  const metric = STAT_KEYS.has(last) ? segments[segments.length - 2] : last;
  return LOWER_IS_BETTER_METRICS.has(metric);
}

export interface MaxDrop {
  path: string;
  /** Largest tolerated worsening, ≥ 0, in the quantity's own units. */
  delta: number;
}

export interface BaselineCheck {
  path: string;
  delta: number;
  lowerIsBetter: boolean;
  baseline: Num;
  current: Num;
  /** current − baseline; null when either side is null. */
  change: Num;
  pass: boolean;
}

/**
 * Fails a path when it got worse by more than `delta`: a drop for higher-is-better
 * quantities, a rise for lower-is-better ones. A null on either side fails (a
 * regression check that cannot compare must not pass). A path missing from either
 * report, or a bad delta, is a usage error: one GateUsageError listing every such check.
 */
export function compareToBaseline(current: { summary: Summary }, baseline: { summary: Summary }, maxDrops: MaxDrop[]): BaselineCheck[] {
  const checks: BaselineCheck[] = [];
  const problems: GateProblem[] = [];
  for (const { path, delta } of maxDrops) {
    const expr = `${path} max drop ${delta}`;
    if (!Number.isFinite(delta) || delta < 0) {
      problems.push({ expr, reason: 'delta must be a finite number ≥ 0' });
      continue;
    }
    const segments = path.split('.');
    const cur = resolvePath(current.summary, segments);
    const base = resolvePath(baseline.summary, segments);
    if (!cur.ok || !base.ok) {
      const reason = !cur.ok ? `current report: ${cur.reason}` : `baseline report: ${(base as { reason: string }).reason}`;
      problems.push({ expr, reason });
      continue;
    }
    const lower = lowerIsBetter(segments);
    const change = cur.value === null || base.value === null ? null : cur.value - base.value;
    const worsening = change === null ? null : lower ? change : -change;
    checks.push({
      path,
      delta,
      lowerIsBetter: lower,
      baseline: base.value,
      current: cur.value,
      change,
      pass: worsening !== null && worsening <= delta,
    });
  }
  if (problems.length > 0) throw new GateUsageError(problems);
  return checks;
}

export function formatBaselineFailure(c: BaselineCheck): string {
  const dir = c.lowerIsBetter ? 'rose' : 'dropped';
  if (c.change === null) {
    return `baseline check failed: ${c.path} cannot be compared (baseline ${fmtExact(c.baseline)}, now ${fmtExact(c.current)})`;
  }
  return `baseline check failed: ${c.path} ${dir} by ${fmtExact(Math.abs(c.change))} (baseline ${fmtExact(c.baseline)}, now ${fmtExact(c.current)}, allowed ${c.delta})`;
}

export interface CaseChange {
  id: string;
  old: Num;
  new: Num;
  /** new − old; null when either is null. */
  change: Num;
}

export interface QuantityComparison {
  /** "metrics.dice" or "losses.<name>": the case-level path compared. */
  key: string;
  lowerIsBetter: boolean;
  /** Cases ok in both reports with the value present in both. */
  compared: number;
  /** Worst change first. */
  worse: CaseChange[];
  /** Biggest improvement first. */
  better: CaseChange[];
  unchanged: number;
  /** A number on one side, null on the other. */
  incomparable: CaseChange[];
  /** Mean of the non-null changes; null when there are none. */
  meanChange: Num;
}

export interface ReportComparison {
  /** Case ids only in the new report. */
  added: string[];
  /** Case ids only in the old report. */
  removed: string[];
  statusChanged: { id: string; old: CaseStatus; new: CaseStatus }[];
  quantities: QuantityComparison[];
}

export interface CompareOptions {
  /** |change| at or below this is "unchanged", so summation-order noise is not a regression. */
  tolerance?: number;
}

/**
 * Per-case diff of two runs for case-level Dice and every case-level loss present in
 * both. Plain data (no NaN, no Map), so it can be written as JSON as is.
 */
export function compareReports(oldReport: Report, newReport: Report, opts: CompareOptions = {}): ReportComparison {
  const tol = opts.tolerance ?? 1e-12;
  const oldById = new Map(oldReport.cases.map((c) => [c.id, c]));
  const newById = new Map(newReport.cases.map((c) => [c.id, c]));
  const added = newReport.cases.filter((c) => !oldById.has(c.id)).map((c) => c.id);
  const removed = oldReport.cases.filter((c) => !newById.has(c.id)).map((c) => c.id);
  const statusChanged: ReportComparison['statusChanged'] = [];
  const pairs: [string, Report['cases'][number], Report['cases'][number]][] = [];
  for (const o of oldReport.cases) {
    const n = newById.get(o.id);
    if (!n) continue;
    if (o.status !== n.status) statusChanged.push({ id: o.id, old: o.status, new: n.status });
    else if (o.status === 'ok') pairs.push([o.id, o, n]);
  }

  const lossKeys = (r: Report) => new Set(r.cases.flatMap((c) => Object.keys(c.losses ?? {})));
  const newLosses = lossKeys(newReport);
  const keys = ['metrics.dice', ...[...lossKeys(oldReport)].filter((k) => newLosses.has(k)).map((k) => `losses.${k}`)];

  const quantities: QuantityComparison[] = [];
  for (const key of keys) {
    const [group, name] = key.split('.') as ['metrics' | 'losses', string];
    const lower = group === 'losses';
    const q: QuantityComparison = { key, lowerIsBetter: lower, compared: 0, worse: [], better: [], unchanged: 0, incomparable: [], meanChange: null };
    let sum = 0;
    for (const [id, o, n] of pairs) {
      const a = numOrNull(o[group]?.[name]);
      const b = numOrNull(n[group]?.[name]);
      if (a === undefined || b === undefined) continue;
      if (a === null || b === null) {
        if (a !== b) q.incomparable.push({ id, old: a, new: b, change: null });
        continue;
      }
      const change = b - a;
      q.compared++;
      sum += change;
      const entry = { id, old: a, new: b, change };
      if (Math.abs(change) <= tol) q.unchanged++;
      else if (lower ? change > 0 : change < 0) q.worse.push(entry);
      else q.better.push(entry);
    }
    // Sort by how much worse/better, in the quantity's own direction.
    const badness = (c: CaseChange) => (lower ? (c.change as number) : -(c.change as number));
    q.worse.sort((x, y) => badness(y) - badness(x) || cmpId(x.id, y.id));
    q.better.sort((x, y) => badness(x) - badness(y) || cmpId(x.id, y.id));
    q.meanChange = q.compared > 0 ? sum / q.compared : null;
    quantities.push(q);
  }
  return { added, removed, statusChanged, quantities };
}

function cmpId(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export interface CompareTableOptions {
  color?: boolean;
  /** Cases listed per direction and quantity. */
  limit?: number;
}

/** Terminal rendering of compareReports: per quantity, the cases that changed most. */
export function writeCompareTable(cmp: ReportComparison, opts: CompareTableOptions = {}): string {
  const p = paint(opts.color === true);
  const limit = opts.limit ?? 10;
  const out: string[] = [];
  for (const q of cmp.quantities) {
    const t = new Table({
      head: ['case', 'old', 'new', 'change', ''].map((h) => p.dim(h)),
      colAligns: ['left', 'right', 'right', 'right', 'left'],
      style: { head: [], border: [], compact: true },
    });
    const sign = (c: Num) => (c === null ? 'NaN' : c > 0 ? `+${fmt4(c)}` : fmt4(c));
    for (const c of q.worse.slice(0, limit)) t.push([c.id, fmt4(c.old), fmt4(c.new), p.red(sign(c.change)), p.red('worse')]);
    for (const c of q.better.slice(0, limit)) t.push([c.id, fmt4(c.old), fmt4(c.new), p.green(sign(c.change)), p.green('better')]);
    for (const c of q.incomparable.slice(0, limit)) t.push([c.id, fmt4(c.old), fmt4(c.new), '—', p.yellow('null')]);
    const direction = q.lowerIsBetter ? 'lower is better' : 'higher is better';
    out.push(
      `${q.key} (${direction}): ${q.worse.length} worse, ${q.better.length} better, ${q.unchanged} unchanged of ${q.compared}; mean change ${sign(q.meanChange)}`,
    );
    if (t.length > 0) out.push(t.toString());
  }
  if (cmp.added.length > 0) out.push(`only in new: ${cmp.added.join(', ')}`);
  if (cmp.removed.length > 0) out.push(`only in old: ${cmp.removed.join(', ')}`);
  for (const s of cmp.statusChanged) out.push(`${s.id}: ${s.old} → ${s.new}`);
  return out.join('\n') + '\n';
}
