// losses.md's binary losses as pure functions of a class's sums.
import type { ClassSums } from './sums.js';
import type { LossParams } from '../params.js';

/** Non-finite results (0/0 with smooth = 0) are reported as null. */
function finite(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}

export function meanBce(s: ClassSums): number {
  return s.n > 0 ? -(s.sumTLogP + s.sumNotTLog1mP) / s.n : NaN;
}

export function diceLoss(s: ClassSums, smooth: number): number {
  return 1 - (2 * s.spt + smooth) / (s.sp + s.st + smooth);
}

export function iouLoss(s: ClassSums, smooth: number): number {
  return 1 - (s.spt + smooth) / (s.sp + s.st - s.spt + smooth);
}

export function focalLoss(s: ClassSums, p: LossParams): number {
  const aPos = p.focalAlpha;
  const aNeg = p.focalMode === 'balanced' ? 1 - p.focalAlpha : p.focalAlpha;
  return s.n > 0 ? (aPos * s.focalPos + aNeg * s.focalNeg) / s.n : NaN;
}

export function focalGlobalLoss(s: ClassSums, p: LossParams): number {
  const bce = meanBce(s);
  return p.focalAlpha * Math.pow(-Math.expm1(-bce), p.focalGamma) * bce;
}

export function tverskyIndex(s: ClassSums, alpha: number, beta: number, smooth: number): number {
  const fp = s.sp - s.spt;
  const fn = s.st - s.spt;
  return (s.spt + smooth) / (s.spt + alpha * fp + beta * fn + smooth);
}

export function tverskyLoss(s: ClassSums, p: LossParams): number {
  return 1 - tverskyIndex(s, p.tverskyAlpha, p.tverskyBeta, p.smooth);
}

export function focalTverskyLoss(s: ClassSums, p: LossParams): number {
  // Rounding can make 1 − T a hair below zero, and a fractional power of that is NaN.
  const d = Math.max(0, 1 - tverskyIndex(s, p.tverskyAlpha, p.tverskyBeta, p.smooth));
  return Math.pow(d, p.focalTverskyGamma);
}

export function comboLoss(s: ClassSums, p: LossParams): number {
  const wbce = s.n > 0 ? -(p.comboBeta * s.sumTLogP + (1 - p.comboBeta) * s.sumNotTLog1mP) / s.n : NaN;
  const dsc = (2 * s.spt + p.smooth) / (s.sp + s.st + p.smooth);
  return p.comboAlpha * wbce - (1 - p.comboAlpha) * dsc;
}

/** Every per-class loss of `keys` (lovasz_softmax is case-level and skipped here). */
export function binaryLosses(s: ClassSums, p: LossParams, keys: readonly string[]): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  for (const k of keys) {
    switch (k) {
      case 'dice': out[k] = finite(diceLoss(s, p.smooth)); break;
      case 'bce_dice': out[k] = finite(meanBce(s) + diceLoss(s, p.smooth)); break;
      case 'iou': out[k] = finite(iouLoss(s, p.smooth)); break;
      case 'focal': out[k] = finite(focalLoss(s, p)); break;
      case 'focal_global': out[k] = finite(focalGlobalLoss(s, p)); break;
      case 'tversky': out[k] = finite(tverskyLoss(s, p)); break;
      case 'focal_tversky': out[k] = finite(focalTverskyLoss(s, p)); break;
      case 'lovasz_hinge': out[k] = finite(s.lovaszHinge); break;
      case 'combo': out[k] = finite(comboLoss(s, p)); break;
      default: break;
    }
  }
  return out;
}
