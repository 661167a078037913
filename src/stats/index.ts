// Paired statistics over reports (statistics.md): pure kernels (erfc, Wilcoxon signed-rank,
// Holm, percentile bootstrap) and what `compare`, `eval --ci` and `--regression-test` build
// from them.
export { erfc } from './erfc.js';
export { signedRankTest, subsetSumCounts, exactTails, EXACT_MAX_N, type Alternative, type SignedRankResult, type SignedRankMethod } from './wilcoxon.js';
export { holmAdjust } from './holm.js';
export { createRng, type Rng } from './rng.js';
export { bootstrapMeanIntervals, resampleMeans, quantileSorted, DEFAULT_RESAMPLES, DEFAULT_CONFIDENCE, type Interval, type BootstrapOptions } from './bootstrap.js';
export { quantityDirection, metricDirection, directedQuantities, okPairs, pairedValues, caseValue, type Direction } from './quantities.js';
export { compareStatistics, filterKeys, verdictOf, type CompareStatistics, type QuantityStatistics, type Verdict, type CompareStatisticsOptions } from './compare.js';
export { withSummaryIntervals, summaryEntries, type SummaryEntry } from './summaryCi.js';
export { regressionTest, perCaseQuantity, MIN_PAIRS, type RegressionTestResult } from './regression.js';
