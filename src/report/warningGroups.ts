// Every warning of a report, grouped by kind, so a person sees each kind once with how
// many cases it touches (stderr, table, Markdown) instead of one line per case or, worse,
// only a count buried in the JSON.
import type { Report } from './model.js';

export interface WarningGroup {
  /** The warning text with its numbers abstracted: what makes two warnings the same kind. */
  kind: string;
  /** The first warning of this kind, as written. */
  example: string;
  /** Ids of the cases that have it, in report order; empty for a run-level warning. */
  cases: string[];
}

/**
 * "label 3: …" and "label 12: …" are one kind; so are "labels 2, 3, …" and "label 7".
 * Numbers (and lists of them) become '#', and a label/labels word before them loses its plural.
 */
export function warningKind(w: string): string {
  return w
    .replace(/-?\d+(?:\.\d+)?(?:e[+-]?\d+)?/gi, '#')
    .replace(/#(?:\s*,\s*#)*(?:\s*,\s*…)?/g, '#')
    .replace(/\b(label|case|voxel|value|channel)s\b/g, '$1');
}

export function groupWarnings(report: Pick<Report, 'cases' | 'warnings'>): WarningGroup[] {
  const groups = new Map<string, WarningGroup>();
  for (const w of report.warnings ?? []) groups.set(`run:${w}`, { kind: w, example: w, cases: [] });
  for (const c of report.cases) {
    for (const w of c.warnings) {
      const kind = warningKind(w);
      const g = groups.get(kind);
      if (!g) groups.set(kind, { kind, example: w, cases: [c.id] });
      else if (g.cases[g.cases.length - 1] !== c.id) g.cases.push(c.id);
    }
  }
  return [...groups.values()];
}

const FIRST_IDS = 3;

/** "warning (4 cases: a, b, c, …): <first warning>", or "warning: <text>" for a run-level one. */
export function warningGroupLine(g: WarningGroup): string {
  if (g.cases.length === 0) return `warning: ${g.example}`;
  const n = g.cases.length;
  const ids = g.cases.slice(0, FIRST_IDS).join(', ') + (n > FIRST_IDS ? ', …' : '');
  return `warning (${n} case${n > 1 ? 's' : ''}: ${ids}): ${g.example}`;
}
