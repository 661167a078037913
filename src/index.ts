// segloss as a library: exactly what the README's "As a library" section documents. Anything
// else is internal (tests import it from its module path) and may change without notice.

// Types of the data flow, and the error a reader or a pairing throws (file + reason).
export * from './types.js';

// Readers: bytes → RawArray.
export {
  readArray,
  readPng,
  readNifti,
  readNpy,
  readNpz,
  readMetaImage,
  readNrrd,
  readTiff,
  DEFAULT_MAX_VOXELS,
  type ReadOptions,
} from './io/index.js';

// Pairing a prediction with its ground truth.
export { toGroundTruth, toPrediction, type GroundTruth, type Prediction, type InputMode, type NpyAxes } from './pipeline/volume.js';

// The engine: evaluateCase, its options, results and scratch, the formulas over a class's sums.
export * from './losses/index.js';

// The run pipeline.
export { runEvaluation, type RunResult } from './pipeline/run.js';
export { DEFAULT_RUN_CONFIG, type RunConfig } from './pipeline/config.js';
export { mergeReports, type MergeOptions } from './pipeline/merge.js';
export { MergeError } from './errors.js';

// The report model and its writers (Report → string).
export type * from './report/model.js';
export { writeJson, writeCsv, writeTable, writeMarkdown, writeNnunet, type TableOptions } from './report/index.js';

// Paired statistics over reports.
export {
  compareStatistics,
  withSummaryIntervals,
  signedRankTest,
  holmAdjust,
  bootstrapMeanIntervals,
  erfc,
  type CompareStatistics,
  type QuantityStatistics,
  type SignedRankResult,
  type Interval,
} from './stats/index.js';
