// A label named on the command line (--labels, or inside a --regions region) that occurs
// in no ground truth and no prediction of the run scores as an empty pair in every case:
// Dice 1 under --empty one, a number that looks perfect and means nothing. This finds
// such labels so the run can stop (or warn, for a cohort where nothing occurs at all).
import type { CaseResult, LabelResult } from '../report/model.js';

export interface AbsentLabels {
  /** Labels named by the user that occur in no case of the run, ascending. */
  absent: number[];
  /** Non-zero labels that do occur somewhere in the run, ascending. */
  occurring: number[];
}

/** The labels the user named: --labels, or every label of every region; null when discovered. */
export function namedLabels(c: { labels: number[] | null; regions: { key: string; labels: number[] }[] | null }): number[] | null {
  const named = c.labels ?? (c.regions ? c.regions.flatMap((r) => r.labels) : null);
  return named === null ? null : [...new Set(named)].filter((l) => l !== 0).sort((a, b) => a - b);
}

/** Whether a (probability) prediction's hard mask of this target holds voxels; null when the report cannot tell. */
function predictedIn(l: LabelResult | undefined): boolean | null {
  if (!l) return null;
  const n = (k: string) => (typeof l[k] === 'number' ? (l[k] as number) : null);
  const pv = n('pred_voxels');
  if (pv !== null) return pv > 0;
  const tp = n('tp');
  const fp = n('fp');
  return tp !== null && fp !== null ? tp + fp > 0 : null;
}

/**
 * The named labels absent from every ok case (ground truth and prediction), and the labels
 * that occur. Label-map predictions list what they hold (labels_found); for a probability
 * map the hard mask of the label's own target counts, and a target the report cannot
 * judge (its counts not computed) is taken as occurring, so this never cries wolf.
 * Returns null when nothing was named or no case was evaluated.
 */
export function findAbsentLabels(
  cases: CaseResult[],
  c: { labels: number[] | null; regions: { key: string; labels: number[] }[] | null },
): AbsentLabels | null {
  const named = namedLabels(c);
  const ok = cases.filter((r) => r.status === 'ok');
  if (named === null || ok.length === 0) return null;
  const occurs = new Set<number>();
  for (const r of ok) {
    for (const l of r.labels_found?.gt ?? []) occurs.add(l);
    for (const l of r.labels_found?.pred ?? []) occurs.add(l);
    if (r.input === 'labels') continue;
    for (const t of c.regions ?? named.map((l) => ({ key: String(l), labels: [l] }))) {
      if (predictedIn(r.labels?.[t.key]) !== false) for (const l of t.labels) occurs.add(l);
    }
  }
  occurs.delete(0);
  return {
    absent: named.filter((l) => !occurs.has(l)),
    occurring: [...occurs].sort((a, b) => a - b),
  };
}

const list = (xs: number[]) => (xs.length > 20 ? `${xs.slice(0, 20).join(', ')}, …` : xs.join(', '));

/** Which option named the label: "--labels" or "--regions ET". */
function namedBy(l: number, c: { regions: { key: string; labels: number[] }[] | null }): string {
  if (!c.regions) return '--labels';
  return `--regions ${c.regions.filter((r) => r.labels.includes(l)).map((r) => r.key).join(', ')}`;
}

/** The one-line usage error for a run that names labels occurring nowhere while others occur. */
export function absentLabelsError(a: AbsentLabels, c: { regions: { key: string; labels: number[] }[] | null }): string {
  const what = a.absent.length === 1 ? `label ${a.absent[0]} occurs` : `labels ${list(a.absent)} occur`;
  return (
    `${namedBy(a.absent[0], c)}: ${what} in no ground truth and no prediction of the run, so ${a.absent.length === 1 ? 'it' : 'they'} would score as empty pairs; ` +
    `labels that occur: ${list(a.occurring)} (check --labels/--regions, or pass --allow-absent-labels)`
  );
}

/** The run-level warning when absent labels are evaluated anyway. */
export function absentLabelsWarning(a: AbsentLabels): string {
  const what = a.absent.length === 1 ? `label ${a.absent[0]} occurs` : `labels ${list(a.absent)} occur`;
  const cohort = a.occurring.length === 0 ? ' (no label occurs anywhere: every case is an empty pair)' : '';
  return `${what} in no ground truth and no prediction of the run; scored as empty pairs (--empty)${cohort}`;
}
