// Quality gates: `<path> <op> <number>` checked against the summary (or every ok case).
// A gate must never pass by accident, so a path that does not lead to a number (a typo,
// a metric that was not computed, a stats object) is a usage error, and a null value
// (nothing to measure) fails.

import { GateSyntaxError, GateUsageError, type GateProblem } from '../errors.js';
import type { CaseResult, GateResult, Num, Summary } from './model.js';
import { fmtExact, numOrNull } from './util.js';

export type GateOp = '>=' | '>' | '<=' | '<' | '==';

export interface Gate {
  /** The expression as the user wrote it, for messages and report.gates. */
  expr: string;
  path: string;
  segments: string[];
  op: GateOp;
  threshold: number;
}

const OPS: GateOp[] = ['>=', '<=', '==', '>', '<'];
// Path segments exclude whitespace and operator characters so that "a => 1" or "a != 1"
// are rejected instead of being read as a path ending in "=" or "!".
const GATE_RE = /^\s*([^\s<>=!]+)\s*(>=|<=|==|>|<)\s*(\S+)\s*$/;
const NUMBER_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** `<path> <op> <number>` as a Gate; anything else throws a GateSyntaxError naming the expression. */
export function parseGate(expr: string): Gate {
  const m = GATE_RE.exec(expr);
  if (!m) {
    if (/!=|=>|=<|(?<![<>=])=(?!=)/.test(expr)) {
      throw new GateSyntaxError(expr, `unknown operator; use one of ${OPS.join(' ')}`);
    }
    throw new GateSyntaxError(expr, `expected "<path> <op> <number>" with op one of ${OPS.join(' ')}`);
  }
  const [, path, op, num] = m;
  const segments = path.split('.');
  if (segments.some((s) => s.length === 0)) {
    throw new GateSyntaxError(expr, `empty segment in path "${path}"`);
  }
  if (!NUMBER_RE.test(num)) {
    throw new GateSyntaxError(expr, `"${num}" is not a finite decimal number`);
  }
  return { expr: expr.trim(), path, segments, op: op as GateOp, threshold: Number(num) };
}

export function compare(value: number, op: GateOp, threshold: number): boolean {
  switch (op) {
    case '>=':
      return value >= threshold;
    case '>':
      return value > threshold;
    case '<=':
      return value <= threshold;
    case '<':
      return value < threshold;
    case '==':
      return value === threshold;
  }
}

export type Resolved = { ok: true; value: Num } | { ok: false; reason: string };

/**
 * Follow `segments` through plain objects (own keys only, so "constructor" or
 * "__proto__" never resolve). The end must be a number or null.
 */
export function resolvePath(root: unknown, segments: string[]): Resolved {
  let cur: unknown = root;
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i];
    const at = segments.slice(0, i).join('.') || '(top level)';
    if (cur === null || typeof cur !== 'object' || Array.isArray(cur)) {
      return { ok: false, reason: `"${at}" is a value, it has no "${seg}"` };
    }
    if (!Object.prototype.hasOwnProperty.call(cur, seg)) {
      const keys = Object.keys(cur);
      const hint = keys.length > 0 ? `; available: ${keys.slice(0, 20).join(', ')}` : '';
      return { ok: false, reason: `no "${seg}" under ${at}${hint}` };
    }
    cur = (cur as Record<string, unknown>)[seg];
  }
  const v = numOrNull(cur);
  if (v === undefined) {
    const what = cur !== null && typeof cur === 'object' ? 'an object' : typeof cur;
    return { ok: false, reason: `path is ${what}, not a number (e.g. add .mean)` };
  }
  return { ok: true, value: v };
}

/**
 * Summary gates. All gates are checked so one run reports every bad path at once: a path
 * that does not resolve to a number throws one GateUsageError listing them all.
 */
export function evaluateGates(summary: Summary, gates: Gate[]): GateResult[] {
  const results: GateResult[] = [];
  const problems: GateProblem[] = [];
  for (const g of gates) {
    const r = resolvePath(summary, g.segments);
    if (!r.ok) {
      problems.push({ expr: g.expr, reason: r.reason });
      continue;
    }
    results.push({ expr: g.expr, value: r.value, pass: r.value !== null && compare(r.value, g.op, g.threshold) });
  }
  if (problems.length > 0) throw new GateUsageError(problems);
  return results;
}

export interface CaseGateFailure {
  id: string;
  /** null when the case has the value as null or does not have the path at all. */
  value: Num;
}

export interface CaseGateResult {
  expr: string;
  pass: boolean;
  /** Ok cases checked. */
  evaluated: number;
  failures: CaseGateFailure[];
}

/**
 * Per-case gates (`metrics.dice>=0.5`, `labels.1.dice>=0.7`, `losses.dice<=0.3`): every
 * ok case must pass. Missing and error cases are skipped: they already fail the run
 * (or count in the aggregates under --missing zero). An ok case lacking the path fails
 * rather than being skipped; a path no ok case has is a usage error (one GateUsageError
 * listing every such gate).
 */
export function evaluateCaseGates(cases: CaseResult[], gates: Gate[]): CaseGateResult[] {
  const ok = cases.filter((c) => c.status === 'ok');
  const results: CaseGateResult[] = [];
  const problems: GateProblem[] = [];
  for (const g of gates) {
    const failures: CaseGateFailure[] = [];
    let resolvedAnywhere = false;
    let reason = 'there are no ok cases';
    for (const c of ok) {
      const r = resolvePath(c, g.segments);
      if (r.ok) resolvedAnywhere = true;
      else if (!resolvedAnywhere) reason = r.reason;
      const value = r.ok ? r.value : null;
      if (value === null || !compare(value, g.op, g.threshold)) failures.push({ id: c.id, value });
    }
    if (!resolvedAnywhere) {
      problems.push({ expr: g.expr, reason: `resolves for no ok case: ${reason}` });
      continue;
    }
    results.push({ expr: g.expr, pass: failures.length === 0, evaluated: ok.length, failures });
  }
  if (problems.length > 0) throw new GateUsageError(problems);
  return results;
}

const LISTED_FAILURES = 5;

/** One line for stderr, naming the value found (full precision: it is compared to a threshold). */
export function formatGateFailure(result: GateResult | CaseGateResult): string {
  if ('failures' in result) {
    const shown = result.failures.slice(0, LISTED_FAILURES).map((f) => `${f.id} (${fmtExact(f.value)})`);
    const more = result.failures.length > LISTED_FAILURES ? `, … ${result.failures.length - LISTED_FAILURES} more` : '';
    return `gate failed: ${result.expr} in ${result.failures.length} of ${result.evaluated} cases: ${shown.join(', ')}${more}`;
  }
  return `gate failed: ${result.expr} (value ${fmtExact(result.value)})`;
}
