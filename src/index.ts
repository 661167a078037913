// segloss as a library: readers, the engine, the run pipeline and the report writers.
export * from './types.js';
export * from './io/index.js';
export * from './losses/index.js';
export * from './report/index.js';
export { compareGeometry, type GeometryMode, type GeometryCheck } from './pipeline/geometry.js';
export { toGroundTruth, toPrediction, type GroundTruth, type Prediction, type InputMode, type NpyAxes } from './pipeline/volume.js';
export { runEvaluation, type RunResult } from './pipeline/run.js';
export { DEFAULT_RUN_CONFIG, type RunConfig } from './pipeline/config.js';
export { mergeReports } from './pipeline/merge.js';
export { MergeError } from './errors.js';
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
