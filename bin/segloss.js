#!/usr/bin/env node
// Thin launcher: the CLI is compiled from src/cli into dist/ by `npm run build` (run by `prepare`).
// On Linux with glibc, `eval` runs in a child process with malloc tuned (dist/cli/relaunch.js).
import { fileURLToPath } from 'node:url';
import { onGlibc, relaunch, shouldRelaunch } from '../dist/cli/relaunch.js';

const args = process.argv.slice(2);
if (shouldRelaunch(args, process.env, process.platform, onGlibc)) {
  process.exitCode = await relaunch(fileURLToPath(import.meta.url), args);
} else {
  const { main } = await import('../dist/cli/main.js');
  await main(process.argv).then(
    (code) => { process.exitCode = code; },
    (err) => {
      process.stderr.write(`segloss: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 2;
    },
  );
}
