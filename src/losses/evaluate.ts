// evaluateCase: one case's every loss and metric, per target, from a ground-truth label
// map and a prediction already in the engine's layout (see Volume in src/types.ts).
import type { Volume } from '../types.js';
import type { LabelResult } from '../report/model.js';
import { binaryLosses } from './formulas/binaryLosses.js';
import { jointHistogram, jointHistogramChunked, type JointHistogram } from './producers/confusion.js';
import { labelMapSoftmaxTerm, labelMapSums } from './producers/labelMapClass.js';
import { overlapMetrics } from './formulas/overlap.js';
import {
  DEFAULT_LOSS_PARAMS,
  type EmptyPolicy,
  type Hd95Mode,
  type LossParams,
  type Target,
  SURFACE_METRICS,
} from './params.js';
import { IGNORED, type ClassResult } from './producers/probClass.js';
import { splitClass } from './parallel/split.js';
import { quantizedClass } from './producers/quantizedClass.js';
import { hardLabeller, hardLabels, logSumExp } from './producers/prediction.js';
import { surfaceMetrics } from './surface/surface.js';
import { categoricalFocalByClass } from './producers/categoricalFocal.js';
import { applyAbsentClassLoss, applyOverlapSwitches, DEFAULT_SWITCHES, emptySurfaceValues, type Switches } from './switches.js';
import { caseLesions } from '../lesions/caseLesions.js';
import type { LesionEntry } from '../lesions/lesionMetrics.js';
import type { LesionOptions } from '../lesions/options.js';

export interface EvalOptions {
  /** The evaluated targets; null = every label present in this case (the run completes the set later). */
  targets: Target[] | null;
  /** Targets are regions: p = min(1, Σ P_c), hard mask = hard label ∈ region. */
  regions: boolean;
  includeBackground: boolean;
  ignoreIndex: number | null;
  threshold: number;
  empty: EmptyPolicy;
  losses: readonly string[];
  metrics: readonly string[];
  params: LossParams;
  hd95: Hd95Mode;
  nsdTolerance: number;
  /** Overrides the ground truth's spacing (--spacing). */
  spacing: number[] | null;
  /** Threads this case may use: a large case is split by voxel range over 2 (see split.ts). */
  threads?: number;
  /** Other tools' conventions (switches.ts); segloss's defaults when absent. */
  switches?: Switches;
  /** Lesion-wise evaluation (spec/lesions.md); absent or null = off. */
  lesions?: LesionOptions | null;
}

export const DEFAULT_EVAL_OPTIONS: EvalOptions = {
  targets: null,
  regions: false,
  includeBackground: false,
  ignoreIndex: null,
  threshold: 0.5,
  empty: 'one',
  losses: ['dice', 'bce_dice', 'iou', 'focal', 'tversky', 'focal_tversky', 'lovasz_hinge', 'lovasz_softmax', 'combo'],
  metrics: ['dice', 'iou', 'precision', 'recall', 'specificity', 'tp', 'fp', 'fn', 'tn', 'gt_voxels', 'pred_voxels', 'gt_volume_ml', 'pred_volume_ml'],
  params: { ...DEFAULT_LOSS_PARAMS },
  hd95: 'union',
  nsdTolerance: 1,
  spacing: null,
};

export interface CaseEvaluation {
  /** Per target key. */
  labels: Record<string, LabelResult>;
  /** Case-level Lovász-softmax (mean over classes present in the ground truth), null when none is. */
  lovaszSoftmax: number | null;
  /** Evaluated (not ignored) voxels. */
  voxels: number;
  /** Non-zero labels seen in the ground truth and, for label-map predictions, in the prediction. */
  gtLabels: number[];
  predLabels: number[];
  /** mm³ per voxel when the spacing is known (NIfTI ground truth or --spacing), else null. */
  voxelVolume: number | null;
  warnings: string[];
  /** Per-lesion entries per target key, when lesions are evaluated. */
  lesions?: Record<string, LesionEntry[]>;
}

/** The foreground label a single-channel prediction stands for. */
function binaryForeground(opts: EvalOptions): number {
  if (!opts.regions && opts.targets) {
    const fg = opts.targets.flatMap((t) => t.labels).filter((l) => l !== 0);
    if (fg.length === 1) return fg[0];
  }
  return 1;
}

function defaultTargets(pred: Volume, h: JointHistogram, opts: EvalOptions): Target[] {
  const labels = new Set<number>(h.gtLabels());
  if (pred.kind === 'labels') for (const l of h.predLabels()) labels.add(l);
  else if (pred.channels > 1) for (let c = 1; c < pred.channels; c++) labels.add(c);
  else labels.add(binaryForeground(opts));
  if (opts.ignoreIndex !== null) labels.delete(opts.ignoreIndex);
  const multichannel = (opts.switches?.backgroundIfMultichannel ?? false) && pred.kind !== 'labels' && pred.channels > 1;
  if (!opts.includeBackground && !multichannel) labels.delete(0);
  else labels.add(0);
  return [...labels].sort((a, b) => a - b).map((l) => ({ key: String(l), labels: [l] }));
}

function truthCodes(gt: ArrayLike<number>, set: ReadonlySet<number>, ignore: number | null): Uint8Array {
  const n = gt.length;
  const t = new Uint8Array(n);
  // Label maps are small non-negative integers: a lookup table beats a Set per voxel.
  const LUT = 256;
  const lut = new Uint8Array(LUT);
  for (const l of set) if (l >= 0 && l < LUT && Number.isInteger(l)) lut[l] = 1;
  if (ignore !== null && ignore >= 0 && ignore < LUT && Number.isInteger(ignore)) lut[ignore] = IGNORED;
  const ign = ignore ?? Number.NaN;
  for (let i = 0; i < n; i++) {
    const g = gt[i];
    if (g >= 0 && g < LUT && (g | 0) === g) t[i] = lut[g];
    else t[i] = g === ign ? IGNORED : set.has(g) ? 1 : 0;
  }
  return t;
}

/** Per-channel class probabilities P_c as arrays, for probability-based classes. */
interface ChannelSource {
  channels: number;
  /** P_c over the case's voxels; c outside the prediction's channels is all zeros. */
  channel(c: number): ArrayLike<number>;
}

function channelSource(pred: Volume, fg: number): ChannelSource {
  const n = pred.dims.reduce((a, b) => a * b, 1);
  const zeros = () => new Float64Array(n);
  if (pred.channels === 1) {
    let fgP: ArrayLike<number> | null = null;
    const fgProb = (): ArrayLike<number> => {
      if (fgP) return fgP;
      if (pred.kind === 'logits') {
        const out = new Float64Array(n);
        const z = pred.data;
        for (let i = 0; i < n; i++) out[i] = z[i] >= 0 ? 1 / (1 + Math.exp(-z[i])) : Math.exp(z[i]) / (1 + Math.exp(z[i]));
        fgP = out;
      } else if (pred.quantMax) {
        const max = pred.quantMax;
        fgP = Float64Array.from(pred.data, (v) => v / max);
      } else fgP = pred.data;
      return fgP;
    };
    return {
      channels: 2,
      channel(c) {
        if (c === fg) return fgProb();
        if (c === 0) {
          const p = fgProb();
          const out = new Float64Array(n);
          for (let i = 0; i < n; i++) out[i] = 1 - p[i];
          return out;
        }
        return zeros();
      },
    };
  }
  if (pred.kind === 'logits') {
    // P_c = exp(z_c − lse) in float64, one class at a time: memory of two volumes, not C.
    const lse = logSumExp(pred.data, pred.channels, n);
    const z = pred.data;
    return {
      channels: pred.channels,
      channel(c) {
        if (!(c >= 0 && c < pred.channels && Number.isInteger(c))) return zeros();
        const out = new Float64Array(n);
        const off = c * n;
        for (let i = 0; i < n; i++) out[i] = Math.exp(z[off + i] - lse[i]);
        return out;
      },
    };
  }
  const probs = pred.data;
  return {
    channels: pred.channels,
    channel(c) {
      return c >= 0 && c < pred.channels && Number.isInteger(c) ? probs.subarray(c * n, (c + 1) * n) : zeros();
    },
  };
}

function regionProb(src: ChannelSource, labels: number[], n: number): Float64Array {
  const out = new Float64Array(n);
  for (const l of labels) {
    const p = src.channel(l);
    for (let i = 0; i < n; i++) out[i] += p[i];
  }
  // A sum that rounding puts above 1 counts as 1 (losses.md, regions).
  for (let i = 0; i < n; i++) if (out[i] > 1) out[i] = 1;
  return out;
}

export function evaluateCase(gt: Volume, pred: Volume, opts: EvalOptions = DEFAULT_EVAL_OPTIONS): CaseEvaluation {
  const n = gt.data.length;
  const warnings: string[] = [];
  const fg = binaryForeground(opts);
  // A whole-volume hard label map only when the surface metrics need one (or it exists
  // already: a label-map prediction); otherwise the counts are made chunk by chunk.
  const wantSurface = SURFACE_METRICS.some((k) => opts.metrics.includes(k));
  const hard = pred.kind === 'labels' || wantSurface || opts.lesions ? hardLabels(pred, opts.threshold, fg) : null;
  const hist = hard
    ? jointHistogram(gt.data, hard, opts.ignoreIndex)
    : jointHistogramChunked(gt.data, hardLabeller(pred, opts.threshold, fg), opts.ignoreIndex);
  const targets = opts.targets ?? defaultTargets(pred, hist, opts);
  const wantLovasz = opts.losses.includes('lovasz_hinge') || opts.losses.includes('lovasz_softmax');
  const gamma = opts.params.focalGamma;
  const threads = opts.threads ?? 1;
  const spacing = opts.spacing ?? gt.spacing;
  const voxelVolume = spacing ? spacing.reduce((a, b) => a * b, 1) : null;
  const gtLabelsPresent = hist.gtLabels();

  // Probability-based classes are cached by label so a class evaluated as a target and
  // needed again for the Lovász-softmax is computed once.
  const src = pred.kind === 'labels' ? null : channelSource(pred, fg);
  const classCache = new Map<number, ClassResult>();
  const classResult = (label: number): ClassResult => {
    let r = classCache.get(label);
    if (!r) {
      // A binary uint8 ground truth already is the truth codes of label 1: no copy.
      const binaryGt = gt.data instanceof Uint8Array && opts.ignoreIndex === null && label === 1 && gtLabelsPresent.every((l) => l === 0 || l === 1);
      const t = binaryGt ? (gt.data as Uint8Array) : truthCodes(gt.data, new Set([label]), opts.ignoreIndex);
      if (pred.channels === 1 && pred.quantMax && (label === fg || label === 0)) {
        const max = pred.quantMax;
        const v = label === fg ? pred.data : Uint16Array.from(pred.data, (x) => max - x);
        r = quantizedClass(v, max, t, gamma, wantLovasz);
      } else if (pred.channels === 1 && pred.kind === 'logits' && (label === fg || label === 0)) {
        const z = pred.data;
        // Negation is exact, so a float32 input keeps its fast float32 sort.
        const zz = label === fg ? z : z instanceof Float32Array ? Float32Array.from(z, (v) => -v) : Float64Array.from(z, (v) => -v);
        r = splitClass('logits', zz, t, gamma, wantLovasz, threads);
      } else {
        r = splitClass('probs', src!.channel(label), t, gamma, wantLovasz, threads);
      }
      classCache.set(label, r);
    }
    return r;
  };

  const labels: Record<string, LabelResult> = {};
  const metricKeys = new Set(opts.metrics);
  const sw = opts.switches ?? DEFAULT_SWITCHES;
  const emptyPair = new Map<string, boolean>();
  for (const target of targets) {
    const set = new Set(target.labels);
    const conf = hist.confusion(set);
    const metrics = overlapMetrics(conf, opts.empty, voxelVolume);
    applyOverlapSwitches(metrics, conf, sw);
    emptyPair.set(target.key, conf.tp + conf.fp + conf.fn === 0);
    let sums;
    if (pred.kind === 'labels') sums = labelMapSums(conf, gamma);
    else if (!opts.regions && target.labels.length === 1) sums = classResult(target.labels[0]).sums;
    else {
      const t = truthCodes(gt.data, set, opts.ignoreIndex);
      sums = splitClass('probs', regionProb(src!, target.labels, n), t, gamma, opts.losses.includes('lovasz_hinge'), threads).sums;
    }
    const result: LabelResult = { losses: binaryLosses(sums, opts.params, opts.losses) };
    applyAbsentClassLoss(result.losses, conf.tp + conf.fn === 0, sw);
    for (const k of opts.metrics) if (k in metrics) result[k] = metrics[k];
    labels[target.key] = result;
  }

  if (sw.focalMulticlass === 'categorical' && opts.losses.includes('focal') && pred.kind !== 'labels' && pred.channels > 1 && !opts.regions) {
    const withBg = opts.includeBackground || sw.backgroundIfMultichannel;
    const kept = Array.from({ length: pred.channels }, (_, c) => c).filter((c) => withBg || c !== 0);
    const a = opts.params.focalAlpha;
    const alpha = (c: number) => (!withBg ? 1 : opts.params.focalMode === 'balanced' && c === 0 ? 1 - a : a);
    const byClass = categoricalFocalByClass(pred, gt.data, opts.ignoreIndex, kept, gamma, alpha);
    for (const t of targets) {
      const v = t.labels.length === 1 ? byClass.get(t.labels[0]) : undefined;
      if (v !== undefined) labels[t.key].losses.focal = Number.isFinite(v) ? v : null;
    }
  }

  if (hard && wantSurface) {
    const ignoreMask = opts.ignoreIndex === null ? undefined : ignoreMaskOf(gt.data, opts.ignoreIndex);
    const surf = surfaceMetrics(
      hard,
      gt.data,
      gt.dims,
      spacing ?? gt.dims.map(() => 1),
      targets.map((t) => t.labels),
      { hd95: opts.hd95, nsdTolerance: sw.nsdToleranceRule === 'min-spacing' ? (spacing ? Math.min(...spacing) : 0.5) : opts.nsdTolerance, assd: sw.assd, nsd: sw.nsd, surface: sw.surface },
      ignoreMask,
    );
    targets.forEach((t, k) => {
      const s = surf[k];
      const v = s.reason ? emptySurfaceValues(t.key, emptyPair.get(t.key)!, s.reason, sw, metricKeys, warnings) : s;
      for (const key of SURFACE_METRICS) if (metricKeys.has(key)) labels[t.key][key] = v[key];
    });
  }

  let lesions: Record<string, LesionEntry[]> | undefined;
  if (hard && opts.lesions) {
    const les = caseLesions(gt.data, hard, gt.dims, spacing ?? gt.dims.map(() => 1), targets, opts.lesions, {
      ignoreIndex: opts.ignoreIndex,
      hd95: opts.hd95,
      empty: opts.empty,
    });
    for (const t of targets) Object.assign(labels[t.key], les.values[t.key]);
    lesions = les.entries;
  }

  let lovaszSoftmax: number | null = null;
  if (opts.losses.includes('lovasz_softmax')) {
    const terms: number[] = [];
    const allClasses = sw.lovaszClasses === 'all';
    if (pred.kind === 'labels') {
      const classes = allClasses ? [...new Set([...gtLabelsPresent, ...hist.predLabels()])].sort((a, b) => a - b) : gtLabelsPresent;
      for (const c of classes) terms.push(labelMapSoftmaxTerm(hist.confusion(new Set([c]))));
    } else if (pred.channels === 1) {
      const r = classResult(fg);
      if (Number.isFinite(r.softmaxTerm)) terms.push(r.softmaxTerm);
      else if (allClasses) terms.push(absentSoftmaxTerm(src!.channel(fg), gt.data, opts.ignoreIndex));
      if (Number.isFinite(r.complementSoftmaxTerm)) terms.push(r.complementSoftmaxTerm);
      else if (allClasses) terms.push(absentSoftmaxTerm(src!.channel(0), gt.data, opts.ignoreIndex));
    } else {
      const classes = allClasses ? Array.from({ length: pred.channels }, (_, c) => c) : gtLabelsPresent;
      for (const c of classes) {
        const term = classResult(c).softmaxTerm;
        terms.push(Number.isFinite(term) ? term : absentSoftmaxTerm(src!.channel(c), gt.data, opts.ignoreIndex));
      }
    }
    lovaszSoftmax = terms.length ? terms.reduce((a, b) => a + b, 0) / terms.length : null;
  }

  return {
    labels,
    lovaszSoftmax,
    voxels: hist.total,
    gtLabels: gtLabelsPresent.filter((l) => l !== 0),
    predLabels: pred.kind === 'labels' ? hist.predLabels().filter((l) => l !== 0) : [],
    voxelVolume,
    warnings,
    ...(lesions ? { lesions } : {}),
  };
}

function ignoreMaskOf(gt: ArrayLike<number>, ignore: number): Uint8Array {
  const m = new Uint8Array(gt.length);
  for (let i = 0; i < gt.length; i++) if (gt[i] === ignore) m[i] = 1;
  return m;
}

/**
 * Lovász-softmax term of a class absent from the ground truth (`--lovasz-classes all`):
 * with no positive the Jaccard steps are 1, 0, 0, … so the extension is the largest
 * error, max p over the evaluated voxels.
 */
function absentSoftmaxTerm(p: ArrayLike<number>, gt: ArrayLike<number>, ignore: number | null): number {
  let m = 0;
  for (let i = 0; i < p.length; i++) if ((ignore === null || gt[i] !== ignore) && p[i] > m) m = p[i];
  return m;
}
