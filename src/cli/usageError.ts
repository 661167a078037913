// The CLI's error for a bad command line or unusable options: exit status 2, each line of
// the message printed as "segloss: <line>" (main.ts).
import { SeglossError } from '../errors.js';

/** Usage-level failure (exit status 2): nothing sensible can be evaluated. */
export class UsageError extends SeglossError {
  readonly code = 'USAGE';
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
