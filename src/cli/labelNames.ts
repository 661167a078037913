// Names for labels: `--label-names 1=liver,2=spleen`, or an nnU-Net `dataset.json`
// (`--dataset-json`), whose "labels" map names to a label or, for region-based training,
// to a list of labels (those become --regions unless --labels/--regions are given).
import { readFileSync } from 'node:fs';
import type { RunConfig } from '../pipeline/config.js';
import { UsageError } from './usageError.js';
import type { RawOptions } from './parse.js';

export function parseLabelNames(v: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of String(v).split(',').map((s) => s.trim()).filter(Boolean)) {
    const m = /^(-?\d+)\s*=\s*(.+)$/.exec(part);
    if (!m) throw new UsageError(`--label-names: expected LABEL=NAME (e.g. 1=liver,2=spleen), got "${part}"`);
    out[String(Number(m[1]))] = m[2].trim();
  }
  if (Object.keys(out).length === 0) throw new UsageError('--label-names lists no name');
  return out;
}

export interface DatasetLabels {
  names: Record<string, string>;
  regions: { key: string; labels: number[] }[];
}

export function readDatasetJson(file: string): DatasetLabels {
  let j: unknown;
  try {
    j = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new UsageError(`--dataset-json ${file}: ${err.code === 'ENOENT' ? 'no such file' : err.code ? `cannot read (${err.code})` : `not JSON (${err.message.split('\n')[0]})`}`);
  }
  const labels = (j as { labels?: unknown } | null)?.labels;
  if (!labels || typeof labels !== 'object' || Array.isArray(labels)) {
    throw new UsageError(`--dataset-json ${file}: no "labels" object (nnU-Net v2 dataset.json: {"labels": {"background": 0, "liver": 1, …}})`);
  }
  const names: Record<string, string> = {};
  const regions: DatasetLabels['regions'] = [];
  for (const [name, v] of Object.entries(labels as Record<string, unknown>)) {
    if (Number.isInteger(v)) names[String(v)] = name;
    else if (Array.isArray(v) && v.length > 0 && v.every((x) => Number.isInteger(x))) {
      if (!(v.length === 1 && v[0] === 0)) regions.push({ key: name, labels: v as number[] });
    } else throw new UsageError(`--dataset-json ${file}: labels.${name} must be a label or a list of labels, got ${JSON.stringify(v)}`);
  }
  return { names, regions };
}

/** Applies --dataset-json and --label-names to the run's configuration (names on the config, regions when given). */
export function applyLabelNames(config: RunConfig, o: RawOptions): void {
  let names: Record<string, string> = {};
  if (o.datasetJson !== undefined) {
    const d = readDatasetJson(String(o.datasetJson));
    names = d.names;
    if (d.regions.length > 0 && config.labels === null && config.regions === null) config.regions = d.regions;
  }
  if (o.labelNames !== undefined) names = { ...names, ...parseLabelNames(String(o.labelNames)) };
  if (Object.keys(names).length > 0) config.labelNames = names;
}
