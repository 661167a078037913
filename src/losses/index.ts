// The loss/metric engine as a library (README "As a library"): evaluateCase and its
// options and results, the loss formulas over a class's sums, the surface metrics.
export * from './params.js';
export { DEFAULT_EVAL_OPTIONS, evaluateCase, type EvalOptions } from './evaluate.js';
export { absentTarget, type AbsentTargetOptions, type CaseEvaluation, type TargetResult } from './results.js';
export { ThreadScratch } from './scratch.js';
export { SplitHelper } from './parallel/split.js';
export { emptySums, type ClassSums } from './formulas/sums.js';
export * from './formulas/binaryLosses.js';
export { overlapMetrics } from './formulas/overlap.js';
export { surfaceMetrics, type SurfaceMetrics, type SurfaceOptions } from './surface/surface.js';
