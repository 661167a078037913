// What the HTML page shows, taken from the JSON report model alone (one source of truth):
// per-label distributions, the per-case table, the worst cases, the header facts.
// Pure functions over the parsed report; no I/O, no charting.
import type { CaseResult, Num, Report } from '../model.js';

/** One drawn value: the case it belongs to and its number. */
export interface CaseValue {
  id: string;
  value: number;
}

/** A quantity's per-case values over the ok cases, with the cases that have none named. */
export interface Distribution {
  /** "dice", "hd95", "loss: focal". */
  title: string;
  /** Path inside a case: ["labels","1","dice"], ["labels","1","losses","focal"], ["losses","lovasz_softmax"]. */
  path: string[];
  values: CaseValue[];
  /** Ok cases where the value is null (NaN, undefined: e.g. an empty pair under --empty nan). */
  nulls: string[];
  /** Higher is better, lower is better, or neither (counts, signed volume differences). */
  direction: 'higher' | 'lower' | null;
}

export interface LabelDistributions {
  /** Label or region key ("1", "WT"), or "case" for case-level losses. */
  label: string;
  metrics: Distribution[];
  losses: Distribution[];
}

/** statistics.md's directions; every loss is lower-is-better. */
const HIGHER = new Set(['dice', 'iou', 'precision', 'recall', 'specificity', 'nsd', 'f2', 'mcc', 'kappa', 'balanced_accuracy', 'auroc', 'ap', 'lesion_f1', 'lesion_dice', 'lesion_precision', 'lesion_recall', 'pq', 'sq', 'rq']);
const LOWER = new Set(['hd', 'hd95', 'assd', 'brier', 'nll', 'ece', 'avd', 'lesion_hd95']);

export function directionOf(key: string, isLoss: boolean): Distribution['direction'] {
  if (isLoss) return 'lower';
  if (HIGHER.has(key)) return 'higher';
  if (LOWER.has(key)) return 'lower';
  return null;
}

/** Raw counts are not distributions anyone reads for quality; they stay in the table. */
const NOT_PLOTTED = new Set(['tp', 'fp', 'fn', 'tn', 'gt_voxels', 'pred_voxels', 'gt_lesions', 'pred_lesions', 'lesion_tp', 'lesion_fp', 'lesion_fn']);

export const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** The value at `path` inside a case: a number, null (present but empty), or undefined (absent). */
export function valueAt(c: CaseResult, path: string[]): Num | undefined {
  let at: unknown = c;
  for (const seg of path) {
    if (at === null || typeof at !== 'object') return undefined;
    at = (at as Record<string, unknown>)[seg];
  }
  if (at === undefined) return undefined;
  return isNumber(at) ? at : null;
}

export const okCases = (r: Report): CaseResult[] => r.cases.filter((c) => c.status === 'ok');

function distribution(r: Report, title: string, path: string[], direction: Distribution['direction']): Distribution {
  const values: CaseValue[] = [];
  const nulls: string[] = [];
  for (const c of okCases(r)) {
    const v = valueAt(c, path);
    if (v === undefined || v === null) nulls.push(c.id);
    else values.push({ id: c.id, value: v });
  }
  return { title, path, values, nulls, direction };
}

/** Evaluated labels (or regions) in the order the summary lists them. */
export function labelKeys(r: Report): string[] {
  const fromSummary = Object.keys(r.summary.labels ?? {});
  if (fromSummary.length > 0) return fromSummary;
  const used = r.config.labels_used;
  return Array.isArray(used) ? used.map(String) : [];
}

/** Keys present (in order of first appearance) in any ok case at `pick(case)`. */
function keysOf(r: Report, pick: (c: CaseResult) => Record<string, unknown> | undefined): string[] {
  const keys = new Set<string>();
  for (const c of okCases(r)) for (const [k, v] of Object.entries(pick(c) ?? {})) if (v === null || typeof v === 'number') keys.add(k);
  return [...keys];
}

/**
 * Per label: Dice first, then every other metric the summary aggregates for that label
 * (the requested ones, extra metrics and lesion keys when present), then the label's losses.
 * Case-level losses (lovasz_softmax) form a last group "case".
 */
export function distributions(r: Report): LabelDistributions[] {
  const out: LabelDistributions[] = [];
  for (const L of labelKeys(r)) {
    const summarised = Object.keys(r.summary.labels?.[L] ?? {});
    const fromCases = keysOf(r, (c) => c.labels?.[L] as Record<string, unknown> | undefined);
    const metricKeys = [...new Set(['dice', ...summarised, ...fromCases])].filter((k) => !NOT_PLOTTED.has(k) && !k.endsWith('_volume_ml') && fromCases.includes(k));
    const lossKeys = keysOf(r, (c) => c.labels?.[L]?.losses as Record<string, unknown> | undefined);
    out.push({
      label: L,
      metrics: metricKeys.map((k) => distribution(r, k, ['labels', L, k], directionOf(k, false))),
      losses: lossKeys.map((k) => distribution(r, `loss: ${k}`, ['labels', L, 'losses', k], 'lower')),
    });
  }
  const perLabelLosses = new Set(out.flatMap((d) => d.losses.map((l) => l.path[3])));
  const caseLosses = keysOf(r, (c) => c.losses).filter((k) => !perLabelLosses.has(k));
  if (caseLosses.length > 0) {
    out.push({ label: 'case', metrics: [], losses: caseLosses.map((k) => distribution(r, `loss: ${k}`, ['losses', k], 'lower')) });
  }
  return out;
}

/** The k ok cases with the lowest case-level Dice (ties by id); cases without a Dice are not ranked. */
export function worstCases(r: Report, k: number): { id: string; dice: number }[] {
  const ranked = okCases(r)
    .map((c) => ({ id: c.id, dice: valueAt(c, ['metrics', 'dice']) ?? valueAt(c, ['labels', labelKeys(r)[0] ?? '', 'dice']) }))
    .filter((x): x is { id: string; dice: number } => isNumber(x.dice));
  ranked.sort((a, b) => a.dice - b.dice || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return ranked.slice(0, k);
}

/** A column of the per-case table: its heading and where its value lives in a case. */
export interface Column {
  heading: string;
  path: string[];
}

/** Case-level metrics and losses, then every label's Dice (and lesion F1 when present). */
export function tableColumns(r: Report): Column[] {
  const cols: Column[] = [];
  for (const k of keysOf(r, (c) => c.metrics)) cols.push({ heading: k, path: ['metrics', k] });
  for (const L of labelKeys(r)) {
    for (const k of ['dice', 'hd95', 'lesion_f1', 'ece']) {
      if (okCases(r).some((c) => valueAt(c, ['labels', L, k]) !== undefined)) cols.push({ heading: `${L}: ${k}`, path: ['labels', L, k] });
    }
  }
  for (const k of keysOf(r, (c) => c.losses)) cols.push({ heading: `loss: ${k}`, path: ['losses', k] });
  return cols;
}

/** A folder common to every path, for the header ("what was compared"); null when none. */
export function commonFolder(paths: (string | null)[]): string | null {
  const dirs = paths.filter((p): p is string => typeof p === 'string').map((p) => p.replace(/[\\/][^\\/]*$/, '') || '.');
  if (dirs.length === 0) return null;
  let prefix = dirs[0];
  for (const d of dirs) {
    while (prefix && d !== prefix && !d.startsWith(`${prefix}/`)) prefix = prefix.includes('/') ? prefix.replace(/\/[^/]*$/, '') : '';
  }
  return prefix || null;
}

/** `config` entries that differ from `defaults` (derived entries left out). */
export function optionsChanged(config: Record<string, unknown>, defaults: Record<string, unknown>): [string, unknown][] {
  const derived = new Set(['labels_used', 'label_scope']);
  return Object.entries(config).filter(([k, v]) => !derived.has(k) && JSON.stringify(v) !== JSON.stringify(defaults[k]));
}

/** How many ok cases had each input kind ("labels 2, logits 1"). */
export function inputKinds(r: Report): [string, number][] {
  const n = new Map<string, number>();
  for (const c of okCases(r)) if (c.input) n.set(c.input, (n.get(c.input) ?? 0) + 1);
  return [...n.entries()];
}

// ---- additions of other capabilities (lesions.md, metrics-extra.md), read when present ----

export interface LesionEntry {
  gt: number | null;
  pred: number[];
  status: 'tp' | 'fn' | 'fp' | 'ignored';
  gt_voxels: number;
  pred_voxels: number;
}

/** Recall of gt lesions per size bin (powers of two of the voxel count), pooled over ok cases. */
export interface RecallBin {
  bin: string;
  lo: number;
  tp: number;
  fn: number;
  recall: number | null;
}

export function lesionLabels(r: Report): string[] {
  const keys = new Set<string>();
  for (const c of okCases(r)) for (const k of Object.keys(lesionsOf(c))) keys.add(k);
  for (const k of Object.keys(summaryObject(r, 'lesions'))) keys.add(k);
  return [...keys];
}

function lesionsOf(c: CaseResult): Record<string, LesionEntry[]> {
  const l = (c as unknown as Record<string, unknown>).lesions;
  return l && typeof l === 'object' ? (l as Record<string, LesionEntry[]>) : {};
}

export function summaryObject(r: Report, key: string): Record<string, Record<string, unknown>> {
  const v = (r.summary as unknown as Record<string, unknown>)[key];
  return v && typeof v === 'object' ? (v as Record<string, Record<string, unknown>>) : {};
}

/** gt lesions (tp or fn) binned by size: [1,2), [2,4), [4,8) … voxels. */
export function recallBySize(r: Report, label: string): RecallBin[] {
  const bins = new Map<number, { tp: number; fn: number }>();
  for (const c of okCases(r)) {
    for (const e of lesionsOf(c)[label] ?? []) {
      if (e.gt === null || (e.status !== 'tp' && e.status !== 'fn') || !(e.gt_voxels >= 1)) continue;
      const b = Math.floor(Math.log2(e.gt_voxels));
      const at = bins.get(b) ?? { tp: 0, fn: 0 };
      if (e.status === 'tp') at.tp++;
      else at.fn++;
      bins.set(b, at);
    }
  }
  return [...bins.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([b, { tp, fn }]) => ({ bin: b === 0 ? '1' : `${2 ** b}–${2 ** (b + 1) - 1}`, lo: 2 ** b, tp, fn, recall: tp + fn > 0 ? tp / (tp + fn) : null }));
}

export interface ReliabilityTable {
  count: number[];
  mean_p: (number | null)[];
  mean_t: (number | null)[];
}

/** summary.reliability.<L> (metrics-extra.md), when the run computed ECE. */
export function reliabilityTables(r: Report): [string, ReliabilityTable][] {
  return Object.entries(summaryObject(r, 'reliability')).filter(
    (e): e is [string, ReliabilityTable & Record<string, unknown>] => Array.isArray(e[1]?.count) && Array.isArray(e[1]?.mean_p) && Array.isArray(e[1]?.mean_t),
  );
}
