// `segloss merge`: the shard reports of one run (--shard i/n) back into the report a
// single run would have written. The shards' case rows are concatenated and finalised
// again with the run's one configuration, so the run-wide label set, the case-level
// means and the summary are those of the whole run, not of any shard.
import { SURFACE_METRICS } from '../losses/params.js';
import type { CaseResult, LabelResult, Report } from '../report/model.js';
import { absentLabel, assembleReport, reportBody, type ReportBody } from './buildReport.js';
import { MergeError, ReportConfigError } from '../errors.js';
import { runConfigFromReport, type RunConfig } from './config.js';

export interface MergeOptions {
  /** Merge even when some shards of i/n are not among the reports (default: an error). */
  allowPartial?: boolean;
  /** Names of the reports (file paths) for messages; default "report 1", "report 2", … */
  names?: string[];
}

/** Config keys that legitimately differ between the shards of one run. */
const PER_SHARD_KEYS = new Set(['shard', 'labels_used']);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Structural equality of JSON values (object key order ignored). */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a === 'number' && typeof b === 'number') return Number.isNaN(a) && Number.isNaN(b);
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => sameJson(x, b[i]));
  }
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => k in b && sameJson(a[k], b[k]));
  }
  return false;
}

/** JSON form of a value: what a report read back from its file holds (non-finite → null). */
function asJson(v: unknown): unknown {
  return JSON.parse(JSON.stringify(v, (_k, x) => (typeof x === 'number' && !Number.isFinite(x) ? null : x)));
}

/** Checks the parts of a parsed report that merging relies on. */
function checkShape(r: unknown, name: string): asserts r is Report {
  if (!isObject(r)) throw new MergeError(`${name}: not a segloss JSON report (expected an object)`);
  if (r.schema !== 'segloss-report/1') throw new MergeError(`${name}: not a segloss-report/1 JSON report (schema ${JSON.stringify(r.schema ?? null)})`);
  if (!isObject(r.config)) throw new MergeError(`${name}: the report has no config block`);
  if (!Array.isArray(r.cases)) throw new MergeError(`${name}: the report has no cases list`);
  r.cases.forEach((c, k) => {
    if (!isObject(c) || typeof c.id !== 'string' || typeof c.status !== 'string' || !Array.isArray(c.warnings)) {
      throw new MergeError(`${name}: case ${k + 1} is not a case row (id, status, warnings)`);
    }
    if (c.status === 'ok' && c.labels !== undefined && !isObject(c.labels)) throw new MergeError(`${name}: case ${c.id}: labels is not an object`);
    // Completing a case to the run's label set needs its voxel count and the labels it found.
    if (c.status === 'ok' && (typeof c.voxels !== 'number' || !isObject(c.labels_found))) {
      throw new MergeError(`${name}: case ${c.id} has no voxels/labels_found (a report from an older segloss?); re-run the shard`);
    }
  });
}

function parseShard(v: unknown, name: string): { index: number; count: number } | null {
  if (v === null || v === undefined) return null;
  const m = typeof v === 'string' ? /^(\d+)\/(\d+)$/.exec(v) : null;
  if (!m || Number(m[1]) < 1 || Number(m[1]) > Number(m[2])) throw new MergeError(`${name}: config.shard must be "i/n" (1-based) or null, got ${JSON.stringify(v)}`);
  return { index: Number(m[1]) - 1, count: Number(m[2]) };
}

const STRAY_WARNING = 'found in no ground truth of the run';

/**
 * A shard's row as the engine left it, before the shard's own completion: the labels the
 * shard added because another case of the shard had them (and their warnings) and the
 * run-dependent stray-label warning are taken out, so that completing it again against
 * the whole run gives exactly the single-run row (warnings in the single run's order).
 */
function uncomplete(row: CaseResult, c: RunConfig): CaseResult {
  const out: CaseResult = { ...row, warnings: row.warnings.filter((w) => !(w.startsWith('prediction holds label') && w.includes(STRAY_WARNING))) };
  // With explicit --labels or --regions every ok case is evaluated on every target: nothing was completed.
  if (row.status !== 'ok' || !row.labels || c.labels !== null || c.regions !== null) return out;
  const found = new Set([...(row.labels_found?.gt ?? []), ...(row.labels_found?.pred ?? [])].map(String));
  const absent = asJson(absentLabel(row.voxels ?? 0, c, row.voxel_volume_mm3 ?? null));
  const completed = Object.keys(row.labels).filter((k) => k !== '0' && !found.has(k) && sameJson(asJson(row.labels![k]), absent));
  if (completed.length === 0) return out;
  const labels: Record<string, LabelResult> = {};
  for (const [k, v] of Object.entries(row.labels)) if (!completed.includes(k)) labels[k] = v;
  out.labels = labels;
  if (c.metrics.some((m) => (SURFACE_METRICS as readonly string[]).includes(m))) {
    // Completion appended one warning per completed label, after the engine's own.
    for (const k of completed) {
      const added: string[] = [];
      absentLabel(row.voxels ?? 0, c, row.voxel_volume_mm3 ?? null, k, added);
      for (const w of added.reverse()) {
        const at = out.warnings.lastIndexOf(w);
        if (at >= 0) out.warnings.splice(at, 1);
      }
    }
  }
  return out;
}

/**
 * Merges the JSON reports of the shards of one run (`--shard i/n`, or runs over disjoint
 * case sets with the same options) into one report, identical to the report of a single
 * run over all the cases apart from per-case timing. Throws MergeError when the configs
 * differ (naming the key), a case id occurs twice, or — for sharded reports — a shard is
 * missing or given twice. The merged report has no gates or baseline: `passed` says
 * whether every case is free of errors.
 */
export function mergeReports(reports: unknown[], opts: MergeOptions = {}): Report {
  return assembleReport(mergeShards(reports, opts));
}

/** mergeReports before the report is built: the merged body that `segloss merge` checks. */
export function mergeShards(reports: unknown[], opts: MergeOptions = {}): ReportBody {
  const names = reports.map((_, k) => opts.names?.[k] ?? `report ${k + 1}`);
  if (reports.length === 0) throw new MergeError('no report to merge');
  reports.forEach((r, k) => checkShape(r, names[k]));
  const list = reports as Report[];

  const first = list[0];
  for (let k = 1; k < list.length; k++) {
    const r = list[k];
    if (!sameJson(r.tool?.version, first.tool?.version)) {
      throw new MergeError(`${names[k]}: made by segloss ${String(r.tool?.version)}, ${names[0]} by ${String(first.tool?.version)}`);
    }
    const keys = new Set([...Object.keys(first.config), ...Object.keys(r.config)]);
    for (const key of keys) {
      if (PER_SHARD_KEYS.has(key)) continue;
      if (!sameJson(first.config[key], r.config[key])) {
        throw new MergeError(
          `config.${key} differs: ${JSON.stringify(first.config[key] ?? null)} in ${names[0]}, ${JSON.stringify(r.config[key] ?? null)} in ${names[k]}`,
        );
      }
    }
  }

  const shards = list.map((r, k) => parseShard(r.config.shard, names[k]));
  if (shards.some((s) => s !== null)) {
    const at = shards.findIndex((s) => s === null);
    if (at >= 0) throw new MergeError(`${names[at]} is not a shard (config.shard null) but ${names[shards.findIndex((s) => s !== null)]} is`);
    const count = shards[0]!.count;
    const seen = new Map<number, string>();
    shards.forEach((s, k) => {
      if (s!.count !== count) throw new MergeError(`config.shard differs: ${names[0]} is one of ${count} shards, ${names[k]} one of ${s!.count}`);
      const twice = seen.get(s!.index);
      if (twice !== undefined) throw new MergeError(`shard ${s!.index + 1}/${count} given twice: ${twice} and ${names[k]}`);
      seen.set(s!.index, names[k]);
    });
    if (!opts.allowPartial && seen.size < count) {
      const missing = Array.from({ length: count }, (_, i) => i).filter((i) => !seen.has(i)).map((i) => `${i + 1}/${count}`);
      throw new MergeError(`shard${missing.length > 1 ? 's' : ''} ${missing.join(', ')} missing (${seen.size} of ${count} given)`);
    }
  }

  let config: RunConfig;
  try {
    config = { ...runConfigFromReport(first.config), shard: null };
  } catch (e) {
    if (e instanceof ReportConfigError) throw new MergeError(`${names[0]}: ${e.message}`);
    throw e;
  }

  const owner = new Map<string, string>();
  const rows: CaseResult[] = [];
  list.forEach((r, k) => {
    for (const row of r.cases) {
      const prev = owner.get(row.id);
      if (prev !== undefined) throw new MergeError(`case ${row.id} is in ${prev} and in ${names[k]}`);
      owner.set(row.id, names[k]);
      rows.push(uncomplete(withInfinities(row), config));
    }
  });
  return reportBody(rows, config);
}

const INF_WARNING = /^label (.+): (hd|hd95|assd|nsd) is \+inf \(/;

/**
 * JSON writes +∞ as null; the case warning `label K: M is +inf (…)` says which nulls were
 * infinite (spec/conventions.md), so the merged summary has the single run's +∞ means.
 */
function withInfinities(row: CaseResult): CaseResult {
  if (!row.labels || !row.warnings.some((w) => INF_WARNING.test(w))) return row;
  const labels: Record<string, LabelResult> = { ...row.labels };
  for (const w of row.warnings) {
    const m = INF_WARNING.exec(w);
    if (!m || !labels[m[1]!] || labels[m[1]!]![m[2]!] !== null) continue;
    labels[m[1]!] = { ...labels[m[1]!]!, [m[2]!]: Infinity };
  }
  return { ...row, labels };
}
