// Every error segloss throws on purpose, each with a `code` a caller can switch on without
// importing the class. Messages are one line naming the file, option or expression at
// fault. The CLI's own UsageError is in cli/usageError.ts; it extends SeglossError too.

/** What an error is about; stable across releases. */
export type ErrorCode =
  | 'INPUT'
  | 'FORMAT'
  | 'DISCOVERY'
  | 'GATE_SYNTAX'
  | 'GATE_USAGE'
  | 'REPORT_CONFIG'
  | 'MERGE'
  | 'WRITE_ABORTED'
  | 'USAGE';

/** The base of every error segloss throws on purpose. */
export abstract class SeglossError extends Error {
  abstract readonly code: ErrorCode;
}

/** A reader or pairing failure, always naming the file and the reason in one line. */
export class InputError extends SeglossError {
  readonly code = 'INPUT';
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`${file}: ${reason}`);
    this.name = 'InputError';
  }
}

/**
 * A problem with a file's content, described without the file's name: parsers deep inside
 * a format throw it, and the public reader wraps it in an InputError naming the file.
 */
export class FormatError extends SeglossError {
  readonly code = 'FORMAT';
  constructor(detail: string, options?: { cause?: unknown }) {
    super(detail, options);
    this.name = 'FormatError';
  }
}

/** The paths and layout given lead to no case to evaluate: a missing folder, a bad --pairs file, no match. */
export class DiscoveryError extends SeglossError {
  readonly code = 'DISCOVERY';
  constructor(message: string) {
    super(message);
    this.name = 'DiscoveryError';
  }
}

/** A --gate expression that is not `<path> <op> <number>`. */
export class GateSyntaxError extends SeglossError {
  readonly code = 'GATE_SYNTAX';
  override readonly name = 'GateSyntaxError';
  constructor(
    readonly expr: string,
    readonly reason: string,
  ) {
    super(`invalid gate "${expr}": ${reason}`);
  }
}

/** A gate or baseline check that is well-formed but cannot be evaluated against this report. */
export interface GateProblem {
  expr: string;
  reason: string;
}

/** Every gate or baseline check of one kind that cannot be evaluated, all at once. */
export class GateUsageError extends SeglossError {
  readonly code = 'GATE_USAGE';
  override readonly name = 'GateUsageError';
  constructor(readonly problems: GateProblem[]) {
    super(problems.map((p) => `gate "${p.expr}": ${p.reason}`).join('\n'));
  }
}

/** A report `config` block that cannot be turned back into a RunConfig: names the key. */
export class ReportConfigError extends SeglossError {
  readonly code = 'REPORT_CONFIG';
  constructor(
    readonly key: string,
    reason: string,
  ) {
    super(`config.${key}: ${reason}`);
    this.name = 'ReportConfigError';
  }
}

/** Why shard reports cannot be merged; the message is one line. */
export class MergeError extends SeglossError {
  readonly code = 'MERGE';
  constructor(message: string) {
    super(message);
    this.name = 'MergeError';
  }
}

/** An atomicWrite given up because abortPendingWrites was called (the target is untouched). */
export class WriteAbortedError extends SeglossError {
  readonly code = 'WRITE_ABORTED';
  override readonly name = 'WriteAbortedError';
  constructor(readonly path: string) {
    super(`${path}: write aborted`);
  }
}
