// The report layer: pure writers (Report → string), gates, baselines, atomic output.
export type * from './model.js';
export { writeJson, sanitizeForJson } from './json.js';
export { writeCsv, csvField } from './csv.js';
export { writeTable, TRUNCATE_ABOVE, WORST_SHOWN, type TableOptions } from './table.js';
export { writeMarkdown, mdEscape } from './markdown.js';
export { groupWarnings, warningGroupLine, warningKind, type WarningGroup } from './warningGroups.js';
export { writeNnunet, toNnunetSummary, pythonTupleKey, pythonFloat, NNUNET_METRIC_KEYS, type NnunetSummary } from './nnunet.js';
export { atomicWrite, abortPendingWrites, formatForPath, type OutputFormat } from './atomic.js';
export { GateSyntaxError, GateUsageError, WriteAbortedError, type GateProblem } from '../errors.js';
export {
  parseGate,
  evaluateGates,
  evaluateCaseGates,
  formatGateFailure,
  resolvePath,
  type Gate,
  type GateOp,
  type CaseGateResult,
  type CaseGateFailure,
} from './gates.js';
export {
  compareToBaseline,
  compareReports,
  writeCompareTable,
  formatBaselineFailure,
  lowerIsBetter,
  type MaxDrop,
  type BaselineCheck,
  type ReportComparison,
  type QuantityComparison,
  type CaseChange,
  type CompareOptions,
  type CompareTableOptions,
} from './baseline.js';
