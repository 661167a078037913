// The per-voxel terms of a class's sums (losses.md): Σp, Σpt, the BCE logs, the focal
// terms, and each voxel's Lovász errors, for probabilities or binary logits.
import { clampedLog, focalOf, type ClassSums } from '../formulas/sums.js';
import { expNeg } from '../speed/fastMath.js';

/** What a class's values are: probabilities (clamped logs) or binary logits (exact softplus). */
export type ClassInput = 'probs' | 'logits';

/** The sums a walk or a pass over the voxels takes (n and st come from the counts, the hinge from the walk). */
export type VoxelSums = Omit<ClassSums, 'n' | 'st' | 'lovaszHinge'>;

/**
 * p = sigmoid(z) exactly as VoxelTerms.logit forms it (1/(1 + e^−|z|), times e^−|z| for
 * z < 0), for passes that need p alone and must add the same bits.
 */
export function logisticOf(z: number): number {
  const E = expNeg(z < 0 ? -z : z);
  const inv = 1 / (1 + E);
  return z >= 0 ? inv : E * inv;
}

/**
 * The per-voxel terms of the sums, fed voxels one at a time. Logits: one exp and one
 * log1p per voxel (none when the value repeats the previous one, as sorted float32 values
 * often do); softplus(±z) = max(±z, 0) + log1p(e^{−|z|}) is exact. Probabilities:
 * PyTorch's clamped logs. Each call leaves the voxel's hinge error in `eHinge` and returns
 * its softmax error.
 */
export class VoxelTerms implements VoxelSums {
  sp = 0;
  spt = 0;
  sumTLogP = 0;
  sumNotTLog1mP = 0;
  focalPos = 0;
  focalNeg = 0;
  eHinge = 0;
  private lastZ = NaN;
  /** e^−|z| and 1/(1 + e^−|z|) of the last z (p of the last logit, see logitP). */
  protected E = 0;
  private L = 0;
  protected inv = 0;

  constructor(private readonly gamma: number) {}

  logit(z: number, positive: boolean): number {
    if (z !== this.lastZ) {
      this.E = expNeg(z < 0 ? -z : z);
      this.L = Math.log1p(this.E);
      this.inv = 1 / (1 + this.E);
      this.lastZ = z;
    }
    // p and 1 − p without cancellation
    const p = z >= 0 ? this.inv : this.E * this.inv;
    const q = z >= 0 ? this.E * this.inv : this.inv;
    this.sp += p;
    if (positive) {
      this.spt += p;
      const bce = (z < 0 ? -z : 0) + this.L; // softplus(−z)
      this.sumTLogP -= bce;
      this.focalPos += focalOf(q, bce, this.gamma);
      this.eHinge = 1 - z;
      return q;
    }
    const bce = (z > 0 ? z : 0) + this.L; // softplus(z)
    this.sumNotTLog1mP -= bce;
    this.focalNeg += focalOf(p, bce, this.gamma);
    this.eHinge = 1 + z;
    return p;
  }

  /**
   * The focal term from 1 − p_t itself (focalOf), with no expm1.
   * @param hinge whether the hinge error is still wanted (it costs the other log)
   */
  prob(p: number, positive: boolean, hinge: boolean): number {
    this.sp += p;
    if (positive) {
      this.spt += p;
      const lp = clampedLog(p);
      this.sumTLogP += lp;
      this.focalPos += focalOf(1 - p, -lp, this.gamma);
      if (hinge) this.eHinge = 1 - (lp - clampedLog(1 - p));
      return 1 - p;
    }
    const l1p = clampedLog(1 - p);
    this.sumNotTLog1mP += l1p;
    this.focalNeg += focalOf(p, -l1p, this.gamma);
    if (hinge) this.eHinge = 1 + (clampedLog(p) - l1p);
    return p;
  }

  sums(): VoxelSums {
    const { sp, spt, sumTLogP, sumNotTLog1mP, focalPos, focalNeg } = this;
    return { sp, spt, sumTLogP, sumNotTLog1mP, focalPos, focalNeg };
  }
}

export function addVoxelSums(a: VoxelSums, b: VoxelSums): VoxelSums {
  return {
    sp: a.sp + b.sp, spt: a.spt + b.spt,
    sumTLogP: a.sumTLogP + b.sumTLogP, sumNotTLog1mP: a.sumNotTLog1mP + b.sumNotTLog1mP,
    focalPos: a.focalPos + b.focalPos, focalNeg: a.focalNeg + b.focalNeg,
  };
}
