// Loaded with `node --import` into a benchmarked CLI run when /usr/bin/time is absent:
// writes the process's peak resident set (KiB, worker threads included) to
// $BENCH_MAXRSS_FILE when the process exits.
import { readFileSync, writeFileSync } from 'node:fs';

const file = process.env.BENCH_MAXRSS_FILE;
// The CLI may evaluate in a child process (src/cli/relaunch.ts) that loads this too: the
// larger of the two peaks is kept.
const before = () => {
  try {
    return Number(readFileSync(file, 'utf8')) || 0;
  } catch {
    return 0;
  }
};
if (file) process.on('exit', () => writeFileSync(file, String(Math.max(before(), process.resourceUsage().maxRSS))));
