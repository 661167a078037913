// Label names (config.label_names, from --label-names or --dataset-json) as the writers
// show them next to the label: "1 (liver)".
import type { Report } from './model.js';

export function labelNames(report: Pick<Report, 'config'>): Record<string, string> | null {
  const v = report.config.label_names;
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, string>) : null;
}

/** "1 (liver)" when the label has a name, else the key as it stands. */
export function labelTitle(report: Pick<Report, 'config'>, key: string): string {
  const name = labelNames(report)?.[key];
  return name ? `${key} (${name})` : key;
}
