#!/usr/bin/env node
// Thin launcher: the CLI is compiled from src/cli into dist/ by `npm run build` (run by `prepare`).
import { main } from '../dist/cli/main.js';

main(process.argv).then(
  (code) => { process.exitCode = code; },
  (err) => {
    process.stderr.write(`segloss: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 2;
  },
);
