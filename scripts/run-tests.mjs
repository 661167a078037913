// Runs the vitest suite and ends with the plain closing line CI reads:
// "N passed, M failed" (vitest's own summary is not a line CI recognises).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

// The JSON results go to the system's temp folder: a test run writes nothing into the repository.
const out = join(mkdtempSync(join(tmpdir(), 'segloss-tests-')), 'vitest.json');
const args = ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${out}`, ...process.argv.slice(2)];
// Colour only on a terminal: a log file or CI capture gets plain text.
const env = { ...process.env };
if (!process.stdout.isTTY) {
  env.NO_COLOR = '1';
  delete env.FORCE_COLOR;
}
const r = spawnSync('npx', args, { stdio: 'inherit', env });
if (!existsSync(out)) {
  console.log('0 passed, 1 failed');
  process.exit(r.status || 1);
}
const j = JSON.parse(readFileSync(out, 'utf8'));
rmSync(dirname(out), { recursive: true, force: true });
// A suite that failed to load counts as a failure even though it ran no test.
const brokenFiles = (j.testResults ?? []).filter((f) => f.status === 'failed' && (f.assertionResults ?? []).length === 0).length;
const failed = j.numFailedTests + brokenFiles;
console.log(`${j.numPassedTests} passed, ${failed} failed`);
process.exit(failed > 0 || r.status ? 1 : 0);
