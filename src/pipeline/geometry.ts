// Do prediction and ground truth lie in the same physical space? (formats.md "Geometry
// checks".) Both directions are LPS unit vectors per spatial axis, as the readers give
// them; nothing is resampled, so a flipped or rotated axis is reported, not repaired. Pure.
import type { Geometry } from '../types.js';

export type GeometryMode = 'error' | 'warn' | 'ignore';

/** A direction element further apart than this is a different orientation. */
export const DIRECTION_TOLERANCE = 1e-3;
/** An origin further than this many ground-truth voxels along any ground-truth axis is shifted. */
export const ORIGIN_TOLERANCE_VOXELS = 0.5;

export interface GeometryCheck {
  /** Set when the case must fail (direction differs under --geometry error). */
  error: string | null;
  warnings: string[];
}

const fmt = (x: number) => String(Math.round(x * 1e4) / 1e4);
const vec = (v: number[]) => `[${v.map(fmt).join(', ')}]`;
const mat = (m: number[][]) => `[${m.map(vec).join(', ')}]`;

/**
 * Compare the prediction's geometry with the ground truth's. Checked only when both have
 * one; `gtSpacing` (mm per ground-truth axis, null = 1) turns the origin shift into voxels.
 */
export function compareGeometry(
  gt: Geometry | null | undefined,
  pred: Geometry | null | undefined,
  gtSpacing: readonly number[] | null,
  mode: GeometryMode,
): GeometryCheck {
  const result: GeometryCheck = { error: null, warnings: [] };
  if (mode === 'ignore' || !gt || !pred) return result;
  const rank = Math.min(gt.direction.length, pred.direction.length);
  let differs = false;
  for (let k = 0; k < rank && !differs; k++) {
    const a = gt.direction[k];
    const b = pred.direction[k];
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      if (!(Math.abs((a[i] ?? 0) - (b[i] ?? 0)) <= DIRECTION_TOLERANCE)) {
        differs = true;
        break;
      }
    }
  }
  if (differs) {
    const msg = `orientation differs from ground truth: pred directions ${mat(pred.direction)} vs gt ${mat(gt.direction)} (LPS)`;
    if (mode === 'error') {
      result.error = msg;
      return result;
    }
    result.warnings.push(`${msg}; evaluated voxel by voxel (--geometry warn)`);
  }
  const delta = gt.origin.map((o, i) => (pred.origin[i] ?? 0) - o);
  const shifts = gt.direction.slice(0, rank).map((dir, k) => {
    const along = dir.reduce((s, d, i) => s + d * (delta[i] ?? 0), 0);
    return along / (gtSpacing?.[k] ?? 1);
  });
  if (shifts.some((s) => !(Math.abs(s) <= ORIGIN_TOLERANCE_VOXELS))) {
    result.warnings.push(
      `origin differs from ground truth by more than half a voxel: pred ${vec(pred.origin)} vs gt ${vec(gt.origin)} mm (LPS), ${vec(shifts)} gt voxels along its axes`,
    );
  }
  return result;
}
