// evaluateCase: one case's every loss and metric, per target, from a ground-truth label
// map and a prediction already in the engine's layout (see Volume in src/types.ts). This
// file only decides which producer makes each class's sums; the kernels live with their
// kind (producers/, formulas/, walk/, surface/).
import type { Volume } from '../types.js';
import { binaryLosses } from './formulas/binaryLosses.js';
import { lovaszSoftmaxMean } from './formulas/lovaszSoftmax.js';
import { overlapMetrics } from './formulas/overlap.js';
import { jointHistogram, jointHistogramChunked, type JointHistogram } from './producers/confusion.js';
import { channelSource, regionProb } from './producers/channels.js';
import { labelMapSoftmaxTerm, labelMapSums } from './producers/labelMapClass.js';
import { hardLabeller, hardLabels } from './producers/prediction.js';
import type { ClassResult } from './producers/probClass.js';
import { quantizedClass } from './producers/quantizedClass.js';
import { ignoreMaskOf, truthCodes } from './producers/truth.js';
import { splitClass } from './parallel/split.js';
import { DEFAULT_LOSS_PARAMS, DEFAULTS, SURFACE_METRICS, type EmptyPolicy, type Hd95Mode, type LossParams, type Target } from './params.js';
import type { CaseEvaluation, TargetResult } from './results.js';
import { ThreadScratch } from './scratch.js';
import { surfaceMetrics } from './surface/surface.js';

export type { CaseEvaluation, TargetResult } from './results.js';

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
  /** Overrides the ground truth's spacing (--spacing), along the engine's dims. */
  spacing: number[] | null;
}

export const DEFAULT_EVAL_OPTIONS: EvalOptions = {
  ...DEFAULTS,
  targets: null,
  regions: false,
  includeBackground: false,
  ignoreIndex: null,
  params: { ...DEFAULT_LOSS_PARAMS },
  spacing: null,
};

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
  if (!opts.includeBackground) labels.delete(0);
  else labels.add(0);
  return [...labels].sort((a, b) => a - b).map((l) => ({ key: String(l), labels: [l] }));
}

/**
 * @param scratch this thread's buffers and its helper thread, if any (ThreadScratch); a
 *   fresh one when not given
 */
export function evaluateCase(gt: Volume, pred: Volume, opts: EvalOptions = DEFAULT_EVAL_OPTIONS, scratch = new ThreadScratch()): CaseEvaluation {
  const n = gt.data.length;
  const warnings: string[] = [];
  const fg = binaryForeground(opts);
  // A whole-volume hard label map only when the surface metrics need one (or it exists
  // already: a label-map prediction); otherwise the counts are made chunk by chunk.
  const wantSurface = SURFACE_METRICS.some((k) => opts.metrics.includes(k));
  const hard = pred.kind === 'labels' || wantSurface ? hardLabels(pred, opts.threshold, fg) : null;
  const hist = hard
    ? jointHistogram(gt.data, hard, opts.ignoreIndex, scratch.pairs)
    : jointHistogramChunked(gt.data, hardLabeller(pred, opts.threshold, fg), opts.ignoreIndex, scratch.pairs);
  const targets = opts.targets ?? defaultTargets(pred, hist, opts);
  const wantLovasz = opts.losses.includes('lovasz_hinge') || opts.losses.includes('lovasz_softmax');
  const gamma = opts.params.focalGamma;
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
        r = splitClass('logits', zz, t, gamma, wantLovasz, scratch);
      } else {
        r = splitClass('probs', src!.channel(label), t, gamma, wantLovasz, scratch);
      }
      classCache.set(label, r);
    }
    return r;
  };

  const labels: Record<string, TargetResult> = {};
  const metricKeys = new Set(opts.metrics);
  for (const target of targets) {
    const set = new Set(target.labels);
    const conf = hist.confusion(set);
    const metrics = overlapMetrics(conf, opts.empty, voxelVolume);
    let sums;
    if (pred.kind === 'labels') sums = labelMapSums(conf, gamma);
    else if (!opts.regions && target.labels.length === 1) sums = classResult(target.labels[0]).sums;
    else {
      const t = truthCodes(gt.data, set, opts.ignoreIndex);
      sums = splitClass('probs', regionProb(src!, target.labels, n), t, gamma, opts.losses.includes('lovasz_hinge'), scratch).sums;
    }
    const result: TargetResult = { losses: binaryLosses(sums, opts.params, opts.losses), metrics: {} };
    for (const k of opts.metrics) if (k in metrics) result.metrics[k] = metrics[k];
    labels[target.key] = result;
  }

  if (hard && wantSurface) {
    const ignoreMask = opts.ignoreIndex === null ? undefined : ignoreMaskOf(gt.data, opts.ignoreIndex);
    const surf = surfaceMetrics(
      hard,
      gt.data,
      gt.dims,
      spacing ?? gt.dims.map(() => 1),
      targets.map((t) => t.labels),
      { hd95: opts.hd95, nsdTolerance: opts.nsdTolerance },
      ignoreMask,
    );
    targets.forEach((t, k) => {
      const s = surf[k];
      for (const key of SURFACE_METRICS) if (metricKeys.has(key)) labels[t.key].metrics[key] = s[key];
      if (s.reason) warnings.push(`label ${t.key}: surface metrics null: ${s.reason}`);
    });
  }

  let lovaszSoftmax: number | null = null;
  if (opts.losses.includes('lovasz_softmax')) {
    const terms: number[] = [];
    if (pred.kind === 'labels') {
      for (const c of gtLabelsPresent) terms.push(labelMapSoftmaxTerm(hist.confusion(new Set([c]))));
    } else if (pred.channels === 1) {
      const r = classResult(fg);
      terms.push(r.softmaxTerm, r.complementSoftmaxTerm);
    } else {
      for (const c of gtLabelsPresent) terms.push(classResult(c).softmaxTerm);
    }
    lovaszSoftmax = lovaszSoftmaxMean(terms);
  }

  return {
    labels,
    lovaszSoftmax,
    voxels: hist.total,
    gtLabels: gtLabelsPresent.filter((l) => l !== 0),
    predLabels: pred.kind === 'labels' ? hist.predLabels().filter((l) => l !== 0) : [],
    spacing,
    voxelVolume,
    warnings,
  };
}
