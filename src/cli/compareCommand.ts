// `segloss compare old.json new.json`: is the new run better? Paired statistics per
// quantity (statistics.md: mean difference with a bootstrap CI, Wilcoxon signed-rank p,
// Holm's adjustment, a verdict), then per case what got worse and what got better.
// Informational: exit 0, or 2 when a file is not a readable segloss report. Gating belongs
// to `eval --baseline … --max-drop … [--regression-test]`.
import { UsageError } from './usageError.js';
import { compareReports, writeCompareTable } from '../report/index.js';
import { writeStatisticsTable } from '../report/statisticsTable.js';
import { compareStatistics, filterKeys } from '../stats/compare.js';
import { colorWanted } from './evalCommand.js';
import { num } from './parse.js';
import { loadReportFile } from './reportFile.js';
import { parseAlpha, parseNames, parseSeed } from './statsOptions.js';

export interface CompareIO {
  stdout: (s: string) => void;
  /** stdout is a terminal. */
  color: boolean;
  env: NodeJS.ProcessEnv;
}

export function compareCommand(oldPath: string, newPath: string, opts: Record<string, unknown>, io: CompareIO): number {
  const format = String(opts.format ?? 'table');
  if (format !== 'table' && format !== 'json') throw new UsageError(`--format must be table|json, got "${format}"`);
  const limit = opts.limit === undefined ? 10 : num('--limit', opts.limit, (x) => Number.isInteger(x) && x >= 0, 'an integer ≥ 0');
  const seed = parseSeed(opts.seed);
  const alpha = parseAlpha(opts.alpha);
  const labels = parseNames('--label', opts.label);
  const metrics = parseNames('--metric', opts.metric);
  const older = loadReportFile(oldPath, 'old report');
  const newer = loadReportFile(newPath, 'new report');
  const cmp = compareReports(older, newer);
  // Holm's family is every compared quantity: what is shown must not change a verdict.
  const statistics = compareStatistics(older, newer, { seed, alpha });
  const shown = filterKeys(Object.keys(statistics.keys), labels, metrics);
  if ((labels.length > 0 || metrics.length > 0) && shown.length === 0) {
    throw new UsageError(`--label/--metric match no compared quantity; compared: ${Object.keys(statistics.keys).join(', ') || '(none)'}`);
  }
  if (format === 'json') {
    const keys = Object.fromEntries(shown.map((k) => [k, statistics.keys[k]]));
    io.stdout(`${JSON.stringify({ old: oldPath, new: newPath, ...cmp, statistics: { ...statistics, keys } }, null, 2)}\n`);
  } else {
    const color = colorWanted(io.color, io.env);
    io.stdout(writeStatisticsTable(statistics, { color, keys: shown, names: { a: oldPath, b: newPath } }));
    io.stdout(`\nPer case (${oldPath} → ${newPath}):\n${writeCompareTable(cmp, { color, limit })}`);
  }
  return 0;
}
