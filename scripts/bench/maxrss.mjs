// Loaded with `node --import` into a benchmarked CLI run when /usr/bin/time is absent:
// writes the process's peak resident set (KiB, worker threads included) to
// $BENCH_MAXRSS_FILE when the process exits.
import { writeFileSync } from 'node:fs';

const file = process.env.BENCH_MAXRSS_FILE;
if (file) process.on('exit', () => writeFileSync(file, String(process.resourceUsage().maxRSS)));
