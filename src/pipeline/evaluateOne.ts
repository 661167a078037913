// One case end to end: read both files, pair them, run the engine. Every failure
// becomes an error entry naming the file; nothing here throws for bad input.
import { readArray } from '../io/index.js';
import { evaluateCase, type CaseEvaluation, type EvalOptions } from '../losses/evaluate.js';
import { SPLIT_MIN, SplitHelper } from '../losses/parallel/split.js';
import { splitNow, type SplitChoice } from './splitChoice.js';
import { ThreadScratch } from '../losses/scratch.js';
import { InputError } from '../types.js';
import type { CaseResult } from '../report/model.js';
import { labelResultsOf } from '../report/fromEngine.js';
import type { RunConfig } from './config.js';
import type { CasePair } from './discover.js';
import { caseSkeleton } from './caseSkeleton.js';
import { guessWarnings } from './guesses.js';
import { checkDiscoveredChannels, checkDiscoveredLabels } from './labelGuard.js';
import { toGroundTruth, toPrediction } from './volume.js';
import { readPredictionOrHeader, streamableRequest, streamPrediction, wholePrediction } from './streamSums.js';
import { compareGeometry } from './geometry.js';

/**
 * A case as evaluated on its own: an ok case carries only the labels present in it
 * (reportBody completes every case to the run's one label set), its voxel count, the
 * labels it found, and the case-level Lovász-softmax in `losses`.
 */
export interface CaseOutcome {
  result: CaseResult;
}

export function evalOptionsOf(c: RunConfig): EvalOptions {
  const targets = c.regions ?? (c.labels ? c.labels.map((l) => ({ key: String(l), labels: [l] })) : null);
  const withBg =
    targets && !c.regions && c.includeBackground && !targets.some((t) => t.labels.includes(0))
      ? [{ key: '0', labels: [0] }, ...targets]
      : targets;
  return {
    targets: withBg,
    regions: c.regions !== null,
    includeBackground: c.includeBackground,
    ignoreIndex: c.ignoreIndex,
    threshold: c.threshold,
    empty: c.empty,
    losses: c.losses,
    metrics: c.metrics,
    params: c.params,
    hd95: c.hd95,
    nsdTolerance: c.nsdTolerance,
    spacing: c.spacing,
    switches: c.switches,
    lesions: c.lesions ?? null,
    eceBins: c.eceBins,
  };
}

/** This thread's engine scratch: one without a helper, and one with, made when a run first splits a case. */
const scratchOf: { alone?: ThreadScratch; split?: ThreadScratch } = {};

/** @param split whether a large case may be split over a helper thread (a run with fewer cases than workers) */
function threadScratch(split: boolean): ThreadScratch {
  if (split) return (scratchOf.split ??= new ThreadScratch(SplitHelper.start()));
  return (scratchOf.alone ??= new ThreadScratch());
}

/** One line naming the file: an InputError as is, anything else as an internal error on the case's prediction. */
export function errorMessage(e: unknown, file: string): string {
  if (e instanceof InputError) return e.message;
  const msg = e instanceof Error ? e.message : String(e);
  return `${file}: internal error (${msg.split('\n')[0]})`;
}

export async function evaluatePair(pair: CasePair, c: RunConfig, debug = false, split: SplitChoice = 'no'): Promise<CaseOutcome> {
  if (pair.problem) return { result: caseSkeleton(pair, 'error', pair.problem) };
  if (pair.pred === null) return { result: caseSkeleton(pair, c.missing === 'error' ? 'error' : 'missing', `no prediction for ${pair.gt}`) };
  const t0 = performance.now();
  try {
    // Both reads settle before the case is decided: a read still inflating when a worker
    // reports its case (and is then stopped) can crash Node's zlib cleanup. The error named
    // is the ground truth's, then the prediction's, whichever failed first.
    // A sums-only request on a float .npy reads only its header here (streamSums.ts).
    const streamable = streamableRequest(c, pair.pred);
    const [gtRead, predRead] = await Promise.allSettled([
      readArray(pair.gt, { maxVoxels: c.maxVoxels }),
      readPredictionOrHeader(pair.pred, c, streamable),
    ]);
    if (gtRead.status === 'rejected') throw gtRead.reason;
    if (predRead.status === 'rejected') throw predRead.reason;
    const gtRaw = gtRead.value;
    const gt = toGroundTruth(gtRaw, c.ignoreIndex);
    if (c.spacing && c.spacing.length !== gt.dims.length) {
      throw new InputError(pair.gt, `--spacing gives ${c.spacing.length} values for a ${gt.dims.length}D ground truth`);
    }
    if (c.switches.surface === 'surfels' && c.metrics.some((m) => ['hd', 'hd95', 'assd', 'nsd'].includes(m)) && gt.dims.length !== 2 && gt.dims.length !== 3) {
      throw new InputError(pair.gt, `--surface surfels needs a 2D or 3D ground truth, got ${gt.dims.length}D`);
    }
    const opts = evalOptionsOf(c);
    // Evaluated chunk by chunk as it is read when it fits (streamSums.ts); else read whole.
    // The streamed pass runs on this thread alone: a helper would have nothing to do.
    const streamed = await streamPrediction(predRead.value, gt, pair.gt, c, opts);
    const predRaw = streamed?.raw ?? (await wholePrediction(predRead.value, c));
    const pred = streamed?.pred ?? toPrediction(predRaw, gt, pair.gt, { input: c.input, ignoreIndex: c.ignoreIndex, npyAxes: c.npyAxes });
    const geometry = compareGeometry(gtRaw.geometry, predRaw.geometry, gt.spacing, c.geometry ?? 'error');
    if (geometry.error) throw new InputError(pair.pred, geometry.error);
    if (!c.labels && !c.regions) {
      checkDiscoveredLabels(gt.data, pair.gt, 'ground truth');
      if (pred.kind === 'labels') checkDiscoveredLabels(pred.data, pair.pred, 'prediction');
      else checkDiscoveredChannels(pred.channels, pair.pred);
    }
    // The prediction's data are read by nothing after the engine: it may sort in their memory.
    // Only a float prediction's classes are split, and only large ones.
    const splits = !streamed && pred.kind !== 'labels' && gt.data.length >= SPLIT_MIN && (await splitNow(split));
    const evaluation: CaseEvaluation = evaluateCase(gt, pred, opts, threadScratch(splits), true, streamed?.precounted);
    return {
      result: {
        ...caseSkeleton(pair),
        input: pred.kind,
        shape: gt.fileShape,
        // The spacing the engine used (--spacing, else the header's), in its axis order.
        spacing: evaluation.spacing ?? gt.fileShape.map(() => 1),
        warnings: [
          ...(gtRaw.notes ?? []).map((n) => `gt: ${n}`),
          ...(predRaw.notes ?? []).map((n) => `pred: ${n}`),
          ...pred.warnings,
          ...geometry.warnings,
          ...evaluation.warnings,
          ...guessWarnings({
            gtRaw, predRaw, gtData: gt.data, predKind: pred.kind, predChannels: pred.channels,
            predData: pred.kind === 'labels' ? pred.data : null,
            gtLabels: evaluation.gtLabels, predLabels: evaluation.predLabels,
            spacing: c.spacing, ignoreIndex: c.ignoreIndex, explicitTargets: c.labels !== null || c.regions !== null,
          }),
        ],
        ...(pred.npyAxes ? { npy_axes: pred.npyAxes } : {}),
        labels: labelResultsOf(evaluation.labels),
        losses: c.losses.includes('lovasz_softmax') ? { lovasz_softmax: evaluation.lovaszSoftmax } : {},
        voxels: evaluation.voxels,
        labels_found: { gt: evaluation.gtLabels, pred: evaluation.predLabels },
        voxel_volume_mm3: evaluation.voxelVolume,
        ...(evaluation.lesions ? { lesions: evaluation.lesions } : {}),
        ...(evaluation.reliability !== undefined ? { reliability: evaluation.reliability } : {}),
        seconds: (performance.now() - t0) / 1000,
      },
    };
  } catch (e) {
    // --debug: the stack of every failure, bad input included, with what caused it.
    if (debug && e instanceof Error) process.stderr.write(`${stackWithCauses(e)}\n`);
    return { result: caseSkeleton(pair, 'error', errorMessage(e, pair.pred ?? pair.gt)) };
  }
}

function stackWithCauses(e: Error): string {
  const parts: string[] = [];
  for (let at: unknown = e, depth = 0; at instanceof Error && depth < 5; at = at.cause, depth++) {
    parts.push(depth === 0 ? String(at.stack) : `caused by: ${at.stack}`);
  }
  return parts.join('\n');
}
