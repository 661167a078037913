// `segloss eval --config segloss.json`: any eval option in a JSON file, so a CI job keeps
// its gates in the repository. Keys are option names, camelCase as commander names them
// (`gateCase`) or kebab-case as typed (`gate-case`); repeatable options take arrays.
// Options given on the command line win over the file (a repeatable one replaces the
// file's list). Relative paths in the file are relative to the file's folder.
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import type { Command } from 'commander';
import { UsageError } from './usageError.js';
import type { RawOptions } from './parse.js';

export interface OptionSpec {
  /** camelCase, as in the parsed options. */
  attr: string;
  /** kebab-case, without the dashes. */
  long: string;
  takesValue: boolean;
  /** `--opt [value]`: true in the file means the option without a value (e.g. "lesions": true). */
  optionalValue?: boolean;
}

/** Options whose values are lists: an array in the file, repeated on the command line. */
export const REPEATABLE = new Set(['out', 'gate', 'gateCase', 'maxDrop']);
/** Comma-separated lists on the command line; an array is joined with commas. */
const COMMA_LISTS = new Set(['labels', 'losses', 'metrics', 'spacing']);
/** Paths, resolved against the config file's folder. */
const PATHS = new Set(['pred', 'gt', 'out', 'baseline', 'lesionCsv', 'pairs', 'datasetJson']);
/** Not allowed in a config file. */
const NOT_IN_FILE = new Set(['config', 'help', 'version']);

export function optionSpecs(cmd: Command): OptionSpec[] {
  return cmd.options
    .filter((o) => o.long)
    .map((o) => ({ attr: o.attributeName(), long: o.long!.replace(/^--/, ''), takesValue: o.required || o.optional, optionalValue: o.optional }))
    .filter((s) => !NOT_IN_FILE.has(s.attr));
}

function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
  }
  return d[a.length][b.length];
}

function suggestion(key: string, specs: OptionSpec[]): string {
  let best: OptionSpec | null = null;
  let bestD = Infinity;
  for (const s of specs) {
    const d = Math.min(editDistance(key.toLowerCase(), s.attr.toLowerCase()), editDistance(key.toLowerCase(), s.long));
    if (d < bestD) {
      bestD = d;
      best = s;
    }
  }
  return best && bestD <= 2 ? ` (did you mean "${best.long}"?)` : '';
}

function scalar(file: string, key: string, v: unknown): string | number {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  throw new UsageError(`--config ${file}: "${key}" must be a string or a number, got ${JSON.stringify(v)}`);
}

/**
 * Read a config file into options keyed like commander's (camelCase), values checked for
 * shape (the option parsers check their content, as for the command line).
 */
export function loadConfigFile(file: string, specs: OptionSpec[]): RawOptions {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(`--config ${file} ${code === 'ENOENT' ? 'does not exist' : code === 'EISDIR' ? 'is a folder' : `cannot be read (${code ?? String(e)})`}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`--config ${file} is not valid JSON (${(e instanceof Error ? e.message : String(e)).replace(/\s*\n\s*/g, ' ')})`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new UsageError(`--config ${file} must hold a JSON object of options, e.g. {"gate": ["metrics.dice.mean>=0.8"]}`);
  }
  const byName = new Map<string, OptionSpec>();
  for (const s of specs) {
    byName.set(s.attr, s);
    byName.set(s.long, s);
  }
  const entries = Object.entries(value as Record<string, unknown>);
  const unknown = entries.map(([k]) => k).filter((k) => !byName.has(k));
  if (unknown.length > 0) {
    const list = unknown.map((k) => `"${k}"${suggestion(k, specs)}`).join(', ');
    throw new UsageError(`--config ${file}: unknown option${unknown.length > 1 ? 's' : ''} ${list}; keys are eval options, e.g. "gate", "gate-case", "max-drop", "out"`);
  }
  const base = dirname(file);
  const at = (p: string) => (isAbsolute(p) ? p : resolve(base, p));
  const out: RawOptions = {};
  for (const [key, v] of entries) {
    const spec = byName.get(key)!;
    const attr = spec.attr;
    if (attr in out) throw new UsageError(`--config ${file}: option "${spec.long}" given twice (as "${spec.attr}" and "${spec.long}")`);
    if (!spec.takesValue) {
      if (typeof v !== 'boolean') throw new UsageError(`--config ${file}: "${key}" is a flag, it takes true or false, got ${JSON.stringify(v)}`);
      if (v) out[attr] = true;
      continue;
    }
    if (spec.optionalValue && typeof v === 'boolean') {
      if (v) out[attr] = true;
      continue;
    }
    if (REPEATABLE.has(attr)) {
      const list = (Array.isArray(v) ? v : [v]).map((x) => String(scalar(file, key, x)));
      out[attr] = PATHS.has(attr) ? list.map(at) : list;
      continue;
    }
    if (Array.isArray(v)) {
      if (!COMMA_LISTS.has(attr)) throw new UsageError(`--config ${file}: "${key}" takes one value, not a list`);
      out[attr] = v.map((x) => String(scalar(file, key, x))).join(',');
      continue;
    }
    const s = scalar(file, key, v);
    out[attr] = PATHS.has(attr) ? at(String(s)) : s;
  }
  return out;
}

/** Options from the file, overridden by every option the command line gave. */
export function mergeWithConfig(cli: RawOptions, fromFile: RawOptions, sourceOf: (attr: string) => string | undefined): RawOptions {
  const merged: RawOptions = { ...cli };
  for (const [k, v] of Object.entries(fromFile)) {
    if (sourceOf(k) === 'cli') continue;
    merged[k] = v;
  }
  return merged;
}
