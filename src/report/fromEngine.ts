// The engine's results in the report's shapes (model.ts).
import type { TargetResult } from '../losses/results.js';
import type { LabelResult } from './model.js';

/** A target's losses, then its metrics in the engine's order, as cli.md's label entry. */
export function labelResultOf(r: TargetResult): LabelResult {
  return { losses: r.losses, ...r.metrics };
}

export function labelResultsOf(targets: Record<string, TargetResult>): Record<string, LabelResult> {
  const out: Record<string, LabelResult> = {};
  for (const [k, r] of Object.entries(targets)) out[k] = labelResultOf(r);
  return out;
}
