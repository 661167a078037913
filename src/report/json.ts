import type { Report } from './model.js';

/**
 * Copy of `value` with every non-finite number replaced by null. JSON.stringify would
 * already print NaN as null, but doing it explicitly keeps the rule in one visible place
 * and makes it hold for any consumer of the sanitized value, not just this writer.
 */
export function sanitizeForJson(value: unknown): unknown {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (Array.isArray(value)) return value.map(sanitizeForJson);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = sanitizeForJson(v);
    return out;
  }
  return value;
}

/** The report as cli.md's JSON: 2-space indent, key order as built, trailing newline. */
export function writeJson(report: Report): string {
  return JSON.stringify(sanitizeForJson(report), null, 2) + '\n';
}
