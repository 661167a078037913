// SIGINT / SIGTERM: end the run cleanly. Exit status 128 + signal number (130 for
// SIGINT, 143 for SIGTERM), as a shell reports a process killed by that signal; no
// report file is half-written and no temp file is left behind (abortPendingWrites).
import { abortPendingWrites } from '../report/index.js';

const EXIT_STATUS = { SIGINT: 130, SIGTERM: 143 } as const;
type HandledSignal = keyof typeof EXIT_STATUS;

let interrupted: HandledSignal | null = null;
const cleanups = new Set<() => void>();

/** The signal that interrupted the run, or null. Output code checks it before writing. */
export function interruptedBy(): HandledSignal | null {
  return interrupted;
}

/** Run `fn` (synchronously) when interrupted, before exiting: e.g. clear a progress bar. */
export function onInterrupt(fn: () => void): () => void {
  cleanups.add(fn);
  return () => cleanups.delete(fn);
}

/**
 * Once interrupted, the main flow must not print or write anything more: it parks here
 * until the signal handler ends the process.
 */
export async function haltIfInterrupted(): Promise<void> {
  if (interrupted) await new Promise<never>(() => undefined);
}

export interface InterruptOptions {
  stderr: (s: string) => void;
  exit: (code: number) => void;
}

/** Install the handlers; returns their removal. */
export function installInterruptHandlers(opts: InterruptOptions): () => void {
  const handlers = new Map<HandledSignal, () => void>();
  for (const sig of Object.keys(EXIT_STATUS) as HandledSignal[]) {
    const handler = () => {
      if (interrupted) {
        // A second signal while cleaning up: do not wait any longer.
        opts.exit(EXIT_STATUS[sig]);
        return;
      }
      interrupted = sig;
      for (const fn of cleanups) {
        try {
          fn();
        } catch {
          // Cleanup is best effort; the exit below must happen.
        }
      }
      void abortPendingWrites().then(
        () => {
          opts.stderr(`segloss: interrupted by ${sig}\n`);
          opts.exit(EXIT_STATUS[sig]);
        },
        () => opts.exit(EXIT_STATUS[sig]),
      );
    };
    handlers.set(sig, handler);
    process.on(sig, handler);
  }
  return () => {
    for (const [sig, handler] of handlers) process.removeListener(sig, handler);
  };
}
