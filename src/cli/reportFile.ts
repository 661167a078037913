// Reading an earlier JSON report (--baseline, `segloss compare`). Anything that is not a
// segloss report is a usage error (exit 2) with one line naming the file and the reason.
import { readFileSync } from 'node:fs';
import { UsageError } from './usageError.js';
import type { Report } from '../report/model.js';

const oneLine = (s: string) => s.replace(/\s*[\r\n]+\s*/g, ' ').trim();

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Why `value` is not a segloss-report/1, or null when it is one (as far as segloss reads it). */
export function reportProblem(value: unknown): string | null {
  if (!isObject(value)) return 'is not a JSON object';
  if (value.schema !== 'segloss-report/1') {
    if ('metric_per_case' in value) return 'is an nnU-Net summary.json, not a segloss report (write one with --out report.json)';
    return value.schema === undefined ? 'is not a segloss report (no "schema")' : `has schema ${JSON.stringify(value.schema)}, expected "segloss-report/1"`;
  }
  if (!Array.isArray(value.cases)) return 'has no "cases" list';
  for (const [k, c] of value.cases.entries()) {
    if (!isObject(c) || typeof c.id !== 'string' || !['ok', 'missing', 'error'].includes(String(c.status))) {
      return `case ${k + 1} has no string "id" or no status ok|missing|error`;
    }
  }
  const s = value.summary;
  if (!isObject(s)) return 'has no "summary" object';
  for (const key of ['cases', 'ok', 'missing', 'errors']) if (typeof s[key] !== 'number') return `summary.${key} is not a number`;
  for (const key of ['metrics', 'losses', 'labels']) if (!isObject(s[key])) return `summary.${key} is not an object`;
  if (!isObject(value.config)) return 'has no "config" object';
  return null;
}

/** Read and check a JSON report; `what` names the option in messages ("--baseline"). */
export function loadReportFile(path: string, what: string): Report {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'does not exist' : code === 'EISDIR' ? 'is a folder, not a report file' : code === 'EACCES' ? 'is not readable' : `cannot be read (${code ?? String(e)})`;
    throw new UsageError(`${what} ${path} ${why}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${what} ${path} is not valid JSON (${oneLine(e instanceof Error ? e.message : String(e))})`);
  }
  const problem = reportProblem(value);
  if (problem) throw new UsageError(`${what} ${path} ${problem}`);
  return value as Report;
}
