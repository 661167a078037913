// evaluateCase: one case's every loss and metric, per target, from a ground-truth label
// map and a prediction already in the engine's layout (see Volume in src/types.ts). This
// file only decides which producer makes each class's sums; the kernels live with their
// kind (producers/, formulas/, walk/, surface/).
import type { Volume } from '../types.js';
import { agreementMetrics } from './formulas/agreement.js';
import { binaryLosses, meanBce } from './formulas/binaryLosses.js';
import { lovaszSoftmaxMean } from './formulas/lovaszSoftmax.js';
import { overlapMetrics } from './formulas/overlap.js';
import { rankingOfHistograms, rankingOfRuns, type Ranking } from './formulas/ranking.js';
import type { ClassSums } from './formulas/sums.js';
import {
  calibrationMetrics, calibrationSums, quantizedCalibrationSums, reliabilityTable,
  type CalibrationSums, type ReliabilityTable,
} from './producers/calibration.js';
import { categoricalFocalByClass } from './producers/categoricalFocal.js';
import { jointHistogram, jointHistogramChunked, type JointHistogram } from './producers/confusion.js';
import { channelSource, regionProb } from './producers/channels.js';
import { labelMapSoftmaxTerm, labelMapSums } from './producers/labelMapClass.js';
import { foregroundCut, hardLabeller, hardLabels } from './producers/prediction.js';
import type { ClassInput, ClassResult } from './producers/probClass.js';
import { quantizedClass } from './producers/quantizedClass.js';
import { PROBABILITY_SUM_LOSSES } from './producers/probabilitySums.js';
import type { Precounted } from './producers/sumsOnlyChunks.js';
import { ignoreMaskOf, truthCodes } from './producers/truth.js';
import { splitClass } from './parallel/split.js';
import {
  DEFAULT_ECE_BINS, DEFAULT_LOSS_PARAMS, DEFAULTS, PROBABILITY_METRICS, SURFACE_METRICS,
  type EmptyPolicy, type Hd95Mode, type LossParams, type Target,
} from './params.js';
import type { CaseEvaluation, TargetResult } from './results.js';
import { ThreadScratch } from './scratch.js';
import { surfaceListCap, surfaceMetrics } from './surface/surface.js';
import { ForegroundVoxels } from './surface/sparseBoundary.js';
import { applyAbsentClassLoss, applyOverlapSwitches, DEFAULT_SWITCHES, emptySurfaceValues, type Switches } from './switches.js';
import type { Runs } from './walk/lovaszWalk.js';
import { caseLesions } from '../lesions/caseLesions.js';
import type { LesionEntry } from '../lesions/lesionMetrics.js';
import type { LesionOptions } from '../lesions/options.js';
import { complemented, negated } from './speed/elementwise.js';

export type { CaseEvaluation, TargetResult } from './results.js';

/** A class's AUROC/AP and calibration sums, where requested. */
interface RunMetrics {
  ranking?: Ranking;
  calibration?: CalibrationSums;
}

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
  /** Other tools' conventions (switches.ts); segloss's defaults when absent. */
  switches?: Switches;
  /** Lesion-wise evaluation (spec/lesions.md); absent or null = off. */
  lesions?: LesionOptions | null;
  /** Equal-width bins of the ECE and the reliability table (--ece-bins) [15]. */
  eceBins?: number;
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
export function binaryForeground(opts: EvalOptions): number {
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
  // Conventions that always score the background channel of a multi-channel prediction (smp).
  const multichannel = (opts.switches?.backgroundIfMultichannel ?? false) && pred.kind !== 'labels' && pred.channels > 1;
  if (!opts.includeBackground && !multichannel) labels.delete(0);
  else labels.add(0);
  return [...labels].sort((a, b) => a - b).map((l) => ({ key: String(l), labels: [l] }));
}

/**
 * @param scratch this thread's buffers and its helper thread, if any (ThreadScratch); a
 *   fresh one when not given
 * @param consumable the caller does not need `pred.data` afterwards: the engine may
 *   overwrite it (the float32 sort then keys in the prediction's own memory, see
 *   sort/inPlaceBuckets.ts, instead of a second buffer as large)
 * @param precounted the prediction's confusion counts and class sums, taken as its file
 *   was read (sumsOnlyChunks.ts; sums-only requests on one channel): `pred.data` is then
 *   not read, and every class's sums are these
 */
export function evaluateCase(gt: Volume, pred: Volume, opts: EvalOptions = DEFAULT_EVAL_OPTIONS, scratch = new ThreadScratch(), consumable = false, precounted?: Precounted): CaseEvaluation {
  const n = gt.data.length;
  const warnings: string[] = [];
  const fg = binaryForeground(opts);
  // A whole-volume hard label map only when lesions or the surface metrics of a prediction
  // with several channels need one (or it exists already: a label-map prediction);
  // otherwise the counts are made chunk by chunk, and the surface metrics of one channel
  // read it through its cut.
  const wantSurface = SURFACE_METRICS.some((k) => opts.metrics.includes(k));
  const cut = !precounted && wantSurface && !opts.lesions ? foregroundCut(pred, opts.threshold) : null;
  const hard = !precounted && (pred.kind === 'labels' || (wantSurface && cut === null) || opts.lesions) ? hardLabels(pred, opts.threshold, fg) : null;
  // The surface metrics' voxel list, gathered by the counting pass (surface/sparseBoundary.ts).
  const foreground = cut !== null ? new ForegroundVoxels(surfaceListCap(n)) : null;
  const hist = precounted
    ? precounted.hist
    : hard
    ? jointHistogram(gt.data, hard, opts.ignoreIndex, scratch.pairs)
    : jointHistogramChunked(gt.data, hardLabeller(pred, opts.threshold, fg), opts.ignoreIndex, scratch.pairs, foreground ? (start, labels, count) => foreground.add(gt.data, start, labels, count) : undefined);
  const targets = opts.targets ?? defaultTargets(pred, hist, opts);
  const wantLovasz = opts.losses.includes('lovasz_hinge') || opts.losses.includes('lovasz_softmax');
  const wantRank = pred.kind !== 'labels' && (opts.metrics.includes('auroc') || opts.metrics.includes('ap'));
  const wantCalibration = pred.kind !== 'labels' && (opts.metrics.includes('brier') || opts.metrics.includes('ece'));
  const bins = opts.eceBins ?? DEFAULT_ECE_BINS;
  const gamma = opts.params.focalGamma;
  const spacing = opts.spacing ?? gt.spacing;
  const voxelVolume = spacing ? spacing.reduce((a, b) => a * b, 1) : null;
  const gtLabelsPresent = hist.gtLabels();

  // Probability-based classes are cached by label so a class evaluated as a target and
  // needed again for the Lovász-softmax is computed once.
  const src = pred.kind === 'labels' ? null : channelSource(pred, fg);
  const classCache = new Map<number, ClassResult>();
  const extraCache = new Map<number, RunMetrics>();
  // AUROC/AP and the calibration sums, when the groups are sorted (for the Lovász terms, or
  // for AUROC/AP alone): the calibration sums in the Lovász walk, which has each voxel's p
  // already; AUROC/AP from the runs in score order. Unsorted: calibration in one voxel pass.
  // Every requested loss a function of Σp, Σp·t and the counts, no NLL: the pass over the
  // voxels takes those sums alone (one exp per logit, no log1p, no focal term).
  const probabilitiesOnly = opts.losses.every((l) => PROBABILITY_SUM_LOSSES.includes(l)) && !opts.metrics.includes('nll');
  const probClassOf = (input: ClassInput, values: ArrayLike<number>, t: Uint8Array, lovasz: boolean, consume = false): [ClassResult, RunMetrics] => {
    const sort = lovasz || wantRank;
    const extra: RunMetrics = {};
    const onRuns = sort && wantRank ? (pos: Runs, neg: Runs) => (extra.ranking = rankingOfRuns(pos, neg)) : undefined;
    const r = splitClass(input, values, t, gamma, sort, scratch, onRuns, consume && sort, probabilitiesOnly, sort && wantCalibration ? bins : null);
    if (r.calibration) extra.calibration = r.calibration;
    if (wantCalibration && !sort) extra.calibration = calibrationSums(input, values, t, bins);
    return [r, extra];
  };
  const classResult = (label: number): ClassResult => {
    let r = classCache.get(label);
    if (!r && precounted) {
      r = { sums: precounted.classSums(label), softmaxTerm: NaN, complementSoftmaxTerm: NaN };
      classCache.set(label, r);
      extraCache.set(label, {});
    }
    if (!r) {
      let extra: RunMetrics = {};
      // A binary uint8 ground truth already is the truth codes of label 1: no copy.
      const binaryGt = gt.data instanceof Uint8Array && opts.ignoreIndex === null && label === 1 && gtLabelsPresent.every((l) => l === 0 || l === 1);
      const t = binaryGt ? (gt.data as Uint8Array) : truthCodes(gt.data, new Set([label]), opts.ignoreIndex);
      if (pred.channels === 1 && pred.quantMax && (label === fg || label === 0)) {
        const max = pred.quantMax;
        const v = label === fg ? pred.data : complemented(pred.data, max);
        // The class's histograms of v serve AUROC/AP and the calibration sums: no second pass.
        const readHistograms = (h1: Float64Array, h0: Float64Array) => {
          if (wantRank) extra.ranking = rankingOfHistograms(h1, h0);
          // The calibration counts the stored value x; the background's v is max − x.
          if (wantCalibration) {
            extra.calibration = label === fg
              ? quantizedCalibrationSums(h1, h0, max, bins, false)
              : quantizedCalibrationSums(h1.slice().reverse(), h0.slice().reverse(), max, bins, true);
          }
        };
        r = quantizedClass(v, max, t, gamma, wantLovasz, wantRank || wantCalibration ? readHistograms : undefined);
      } else if (pred.channels === 1 && pred.kind === 'logits' && (label === fg || label === 0)) {
        const z = pred.data;
        if (label === fg) [r, extra] = probClassOf('logits', z, t, wantLovasz, lastUseOfValues(label));
        else if ((wantLovasz || wantRank) && z instanceof Float32Array) {
          // The background sorts on −z (negation is exact, so the keys stay float32). Written
          // into this thread's key memory and sorted there, no third volume-sized buffer is
          // held; the classes after it take that memory for their own keys.
          [r, extra] = probClassOf('logits', negated(z, scratch.keys.takeValues(z.length)), t, wantLovasz, true);
        } else [r, extra] = probClassOf('logits', negated(z), t, wantLovasz);
      } else {
        [r, extra] = probClassOf('probs', src!.channel(label), t, wantLovasz);
      }
      classCache.set(label, r);
      extraCache.set(label, extra);
    }
    return r;
  };

  // The binary logits' one class is the last reader of pred.data when it is the only
  // target, and both truth groups hold voxels (else the Lovász-softmax's absent-class term
  // reads the prediction again); every other reader (hard labels, confusion counts) has run.
  const lastUseOfValues = (label: number): boolean => {
    if (!consumable || pred.channels !== 1 || pred.kind !== 'logits' || opts.regions) return false;
    if (targets.length !== 1 || targets[0].labels.length !== 1 || targets[0].labels[0] !== label) return false;
    const c = hist.confusion(new Set([label]));
    return c.tp + c.fn > 0 && c.tn + c.fp > 0;
  };

  const labels: Record<string, TargetResult> = {};
  const metricKeys = new Set(opts.metrics);
  const sw = opts.switches ?? DEFAULT_SWITCHES;
  const emptyPair = new Map<string, boolean>();
  const wantReliability = pred.kind !== 'labels' && opts.metrics.includes('ece');
  const reliability: Record<string, ReliabilityTable> = {};
  // Before the classes: the last of them may take the prediction's memory for its sort keys.
  const surf = wantSurface
    ? surfaceMetrics(
        hard ?? { values: pred.data, cut: cut!, foreground: fg, labels: () => hardLabels(pred, opts.threshold, fg) },
        gt.data,
        gt.dims,
        spacing ?? gt.dims.map(() => 1),
        targets.map((t) => t.labels),
        { hd95: opts.hd95, nsdTolerance: sw.nsdToleranceRule === 'min-spacing' ? (spacing ? Math.min(...spacing) : 0.5) : opts.nsdTolerance, assd: sw.assd, nsd: sw.nsd, surface: sw.surface },
        opts.ignoreIndex === null ? undefined : ignoreMaskOf(gt.data, opts.ignoreIndex),
        foreground?.voxels(),
      )
    : null;
  for (const target of targets) {
    const set = new Set(target.labels);
    const conf = hist.confusion(set);
    const metrics = { ...overlapMetrics(conf, opts.empty, voxelVolume), ...agreementMetrics(conf, opts.empty, voxelVolume) };
    applyOverlapSwitches(metrics, conf, sw);
    emptyPair.set(target.key, conf.tp + conf.fp + conf.fn === 0);
    let sums;
    let extra: RunMetrics = {};
    if (pred.kind === 'labels') sums = labelMapSums(conf, gamma);
    else if (!opts.regions && target.labels.length === 1) {
      sums = classResult(target.labels[0]).sums;
      extra = extraCache.get(target.labels[0])!;
    } else {
      const t = truthCodes(gt.data, set, opts.ignoreIndex);
      const [r, e] = probClassOf('probs', regionProb(src!, target.labels, n), t, opts.losses.includes('lovasz_hinge'));
      sums = r.sums;
      extra = e;
    }
    Object.assign(metrics, probabilityMetrics(pred.kind === 'labels' ? null : sums.n, sums, extra));
    if (wantReliability && extra.calibration) reliability[target.key] = reliabilityTable(extra.calibration);
    const result: TargetResult = { losses: binaryLosses(sums, opts.params, opts.losses), metrics: {} };
    applyAbsentClassLoss(result.losses, conf.tp + conf.fn === 0, sw);
    for (const k of opts.metrics) if (k in metrics) result.metrics[k] = metrics[k];
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

  if (surf) {
    targets.forEach((t, k) => {
      const s = surf[k];
      const v = s.reason ? emptySurfaceValues(t.key, emptyPair.get(t.key)!, s.reason, sw, metricKeys, warnings) : s;
      for (const key of SURFACE_METRICS) if (metricKeys.has(key)) labels[t.key].metrics[key] = v[key];
    });
  }

  let lesions: Record<string, LesionEntry[]> | undefined;
  if (hard && opts.lesions) {
    const les = caseLesions(gt.data, hard, gt.dims, spacing ?? gt.dims.map(() => 1), targets, opts.lesions, {
      ignoreIndex: opts.ignoreIndex,
      hd95: opts.hd95,
      empty: opts.empty,
    });
    for (const t of targets) Object.assign(labels[t.key].metrics, les.values[t.key]);
    lesions = les.entries;
  }

  let lovaszSoftmax: number | null = null;
  if (opts.losses.includes('lovasz_softmax')) {
    const terms: number[] = [];
    // --lovasz-classes all: a class absent from the ground truth enters with its own term.
    const allClasses = sw.lovaszClasses === 'all';
    const orAbsent = (term: number, c: number) => (Number.isFinite(term) || !allClasses ? term : absentSoftmaxTerm(src!.channel(c), gt.data, opts.ignoreIndex));
    if (pred.kind === 'labels') {
      const classes = allClasses ? [...new Set([...gtLabelsPresent, ...hist.predLabels()])].sort((a, b) => a - b) : gtLabelsPresent;
      for (const c of classes) terms.push(labelMapSoftmaxTerm(hist.confusion(new Set([c]))));
    } else if (pred.channels === 1) {
      const r = classResult(fg);
      terms.push(orAbsent(r.softmaxTerm, fg), orAbsent(r.complementSoftmaxTerm, 0));
    } else {
      const classes = allClasses ? Array.from({ length: pred.channels }, (_, c) => c) : gtLabelsPresent;
      for (const c of classes) terms.push(orAbsent(classResult(c).softmaxTerm, c));
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
    ...(lesions ? { lesions } : {}),
    ...(opts.metrics.includes('ece') ? { reliability: pred.kind === 'labels' ? null : reliability } : {}),
  };
}

/**
 * brier, nll, ece, auroc, ap of one target: null for a label-map prediction (n null) and
 * for a target without evaluated voxels; nll is the BCE term of bce_dice.
 */
function probabilityMetrics(n: number | null, sums: ClassSums, extra: RunMetrics): Record<string, number | null> {
  const out: Record<string, number | null> = Object.fromEntries(PROBABILITY_METRICS.map((k) => [k, null]));
  if (n === null || n === 0) return out;
  out.nll = meanBce(sums);
  if (extra.calibration) Object.assign(out, calibrationMetrics(extra.calibration));
  if (extra.ranking) Object.assign(out, extra.ranking);
  return out;
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
