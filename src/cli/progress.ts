// Progress on stderr for runs longer than a second: cases done, cases/s and ETA. Drawn
// by cli-progress (cursor handling, throttled redraws, ETA smoothing); only on a TTY and
// never with --quiet, so logs and pipes stay clean.
import cliProgress from 'cli-progress';

export interface Progress {
  /** After each case (evaluateRun's onProgress). */
  update(done: number, total: number, id: string): void;
  /** Remove the bar (idempotent); call before printing anything else. */
  stop(): void;
}

export interface ProgressOptions {
  stream: NodeJS.WriteStream;
  /** false: a no-op (not a TTY, or --quiet). */
  enabled: boolean;
  /** The bar appears only once the run has lasted this long. */
  delayMs?: number;
}

const NOOP: Progress = { update: () => undefined, stop: () => undefined };

function shortId(id: string): string {
  return id.length > 32 ? `${id.slice(0, 31)}…` : id;
}

/** 7s, 2m05s, 1h02m. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

export function createProgress(opts: ProgressOptions): Progress {
  if (!opts.enabled || !opts.stream.isTTY) return NOOP;
  const started = Date.now();
  let done = 0;
  let total = 0;
  let id = '';
  let bar: cliProgress.SingleBar | null = null;
  let stopped = false;

  const payload = () => {
    const seconds = (Date.now() - started) / 1000;
    const rate = seconds > 0 ? done / seconds : 0;
    return {
      speed: rate >= 10 ? rate.toFixed(0) : rate.toFixed(2),
      remaining: rate > 0 ? formatDuration((total - done) / rate) : '?',
      id: shortId(id),
    };
  };

  const show = () => {
    if (stopped || bar || total === 0) return;
    bar = new cliProgress.SingleBar({
      stream: opts.stream,
      format: 'evaluating {bar} {value}/{total} cases | {speed} cases/s | ETA {remaining} | {id}',
      barsize: 24,
      hideCursor: true,
      clearOnComplete: true,
      fps: 5,
    }, cliProgress.Presets.shades_classic);
    bar.start(total, done, payload());
  };
  const timer = setTimeout(show, opts.delayMs ?? 1000);
  timer.unref();

  return {
    update(d, t, caseId) {
      done = d;
      total = t;
      id = caseId;
      if (bar) bar.update(done, payload());
      else if (Date.now() - started >= (opts.delayMs ?? 1000)) show();
    },
    stop() {
      if (stopped) return;
      stopped = true;
      clearTimeout(timer);
      bar?.stop();
      bar = null;
    },
  };
}
