// On Linux with glibc, `segloss eval` runs itself again in a child process whose malloc
// keeps the memory it frees and backs large buffers with huge pages. glibc reads these
// settings (GLIBC_TUNABLES) only when a process starts, so they cannot be set from inside.
// Why: a first touch of a page costs ~10 µs on a virtual machine, and by default glibc
// gives a large freed buffer back to the kernel — a worker thread's arena after every
// case — so the next case faults it in again: a batch of 3000 PNG cases on two worker
// threads spent more time in page faults than on one thread (docs/performance.md).
//
// The child is the whole run; this process only waits for it. The child has its own
// process group, so a Ctrl-C at the terminal reaches this process alone, and is passed on
// exactly once (the child's handler counts a second SIGINT as "stop waiting").
import { spawn } from 'node:child_process';
import { constants } from 'node:os';

/**
 * GLIBC_TUNABLES of the child: huge pages for malloc'd buffers, no mmap below 32 MiB, no
 * trim below 256 MiB, and every arena grown 64 MiB beyond what it needs (top_pad): a
 * worker thread's arena otherwise kept growing and shrinking its heap from case to case
 * (W5 on two workers: 63 k minor faults → 37 k, ~8 % faster; W2's peak +10 MB).
 */
export const MALLOC_TUNING =
  'glibc.malloc.hugetlb=1:glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=268435456:glibc.malloc.top_pad=67108864';

const FORWARDED = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/**
 * Whether `segloss <args>` should run in a tuned child: the eval command, on Linux with
 * glibc, when the user set neither GLIBC_TUNABLES (their setting wins, and the child has
 * it) nor SEGLOSS_RELAUNCH=0.
 */
export function shouldRelaunch(args: readonly string[], env: NodeJS.ProcessEnv, platform: NodeJS.Platform, glibc: () => boolean): boolean {
  if (args[0] !== 'eval' || platform !== 'linux') return false;
  if (env.GLIBC_TUNABLES !== undefined || env.SEGLOSS_RELAUNCH === '0') return false;
  return glibc();
}

/** Whether this process runs on glibc (musl and others ignore GLIBC_TUNABLES). */
export function onGlibc(): boolean {
  const header = (process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined)?.header;
  return typeof header?.glibcVersionRuntime === 'string';
}

/**
 * Runs `node <execArgv> script <args>` with MALLOC_TUNING and waits for it; resolves with
 * its exit status. A child killed by a signal is reported as this process killed by it.
 */
export function relaunch(script: string, args: readonly string[]): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...process.execArgv, script, ...args], {
      stdio: 'inherit',
      env: { ...process.env, GLIBC_TUNABLES: MALLOC_TUNING },
      detached: true,
    });
    const handlers = FORWARDED.map((sig) => {
      const h = () => {
        child.kill(sig);
      };
      process.on(sig, h);
      return [sig, h] as const;
    });
    const done = () => {
      for (const [sig, h] of handlers) process.removeListener(sig, h);
    };
    child.on('error', (err) => {
      done();
      process.stderr.write(`segloss: could not start the evaluation process (${err.message}); set SEGLOSS_RELAUNCH=0 to run in this one\n`);
      resolve(2);
    });
    child.on('exit', (code, signal) => {
      done();
      if (signal) {
        // The same death as the child's; should this signal not end a process, its status.
        process.kill(process.pid, signal);
        resolve(128 + (constants.signals[signal] ?? 0));
        return;
      }
      resolve(code ?? 2);
    });
  });
}
