// --seed, --alpha, --label, --metric of the statistics (statistics.md): parsed once for
// `compare` and `eval`, every bad value a usage error naming the option.
import { UsageError } from './usageError.js';
import { listOf, num } from './parse.js';

export function parseSeed(v: unknown): number {
  if (v === undefined) return 0;
  return num('--seed', v, (x) => Number.isSafeInteger(x) && x >= 0, 'an integer ≥ 0');
}

export function parseAlpha(v: unknown): number {
  if (v === undefined) return 0.05;
  return num('--alpha', v, (x) => x > 0 && x < 1, 'a number between 0 and 1 (exclusive)');
}

/** A repeatable, comma-separated name list (`--label 1,2 --label 3`). */
export function parseNames(option: string, v: unknown): string[] {
  const names = listOf(v).flatMap((s) => s.split(',')).map((s) => s.trim());
  if (names.some((s) => s === '')) throw new UsageError(`${option} must list names separated by commas, got "${listOf(v).join(' ')}"`);
  return names;
}

/** eval's statistics options: --ci [--seed], --regression-test [--alpha]. */
export interface EvalStatsOptions {
  ci: boolean;
  seed: number;
  regressionTest: boolean;
  alpha: number;
}

export function parseEvalStatsOptions(o: Record<string, unknown>, maxDrops: readonly { path: string }[]): EvalStatsOptions {
  const regressionTest = Boolean(o.regressionTest);
  if (regressionTest && maxDrops.length === 0) throw new UsageError('--regression-test needs --baseline previous-report.json and at least one --max-drop PATH=DELTA');
  for (const d of maxDrops) {
    // rvd is signed (over- vs under-segmentation): neither direction is "worse".
    const s = d.path.split('.');
    const metric = ['mean', 'std', 'median', 'min', 'max', 'n'].includes(s[s.length - 1]) ? s[s.length - 2] : s[s.length - 1];
    if (metric === 'rvd') throw new UsageError(`--max-drop ${d.path}: rvd has no better direction (it is signed); use avd, or a --gate with bounds`);
  }
  return { ci: Boolean(o.ci), seed: parseSeed(o.seed), regressionTest, alpha: parseAlpha(o.alpha) };
}
