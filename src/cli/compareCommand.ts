// `segloss compare old.json new.json`: per case, what got worse and what got better
// (case-level Dice and every case-level loss both reports have). Informational: exit 0,
// or 2 when a file is not a readable segloss report. Gating belongs to
// `eval --baseline … --max-drop …`.
import { UsageError } from '../pipeline/discover.js';
import { compareReports, writeCompareTable } from '../report/index.js';
import { colorWanted } from './evalCommand.js';
import { num } from './parse.js';
import { loadReportFile } from './reportFile.js';

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
  const older = loadReportFile(oldPath, 'old report');
  const newer = loadReportFile(newPath, 'new report');
  const cmp = compareReports(older, newer);
  if (format === 'json') {
    io.stdout(`${JSON.stringify({ old: oldPath, new: newPath, ...cmp }, null, 2)}\n`);
  } else {
    io.stdout(writeCompareTable(cmp, { color: colorWanted(io.color, io.env), limit }));
  }
  return 0;
}
